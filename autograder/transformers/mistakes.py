"""Catalogued misconceptions for transformers, as (hint, wrong output) pairs.

Each `*_mistakes` function computes, on the trusted side and in float64, what a known wrong
implementation returns for the same inputs, so that a student's output can be recognised and
named. The hints name the misconception, never the inputs.
"""

import math

import torch
import torch.nn.functional as F

from . import torch_reference as ref

HINT_UNBIASED = (
    "the variance is the unbiased one (divided by d - 1): LayerNorm divides by d "
    "(unbiased=False, or the mean of the squared deviations)"
)
HINT_EPS = "eps is added outside the square root: divide by sqrt(var + eps)"
HINT_TANH = "this is the tanh approximation of GELU: use the exact one, z * Phi(z) with erf"
HINT_POST_LN = (
    "this is a post-LN block (LayerNorm after each residual sum): pre-LN normalises each "
    "sublayer's input, h = x + MHA(LN1(x)), out = h + FFN(LN2(h))"
)
HINT_RESIDUAL = (
    "the residual adds the normalised input: add the sublayer's output to x (and to h), "
    "not to LN(x)"
)
HINT_UNTIED = (
    "the output head is not tied to the token embedding: lm_head.weight must be the same "
    "Parameter as tok_emb.weight, not a copy"
)
HINT_NOT_CAUSAL = "the model attends to later positions: pass a causal mask to every block"
HINT_OFF_BY_ONE = (
    "the causal mask is off by one: position t must see positions 0..t, itself included, "
    "and nothing after"
)
HINT_NO_POSITIONS = "the positional embeddings are not added to the token embeddings"
HINT_NO_FINAL_LN = "the final LayerNorm (ln_f) is missing before the output head"


def _plain_ln(x, gamma, beta, eps=1e-5, unbiased=False, eps_outside=False):
    x, gamma, beta = x.double(), gamma.double(), beta.double()
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=unbiased, keepdim=True)
    scale = var.sqrt() + eps if eps_outside else (var + eps).sqrt()
    return (x - mean) / scale * gamma + beta


def layer_norm_mistakes(x, gamma, beta, eps=1e-5):
    return [
        (HINT_UNBIASED, _plain_ln(x, gamma, beta, eps, unbiased=True)),
        (HINT_EPS, _plain_ln(x, gamma, beta, eps, eps_outside=True)),
        (
            "normalise over the last dimension (the features of each position), not the first",
            _plain_ln(x.movedim(0, -1), gamma.new_ones(x.shape[0]), gamma.new_zeros(x.shape[0]))
            .movedim(-1, 0)
            .mul(gamma.double())
            .add(beta.double()),
        ),
        (
            "gamma and beta are not applied: scale the normalised x by gamma, then add beta",
            _plain_ln(x, torch.ones_like(gamma), torch.zeros_like(beta), eps),
        ),
    ]


def _ffn(x, W1, b1, W2, b2, act):
    d = [t.double() for t in (x, W1, b1, W2, b2)]
    return F.linear(act(F.linear(d[0], d[1], d[2])), d[3], d[4])


def feed_forward_mistakes(x, W1, b1, W2, b2):
    return [
        (HINT_TANH, _ffn(x, W1, b1, W2, b2, lambda z: F.gelu(z, approximate="tanh"))),
        ("this is ReLU, not GELU: GELU(z) = z * Phi(z)", _ffn(x, W1, b1, W2, b2, F.relu)),
        (
            "GELU is missing between the two linear layers",
            _ffn(x, W1, b1, W2, b2, lambda z: z),
        ),
        (
            "a bias is missing: FFN(x) = W2 GELU(W1 x + b1) + b2",
            _ffn(x, W1, b1, W2, torch.zeros_like(b2), F.gelu),
        ),
    ]


