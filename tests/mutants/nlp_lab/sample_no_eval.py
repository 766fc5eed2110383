"""Forgets model.eval(): a model fresh from training samples with dropout on.

target: sample
hint: sample runs the model in training mode
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model
"""

import torch


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    # the model is used as it is
    generator = torch.Generator().manual_seed(seed)
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(torch.tensor([ids], dtype=torch.long))[0, -1]
            if temperature == 0:
                next_id = int(logits.argmax())
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                next_id = int(torch.multinomial(probs, 1, generator=generator))
            ids.append(next_id)
    return ids[len(prompt) :]
