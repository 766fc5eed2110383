"""Normalises over the batch dimension instead of the classes.

target: mlm_loss
hint: the softmax is over the wrong dimension
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, freeze, grad_reverse
"""


def mlm_loss(logits, labels):
    logp = logits.log_softmax(dim=0)
    keep = labels != -100
    return -logp[keep].gather(-1, labels[keep][:, None]).mean()
