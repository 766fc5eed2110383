"""Multiplies the logits by the temperature instead of dividing.

target: sample
hint: divide the logits by the temperature
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model
"""

import torch


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(torch.tensor([ids], dtype=torch.long))[0, -1]
            if temperature == 0:
                next_id = int(logits.argmax())
            else:
                probs = torch.softmax(logits * temperature, dim=-1)
                next_id = int(torch.multinomial(probs, 1, generator=generator))
            ids.append(next_id)
    return ids[len(prompt) :]
