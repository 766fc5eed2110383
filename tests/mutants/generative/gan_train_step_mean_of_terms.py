"""loss_d is the average of the real and fake terms (one BCE over the concatenated logits).

target: gan_train_step
hint: not their average
unaffected: conv1d, ConvAutoencoder, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

import torch
import torch.nn.functional as F


def gan_train_step(G, D, opt_g, opt_d, real, z):
    bce = F.binary_cross_entropy_with_logits
    opt_d.zero_grad()
    logits = torch.cat([D(real), D(G(z).detach())])  # (2N, 1)
    labels = torch.cat([torch.ones(len(real), 1), torch.zeros(len(z), 1)])
    loss_d = bce(logits, labels)
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    d_gen = D(G(z))
    loss_g = bce(d_gen, torch.ones_like(d_gen))
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
