"""Seeded random inputs for the hidden tests of transformers: batch dims, d_ff != d_model,
more than one head, and weights large enough that a wrong GELU or LayerNorm shows."""

import torch

BLOCK_KEYS = (
    "ln1_weight", "ln1_bias", "W_q", "W_k", "W_v", "W_o",
    "ln2_weight", "ln2_bias", "W1", "b1", "W2", "b2",
)  # fmt: skip


def rand(*shape, seed=0, scale=1.0, shift=0.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g) * scale + shift


def ln_params(d, seed=0):
    """gamma near 1 and beta near 0, but neither exactly: a missing scale or shift shows."""
    g = torch.Generator().manual_seed(seed)
    return 1 + 0.5 * torch.randn(d, generator=g), 0.5 * torch.randn(d, generator=g)


def ffn_params(d_model, d_ff, seed=0):
    """(W1, b1, W2, b2): pre-activations of size ~2, where the tanh GELU is ~1e-3 off."""
    g = torch.Generator().manual_seed(seed)
    W1 = torch.randn(d_ff, d_model, generator=g) * 2 / d_model**0.5
    W2 = torch.randn(d_model, d_ff, generator=g) / d_ff**0.5
    return W1, torch.randn(d_ff, generator=g), W2, torch.randn(d_model, generator=g)


def block_params(d_model, d_ff, seed=0):
    """A params dict for transformer_block, in nn.Linear's convention."""
    g = torch.Generator().manual_seed(seed)
    W = [torch.randn(d_model, d_model, generator=g) / d_model**0.5 for _ in range(4)]
    ln1, ln2 = ln_params(d_model, seed + 1), ln_params(d_model, seed + 2)
    W1, b1, W2, b2 = ffn_params(d_model, d_ff, seed + 3)
    values = (*ln1, *W, *ln2, W1, b1, W2, b2)
    return dict(zip(BLOCK_KEYS, values, strict=True))


def causal(L):
    """(L, L) bool, True where a query may attend a key: position t sees 0..t."""
    return torch.ones(L, L, dtype=torch.bool).tril()


def gpt_state_dict(vocab_size, d_model, num_layers, max_len, seed=0):
    """A TinyGPT state dict with every name the docstring fixes, the head equal to the embedding."""
    g = torch.Generator().manual_seed(seed)
    sd = {
        "tok_emb.weight": torch.randn(vocab_size, d_model, generator=g),
        "pos_emb.weight": torch.randn(max_len, d_model, generator=g),
    }
    for i in range(num_layers):
        for k, v in block_params(d_model, 4 * d_model, seed=seed + 10 * (i + 1)).items():
            sd[f"blocks.{i}.{k}"] = v
    sd["ln_f.weight"], sd["ln_f.bias"] = ln_params(d_model, seed + 7)
    sd["lm_head.weight"] = sd["tok_emb.weight"]
    return sd


def block_of(sd, i):
    """Block i's params from a TinyGPT state dict."""
    return {k: sd[f"blocks.{i}.{k}"] for k in BLOCK_KEYS}
