"""The mask is never passed on to the attention.

target: transformer_block
hint: the mask is not passed to the attention
unaffected: layer_norm, feed_forward, generate
"""


def transformer_block(x, params, num_heads, mask=None):
    p = params
    a = layer_norm(x, p["ln1_weight"], p["ln1_bias"])
    h = x + attention(a, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads)
    f = layer_norm(h, p["ln2_weight"], p["ln2_bias"])
    return h + feed_forward(f, p["W1"], p["b1"], p["W2"], p["b2"])
