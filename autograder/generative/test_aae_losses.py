"""Hidden tests for aae_losses: a discriminator made in the worker from the notebook's given MLP,
holding a seeded trusted state; the two returned losses are compared with the same computation
here, and their gradients with respect to z_enc and z_prior (computed in the worker, through
student.grad) with autograd's. Each catalogued mistake is computed here too, to name it.

N != k (7 codes of 3 numbers), so that a code read along the wrong axis cannot hide."""

import torch
import torch.nn.functional as F

from dlnlp.testing import check, expect_close

from .given import MLP

N, K, HIDDEN = 7, 3, 6

SWAPPED = "the discriminator's labels are swapped: prior samples are 1 (real), codes are 0 (fake)"
HALVED = (
    "loss_d is the mean of its two terms: it is their sum, BCE(D(z_prior), 1) + "
    "BCE(D(z_enc.detach()), 0), each a batch mean"
)
MINIMAX = (
    "loss_enc is the minimax loss log(1 - D(z_enc)): use the non-saturating one, "
    "BCE-with-logits(D(z_enc), 1), which still gives a gradient when D rejects the codes"
)
ENC_LABEL_0 = (
    "loss_enc scores the codes against label 0: the encoder wants its codes taken for prior "
    "samples, BCE-with-logits(D(z_enc), 1)"
)
NOT_DETACHED = (
    "loss_d sends a gradient to z_enc: the discriminator's loss must not train the encoder, "
    "score z_enc.detach() in it"
)
ENC_DETACHED = (
    "no gradient of loss_enc reaches z_enc: the encoder learns from loss_enc, so do not detach "
    "z_enc there"
)
FLOATS = (
    "aae_losses returns (loss_d, loss_enc) as scalar tensors (not floats, not .item()): the "
    "training loop backpropagates them"
)
PRIOR_GRAD = (
    "loss_d's gradient with respect to z_prior does not match: score z_prior with D, label 1"
)


def _inputs(seed: int) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    """A seeded discriminator state, codes (shifted: D tells them apart) and prior samples."""
    g = torch.Generator().manual_seed(seed)
    shapes = {k: v.shape for k, v in MLP(K, 1, hidden=HIDDEN).state_dict().items()}
    state = {k: 0.6 * torch.randn(s, generator=g) for k, s in shapes.items()}
    z_enc = torch.randn(N, K, generator=g) + 1.0
    z_prior = torch.randn(N, K, generator=g)
    return state, z_enc, z_prior


def _trusted(state: dict[str, torch.Tensor]) -> MLP:
    D = MLP(K, 1, hidden=HIDDEN)
    D.load_state_dict(state)
    return D


def _losses(D, z_enc, z_prior, mistake: str = "") -> tuple[torch.Tensor, torch.Tensor]:
    """(loss_d, loss_enc) computed here, or as one catalogued mistake computes them."""
    bce_logits = F.binary_cross_entropy_with_logits
    real, fake = (1.0, 0.0) if mistake != "swapped" else (0.0, 1.0)
    d_prior = D(z_prior)
    d_enc = D(z_enc if mistake == "not_detached" else z_enc.detach())
    loss_d = bce_logits(d_prior, torch.full_like(d_prior, real)) + bce_logits(
        d_enc, torch.full_like(d_enc, fake)
    )
    if mistake == "halved":
        loss_d = loss_d / 2
    d_fool = D(z_enc.detach() if mistake == "enc_detached" else z_enc)
    loss_enc = bce_logits(d_fool, torch.ones_like(d_fool))
    if mistake == "minimax":
        loss_enc = -bce_logits(d_fool, torch.zeros_like(d_fool))
    if mistake == "enc_label_0":
        loss_enc = bce_logits(d_fool, torch.zeros_like(d_fool))
    return loss_d, loss_enc


VALUE_MISTAKES = {
    "swapped": SWAPPED,
    "halved": HALVED,
    "minimax": MINIMAX,
    "enc_label_0": ENC_LABEL_0,
}


def _discriminator(student, state):
    D = student.keep.MLP(K, 1, hidden=HIDDEN)
    D.method("load_state_dict", state)
    return D


