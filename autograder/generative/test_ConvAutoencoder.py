"""Hidden tests for ConvAutoencoder: made in the worker with no arguments, its parameters must carry
the contract's names and shapes (read by the kit's probe); a seeded state dict then loads into it,
and its output (and its encoder's) equals torch's own modules of the contract holding the same
weights, here, on two lengths divisible by 4. Each catalogued mistake is computed here too, on the
same weights, to name it."""

import torch
from torch import nn

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

SHAPES = {
    "encoder.0.weight": (8, 1, 5),
    "encoder.0.bias": (8,),
    "encoder.2.weight": (16, 8, 5),
    "encoder.2.bias": (16,),
    "decoder.0.weight": (16, 8, 4),  # ConvTranspose1d's weight is (C_in, C_out, K)
    "decoder.0.bias": (8,),
    "decoder.2.weight": (8, 1, 4),
    "decoder.2.bias": (1,),
}
SPEC = (
    "follow the contract's submodules: encoder = Sequential(Conv1d(1, 8, 5, stride=2, padding=2), "
    "ReLU, Conv1d(8, 16, 5, stride=2, padding=2), ReLU), decoder = "
    "Sequential(ConvTranspose1d(16, 8, 4, stride=2, padding=1), ReLU, "
    "ConvTranspose1d(8, 1, 4, stride=2, padding=1))"
)
NAMES = f"the parameters' names or shapes are not the contract's: {SPEC}"
TRANSPOSED = (
    "the decoder must upsample with nn.ConvTranspose1d (not Upsample followed by Conv1d): " + SPEC
)
SHAPE = (
    "the reconstruction must have the input's shape (N, 1, L): check each layer's kernel size, "
    "stride and padding against the contract"
)
LAST_ACTIVATION = (
    "an activation follows the decoder's last layer: the reconstruction is the last "
    "ConvTranspose1d's output as it is (the signals take negative values)"
)
NO_DECODER_RELU = "the decoder has no ReLU between its two ConvTranspose1d layers"
NO_LAST_ENCODER_RELU = "the encoder must end with a ReLU after its second Conv1d"
CODE = "forward returns the code: it must return the reconstruction decoder(encoder(x))"


def _spec() -> nn.Module:
    """The contract's autoencoder, built here from torch's modules."""
    down, up = {"stride": 2, "padding": 2}, {"stride": 2, "padding": 1}
    spec = nn.Module()
    spec.encoder = nn.Sequential(nn.Conv1d(1, 8, 5, **down), nn.ReLU())
    spec.encoder.extend([nn.Conv1d(8, 16, 5, **down), nn.ReLU()])
    spec.decoder = nn.Sequential(nn.ConvTranspose1d(16, 8, 4, **up), nn.ReLU())
    spec.decoder.append(nn.ConvTranspose1d(8, 1, 4, **up))
    return spec


def _state(seed: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return {k: 0.5 * torch.randn(s, generator=g) for k, s in SHAPES.items()}


def _outputs(state, x) -> dict[str, torch.Tensor]:
    """The right output ("") and each catalogued mistake's, with the same weights."""
    m = _spec()
    m.load_state_dict(state)
    (c1, r1, c2, _), (t1, r2, t2) = m.encoder, m.decoder
    with torch.inference_mode():  # the trusted outputs need no graph
        code = m.encoder(x)
        hidden = r2(t1(code))
        return {
            "": t2(hidden),
            "code": code,
            "code_no_relu": c2(r1(c1(x))),
            "no_decoder_relu": t2(t1(code)),
            "no_last_encoder_relu": t2(r2(t1(c2(r1(c1(x)))))),
            "relu_last": torch.relu(t2(hidden)),
            "sigmoid_last": torch.sigmoid(t2(hidden)),
            "tanh_last": torch.tanh(t2(hidden)),
        }


HINTS = {
    "code": CODE,
    "no_decoder_relu": NO_DECODER_RELU,
    "no_last_encoder_relu": NO_LAST_ENCODER_RELU,
    "relu_last": LAST_ACTIVATION,
    "sigmoid_last": LAST_ACTIVATION,
    "tanh_last": LAST_ACTIVATION,
}


def _inputs(seed: int, N: int, L: int) -> torch.Tensor:
    return torch.randn(N, 1, L, generator=torch.Generator().manual_seed(seed))


def _names_and_shapes(values) -> None:
    got = {k: tuple(v.shape) for k, v in values.items()}
    if got == SHAPES:
        return
    if (
        any(k.startswith("decoder.") and len(s) == 3 for k, s in got.items())
        and got.get("decoder.0.weight") != SHAPES["decoder.0.weight"]
    ):
        raise Mistake(TRANSPOSED)  # e.g. a Conv1d's (C_out, C_in, K) weight where it should not be
    raise Mistake(NAMES)


def _loaded(student, seed: int):
    model = student.keep.ConvAutoencoder()
    _names_and_shapes(model.probe("parameter_values"))
    try:
        model.method("load_state_dict", _state(seed))
    except StudentError as e:
        if e.verdict != "exception":
            raise
        raise Mistake(NAMES) from None
    return model


def test_parameter_names_and_shapes(student):
    """the parameters have exactly the contract's names and shapes"""
    _names_and_shapes(student.keep.ConvAutoencoder().probe("parameter_values"))


def _reconstruction(student, seed: int, N: int, L: int) -> None:
    model = _loaded(student, seed)
    x = _inputs(seed, N, L)
    got = model(x)
    outputs = _outputs(_state(seed), x)
    check(isinstance(got, torch.Tensor), "forward must return the reconstruction, a tensor")
    if got.shape == outputs["code"].shape:
        raise Mistake(CODE)
    check(got.shape == x.shape, SHAPE)
    expect_close(
        got,
        outputs[""],
        what="the reconstruction",
        mistakes=[(HINTS[k], outputs[k]) for k in HINTS],
        hint=f"the reconstruction does not match the contract's layers with the same weights: {SPEC}",
        atol=1e-5,  # float32, the same modules: <= 1e-6 off
        rtol=1e-4,
    )


def test_reconstruction_matches_torch_modules(student):
    """with a seeded state dict loaded, the reconstruction equals the contract's layers (L = 24)"""
    _reconstruction(student, 0, 3, 24)


def test_reconstruction_at_another_length(student):
    """the same at another length (L = 40) and batch size"""
    _reconstruction(student, 1, 2, 40)


def test_encoder_gives_the_code(student):
    """the encoder alone maps (N, 1, L) to the code (N, 16, L/4)"""
    model = _loaded(student, 2)
    x = _inputs(2, 2, 32)
    got = model.method("encoder", x)
    outputs = _outputs(_state(2), x)
    expected = outputs["code"]
    check(
        isinstance(got, torch.Tensor) and got.shape == expected.shape,
        "the encoder must map (N, 1, L) to the code (N, 16, L/4): " + SPEC,
    )
    expect_close(
        got,
        expected,
        what="the encoder's code",
        mistakes=[(NO_LAST_ENCODER_RELU, outputs["code_no_relu"])],
        hint=f"the encoder does not match the contract's layers: {SPEC}",
        atol=1e-5,
        rtol=1e-4,
    )
