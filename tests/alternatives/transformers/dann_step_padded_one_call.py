"""Correct: pads both batches to one length and encodes them in one call (padding is masked)."""

# ruff: noqa: F821
# grad_reverse: defined by the notebook
import torch
import torch.nn.functional as F


def dann_step(encoder, head, domain_head, opt, src_ids, src_y, tgt_ids, lam):
    n, T = len(src_ids), max(src_ids.shape[1], tgt_ids.shape[1])
    ids = torch.cat(
        [F.pad(src_ids, (0, T - src_ids.shape[1])), F.pad(tgt_ids, (0, T - tgt_ids.shape[1]))]
    )
    features = encoder(ids)  # source rows first
    task_loss = torch.nn.CrossEntropyLoss()(head(features[:n]), src_y)
    domain = torch.zeros(len(ids), 1)
    domain[n:] = 1.0
    bce = torch.nn.BCEWithLogitsLoss(reduction="sum")
    domain_loss = bce(domain_head(grad_reverse(features, lam)), domain) / len(ids)
    for p in (q for group in opt.param_groups for q in group["params"]):
        p.grad = None
    torch.autograd.backward(task_loss + domain_loss)
    opt.step()
    return task_loss.item(), domain_loss.item()
