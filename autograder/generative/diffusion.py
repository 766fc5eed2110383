"""Trusted diffusion computations for the hidden tests of ddpm_schedule, q_sample, ddpm_loss and
p_sample_step: the schedule, the forward process, the simple loss and one reverse step, computed
here from the contract (never from the student's code), the seeded inputs they share, and what
each catalogued mistake returns on those inputs, as (hint, wrong output) pairs. The hidden tests
of train_ddpm and sample_ddpm import `schedule` from here.

Inputs are shaped so that a mixed-up axis cannot hide: N differs from every trailing size, the
steps differ per row and include 0 (and T - 1 where the step is not shifted by one)."""

from __future__ import annotations

import torch

from dlnlp.testing import check

from .given import Denoiser

T = 1000  # the notebook's number of steps
HIDDEN = 16  # a small Denoiser: its weights are seeded here, loaded there


def schedule(T, beta_1=1e-4, beta_T=0.02):
    """Ho et al.'s linear schedule: betas (T,) from beta_1 to beta_T, alphas = 1 - betas,
    alpha_bars[t] = prod_{s <= t} alphas[s] (0-based), all float32 (T,), computed in float64."""
    betas = torch.linspace(beta_1, beta_T, T, dtype=torch.float64)
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    return betas.float(), alphas.float(), alpha_bars.float()


# ---- ddpm_schedule --------------------------------------------------------------------------

SCHEDULE_DTYPE = (
    "betas, alphas and alpha_bars must be float32 tensors (torch.linspace's default dtype), as "
    "the contract says"
)
SCHEDULE_SHAPE = "ddpm_schedule returns three tensors of shape (T,): betas, alphas, alpha_bars"
SCHEDULE_MISTAKES = {
    "cumsum": "alpha_bars is the cumulative product of alphas (torch.cumprod), not their sum",
    "power": (
        "alpha_bars[t] is the product alphas[0] * alphas[1] * ... * alphas[t] of different "
        "alphas (the betas rise), not one alpha raised to a power"
    ),
    "shifted": (
        "alpha_bars is shifted by one step: index t = 0 is Ho et al.'s step 1, so alpha_bars[0] "
        "= alphas[0] (the product includes step t itself), not 1"
    ),
    "one_short": (
        "the betas stop one step short of beta_T: they hold T values from beta_1 to beta_T, "
        "both ends included, torch.linspace(beta_1, beta_T, T)"
    ),
    "one_late": (
        "the betas start one step above beta_1: they hold T values from beta_1 to beta_T, "
        "both ends included, torch.linspace(beta_1, beta_T, T)"
    ),
    "alphas_are_betas": "alphas = 1 - betas: alpha_t is the signal kept at step t, not the noise",
    "swapped": "the betas rise from beta_1 (at index 0) to beta_T (at index T - 1)",
}


def schedule_stacked(T, beta_1=1e-4, beta_T=0.02, mistake: str = "") -> torch.Tensor:
    """(3, T) float64: betas, alphas, alpha_bars, or what a catalogued mistake returns."""
    d = torch.float64
    betas = torch.linspace(beta_1, beta_T, T, dtype=d)
    if mistake == "one_short":  # steps of (beta_T - beta_1) / T (an arange, T + 1 points cut)
        betas = beta_1 + (beta_T - beta_1) / T * torch.arange(T, dtype=d)
    if mistake == "one_late":  # T + 1 points, the first dropped
        betas = torch.linspace(beta_1, beta_T, T + 1, dtype=d)[1:]
    if mistake == "swapped":
        betas = torch.linspace(beta_T, beta_1, T, dtype=d)
    alphas = betas.clone() if mistake == "alphas_are_betas" else 1.0 - betas
    alpha_bars = torch.cumprod(alphas, 0)
    if mistake == "cumsum":
        alpha_bars = torch.cumsum(alphas, 0)
    if mistake == "power":
        alpha_bars = alphas ** torch.arange(1, T + 1, dtype=d)
    if mistake == "shifted":
        alpha_bars = torch.cat([torch.ones(1, dtype=d), alpha_bars[:-1]])
    return torch.stack([betas, alphas, alpha_bars])


def schedule_mistakes(T, beta_1=1e-4, beta_T=0.02) -> list[tuple[str, torch.Tensor]]:
    return [
        (hint, schedule_stacked(T, beta_1, beta_T, name))
        for name, hint in SCHEDULE_MISTAKES.items()
    ]


