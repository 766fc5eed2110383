"""Runs the LSTM over the padded batch and takes the output at the last position (T - 1),
which for a short sequence comes after its padding.

target: TextClassifier
hint: padding changed the logits
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

from torch import nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, ids, lengths):
        outputs, _ = self.encoder(self.dropout(self.embed(ids)))
        return self.head(self.dropout(outputs[:, -1]))
