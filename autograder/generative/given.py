"""What the notebook gives (not graded): the MLP of the GAN and the adversarial autoencoder,
`sgd_over`, the Denoiser of the diffusion model, the exact GaussianDenoiser and `load_points`.

The notebook's given cells hold these same definitions, character for character
(tests/test_generative_given.py checks it), so that the student needs nothing but torch. The
trusted side builds its own copies from here: it loads the parameters a student's training run
produced (read by the kit's probe, never through the student's methods) into one of these and
samples from it itself, so that an edited given cell cannot change what is measured."""

import torch
from torch import nn


class MLP(nn.Module):
    """A small fully connected network (given, not graded): (N, d_in) -> (N, d_out).

    `depth` hidden layers of width `hidden`, each followed by LeakyReLU(0.2), then a last Linear
    with no activation. The GAN's generator and discriminator, and the adversarial autoencoder's
    discriminator, are MLPs (a discriminator's output is a logit, (N, 1)).
    """

    def __init__(self, d_in, d_out, hidden=32, depth=2):
        super().__init__()
        layers, d = [], d_in
        for _ in range(depth):
            layers += [nn.Linear(d, hidden), nn.LeakyReLU(0.2)]
            d = hidden
        layers.append(nn.Linear(d, d_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def sgd_over(*modules, lr):
    """One torch.optim.SGD (no momentum) over the parameters of all `modules` (given, not graded)."""
    return torch.optim.SGD([p for m in modules for p in m.parameters()], lr=lr)


class Denoiser(nn.Module):
    """The noise predictor eps_theta(x_t, t) for 2-D points (given, not graded).

    x_t (B, 2) and t, a LongTensor (B,) of 0-based steps -> the predicted noise (B, 2). A learned
    embedding of the step is added to the first layer's output, so that one network serves all
    T noise levels.
    """

    def __init__(self, T, hidden=128):
        super().__init__()
        self.t_emb = nn.Embedding(T, hidden)
        self.inp = nn.Linear(2, hidden)
        self.net = nn.Sequential(
            nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
            nn.Linear(hidden, 2),
        )  # fmt: skip

    def forward(self, x_t, t):
        return self.net(self.inp(x_t) + self.t_emb(t))


class GaussianDenoiser(nn.Module):
    """The best possible noise predictor when the data are N(mean, std^2 I) (given, not graded).

    With x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps and x0 ~ N(mean, std^2 I), the noise's
    conditional mean is E[eps | x_t] = sqrt(1 - abar_t) (x_t - sqrt(abar_t) mean) /
    (abar_t std^2 + 1 - abar_t): no training needed. alpha_bars (T,), mean (d,), std a float;
    forward(x_t (B, d), t (B,)) -> (B, d). A correct sampler given this model draws N(mean,
    std^2 I).
    """

    def __init__(self, alpha_bars, mean, std):
        super().__init__()
        self.alpha_bars, self.mean, self.std = alpha_bars, mean, std

    def forward(self, x_t, t):
        abar = self.alpha_bars[t].unsqueeze(-1)  # (B, 1)
        return (1 - abar).sqrt() * (x_t - abar.sqrt() * self.mean) / (abar * self.std**2 + 1 - abar)


def load_points(path):
    """The numbers of a data file, one row per line -> a float32 tensor (rows, columns)."""
    with open(path, encoding="utf-8") as f:
        return torch.tensor([[float(v) for v in line.split()] for line in f if line.strip()])
