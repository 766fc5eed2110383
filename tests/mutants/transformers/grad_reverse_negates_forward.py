"""Negates the forward pass as well as the gradient: the output is -x.

target: grad_reverse
hint: the forward pass negates x
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, freeze
"""

import torch


def grad_reverse(x, lam):
    class GradReverse(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return -x

        @staticmethod
        def backward(ctx, grad):
            return -lam * grad

    return GradReverse.apply(x)
