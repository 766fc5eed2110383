"""Correct, computed in float64 inside and cast back to the input's dtype; TinyGPT's head as
an explicit product with the embedding matrix (lm_head still tied, for the state dict)."""

import math

import torch
from torch import nn


def layer_norm(x, gamma, beta, eps=1e-5):
    xd = x.double()
    mean = xd.mean(-1, keepdim=True)
    var = (xd - mean).pow(2).mean(-1, keepdim=True)
    y = (xd - mean) / (var + eps).sqrt() * gamma.double() + beta.double()
    return y.to(x.dtype)


def feed_forward(x, W1, b1, W2, b2):
    h = x.double() @ W1.double().T + b1.double()
    h = h * 0.5 * (1 + torch.erf(h / math.sqrt(2)))
    return (h @ W2.double().T + b2.double()).to(x.dtype)


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model, num_heads, num_layers, max_len):
        super().__init__()
        self.num_heads = num_heads
        self.max_len = max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        d_ff = 4 * d_model
        self.blocks = nn.ModuleList()
        for _ in range(num_layers):
            self.blocks.append(
                nn.ParameterDict(
                    {
                        "ln1_weight": nn.Parameter(torch.ones(d_model)),
                        "ln1_bias": nn.Parameter(torch.zeros(d_model)),
                        "W_q": nn.Parameter(torch.randn(d_model, d_model) / math.sqrt(d_model)),
                        "W_k": nn.Parameter(torch.randn(d_model, d_model) / math.sqrt(d_model)),
                        "W_v": nn.Parameter(torch.randn(d_model, d_model) / math.sqrt(d_model)),
                        "W_o": nn.Parameter(torch.randn(d_model, d_model) / math.sqrt(d_model)),
                        "ln2_weight": nn.Parameter(torch.ones(d_model)),
                        "ln2_bias": nn.Parameter(torch.zeros(d_model)),
                        "W1": nn.Parameter(torch.randn(d_ff, d_model) / math.sqrt(d_model)),
                        "b1": nn.Parameter(torch.zeros(d_ff)),
                        "W2": nn.Parameter(torch.randn(d_model, d_ff) / math.sqrt(d_ff)),
                        "b2": nn.Parameter(torch.zeros(d_model)),
                    }
                )
            )
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight

    def forward(self, ids):
        T = ids.shape[1]
        x = (self.tok_emb(ids) + self.pos_emb.weight[:T]).double()
        causal = torch.tril(torch.ones(T, T)) > 0
        for block in self.blocks:
            params = {k: v.double() for k, v in block.items()}
            x = transformer_block(x, params, self.num_heads, causal)
        x = layer_norm(x, self.ln_f.weight.double(), self.ln_f.bias.double())
        return (x @ self.tok_emb.weight.double().T).float()
