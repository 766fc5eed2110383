"""Correct: the binary cross-entropies written by hand from F.logsigmoid, in float64.

-log sigmoid(x) = -logsigmoid(x) (label 1) and -log(1 - sigmoid(x)) = -logsigmoid(-x) (label 0).
"""

import torch.nn.functional as F


def gan_train_step(G, D, opt_g, opt_d, real, z):
    opt_d.zero_grad()
    d_real, d_fake = D(real).double(), D(G(z).detach()).double()
    loss_d = -F.logsigmoid(d_real).mean() - F.logsigmoid(-d_fake).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = -F.logsigmoid(D(G(z)).double()).mean()
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