# ---- q_sample -------------------------------------------------------------------------------

BROADCAST = (
    "alpha_bars[t] holds one value per example (row): reshape it to (N, 1, ..., 1) so that it "
    "broadcasts over each example's trailing dimensions, whatever their number"
)
Q_SAMPLE_MISTAKES = {
    "no_sqrt": (
        "x_t scales x0 by sqrt(alpha_bars[t]) and eps by sqrt(1 - alpha_bars[t]): the standard "
        "deviations, the square roots of the variances"
    ),
    "noise_not_rooted": (
        "the noise's coefficient is sqrt(1 - alpha_bars[t]), the square root of its variance, "
        "not 1 - alpha_bars[t]"
    ),
    "one_minus_root": (
        "the noise's coefficient is sqrt(1 - alpha_bars[t]), not 1 - sqrt(alpha_bars[t]): the "
        "variances add up to 1, not the coefficients"
    ),
    "previous_step": (
        "t is 0-based: step t uses alpha_bars[t] (alpha_bars[0] is Ho et al.'s step 1), not "
        "alpha_bars[t - 1]"
    ),
    "swapped": "x0 is scaled by sqrt(alpha_bars[t]) and eps by sqrt(1 - alpha_bars[t]), not the reverse",
    "last_dim": BROADCAST,
    "second_dim": BROADCAST,
}


def q_sample_trusted(x0, t, alpha_bars, eps, mistake: str = "") -> torch.Tensor:
    """x_t in float64, or what a catalogued mistake returns (None where it cannot broadcast)."""
    x0, eps, a = x0.double(), eps.double(), alpha_bars.double()
    abar = a[t - 1] if mistake == "previous_step" else a[t]  # (N,); t = 0 reads the last one
    if mistake == "last_dim":  # (N,) against (N, ..., D): lines up with the last dim
        shape = (abar.shape[0],)
    elif mistake == "second_dim":  # (N, 1) against (N, C, L): lines up with C
        shape = (abar.shape[0], 1)
    else:
        shape = (-1, *([1] * (x0.dim() - 1)))
    abar = abar.reshape(shape)
    try:
        signal, noise = abar.sqrt(), (1 - abar).sqrt()
        if mistake == "no_sqrt":
            signal, noise = abar, 1 - abar
        if mistake == "noise_not_rooted":
            noise = 1 - abar
        if mistake == "one_minus_root":
            noise = 1 - abar.sqrt()
        if mistake == "swapped":
            return signal * eps + noise * x0
        return signal * x0 + noise * eps
    except RuntimeError:  # the shapes do not broadcast: this mistake raises on these inputs
        return None


def q_sample_mistakes(x0, t, alpha_bars, eps) -> list[tuple[str, torch.Tensor]]:
    out = []
    for name, hint in Q_SAMPLE_MISTAKES.items():
        wrong = q_sample_trusted(x0, t, alpha_bars, eps, name)
        if wrong is not None:
            out.append((hint, wrong))
    return out


# ---- the Denoiser both sides share (ddpm_loss, p_sample_step) -----------------------------


def denoiser_state(seed: int) -> dict[str, torch.Tensor]:
    """Seeded weights for Denoiser(T, HIDDEN), large enough that the prediction is O(1) and
    varies with x_t and with t (the step embedding as large as the input's projection)."""
    model = Denoiser(T, hidden=HIDDEN)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.8 if p.dim() == 1 else 0.5))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def trusted_denoiser(T: int, hidden: int, values: dict[str, torch.Tensor]) -> Denoiser:
    """given.Denoiser(T, hidden) holding `values` (seeded here, or read by the kit's probe)."""
    model = Denoiser(T, hidden)
    try:
        model.load_state_dict(values)
    except (RuntimeError, KeyError):
        check(
            False,
            "the Denoiser's parameters are not those of the given Denoiser: restore the "
            "notebook's given Denoiser cell from the release (it is graded as given)",
        )
    return model.eval()


def student_denoiser(student, T: int, hidden: int, values: dict[str, torch.Tensor]):
    """The notebook's Denoiser(T, hidden), made in the worker, holding `values`."""
    model = student.keep.Denoiser(T, hidden)
    model.method("load_state_dict", values)
    return model


def points(n: int, seed: int, scale: float = 1.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, generator=g) * scale


# ---- ddpm_loss ------------------------------------------------------------------------------

