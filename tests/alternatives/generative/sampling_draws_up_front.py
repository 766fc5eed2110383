"""Correct, with the random draws in other orders: train_ddpm draws t, then eps, then the rows
(torch.multinomial over uniform weights, with replacement); sample_ddpm draws x_T and every z
before the loop, z for all T-1 noisy steps in one tensor."""

# ruff: noqa: F821
# ddpm_schedule, ddpm_loss, p_sample_step: defined by the notebook
import torch


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    alpha_bars = ddpm_schedule(T)[2]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    weights = torch.ones(len(data))
    losses = []
    for _ in range(steps):
        t = torch.randint(0, T, (batch_size,), generator=generator)
        eps = torch.randn(batch_size, data.shape[1], generator=generator)
        rows = torch.multinomial(weights, batch_size, replacement=True, generator=generator)
        loss = ddpm_loss(model, data[rows], t, eps, alpha_bars)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def sample_ddpm(model, n, T, generator):
    betas, alphas, alpha_bars = ddpm_schedule(T)
    x = torch.randn(n, 2, generator=generator)
    zs = torch.randn(T - 1, n, 2, generator=generator)  # zs[t - 1]: the noise of step t > 0
    with torch.no_grad():
        for t in reversed(range(T)):
            x = p_sample_step(model, x, t, betas, alphas, alpha_bars, zs[t - 1] if t > 0 else None)
    return x
