"""The residual goes around the wrong thing: it adds LN(x) instead of x.

target: transformer_block
hint: the residual adds the normalised input
unaffected: layer_norm, feed_forward, generate
"""


def transformer_block(x, params, num_heads, mask=None):
    p = params
    a = layer_norm(x, p["ln1_weight"], p["ln1_bias"])
    h = a + attention(a, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads, mask)
    f = layer_norm(h, p["ln2_weight"], p["ln2_bias"])
    return f + feed_forward(f, p["W1"], p["b1"], p["W2"], p["b2"])
