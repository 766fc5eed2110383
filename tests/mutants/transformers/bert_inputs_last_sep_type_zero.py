"""Gives the last [SEP] token type 0, as if it belonged to no segment.

target: bert_inputs
hint: the last [SEP] belongs to B
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, mlm_mask, mlm_loss, freeze, grad_reverse
"""

import torch


def bert_inputs(a_ids, b_ids, cls_id, sep_id, pad_id, max_len):
    a, b = list(a_ids), list(b_ids)
    while len(a) + len(b) > max_len - 3:
        (a if len(a) > len(b) else b).pop()
    ids = [cls_id, *a, sep_id, *b, sep_id]
    types = [0] * (len(a) + 2) + [1] * len(b) + [0]
    pad = max_len - len(ids)
    return (
        torch.tensor(ids + [pad_id] * pad),
        torch.tensor(types + [0] * pad),
        torch.arange(max_len) < len(ids),
    )
