"""A bidirectional LSTM: the backward direction reads the future tokens.

target: LanguageModel
hint: the language model is not causal
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, lm_windows
"""

from torch import nn


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim // 2, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        outputs, _ = self.encoder(self.dropout(self.embed(ids)))
        return self.head(self.dropout(outputs))