def test_returns_the_two_losses(student):
    """loss_d and loss_enc equal the reference's, as scalar tensors"""
    state, z_enc, z_prior = _inputs(0)
    out = student.aae_losses(z_enc, z_prior, _discriminator(student, state))
    check(isinstance(out, (tuple, list)) and len(out) == 2, "aae_losses returns (loss_d, loss_enc)")
    check(all(isinstance(v, torch.Tensor) for v in out), FLOATS)
    check(all(v.dim() == 0 for v in out), "loss_d and loss_enc are scalars: batch means")
    D = _trusted(state)
    expected = torch.stack(_losses(D, z_enc, z_prior)).detach()
    wrong = [
        (h, torch.stack(_losses(D, z_enc, z_prior, m)).detach()) for m, h in VALUE_MISTAKES.items()
    ]
    expect_close(
        torch.stack(list(out)),
        expected,
        what="(loss_d, loss_enc)",
        mistakes=wrong,
        atol=1e-5,  # losses ~1; correct float32 versions (logsigmoid, one stacked BCE) <= 5e-7 off
        rtol=1e-4,
    )


def _grads(student, state, z_enc, z_prior, index: int):
    """Gradients of output `index` with respect to (z_enc, z_prior), computed in the worker,
    with D the student's kept MLP (student.grad passes a kept object through as itself)."""
    D = _discriminator(student, state)
    fn, args = "aae_losses", (z_enc, z_prior, D)
    return student.grad(
        fn,
        *args,
        wrt=[0, 1],
        grad_output=torch.tensor(1.0),
        output_index=index,
    )


def _expected_grads(state, z_enc, z_prior, index: int, mistake: str = ""):
    D = _trusted(state)
    z_enc, z_prior = z_enc.clone().requires_grad_(), z_prior.clone().requires_grad_()
    out = _losses(D, z_enc, z_prior, mistake)[index]
    return torch.autograd.grad(out, [z_enc, z_prior], allow_unused=True)


def test_loss_d_trains_no_encoder(student):
    """loss_d sends no gradient to z_enc, and the right one to z_prior"""
    state, z_enc, z_prior = _inputs(1)
    g_enc, g_prior = _grads(student, state, z_enc, z_prior, 0)
    check(g_enc is None or not bool(g_enc.abs().gt(0).any()), NOT_DETACHED)
    _, expected = _expected_grads(state, z_enc, z_prior, 0)
    check(g_prior is not None, PRIOR_GRAD)
    expect_close(
        g_prior,
        expected,
        what="loss_d's gradient with respect to z_prior",
        mistakes=[
            (SWAPPED, _expected_grads(state, z_enc, z_prior, 0, "swapped")[1]),
            (HALVED, _expected_grads(state, z_enc, z_prior, 0, "halved")[1]),
        ],
        hint=PRIOR_GRAD,
        atol=1e-6,  # float32: correct versions <= 1e-8 off (gradients ~1e-2)
        rtol=1e-4,
    )


def test_loss_enc_reaches_the_codes(student):
    """loss_enc's gradient with respect to z_enc matches autograd, none reaches z_prior"""
    state, z_enc, z_prior = _inputs(2)
    g_enc, g_prior = _grads(student, state, z_enc, z_prior, 1)
    check(g_enc is not None and bool(g_enc.abs().gt(0).any()), ENC_DETACHED)
    expected, _ = _expected_grads(state, z_enc, z_prior, 1)
    expect_close(
        g_enc,
        expected,
        what="loss_enc's gradient with respect to z_enc",
        mistakes=[
            (MINIMAX, _expected_grads(state, z_enc, z_prior, 1, "minimax")[0]),
            (ENC_LABEL_0, _expected_grads(state, z_enc, z_prior, 1, "enc_label_0")[0]),
        ],
        hint="loss_enc's gradient with respect to z_enc does not match BCE-with-logits(D(z_enc), 1)",
        atol=1e-6,
        rtol=1e-4,
    )
    check(
        g_prior is None or not bool(g_prior.abs().gt(0).any()),
        "loss_enc depends on z_prior: it scores the codes alone, BCE-with-logits(D(z_enc), 1)",
    )
