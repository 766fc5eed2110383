"""Keeps a parameter when its name contains a prefix anywhere (`in` instead of startswith).

target: freeze
hint: not when it contains one
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, grad_reverse
"""


def freeze(module, trainable):
    for name, p in module.named_parameters():
        if not any(t in name for t in trainable):
            p.requires_grad_(False)
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
