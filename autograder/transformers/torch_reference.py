"""What each function must return, computed with torch's own modules on the trusted side
(F.layer_norm, F.gelu, nn.TransformerEncoderLayer), in float64."""

import torch
import torch.nn.functional as F
from torch import nn

from .inputs import block_of


def layer_norm(x, gamma, beta, eps=1e-5):
    return F.layer_norm(x.double(), x.shape[-1:], gamma.double(), beta.double(), eps)


def feed_forward(x, W1, b1, W2, b2):
    d = [t.double() for t in (x, W1, b1, W2, b2)]
    return F.linear(F.gelu(F.linear(d[0], d[1], d[2])), d[3], d[4])


def encoder_layer(params, num_heads):
    """nn.TransformerEncoderLayer(norm_first=True, gelu, no dropout) holding `params`, float64."""
    d_ff, d_model = params["W1"].shape
    layer = nn.TransformerEncoderLayer(
        d_model, num_heads, d_ff, dropout=0.0, activation="gelu", batch_first=True,
        norm_first=True,
    )  # fmt: skip
    layer = layer.double().eval()
    p = {k: v.double() for k, v in params.items()}
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([p["W_q"], p["W_k"], p["W_v"]]))
        layer.self_attn.in_proj_bias.zero_()
        layer.self_attn.out_proj.weight.copy_(p["W_o"])
        layer.self_attn.out_proj.bias.zero_()
        layer.norm1.weight.copy_(p["ln1_weight"])
        layer.norm1.bias.copy_(p["ln1_bias"])
        layer.norm2.weight.copy_(p["ln2_weight"])
        layer.norm2.bias.copy_(p["ln2_bias"])
        layer.linear1.weight.copy_(p["W1"])
        layer.linear1.bias.copy_(p["b1"])
        layer.linear2.weight.copy_(p["W2"])
        layer.linear2.bias.copy_(p["b2"])
    return layer


def transformer_block(x, params, num_heads, mask=None):
    layer = encoder_layer(params, num_heads)
    with torch.no_grad():  # the torch mask says where a query may NOT attend
        return layer(x.double(), src_mask=None if mask is None else ~mask)


def gpt_logits(sd, ids, num_heads, num_layers, *, mask=None, positions=True, final_ln=True):
    """TinyGPT's logits for state dict `sd` (B, T, V); the keywords build known mistakes."""
    T = ids.shape[1]
    E = sd["tok_emb.weight"].double()
    x = E[ids]
    if positions:
        x = x + sd["pos_emb.weight"].double()[:T]
    mask = torch.ones(T, T, dtype=torch.bool).tril() if mask is None else mask
    for i in range(num_layers):
        x = transformer_block(x, block_of(sd, i), num_heads, mask)
    if final_ln:
        x = layer_norm(x, sd["ln_f.weight"], sd["ln_f.bias"])
    return x @ sd["lm_head.weight"].double().T
