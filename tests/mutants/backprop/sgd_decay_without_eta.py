"""Subtracts the weight decay 2 lam W without the learning rate.

target: sgd_step
hint: multiplied by eta too
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, l2_penalty, layer_grad_norms
"""
import torch


def sgd_step(weights, grads, eta, lam):
    return [W - eta * G - 2 * lam * W for W, G in zip(weights, grads)]
