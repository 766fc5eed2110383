"""Returns every batch's loss instead of one mean per epoch.

target: train_language_model
hint: one mean loss per epoch
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, sample
"""

import torch
from torch import nn


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)  # noqa: F821
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(windows))
        for start in range(0, len(order), batch_size):
            inputs, targets = shift_targets(windows[order[start : start + batch_size]])  # noqa: F821
            optimizer.zero_grad()
            loss = lm_loss(model(inputs), targets)  # noqa: F821
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
    return losses
