"""Draws with the global generator, ignoring `seed`: the same seed gives different text.

target: sample
hint: the same seed must give the same sample
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model
"""

import torch


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    model.eval()
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(torch.tensor([ids], dtype=torch.long))[0, -1]
            if temperature == 0:
                next_id = int(logits.argmax())
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                next_id = int(torch.multinomial(probs, 1))
            ids.append(next_id)
    return ids[len(prompt) :]
