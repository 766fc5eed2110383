"""Decays with lam * W instead of 2 * lam * W.

target: sgd_step
hint: not lam * W
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, l2_penalty, layer_grad_norms
"""
import torch


def sgd_step(weights, grads, eta, lam):
    return [W - eta * (G + lam * W) for W, G in zip(weights, grads)]
