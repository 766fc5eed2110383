"""Freezes by module type (every embedding and every block's ParameterDict), not by name.

target: freeze
hint: freeze by parameter name
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, grad_reverse
"""

from torch import nn


def freeze(module, trainable):
    for m in module.modules():
        if isinstance(m, (nn.Embedding, nn.ParameterDict)):
            for p in m.parameters():
                p.requires_grad_(False)
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
