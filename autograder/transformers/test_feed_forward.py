"""Hidden tests for feed_forward, against F.linear and the exact F.gelu in float64."""

from dlnlp.testing import expect_close

from . import torch_reference as ref
from .inputs import ffn_params, rand
from .mistakes import feed_forward_mistakes


def test_matches_torch(student):
    """matches W2 GELU(W1 x + b1) + b2 (exact GELU) with batch dims and d_ff != d_model"""
    x = rand(2, 3, 4, 6, seed=0)
    params = ffn_params(6, 10, seed=1)
    # atol 1e-5: correct float32 versions are <= 4e-7 off; the tanh GELU is 5.4e-4 off here
    expect_close(
        student.feed_forward(x, *params),
        ref.feed_forward(x, *params),
        what="the feed-forward output",
        mistakes=feed_forward_mistakes(x, *params),
    )


def test_position_wise_without_batch(student):
    """works on a single sequence (L, d_model), each position on its own"""
    x = rand(7, 5, seed=2)
    params = ffn_params(5, 12, seed=3)
    expect_close(
        student.feed_forward(x, *params),
        ref.feed_forward(x, *params),
        what="the feed-forward output for (L, d_model)",
        mistakes=feed_forward_mistakes(x, *params),
    )
