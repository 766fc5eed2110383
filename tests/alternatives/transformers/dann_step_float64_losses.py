"""Correct: the losses computed in float64."""

# ruff: noqa: F821
# grad_reverse: defined by the notebook
import torch
import torch.nn.functional as F


def dann_step(encoder, head, domain_head, opt, src_ids, src_y, tgt_ids, lam):
    f_src, f_tgt = encoder(src_ids).double(), encoder(tgt_ids).double()
    task_loss = F.cross_entropy(head(f_src.float()).double(), src_y)
    reversed_ = grad_reverse(torch.cat([f_src, f_tgt]), lam).float()
    z = domain_head(reversed_).double()
    y = torch.cat([torch.zeros(len(f_src), 1), torch.ones(len(f_tgt), 1)]).double()
    domain_loss = F.binary_cross_entropy_with_logits(z, y)
    opt.zero_grad()
    (task_loss + domain_loss).backward()
    opt.step()
    return task_loss.item(), domain_loss.item()
