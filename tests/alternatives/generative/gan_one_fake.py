"""Correct: G(z) computed once, both gradients zeroed up front, the fakes detached for (a) and
scored again in (b) by the updated D (G has not moved, so G(z) is still the same)."""

import torch
import torch.nn.functional as F


def gan_train_step(G, D, opt_g, opt_d, real, z):
    opt_g.zero_grad()
    opt_d.zero_grad()
    fake = G(z)  # (N, d)
    logits = D(torch.cat([real, fake.detach()]))  # (2N, 1): real rows first
    n = len(real)
    loss_d = F.binary_cross_entropy_with_logits(
        logits[:n], torch.ones(n, 1)
    ) + F.binary_cross_entropy_with_logits(logits[n:], torch.zeros(len(fake), 1))
    loss_d.backward()
    opt_d.step()
    d_gen = D(fake)  # the updated D, on the same fakes, with their graph to G
    loss_g = F.binary_cross_entropy_with_logits(d_gen, torch.ones_like(d_gen))
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
