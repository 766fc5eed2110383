"""Freezes the right parameters but returns the number of frozen scalars.

target: freeze
hint: return the number of trainable scalars
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, grad_reverse
"""


def freeze(module, trainable):
    frozen = 0
    for name, p in module.named_parameters():
        if not name.startswith(tuple(trainable)):
            p.requires_grad_(False)
            frozen += p.numel()
    return frozen
