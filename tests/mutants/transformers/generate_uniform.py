"""Ignores the logits' values when sampling: draws uniformly over the kept tokens.

target: generate
hint: the draws look uniform
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT
"""

import torch


def generate(model, prompt_ids, n_tokens, temperature=1.0, top_k=None, seed=0):
    model.eval()
    g = torch.Generator().manual_seed(seed)
    ids = prompt_ids
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(ids)[:, -1, :]
            if temperature == 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                nxt = torch.multinomial(torch.ones_like(logits), 1, generator=g)
            ids = torch.cat([ids, nxt], dim=1)
    return ids
