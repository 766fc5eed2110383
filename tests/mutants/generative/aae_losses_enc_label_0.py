"""loss_enc scores the codes against label 0, the discriminator's own target.

target: aae_losses
hint: loss_enc scores the codes against label 0
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch
import torch.nn.functional as F


def aae_losses(z_enc, z_prior, D):
    bce = F.binary_cross_entropy_with_logits
    d_prior, d_enc = D(z_prior), D(z_enc.detach())
    loss_d = bce(d_prior, torch.ones_like(d_prior)) + bce(d_enc, torch.zeros_like(d_enc))
    d_fool = D(z_enc)
    return loss_d, bce(d_fool, torch.zeros_like(d_fool))