def _attention(x, p, num_heads, mask):
    B, L, d = x.shape
    d_h = d // num_heads

    def heads(W):
        return (x @ W.T).view(B, L, num_heads, d_h).transpose(1, 2)

    out = F.scaled_dot_product_attention(heads(p["W_q"]), heads(p["W_k"]), heads(p["W_v"]), mask)
    return out.transpose(1, 2).reshape(B, L, d) @ p["W_o"].T


def _ln(x, p, i):
    return F.layer_norm(x, x.shape[-1:], p[f"ln{i}_weight"], p[f"ln{i}_bias"])


def _ffn_p(x, p):
    return F.linear(F.gelu(F.linear(x, p["W1"], p["b1"])), p["W2"], p["b2"])


def transformer_block_mistakes(x, params, num_heads, mask=None):
    x = x.double()
    p = {k: v.double() for k, v in params.items()}
    post_h = _ln(x + _attention(x, p, num_heads, mask), p, 1)
    post = _ln(post_h + _ffn_p(post_h, p), p, 2)
    a = _ln(x, p, 1)
    res_h = a + _attention(a, p, num_heads, mask)
    f = _ln(res_h, p, 2)
    res = f + _ffn_p(f, p)
    h = x + _attention(a, p, num_heads, mask)
    same_ln = h + _ffn_p(_ln(h, p, 1), p)
    no_mask = ref.transformer_block(x, params, num_heads) if mask is not None else None
    found = [
        (HINT_POST_LN, post),
        (HINT_RESIDUAL, res),
        (
            "the second LayerNorm uses LN1's weights: LN2 has its own ln2_weight and ln2_bias",
            same_ln,
        ),
        (
            "the FFN sublayer has no residual connection: out = h + FFN(LN2(h))",
            _ffn_p(_ln(h, p, 2), p),
        ),
    ]
    if no_mask is not None:
        found.append(("the mask is not passed to the attention", no_mask))
    return found


def gpt_mistakes(sd, ids, num_heads, num_layers):
    T = ids.shape[1]
    off = torch.ones(T, T, dtype=torch.bool).tril(diagonal=1)
    return [
        (
            HINT_NOT_CAUSAL,
            ref.gpt_logits(sd, ids, num_heads, num_layers, mask=torch.ones(T, T, dtype=torch.bool)),
        ),
        (HINT_OFF_BY_ONE, ref.gpt_logits(sd, ids, num_heads, num_layers, mask=off)),
        (HINT_NO_POSITIONS, ref.gpt_logits(sd, ids, num_heads, num_layers, positions=False)),
        (HINT_NO_FINAL_LN, ref.gpt_logits(sd, ids, num_heads, num_layers, final_ln=False)),
    ]


def tempered(logits, temperature, top_k=None):
    """softmax(logits / temperature) over the top_k largest (float64, (..., V))."""
    z = logits.double() / temperature
    if top_k is not None:
        kth = torch.topk(z, top_k, dim=-1).values[..., -1:]
        z = z.masked_fill(z < kth, -math.inf)
    return torch.softmax(z, dim=-1)


def sampler_mistakes(logits, temperature, top_k):
    """(hint, distribution of one draw) for each catalogued sampler mistake."""
    p = tempered(logits, 1.0)
    found = [
        (
            "the temperature multiplies the logits: divide them by it",
            tempered(logits * temperature, 1.0, top_k),
        ),
        (
            "the temperature is not applied: draw from softmax(logits / temperature)",
            tempered(logits, 1.0, top_k),
        ),
        (
            "the draws look uniform: sample from the softmax of the logits",
            torch.full_like(p, 1 / p.shape[-1]),
        ),
    ]
    if top_k is not None:
        found.insert(
            0,
            (
                "top_k keeps one token too many: keep exactly the k largest logits",
                tempered(logits, temperature, top_k + 1),
            ),
        )
        found.append(
            ("top_k is not applied: keep only the k largest logits", tempered(logits, temperature))
        )
    return found
