"""Correct: the losses written out (log-softmax, softplus), the labels with new_zeros/new_ones."""

# ruff: noqa: F821
# grad_reverse: defined by the notebook
import torch
import torch.nn.functional as F


def dann_step(encoder, head, domain_head, opt, src_ids, src_y, tgt_ids, lam):
    f_src = encoder(src_ids)  # (N_s, d)
    f_tgt = encoder(tgt_ids)  # (N_t, d)
    log_p = torch.log_softmax(head(f_src), dim=-1)
    task_loss = -log_p.gather(1, src_y.unsqueeze(1)).mean()
    z = domain_head(grad_reverse(torch.cat([f_src, f_tgt], dim=0), lam)).squeeze(1)
    y = torch.cat([z.new_zeros(len(f_src)), z.new_ones(len(f_tgt))])
    domain_loss = (F.softplus(z) - y * z).mean()
    opt.zero_grad(set_to_none=False)
    loss = task_loss + domain_loss
    loss.backward()
    opt.step()
    return float(task_loss), float(domain_loss)
