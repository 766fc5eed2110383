"""The four diffusion pieces, correct, computed in float64 inside and cast back to float32 (the
schedule) or to the input's dtype (x_t, x_(t-1)); the loss's mean in float64 too."""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = torch.linspace(beta_1, beta_T, T, dtype=torch.float64)
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    return betas.float(), alphas.float(), alpha_bars.float()


def q_sample(x0, t, alpha_bars, eps):
    abar = alpha_bars.double()[t].view(-1, *([1] * (x0.dim() - 1)))  # (N, 1, ..., 1)
    x_t = torch.sqrt(abar) * x0.double() + torch.sqrt(1.0 - abar) * eps.double()
    return x_t.to(x0.dtype)


def ddpm_loss(model, x0, t, eps, alpha_bars):
    x_t = q_sample(x0, t, alpha_bars, eps)
    return (model(x_t, t).double() - eps.double()).pow(2).mean().to(x0.dtype)


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    eps_hat = model(x_t, torch.full((x_t.shape[0],), t, dtype=torch.long)).double()
    b, a, ab = betas[t].double(), alphas[t].double(), alpha_bars[t].double()
    mean = (x_t.double() - b / torch.sqrt(1.0 - ab) * eps_hat) / torch.sqrt(a)
    if t > 0:
        mean = mean + torch.sqrt(b) * z.double()
    return mean.to(x_t.dtype)
