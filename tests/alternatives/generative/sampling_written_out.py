"""Correct, written out: train_ddpm noises x0 itself with q_sample and writes the squared error
(eps drawn first, gradients zeroed after each step, the optimizer made before anything else);
sample_ddpm computes each reverse step inline, in float64, under torch.inference_mode()
(a with block: the notebook's cell keeps no decorator)."""

# ruff: noqa: F821
# ddpm_schedule, q_sample: defined by the notebook
import torch


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    opt = torch.optim.Adam(model.parameters(), lr)
    _, _, alpha_bars = ddpm_schedule(T)
    losses = []
    opt.zero_grad()
    for _ in range(steps):
        eps = torch.randn(batch_size, 2, generator=generator)
        x0 = data[torch.randint(high=data.shape[0], size=(batch_size,), generator=generator)]
        t = torch.randint(high=T, size=(batch_size,), generator=generator)
        x_t = q_sample(x0, t, alpha_bars, eps)
        loss = (model(x_t, t) - eps).pow(2).sum() / eps.numel()
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.detach().item())
    return losses


def sample_ddpm(model, n, T, generator):
    betas, alphas, alpha_bars = (s.double() for s in ddpm_schedule(T))
    x = torch.randn(n, 2, generator=generator).double()
    t = T - 1
    with torch.inference_mode():
        while t >= 0:
            eps_hat = model(x.float(), torch.full((n,), t, dtype=torch.long)).double()
            x = (x - betas[t] * eps_hat / torch.sqrt(1 - alpha_bars[t])) / torch.sqrt(alphas[t])
            if t > 0:
                x = x + torch.sqrt(betas[t]) * torch.randn(n, 2, generator=generator).double()
            t -= 1
    return x.float()
