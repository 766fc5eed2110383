"""Draws from the full softmax, then replaces a token outside the top k by the argmax.

target: generate
hint: do not follow softmax(logits / temperature) over the top_k largest logits
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
                probs = torch.softmax(logits / temperature, dim=-1)
                nxt = torch.multinomial(probs, 1, generator=g)
                if top_k is not None:
                    top = torch.topk(logits, top_k, dim=-1).indices  # (B, k)
                    kept = (top == nxt).any(dim=-1, keepdim=True)
                    nxt = torch.where(kept, nxt, top[:, :1])
            ids = torch.cat([ids, nxt], dim=1)
    return ids
