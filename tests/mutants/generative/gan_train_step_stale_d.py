"""Computes both losses up front, so G's loss is scored by the D from before its update.

target: gan_train_step
hint: scored by D before its update
unaffected: conv1d, ConvAutoencoder, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

import torch
import torch.nn.functional as F


def gan_train_step(G, D, opt_g, opt_d, real, z):
    bce = F.binary_cross_entropy_with_logits
    fake = G(z)
    d_real, d_fake, d_gen = D(real), D(fake.detach()), D(fake)
    loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
    loss_g = bce(d_gen, torch.ones_like(d_gen))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    return loss_d.item(), loss_g.item()
