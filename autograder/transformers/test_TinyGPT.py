"""Hidden tests for TinyGPT: a reference state dict loads into the student's model, whose logits
then equal torch's own modules with the same weights (nn.TransformerEncoderLayer per block)."""

import torch

from dlnlp.testing import Mistake, check, expect_close

from . import torch_reference as ref
from .gpt import HEADS, LAYERS, MAX_LEN, D, V, ids_of, loaded
from .inputs import gpt_state_dict
from .mistakes import HINT_NOT_CAUSAL, HINT_OFF_BY_ONE, HINT_UNTIED, gpt_mistakes


def test_logits_match_torch_modules(student):
    """with a reference state dict loaded, the logits equal torch's modules at every position"""
    sd = gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=0)
    m = loaded(student, sd)
    ids = ids_of(3, 10, seed=1)  # T < max_len: positions 0..T-1
    expect_close(
        m(ids),
        ref.gpt_logits(sd, ids, HEADS, LAYERS),
        what="TinyGPT's logits",
        mistakes=gpt_mistakes(sd, ids, HEADS, LAYERS),
        atol=1e-4,  # correct float32 versions: <= 2.5e-6 off
        rtol=1e-4,
    )


def test_causal_at_every_position(student):
    """the logits at t do not change when any later token changes, for every t"""
    m = loaded(student, gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=2))
    ids = ids_of(2, MAX_LEN, seed=3)
    base = m(ids)
    check(isinstance(base, torch.Tensor), "forward must return a logits tensor")
    for t in range(MAX_LEN - 1):
        later = ids.clone()
        later[:, t + 1 :] = (later[:, t + 1 :] + 1 + t % (V - 1)) % V
        out = m(later)
        if not torch.allclose(out[:, : t + 1].double(), base[:, : t + 1].double(), atol=1e-5):
            hint = HINT_OFF_BY_ONE
            if not torch.allclose(out[:, :t].double(), base[:, :t].double(), atol=1e-5):
                hint = HINT_NOT_CAUSAL  # a change reached back more than one position
            elif t + 2 < MAX_LEN:  # off by one: changing only t + 2 onwards leaves t alone
                far = ids.clone()
                far[:, t + 2 :] = later[:, t + 2 :]
                if not torch.allclose(m(far)[:, t].double(), base[:, t].double(), atol=1e-5):
                    hint = HINT_NOT_CAUSAL
            raise Mistake(hint)


def test_head_tied_to_token_embedding(student):
    """the head is the token embedding itself: changing tok_emb.weight alone changes the head"""
    sd = gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=4)
    m = loaded(student, sd)
    d_ff = 4 * D
    per_block = 4 * D * D + 2 * D * d_ff + d_ff + 5 * D  # W_q,k,v,o, W1, W2, b1, b2 and two LNs
    tied = V * D + MAX_LEN * D + LAYERS * per_block + 2 * D
    count = m.probe("parameter_count")
    check(count != tied + V * D, HINT_UNTIED)  # a second (V, d) matrix: the head is a copy
    new = gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=5)["tok_emb.weight"]
    m.method("load_state_dict", {"tok_emb.weight": new}, strict=False)  # one update, by name
    ids = ids_of(2, 9, seed=6)
    expect_close(
        m(ids),
        ref.gpt_logits({**sd, "tok_emb.weight": new, "lm_head.weight": new}, ids, HEADS, LAYERS),
        what="TinyGPT's logits after tok_emb.weight changed",
        mistakes=[(HINT_UNTIED, ref.gpt_logits({**sd, "tok_emb.weight": new}, ids, HEADS, LAYERS))],
        atol=1e-4,
        rtol=1e-4,
    )
