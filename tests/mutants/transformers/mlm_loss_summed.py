"""Sums the selected positions' cross-entropy instead of averaging it.

target: mlm_loss
hint: the loss is summed
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, freeze, grad_reverse
"""

import torch.nn.functional as F


def mlm_loss(logits, labels):
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), reduction="sum")
