"""Every function of the assignment, correct but written by hand: conv1d with explicit loops over
the kernel taps, the autoencoder's layers added one by one, BCE from F.logsigmoid, the schedule
in log space, and random draws in another order.

The first alternative of the assignment: `make examples` builds the perfect sample from it."""

import torch
import torch.nn.functional as F
from torch import nn


def conv1d(x, weight, bias=None, stride=1, padding=0):
    C_out, _, K = weight.shape
    N, _, L = x.shape
    x = torch.cat([x.new_zeros(N, x.shape[1], padding), x, x.new_zeros(N, x.shape[1], padding)], -1)
    L_out = (L + 2 * padding - K) // stride + 1
    out = x.new_zeros(N, C_out, L_out)
    for k in range(K):  # one tap of the kernel at a time, over every output position at once
        taps = x[:, :, k : k + stride * (L_out - 1) + 1 : stride]  # (N, C_in, L_out)
        out = out + torch.einsum("ncl,oc->nol", taps, weight[:, :, k])
    return out if bias is None else out + bias.view(1, C_out, 1)


class ConvAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential()
        self.encoder.add_module("0", nn.Conv1d(1, 8, kernel_size=5, stride=2, padding=2))
        self.encoder.add_module("1", nn.ReLU())
        self.encoder.add_module("2", nn.Conv1d(8, 16, kernel_size=5, stride=2, padding=2))
        self.encoder.add_module("3", nn.ReLU())
        self.decoder = nn.Sequential()
        self.decoder.add_module("0", nn.ConvTranspose1d(16, 8, kernel_size=4, stride=2, padding=1))
        self.decoder.add_module("1", nn.ReLU())
        self.decoder.add_module("2", nn.ConvTranspose1d(8, 1, kernel_size=4, stride=2, padding=1))

    def forward(self, x):
        code = self.encoder(x)
        return self.decoder(code)


def gan_train_step(G, D, opt_g, opt_d, real, z):
    opt_d.zero_grad()
    with torch.no_grad():
        fake = G(z)  # no graph: the same as detaching
    # BCE with logits by hand: -log sigmoid(a) for label 1, -log sigmoid(-a) for label 0
    loss_d = -F.logsigmoid(D(real)).mean() - F.logsigmoid(-D(fake)).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = -F.logsigmoid(D(G(z))).mean()
    loss_g.backward()
    opt_g.step()
    return float(loss_d), float(loss_g)


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt_d = torch.optim.Adam(D.parameters(), lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr, betas=(0.5, 0.999))
    history = []
    for _ in range(steps):
        z = torch.randn((batch_size, z_dim), generator=generator)  # z first, then the rows
        rows = torch.randint(0, data.shape[0], (batch_size,), generator=generator)
        history.append(gan_train_step(G, D, opt_g, opt_d, data[rows], z))
    return history


def aae_losses(z_enc, z_prior, D):
    loss_d = -F.logsigmoid(D(z_prior)).mean() - F.logsigmoid(-D(z_enc.detach())).mean()
    loss_enc = -F.logsigmoid(D(z_enc)).mean()
    return loss_d, loss_enc


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = beta_1 + (beta_T - beta_1) * torch.arange(T, dtype=torch.float64) / (T - 1)
    alphas = 1 - betas
    alpha_bars = torch.exp(torch.cumsum(torch.log(alphas), 0))  # a product as a sum of logs
    return betas.float(), alphas.float(), alpha_bars.float()


def q_sample(x0, t, alpha_bars, eps):
    a = alpha_bars[t]
    while a.dim() < x0.dim():
        a = a.unsqueeze(-1)
    return torch.sqrt(a) * x0 + torch.sqrt(1 - a) * eps


def ddpm_loss(model, x0, t, eps, alpha_bars):
    pred = model(q_sample(x0, t, alpha_bars, eps), t)
    return F.mse_loss(pred, eps)  # mean over every element


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    eps = model(x_t, torch.full((len(x_t),), t, dtype=torch.long))
    coef = betas[t] / torch.sqrt(1 - alpha_bars[t])
    mean = (x_t - coef * eps) * torch.rsqrt(alphas[t])
    return mean if t == 0 else mean + z * betas[t] ** 0.5


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    alpha_bars = ddpm_schedule(T)[2]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    out = []
    for _ in range(steps):
        eps = torch.randn((batch_size, data.shape[1]), generator=generator)  # eps first
        t = torch.randint(0, T, (batch_size,), generator=generator)
        x0 = data[torch.randint(0, len(data), (batch_size,), generator=generator)]
        optimizer.zero_grad()
        loss = ddpm_loss(model, x0, t, eps, alpha_bars)
        loss.backward()
        optimizer.step()
        out.append(loss.item())
    return out


@torch.no_grad()
def sample_ddpm(model, n, T, generator):
    betas, alphas, alpha_bars = ddpm_schedule(T)
    x = torch.randn((n, 2), generator=generator)
    for t in reversed(range(T)):
        x = p_sample_step(
            model,
            x,
            t,
            betas,
            alphas,
            alpha_bars,
            torch.randn((n, 2), generator=generator) if t else None,
        )
    return x
