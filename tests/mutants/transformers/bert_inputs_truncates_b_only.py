"""Truncates the second segment only, whatever the lengths (a common shortcut).

target: bert_inputs
hint: this truncates only B
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, mlm_mask, mlm_loss, freeze, grad_reverse
"""

import torch


def bert_inputs(a_ids, b_ids, cls_id, sep_id, pad_id, max_len):
    a, b = list(a_ids), list(b_ids)
    while len(a) + len(b) > max_len - 3:
        (b if b else a).pop()
    ids = [cls_id, *a, sep_id, *b, sep_id]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    pad = max_len - len(ids)
    return (
        torch.tensor(ids + [pad_id] * pad),
        torch.tensor(types + [0] * pad),
        torch.arange(max_len) < len(ids),
    )
