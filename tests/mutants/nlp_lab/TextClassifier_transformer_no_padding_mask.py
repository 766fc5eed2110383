"""A transformer encoder without src_key_padding_mask, mean-pooled over every position: the
real tokens attend to the padding, and the padding is averaged in.

target: TextClassifier
hint: padding changed the logits
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch
from torch import nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.positions = nn.Embedding(512, emb_dim)
        layer = nn.TransformerEncoderLayer(
            emb_dim, nhead=4, dim_feedforward=2 * hidden_dim, dropout=dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(emb_dim, num_classes)

    def forward(self, ids, lengths):
        x = self.embed(ids) + self.positions(torch.arange(ids.shape[1]))[None]
        h = self.encoder(self.dropout(x))
        return self.head(self.dropout(h.mean(dim=1)))
