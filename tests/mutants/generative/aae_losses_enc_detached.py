"""Detaches z_enc once and uses it for both losses: loss_enc sends nothing to the encoder.

target: aae_losses
hint: no gradient of loss_enc reaches z_enc
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch
import torch.nn.functional as F


def aae_losses(z_enc, z_prior, D):
    bce = F.binary_cross_entropy_with_logits
    z_enc = z_enc.detach()
    d_prior, d_enc = D(z_prior), D(z_enc)
    loss_d = bce(d_prior, torch.ones_like(d_prior)) + bce(d_enc, torch.zeros_like(d_enc))
    return loss_d, bce(d_enc, torch.ones_like(d_enc))
