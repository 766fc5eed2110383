"""One optimizer step on the task loss, then another on a fresh domain loss.

target: dann_step
hint: two optimizer steps
unaffected: layer_norm, feed_forward, grad_reverse, freeze, mlm_loss
"""

# ruff: noqa: F821
# grad_reverse: defined by the notebook
import torch
import torch.nn.functional as F


def dann_step(encoder, head, domain_head, opt, src_ids, src_y, tgt_ids, lam):
    f_src, f_tgt = encoder(src_ids), encoder(tgt_ids)
    task_loss = F.cross_entropy(head(f_src), src_y)
    features = torch.cat([f_src, f_tgt])
    domain = torch.cat([torch.zeros(len(f_src)), torch.ones(len(f_tgt))]).unsqueeze(-1)
    domain_loss = F.binary_cross_entropy_with_logits(
        domain_head(grad_reverse(features, lam)), domain
    )
    opt.zero_grad()
    task_loss.backward()
    opt.step()
    features = torch.cat([encoder(src_ids), encoder(tgt_ids)])
    domain_loss = F.binary_cross_entropy_with_logits(
        domain_head(grad_reverse(features, lam)), domain
    )
    opt.zero_grad()
    domain_loss.backward()
    opt.step()
    return task_loss.item(), domain_loss.item()
