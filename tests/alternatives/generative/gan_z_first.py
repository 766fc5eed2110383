"""Correct: train_gan drawing z before the minibatch (the contract leaves the order free), the
minibatch indices with torch.randint(0, N, ...), and each optimizer built from a list."""

import torch


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt_d = torch.optim.Adam(list(D.parameters()), lr=lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(list(G.parameters()), lr=lr, betas=(0.5, 0.999))
    losses = []
    for _ in range(steps):
        z = torch.randn((batch_size, z_dim), generator=generator)
        idx = torch.randint(0, data.shape[0], (batch_size,), generator=generator)
        loss_d, loss_g = gan_train_step(G, D, opt_g, opt_d, data[idx], z)  # noqa: F821
        losses.append((loss_d, loss_g))
    return losses
