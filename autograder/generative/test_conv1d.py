"""Hidden tests for conv1d: the numbers of torch's F.conv1d (computed here, on the trusted side) on
seeded cases with a batch, several channels and C_in != C_out, odd and even kernels, strides 1, 2
and 3 (one that leaves a remainder), padding 0, 1 and 2, with and without a bias, and a kernel as
wide as the padded input (one output). Each catalogued mistake is computed here too, to name it.

One case has C_in == C_out == L_out, where a weight read as (C_in, C_out, K) or a bias added
along the length still runs: there they are named instead of crashing."""

import torch
import torch.nn.functional as F

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

FLIPPED = (
    "the kernel is flipped: conv1d is a cross-correlation, weight[o, c, k] multiplies "
    "x_pad[n, c, l * stride + k] (no flip)"
)
NO_STRIDE = (
    "the stride is ignored: output position l reads the window that starts at l * stride, and "
    "L_out = floor((L + 2 * padding - K) / stride) + 1"
)
ONE_SIDE = "the padding is on one side only: add `padding` zeros at each end of x's last dimension"
REPLICATE = "the padding repeats the edge values: pad with zeros"
CHANNELS = (
    "the input channels are not summed: each output channel o adds up weight[o, c] * window "
    "over every input channel c"
)
AXES = "the weight's axes are mixed up: weight is (C_out, C_in, K), C_out first"
BIAS_AXIS = (
    "the bias is added along the wrong axis: bias[o] goes to every position of output channel "
    "o, i.e. bias of shape (C_out,) broadcast as (1, C_out, 1)"
)
OFF_BY_ONE = (
    "the output lacks its last position: L_out = floor((L + 2 * padding - K) / stride) + 1, "
    "with `padding` zeros at each end of x (not only at the start)"
)
IN_PLACE = "conv1d modifies x in place: pad a new tensor and leave x as it is"


def _case(seed: int, N: int, C_in: int, C_out: int, L: int, K: int, bias: bool):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, C_in, L, generator=g)
    w = torch.randn(C_out, C_in, K, generator=g)
    b = torch.randn(C_out, generator=g) if bias else None
    return x, w, b


def _mistakes(x, w, b, stride, padding) -> list[tuple[str, torch.Tensor]]:
    """(hint, what the mistake returns) for each catalogued mistake that runs on these inputs."""
    p, C_in, C_out = padding, w.shape[1], w.shape[0]
    wrong = {
        FLIPPED: [lambda: F.conv1d(x, w.flip(-1), b, stride, p)],
        NO_STRIDE: [lambda: F.conv1d(x, w, b, 1, p)],
        REPLICATE: [lambda: F.conv1d(F.pad(x, (p, p), mode="replicate"), w, b, stride)],
        ONE_SIDE: [
            lambda pad=pad: F.conv1d(F.pad(x, pad), w, b, stride)
            for pad in ((2 * p, 0), (0, 2 * p), (0, p))
        ],
        # padding only at the start gives either the right output or this one
        OFF_BY_ONE: [lambda: F.conv1d(x, w, b, stride, p)[..., :-1]],
    }
    out = []
    for hint, makers in wrong.items():
        for make in makers:
            try:
                out.append((hint, make()))
            except RuntimeError:  # this mistake does not run on these inputs (a kernel too wide)
                pass
    unbiased = F.conv1d(x, w, None, stride, p)  # (N, C_out, L_out)
    bias = 0.0 if b is None else b[:, None]
    out.append((CHANNELS, unbiased / C_in + bias))  # the channels averaged
    if C_in == C_out:
        out.append((AXES, F.conv1d(x, w.transpose(0, 1), b, stride, p)))
    if b is not None and unbiased.shape[-1] == C_out:
        out.append((BIAS_AXIS, unbiased + b))  # bias broadcast along the length
    return out


def _expect(student, x, w, b, stride, padding, what: str) -> None:
    got = student.conv1d(x, w, b, stride, padding)
    expected = F.conv1d(x, w, b, stride, padding)
    if isinstance(got, torch.Tensor) and got.dim() == 4 and got.shape[2] == w.shape[1]:
        raise Mistake(CHANNELS)  # (N, C_out, C_in, L_out): one map per input channel
    expect_close(
        got,
        expected,
        what=what,
        mistakes=_mistakes(x, w, b, stride, padding),
        hint="conv1d does not give the numbers of F.conv1d: each output is bias[o] + the sum of "
        "weight[o, c, k] * x_pad[n, c, l * stride + k] over c and k",
        atol=1e-5,  # float32, correct versions (unfold, loops, float64 inside): <= 2e-6 off
        rtol=1e-4,
    )


def test_stride_1_padding_1_with_bias(student):
    """stride 1, padding 1, an odd kernel and a bias, several channels in and out"""
    x, w, b = _case(0, N=2, C_in=3, C_out=5, L=11, K=3, bias=True)
    _expect(student, x, w, b, 1, 1, "conv1d's output (stride 1, padding 1)")


def test_even_kernel_stride_3_padding_2(student):
    """an even kernel, stride 3 with a remainder, padding 2 and no bias"""
    x, w, b = _case(1, N=3, C_in=2, C_out=4, L=13, K=4, bias=False)
    _expect(student, x, w, b, 3, 2, "conv1d's output (stride 3, padding 2)")


def test_stride_2_without_padding(student):
    """stride 2 with a remainder, no padding, a bias"""
    x, w, b = _case(2, N=2, C_in=4, C_out=3, L=10, K=5, bias=True)
    _expect(student, x, w, b, 2, 0, "conv1d's output (stride 2, no padding)")


def test_as_many_channels_in_as_out(student):
    """C_in == C_out == L_out, where mixed-up weight or bias axes still run"""
    x, w, b = _case(3, N=2, C_in=4, C_out=4, L=8, K=3, bias=True)
    _expect(student, x, w, b, 2, 1, "conv1d's output (C_in == C_out)")


def test_kernel_as_wide_as_the_padded_input(student):
    """a kernel as wide as the padded input gives one output position"""
    x, w, b = _case(4, N=2, C_in=3, C_out=2, L=5, K=7, bias=True)
    _expect(student, x, w, b, 2, 1, "conv1d's output (one position)")


def test_x_is_not_modified(student):
    """x is left as it is"""
    x, w, b = _case(5, N=2, C_in=3, C_out=2, L=9, K=3, bias=True)
    student.conv1d(x, w, b, 1, 2)
    # The worker gets copies, so x is probed under autograd: an in-place write into a leaf that
    # requires grad raises. Any other failure there (e.g. .numpy() without .detach()) is no sign
    # of an in-place write, and is not this test's to judge (gradients are not in the contract).
    try:
        student.grad("conv1d", x, w, b, 1, 2, wrt=[0], grad_output=torch.ones(2, 2, 11))
    except StudentError as e:
        check(not (e.verdict == "exception" and "in-place operation" in e.message), IN_PLACE)
        if e.verdict != "exception":
            raise
