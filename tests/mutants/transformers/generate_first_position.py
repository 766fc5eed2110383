"""Reads the next token off the first position's logits instead of the last.

target: generate
hint: not the first
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT
"""

import torch


def generate(model, prompt_ids, n_tokens, temperature=1.0, top_k=None, seed=0):
    model.eval()
    g = torch.Generator().manual_seed(seed)
    ids = prompt_ids
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(ids)[:, 0, :]
            if temperature == 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=g)
            ids = torch.cat([ids, nxt], dim=1)
    return ids
