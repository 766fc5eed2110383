"""Hidden tests for transformer_block, against nn.TransformerEncoderLayer(norm_first=True)."""

import torch

from dlnlp.testing import expect_close

from . import torch_reference as ref
from .inputs import block_params, causal, rand
from .mistakes import transformer_block_mistakes


def _expect_block(student, x, params, num_heads, mask, what):
    expect_close(
        student.transformer_block(x, params, num_heads, mask),
        ref.transformer_block(x, params, num_heads, mask),
        what=what,
        mistakes=transformer_block_mistakes(x, params, num_heads, mask),
        atol=1e-4,  # correct float32 versions: <= 9e-7 off
        rtol=1e-4,
    )


def test_matches_torch_with_causal_mask(student):
    """equals nn.TransformerEncoderLayer(norm_first=True, gelu) with a causal mask, 2 heads"""
    x = rand(2, 5, 8, seed=0)
    _expect_block(student, x, block_params(8, 12, seed=1), 2, causal(5), "the block's output")


def test_matches_torch_without_mask(student):
    """equals the torch layer without a mask, 4 heads, d_ff = 4 d_model"""
    x = rand(3, 4, 8, seed=2)
    _expect_block(
        student, x, block_params(8, 32, seed=3), 4, None, "the block's output without a mask"
    )


def test_any_boolean_mask(student):
    """follows an arbitrary boolean mask (True = may attend)"""
    g = torch.Generator().manual_seed(4)
    mask = torch.rand(6, 6, generator=g) > 0.5
    mask |= torch.eye(6, dtype=torch.bool)  # every query sees at least itself
    x = rand(2, 6, 8, seed=5)
    _expect_block(student, x, block_params(8, 16, seed=6), 2, mask, "the block's masked output")
