"""Seeded inputs for the hidden lstm tests, and torch's own modules carrying the same weights."""

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close


def cell_inputs(N=3, I=5, H=4, gates=1, *, bias=True, seed=0, scale=0.5):  # noqa: E741
    """x (N, I), h (N, H), c (N, H), W_ih (gates*H, I), W_hh (gates*H, H), b_ih, b_hh (or None)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, I, generator=g)
    h = torch.randn(N, H, generator=g) * 0.8
    c = torch.randn(N, H, generator=g)
    W_ih = torch.randn(gates * H, I, generator=g) * scale
    W_hh = torch.randn(gates * H, H, generator=g) * scale
    b_ih = torch.randn(gates * H, generator=g) * scale if bias else None
    b_hh = torch.randn(gates * H, generator=g) * scale if bias else None
    return x, h, c, W_ih, W_hh, b_ih, b_hh


def sequence_inputs(T=6, N=3, I=5, H=4, *, bias=True, seed=0):  # noqa: E741
    """xs (T, N, I), h0, c0 (N, H) and LSTM weights (4H rows)."""
    g = torch.Generator().manual_seed(seed + 1000)
    xs = torch.randn(T, N, I, generator=g)
    _, h0, c0, W_ih, W_hh, b_ih, b_hh = cell_inputs(N, I, H, 4, bias=bias, seed=seed)
    return xs, h0, c0, W_ih, W_hh, b_ih, b_hh


def _copy(module, W_ih, W_hh, b_ih, b_hh, suffix=""):
    with torch.no_grad():
        getattr(module, "weight_ih" + suffix).copy_(W_ih)
        getattr(module, "weight_hh" + suffix).copy_(W_hh)
        if b_ih is not None:
            getattr(module, "bias_ih" + suffix).copy_(b_ih)
            getattr(module, "bias_hh" + suffix).copy_(b_hh)
    return module


def _biases(b_ih, b_hh, rows):
    """Both biases or None; a single given bias is paired with zeros (torch has one bias flag)."""
    if b_ih is None and b_hh is None:
        return None, None
    return (
        torch.zeros(rows) if b_ih is None else b_ih,
        torch.zeros(rows) if b_hh is None else b_hh,
    )


def torch_cell(kind, W_ih, W_hh, b_ih=None, b_hh=None):
    """nn.RNNCell / nn.LSTMCell / nn.GRUCell with our weights; a None bias counts as zero."""
    cls = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind]
    b_ih, b_hh = _biases(b_ih, b_hh, W_ih.shape[0])
    return _copy(cls(W_ih.shape[1], W_hh.shape[1], bias=b_ih is not None), W_ih, W_hh, b_ih, b_hh)


def torch_lstm(W_ih, W_hh, b_ih=None, b_hh=None):
    """A one-layer nn.LSTM (batch_first=False) with our weights."""
    b_ih, b_hh = _biases(b_ih, b_hh, W_ih.shape[0])
    m = torch.nn.LSTM(W_ih.shape[1], W_hh.shape[1], num_layers=1, bias=b_ih is not None)
    return _copy(m, W_ih, W_hh, b_ih, b_hh, suffix="_l0")


NONE_BIAS = "a bias may be None (a layer without biases): leave out a bias that is None instead of adding it"
SHAPES = "the weights follow nn.Linear's (out, in) convention: multiply x @ weight_ih.T and h @ weight_hh.T"


def is_pair(value) -> bool:
    """A tuple or list of two items (a state (h, c), or (outputs, state))."""
    return isinstance(value, (tuple, list)) and len(value) == 2


def _explain(e: StudentError, args) -> None:
    """Raise a Mistake for a crash with a known cause; otherwise return (the caller re-raises)."""
    if e.verdict != "exception":
        return
    if "NoneType" in e.message and any(a is None for a in args):
        raise Mistake(f"{NONE_BIAS} ({e.message})") from None
    if "cannot be multiplied" in e.message:
        raise Mistake(f"{SHAPES} ({e.message})") from None
    if "Mismatch in shape" in e.message:  # raised by autograd: the result has the wrong shape
        raise Mistake(
            f"{e.function} returns a result of the wrong shape: check the shapes in the docstring ({e.message})"
        ) from None


def call(student, fn, *args):
    """student.<fn>(*args), naming common crashes: a None bias added, untransposed weights."""
    try:
        return getattr(student, fn)(*args)
    except StudentError as e:
        _explain(e, args)
        raise


def grad(student, fn, *args, **kwargs):
    """student.grad(fn, *args, **kwargs), naming the same crashes as `call`."""
    try:
        return student.grad(fn, *args, **kwargs)
    except StudentError as e:
        _explain(e, args)
        raise


def expect_cell_gradients(student, kind: str, scale: float) -> None:
    """The gradients of the student's `<kind>_cell` (rnn or gru) reach x, h, the weights and
    the biases as through torch's cell with the same weights."""
    gates = {"rnn": 1, "gru": 3}[kind]
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=2, H=4, gates=gates, seed=3, scale=scale)
    g = torch.randn(3, 4, generator=torch.Generator().manual_seed(3))
    grads = grad(
        student, f"{kind}_cell", x, h, W_ih, W_hh, b_ih, b_hh, wrt=[0, 1, 2, 3, 4, 5], grad_output=g
    )
    m = torch_cell(kind, W_ih, W_hh, b_ih, b_hh)
    x_, h_ = x.clone().requires_grad_(), h.clone().requires_grad_()
    params = [m.weight_ih, m.weight_hh, m.bias_ih, m.bias_hh]
    exp = torch.autograd.grad(m(x_, h_), [x_, h_, *params], g)
    for name, got, e in zip(
        ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"], grads, exp, strict=True
    ):
        check(
            got is not None,
            f"no gradient reaches {name}: compute h_next from it with torch operations (no detach, no .numpy())",
        )
        expect_close(got, e, what=f"the gradient with respect to {name}", atol=1e-4)
