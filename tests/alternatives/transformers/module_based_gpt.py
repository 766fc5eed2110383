"""Correct, written with modules: a Block module holding the block's Parameters under the
contract's names (so that blocks.<i>.W_q is still the state-dict name), nn.LayerNorm for ln_f,
the head tied by assignment; a fine_tune that switches modules whole and gives the optimizer
parameter groups."""

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        self.num_heads = num_heads
        d_ff = 4 * d_model
        self.ln1_weight = nn.Parameter(torch.ones(d_model))
        self.ln1_bias = nn.Parameter(torch.zeros(d_model))
        self.W_q = nn.Parameter(torch.randn(d_model, d_model) * 0.02)
        self.W_k = nn.Parameter(torch.randn(d_model, d_model) * 0.02)
        self.W_v = nn.Parameter(torch.randn(d_model, d_model) * 0.02)
        self.W_o = nn.Parameter(torch.randn(d_model, d_model) * 0.02)
        self.ln2_weight = nn.Parameter(torch.ones(d_model))
        self.ln2_bias = nn.Parameter(torch.zeros(d_model))
        self.W1 = nn.Parameter(torch.randn(d_ff, d_model) * 0.02)
        self.b1 = nn.Parameter(torch.zeros(d_ff))
        self.W2 = nn.Parameter(torch.randn(d_model, d_ff) * 0.02)
        self.b2 = nn.Parameter(torch.zeros(d_model))

    def forward(self, x, mask):
        params = dict(self.named_parameters())
        return transformer_block(x, params, self.num_heads, mask)


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model, num_heads, num_layers, max_len):
        super().__init__()
        self.num_heads = num_heads
        self.max_len = max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList([Block(d_model, num_heads) for _ in range(num_layers)])
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight

    def forward(self, ids):
        B, T = ids.shape
        pos = torch.arange(T).unsqueeze(0).expand(B, T)
        x = self.tok_emb(ids) + self.pos_emb(pos)
        mask = ~torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        for block in self.blocks:
            x = block(x, mask)
        return self.lm_head(self.ln_f(x))


def fine_tune(encoder, head, data, epochs, lr, freeze_encoder=True, seed=0):
    # modules switched whole (requires_grad_, train(mode)), the optimizer given parameter groups
    torch.manual_seed(seed)
    ids, labels = data
    encoder.requires_grad_(not freeze_encoder).train(not freeze_encoder)
    head.requires_grad_(True).train()
    groups = [{"params": list(head.parameters())}]
    if not freeze_encoder:
        groups.append({"params": list(encoder.parameters())})
    optimizer = torch.optim.Adam(groups, lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        order, total, n = torch.randperm(len(labels)), 0.0, 0
        for i in range(0, len(order), 8):
            b = order[i : i + 8]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(head(encoder(ids[b])), labels[b])
            loss.backward()
            optimizer.step()
            total, n = total + loss.item(), n + 1
        losses.append(total / n)
    return losses
