"""The head starts as a copy of the embedding: equal values, two Parameters.

target: TinyGPT
hint: the output head is not tied to the token embedding
unaffected: layer_norm, feed_forward, transformer_block, generate
"""

import torch
from torch import nn


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model, num_heads, num_layers, max_len):
        super().__init__()
        self.num_heads, self.max_len = num_heads, max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        d_ff = 4 * d_model
        shapes = {
            "ln1_weight": (d_model,),
            "ln1_bias": (d_model,),
            "W_q": (d_model, d_model),
            "W_k": (d_model, d_model),
            "W_v": (d_model, d_model),
            "W_o": (d_model, d_model),
            "ln2_weight": (d_model,),
            "ln2_bias": (d_model,),
            "W1": (d_ff, d_model),
            "b1": (d_ff,),
            "W2": (d_model, d_ff),
            "b2": (d_model,),
        }
        blocks = []
        for _ in range(num_layers):
            block = {}
            for name, shape in shapes.items():
                if name.endswith("weight"):  # LayerNorm scales start at 1
                    block[name] = nn.Parameter(torch.ones(shape))
                elif len(shape) == 1:
                    block[name] = nn.Parameter(torch.zeros(shape))
                else:
                    block[name] = nn.Parameter(torch.randn(shape) * 0.02)
            blocks.append(nn.ParameterDict(block))
        self.blocks = nn.ModuleList(blocks)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = nn.Parameter(self.tok_emb.weight.detach().clone())  # a copy

    def forward(self, ids):
        T = ids.shape[1]
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(T))  # (B, T, d_model)
        causal = torch.ones(T, T, dtype=torch.bool).tril()  # position t sees 0..t
        for block in self.blocks:
            x = transformer_block(x, block, self.num_heads, causal)
        return self.lm_head(self.ln_f(x))  # (B, T, vocab_size)
