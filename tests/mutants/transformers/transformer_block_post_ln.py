"""The original (post-LN) block: LayerNorm after each residual sum.

target: transformer_block
hint: this is a post-LN block
unaffected: layer_norm, feed_forward, generate
"""


def transformer_block(x, params, num_heads, mask=None):
    p = params
    h = layer_norm(
        x + attention(x, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads, mask),
        p["ln1_weight"],
        p["ln1_bias"],
    )
    return layer_norm(
        h + feed_forward(h, p["W1"], p["b1"], p["W2"], p["b2"]), p["ln2_weight"], p["ln2_bias"]
    )
