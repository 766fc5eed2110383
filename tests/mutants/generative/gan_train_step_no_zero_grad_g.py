"""Zeroes D's gradients twice and G's never: G's step adds the previous call's gradient.

target: gan_train_step
hint: opt_g.zero_grad()
unaffected: conv1d, ConvAutoencoder, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

import torch
import torch.nn.functional as F


def gan_train_step(G, D, opt_g, opt_d, real, z):
    bce = F.binary_cross_entropy_with_logits
    opt_d.zero_grad()
    d_real, d_fake = D(real), D(G(z).detach())
    loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
    loss_d.backward()
    opt_d.step()
    opt_d.zero_grad()
    d_gen = D(G(z))
    loss_g = bce(d_gen, torch.ones_like(d_gen))
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
