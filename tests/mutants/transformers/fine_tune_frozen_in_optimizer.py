"""Freezes the encoder (requires_grad False) but still gives all its parameters to the optimizer.

target: fine_tune
hint: the optimizer holds parameters that do not train
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_mask, mlm_loss, freeze, grad_reverse
"""

import torch
import torch.nn.functional as F


def fine_tune(encoder, head, data, epochs, lr, freeze_encoder=True, seed=0):
    torch.manual_seed(seed)
    ids, labels = data
    for p in encoder.parameters():
        p.requires_grad_(not freeze_encoder)
    optimizer = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=lr)
    encoder.train(not freeze_encoder)
    head.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(labels))
        total, batches = 0.0, 0
        for start in range(0, len(labels), 8):
            batch = order[start : start + 8]
            features = encoder(ids[batch])
            loss = F.cross_entropy(head(features), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        losses.append(total / batches)
    return losses
