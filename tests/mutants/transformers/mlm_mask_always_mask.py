"""Always [MASK]: every selected position is replaced by mask_id.

target: mlm_mask
hint: every selected token became mask_id
unaffected: layer_norm, feed_forward, transformer_block, TinyGPT, generate, bert_inputs, mlm_loss, freeze, grad_reverse
"""

import torch


def mlm_mask(ids, mask_id, vocab_size, special_ids, p=0.15, generator=None):
    special = torch.isin(ids, torch.tensor(list(special_ids)))
    selected = (torch.rand(ids.shape, generator=generator) < p) & ~special
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    r = torch.rand(ids.shape, generator=generator)
    random_ids = torch.randint(vocab_size, ids.shape, generator=generator)
    inputs = ids.clone()
    inputs[selected & (r < 1.0)] = mask_id
    rand_pos = selected & (r >= 1.0) & (r < 0.9)
    inputs[rand_pos] = random_ids[rand_pos]
    return inputs, labels
