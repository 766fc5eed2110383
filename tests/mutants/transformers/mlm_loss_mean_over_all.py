"""Zeroes the ignored positions' loss but divides by all positions.

target: mlm_loss
hint: the loss is averaged over every position
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, freeze, grad_reverse
"""

import torch.nn.functional as F


def mlm_loss(logits, labels):
    V = logits.shape[-1]
    losses = F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), reduction="none")
    return losses.mean()
