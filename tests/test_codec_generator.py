"""Can a seeded torch.Generator cross the sandbox boundary (as mlm_mask's `generator` must)?"""

import struct

import pytest
import torch

from dlnlp.sandbox import codec


def test_a_generator_crosses_in_its_state_and_stays_independent():
    """Does the decoded generator draw what the original would, without moving the original?"""
    g = torch.Generator().manual_seed(7)
    back = codec.decode(codec.encode({"generator": g}))["generator"]
    assert isinstance(back, torch.Generator)
    expected = torch.rand(5, generator=torch.Generator().manual_seed(7))
    assert torch.equal(torch.rand(5, generator=back), expected)
    assert torch.equal(torch.rand(5, generator=g), expected)  # the original did not move


def test_a_forged_generator_state_is_refused():
    """Is a generator node whose state is not a generator's refused as malformed?"""
    payload = codec.encode({"g": torch.zeros(3, dtype=torch.uint8)})
    (n,) = struct.unpack_from("<Q", payload)
    tree = payload[8 : 8 + n].replace(b'"$tensor"', b'"$generator"')
    payload = struct.pack("<Q", len(tree)) + tree + payload[8 + n :]
    with pytest.raises(codec.CodecError):
        codec.decode(payload)
