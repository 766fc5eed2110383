"""Reference solution for the `generative` assignment: convolution, a conv autoencoder, the GAN
training loop, the adversarial autoencoder's losses and a denoising diffusion model (DDPM).

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name (each
method of ConvAutoencoder into the region of the same method); the signature and docstring the
student sees live in the notebook. The notebook's given cells (MLP, Denoiser, GaussianDenoiser,
sgd_over) are not graded.
"""

import torch
import torch.nn.functional as F
from torch import nn


def conv1d(x, weight, bias=None, stride=1, padding=0):
    """Reference: zero-pad, cut every window of K with Tensor.unfold, then one contraction.

    out[n, o, l] = sum_{c, k} weight[o, c, k] * x_pad[n, c, l * stride + k] (+ bias[o]):
    cross-correlation, as F.conv1d computes it (no kernel flip)."""
    K = weight.shape[-1]
    x = F.pad(x, (padding, padding))  # (N, C_in, L + 2 padding), zeros at both ends
    windows = x.unfold(-1, K, stride)  # (N, C_in, L_out, K)
    out = torch.einsum("nclk,ock->nol", windows, weight)  # (N, C_out, L_out)
    if bias is not None:
        out = out + bias[:, None]
    return out


class ConvAutoencoder(nn.Module):
    """Reference: two strided convolutions down (L -> L/4, 16 channels), two transposed up."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv1d(1, 8, 5, stride=2, padding=2),  # (N, 8, L/2)
            nn.ReLU(),
            nn.Conv1d(8, 16, 5, stride=2, padding=2),  # (N, 16, L/4)
            nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1),  # (N, 8, L/2)
            nn.ReLU(),
            nn.ConvTranspose1d(8, 1, 4, stride=2, padding=1),  # (N, 1, L): no activation
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


def gan_train_step(G, D, opt_g, opt_d, real, z):
    """Reference: one step of D on real (1) and detached fakes (0), then one step of G with the
    non-saturating loss on fresh fakes scored by the updated D."""
    bce = F.binary_cross_entropy_with_logits
    opt_d.zero_grad()
    d_real, d_fake = D(real), D(G(z).detach())  # (N, 1) logits; no gradient reaches G
    loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()  # D's gradients from (b) are never stepped: only opt_g steps below
    d_gen = D(G(z))
    loss_g = bce(d_gen, torch.ones_like(d_gen))  # -log D(G(z)), not log(1 - D(G(z)))
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    """Reference: Adam (betas 0.5, 0.999) for each network, `steps` alternating steps on
    minibatches drawn with replacement and z ~ N(0, 1), both from `generator`."""
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    losses = []
    for _ in range(steps):
        real = data[torch.randint(len(data), (batch_size,), generator=generator)]  # (B, 1)
        z = torch.randn(batch_size, z_dim, generator=generator)  # (B, z_dim)
        losses.append(gan_train_step(G, D, opt_g, opt_d, real, z))
    return losses


def aae_losses(z_enc, z_prior, D):
    """Reference: D tells prior samples (1) from codes (0, detached); the encoder fools D."""
    bce = F.binary_cross_entropy_with_logits
    d_prior, d_enc = D(z_prior), D(z_enc.detach())  # (N, 1) each
    loss_d = bce(d_prior, torch.ones_like(d_prior)) + bce(d_enc, torch.zeros_like(d_enc))
    d_fool = D(z_enc)  # gradient reaches z_enc (and D, whose optimizer does not step on it)
    loss_enc = bce(d_fool, torch.ones_like(d_fool))
    return loss_d, loss_enc


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    """Reference: linear betas, alphas = 1 - betas, alpha_bars their running product."""
    betas = torch.linspace(beta_1, beta_T, T, dtype=torch.float32)  # (T,)
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)  # alpha_bars[t] = prod_{s <= t} alphas[s]
    return betas, alphas, alpha_bars


def q_sample(x0, t, alpha_bars, eps):
    """Reference: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, abar_t broadcast per row."""
    abar = alpha_bars[t].reshape(-1, *([1] * (x0.dim() - 1)))  # (N, 1, ..., 1)
    return abar.sqrt() * x0 + (1.0 - abar).sqrt() * eps


def ddpm_loss(model, x0, t, eps, alpha_bars):
    """Reference: the simple loss, mean over every element of (eps_theta(x_t, t) - eps)^2."""
    x_t = q_sample(x0, t, alpha_bars, eps)
    return ((model(x_t, t) - eps) ** 2).mean()


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    """Reference: the posterior mean from the predicted noise, plus sigma_t z (sigma_t^2 =
    beta_t) except at the last step, t = 0."""
    t_batch = torch.full((x_t.shape[0],), t, dtype=torch.long)  # (N,)
    eps_hat = model(x_t, t_batch)
    mean = (x_t - betas[t] / (1.0 - alpha_bars[t]).sqrt() * eps_hat) / alphas[t].sqrt()
    if t == 0:
        return mean
    return mean + betas[t].sqrt() * z


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    """Reference: Adam on ddpm_loss, a minibatch, t ~ U{0..T-1} and eps ~ N(0, I) per step."""
    _, _, alpha_bars = ddpm_schedule(T)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x0 = data[torch.randint(len(data), (batch_size,), generator=generator)]  # (B, 2)
        t = torch.randint(T, (batch_size,), generator=generator)  # (B,)
        eps = torch.randn(x0.shape, generator=generator)  # (B, 2)
        loss = ddpm_loss(model, x0, t, eps, alpha_bars)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def sample_ddpm(model, n, T, generator):
    """Reference: x_T ~ N(0, I), then p_sample_step for t = T-1 down to 0, without gradients."""
    betas, alphas, alpha_bars = ddpm_schedule(T)
    with torch.no_grad():
        x = torch.randn(n, 2, generator=generator)  # x_T
        for t in range(T - 1, -1, -1):
            z = torch.randn(n, 2, generator=generator) if t > 0 else None
            x = p_sample_step(model, x, t, betas, alphas, alpha_bars, z)
    return x
