"""A transformer encoder without a causal mask: every position attends to the later tokens.

target: LanguageModel
hint: the language model is not causal
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, lm_windows
"""

import torch
from torch import nn


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.positions = nn.Embedding(512, emb_dim)
        layer = nn.TransformerEncoderLayer(
            emb_dim, nhead=4, dim_feedforward=hidden_dim, dropout=dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(emb_dim, vocab_size)

    def forward(self, ids):
        x = self.embed(ids) + self.positions(torch.arange(ids.shape[1]))[None]
        return self.head(self.dropout(self.encoder(self.dropout(x))))
