"""Token types left at 0 everywhere (no segment B).

target: bert_inputs
hint: token types must be 1 for segment B
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, mlm_mask, mlm_loss, freeze, grad_reverse
"""

import torch


def bert_inputs(a_ids, b_ids, cls_id, sep_id, pad_id, max_len):
    a, b = list(a_ids), list(b_ids)
    while len(a) + len(b) > max_len - 3:
        (a if len(a) > len(b) else b).pop()
    ids = [cls_id, *a, sep_id, *b, sep_id]
    pad = max_len - len(ids)
    return (
        torch.tensor(ids + [pad_id] * pad),
        torch.zeros(max_len, dtype=torch.long),
        torch.arange(max_len) < len(ids),
    )
