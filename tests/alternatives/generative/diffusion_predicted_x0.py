"""The four diffusion pieces, correct, written differently: the schedule's product as a Python
loop, x_t with einsum over the trailing dimensions, the loss as a sum divided by the number of
elements, and the reverse step's mean written through the predicted x0 (Ho et al.'s eq. 7),
the same formula in exact arithmetic:

    x0_hat = (x_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t)
    mean = sqrt(abar_(t-1)) beta_t / (1 - abar_t) x0_hat + sqrt(alpha_t) (1 - abar_(t-1)) / (1 - abar_t) x_t

with abar_(-1) = 1. With the float32 schedule it differs from the contract's form by up to a few
1e-4 at t = 0 and 1, where 1 - abar_t is small."""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = torch.linspace(beta_1, beta_T, T)
    alphas = 1 - betas
    alpha_bars = torch.empty(T)
    running = 1.0
    for i in range(T):
        running = running * alphas[i].item()  # a Python float: a float64 product
        alpha_bars[i] = running
    return betas, alphas, alpha_bars


def q_sample(x0, t, alpha_bars, eps):
    abar = alpha_bars[t]  # (N,)
    return torch.einsum("n,n...->n...", abar.sqrt(), x0) + torch.einsum(
        "n,n...->n...", (1 - abar).sqrt(), eps
    )


def ddpm_loss(model, x0, t, eps, alpha_bars):
    err = model(q_sample(x0, t, alpha_bars, eps), t) - eps
    return (err * err).sum() / err.numel()


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    eps_hat = model(x_t, t * torch.ones(len(x_t), dtype=torch.long))
    abar = alpha_bars[t]
    abar_prev = alpha_bars[t - 1] if t > 0 else torch.ones(())
    x0_hat = (x_t - (1 - abar).sqrt() * eps_hat) / abar.sqrt()
    mean = (abar_prev.sqrt() * betas[t] / (1 - abar)) * x0_hat + (
        alphas[t].sqrt() * (1 - abar_prev) / (1 - abar)
    ) * x_t
    if t == 0:
        return mean
    return mean + betas[t].sqrt() * z
