"""Calls torch.seed() (a fresh, random seed) instead of torch.manual_seed(seed).

target: train_classifier
hint: same seed gave different losses
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch
from torch import nn


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    torch.seed()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        order = torch.randperm(len(examples)).tolist()
        total, batches = 0.0, 0
        for start in range(0, len(order), batch_size):
            ids, lengths, labels = collate(  # noqa: F821
                [examples[i] for i in order[start : start + batch_size]]
            )
            optimizer.zero_grad()
            loss = loss_fn(model(ids, lengths), labels)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        epoch_losses.append(total / batches)
    return epoch_losses