LOSS_MISTAKES = {
    "fed_x0": (
        "the model must see the noised x_t = q_sample(x0, t, alpha_bars, eps), not the clean x0"
    ),
    "predicts_x0": ("the model predicts the noise: compare model(x_t, t) with eps, not with x0"),
    "predicts_x_t": "the model predicts the noise: compare model(x_t, t) with eps, not with x_t",
    "sum": "the loss is a mean over every element, not a sum",
    "row_sums": (
        "the loss is a mean over every element (N x 2 of them), not the mean over rows of each "
        "row's sum"
    ),
    "t_plus_one": ("t is 0-based already: pass t itself to the model (and to q_sample), not t + 1"),
}
LOSS_DETACHED = (
    "the loss must stay in the autograd graph (no .item(), .detach() or torch.no_grad()): its "
    "gradient is what trains the model"
)


def loss_trusted(model, x0, t, eps, alpha_bars, mistake: str = "") -> torch.Tensor:
    """The simple loss on a trusted Denoiser (a scalar that keeps its graph), or a mistake's."""
    x_t = q_sample_trusted(x0, t, alpha_bars, eps).float()
    seen = x0 if mistake == "fed_x0" else x_t
    pred = model(seen, t + 1 if mistake == "t_plus_one" else t)
    target = {"predicts_x0": x0, "predicts_x_t": x_t}.get(mistake, eps)
    sq = (pred.double() - target.double()) ** 2
    if mistake == "sum":
        return sq.sum()
    if mistake == "row_sums":
        return sq.sum(-1).mean()
    return sq.mean()


# ---- p_sample_step --------------------------------------------------------------------------

AT_ZERO = (
    "at t = 0 (the last step) p_sample_step returns the mean and adds no noise, and z may be "
    "None there"
)
P_SAMPLE_MISTAKES = {
    "sigma_beta": "sigma_t = sqrt(betas[t]) (sigma_t^2 = beta_t): the noise added is sqrt(betas[t]) * z",
    "noise_at_zero": AT_ZERO,
    "noise_divided": (
        "only the mean is divided by sqrt(alphas[t]); sigma_t * z is added after, unscaled"
    ),
    "alpha_bar_in_mean": (
        "the mean divides by sqrt(alphas[t]), this one step's, not by sqrt(alpha_bars[t])"
    ),
    "alpha_in_coefficient": (
        "the predicted noise is scaled by betas[t] / sqrt(1 - alpha_bars[t]), the noise "
        "accumulated over all steps so far, not by betas[t] / sqrt(1 - alphas[t])"
    ),
    "coefficient_not_rooted": (
        "the predicted noise is scaled by betas[t] / sqrt(1 - alpha_bars[t]): the square root "
        "of 1 - alpha_bars[t], its standard deviation"
    ),
    "posterior_variance": (
        "this contract fixes sigma_t^2 = beta_t (Ho et al.'s first choice), not the posterior "
        "variance beta_tilde_t = (1 - alpha_bars[t-1]) / (1 - alpha_bars[t]) * beta_t"
    ),
}


def p_sample_trusted(eps_hat, x_t, t, betas, alphas, alpha_bars, z, mistake: str = ""):
    """x_(t-1) in float64 from the model's prediction eps_hat, or what a mistake returns."""
    x_t, e = x_t.double(), eps_hat.double()
    b, a, ab = betas[t].double(), alphas[t].double(), alpha_bars[t].double()
    coef = b / (1 - ab).sqrt()
    if mistake == "alpha_in_coefficient":
        coef = b / (1 - a).sqrt()
    if mistake == "coefficient_not_rooted":
        coef = b / (1 - ab)
    root = ab.sqrt() if mistake == "alpha_bar_in_mean" else a.sqrt()
    mean = (x_t - coef * e) / root
    if t == 0 and mistake != "noise_at_zero":
        return mean
    sigma = b.sqrt()
    if mistake == "sigma_beta":
        sigma = b
    if mistake == "posterior_variance":
        prev = alpha_bars[t - 1].double() if t > 0 else torch.tensor(1.0, dtype=torch.float64)
        sigma = ((1 - prev) / (1 - ab) * b).sqrt()
    noise = sigma * z.double()
    if mistake == "noise_divided":
        return (x_t - coef * e + noise) / root
    return mean + noise


def p_sample_mistakes(eps_hat, x_t, t, betas, alphas, alpha_bars, z):
    return [
        (hint, p_sample_trusted(eps_hat, x_t, t, betas, alphas, alpha_bars, z, name))
        for name, hint in P_SAMPLE_MISTAKES.items()
    ]
