"""Reverses the gradient without scaling it by lam.

target: grad_reverse
hint: negated but not scaled by lam
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, freeze
"""

import torch


def grad_reverse(x, lam):
    class GradReverse(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad):
            return -grad

    return GradReverse.apply(x)
