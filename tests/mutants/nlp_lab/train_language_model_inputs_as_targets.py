"""Skips shift_targets: trains the model to predict each window's own tokens, so it learns
to copy its input.

target: train_language_model
hint: inputs shifted by one
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, sample
"""

import torch
from torch import nn


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)  # noqa: F821
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        order = torch.randperm(len(windows))
        total, batches = 0.0, 0
        for start in range(0, len(order), batch_size):
            inputs = windows[order[start : start + batch_size]]
            optimizer.zero_grad()
            loss = lm_loss(model(inputs), inputs)  # noqa: F821
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        epoch_losses.append(total / batches)
    return epoch_losses
