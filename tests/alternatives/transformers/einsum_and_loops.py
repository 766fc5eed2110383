"""Correct, written differently: torch.var_mean, einsum, attention with a loop over heads and an
explicit -inf mask, a TinyGPT whose blocks are built from a table of shapes and whose head is
F.linear on the tied weight, top-k by indices and the Gumbel-max trick for sampling, and a
fine_tune that computes a frozen encoder's features once."""

import math

import torch
import torch.nn.functional as F
from torch import nn

SHAPES = {  # key -> shape, in units of d_model (f = 4 d_model)
    "ln1_weight": ("d",), "ln1_bias": ("d",),
    "W_q": ("d", "d"), "W_k": ("d", "d"), "W_v": ("d", "d"), "W_o": ("d", "d"),
    "ln2_weight": ("d",), "ln2_bias": ("d",),
    "W1": ("f", "d"), "b1": ("f",), "W2": ("d", "f"), "b2": ("d",),
}  # fmt: skip


def layer_norm(x, gamma, beta, eps=1e-5):
    var, mean = torch.var_mean(x, dim=-1, unbiased=False, keepdim=True)
    return gamma * (x - mean) * torch.rsqrt(var + eps) + beta


def feed_forward(x, W1, b1, W2, b2):
    h = torch.einsum("...d,fd->...f", x, W1) + b1
    h = h * 0.5 * torch.erfc(-h / math.sqrt(2.0))  # Phi(z) = erfc(-z / sqrt 2) / 2
    return torch.einsum("...f,df->...d", h, W2) + b2


def transformer_block(x, params, num_heads, mask=None):
    B, L, d = x.shape
    d_h = d // num_heads
    a = layer_norm(x, params["ln1_weight"], params["ln1_bias"])
    q, k, v = (torch.einsum("bld,ed->ble", a, params[w]) for w in ("W_q", "W_k", "W_v"))
    heads = []
    for i in range(num_heads):
        sl = slice(i * d_h, (i + 1) * d_h)
        s = torch.einsum("bqe,bke->bqk", q[..., sl], k[..., sl]) / math.sqrt(d_h)
        if mask is not None:
            s = s.masked_fill(~mask, float("-inf"))
        heads.append(torch.einsum("bqk,bke->bqe", s.softmax(dim=-1), v[..., sl]))
    h = x + torch.einsum("ble,de->bld", torch.cat(heads, dim=-1), params["W_o"])
    f = layer_norm(h, params["ln2_weight"], params["ln2_bias"])
    return h + feed_forward(f, params["W1"], params["b1"], params["W2"], params["b2"])


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model, num_heads, num_layers, max_len):
        super().__init__()
        self.num_heads, self.max_len = num_heads, max_len
        size = {"d": d_model, "f": 4 * d_model}
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList()
        for _ in range(num_layers):
            block = nn.ParameterDict()
            for key, dims in SHAPES.items():
                shape = tuple(size[d] for d in dims)
                start = torch.ones(shape) if key.endswith("weight") else torch.zeros(shape)
                block[key] = nn.Parameter(start if len(shape) == 1 else torch.randn(shape) * 0.02)
            self.blocks.append(block)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight

    def forward(self, ids):
        T = ids.shape[1]
        x = self.tok_emb.weight[ids] + self.pos_emb.weight.index_select(0, torch.arange(T))
        i = torch.arange(T)
        mask = i[:, None] >= i[None, :]  # query t, key s: s <= t
        for block in self.blocks:
            x = transformer_block(x, block, self.num_heads, mask)
        x = layer_norm(x, self.ln_f.weight, self.ln_f.bias)
        return F.linear(x, self.lm_head.weight)


def generate(model, prompt_ids, n_tokens, temperature=1.0, top_k=None, seed=0):
    model.eval()
    g = torch.Generator().manual_seed(seed)
    out = prompt_ids
    with torch.no_grad():
        for _ in range(n_tokens):
            z = model(out)[:, -1, :]
            if temperature == 0:
                nxt = z.argmax(dim=-1)
            else:
                z = z / temperature
                idx = torch.arange(z.shape[-1]).expand_as(z)
                if top_k is not None:
                    z, idx = torch.topk(z, top_k, dim=-1)
                u = torch.rand(z.shape, generator=g).clamp_min(1e-20)
                pick = (z - torch.log(-torch.log(u))).argmax(dim=-1, keepdim=True)  # Gumbel-max
                nxt = idx.gather(-1, pick).squeeze(-1)
            out = torch.cat([out, nxt[:, None]], dim=1)
    return out


def bert_inputs(a_ids, b_ids, cls_id, sep_id, pad_id, max_len):
    a, b = list(a_ids), list(b_ids)
    budget = max_len - 3
    while len(a) + len(b) > budget:  # longest first, B on a tie
        if len(b) >= len(a):
            b = b[:-1]
        else:
            a = a[:-1]
    input_ids = torch.full((max_len,), pad_id, dtype=torch.long)
    token_type_ids = torch.zeros(max_len, dtype=torch.long)
    attention_mask = torch.zeros(max_len, dtype=torch.bool)
    seq = [(cls_id, 0)] + [(t, 0) for t in a] + [(sep_id, 0)] + [(t, 1) for t in b] + [(sep_id, 1)]
    for i, (t, s) in enumerate(seq):
        input_ids[i], token_type_ids[i], attention_mask[i] = t, s, True
    return input_ids, token_type_ids, attention_mask


def mlm_mask(ids, mask_id, vocab_size, special_ids, p=0.15, generator=None):
    # a different sampler with the same distribution: Bernoulli selection, then one categorical
    # draw per position for its fate (0 mask, 1 random, 2 keep)
    ordinary = torch.ones_like(ids, dtype=torch.bool)
    for s in special_ids:
        ordinary &= ids != s
    chosen = torch.bernoulli(torch.full(ids.shape, float(p)), generator=generator).bool()
    selected = chosen & ordinary
    fate = torch.multinomial(
        torch.tensor([0.8, 0.1, 0.1]), ids.numel(), replacement=True, generator=generator
    ).view(ids.shape)
    random_ids = torch.randint(0, vocab_size, ids.shape, generator=generator)
    inputs = ids.clone()
    inputs[selected & (fate == 0)] = mask_id
    inputs[selected & (fate == 1)] = random_ids[selected & (fate == 1)]
    labels = ids.masked_fill(~selected, -100)
    return inputs, labels


def mlm_loss(logits, labels):
    logp = logits.log_softmax(dim=-1)
    keep = labels != -100
    picked = logp[keep].gather(-1, labels[keep].unsqueeze(-1)).squeeze(-1)
    return -picked.sum() / keep.sum()


def freeze(module, trainable):
    count, seen = 0, set()
    for name, param in module.named_parameters():
        if not any(name.startswith(t) for t in trainable):
            param.requires_grad = False
    for param in module.parameters():
        if param.requires_grad and id(param) not in seen:
            seen.add(id(param))
            count += param.numel()
    return count


class _ReverseGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad * -ctx.lam, None


def grad_reverse(x, lam):
    return _ReverseGrad.apply(x, lam)


def fine_tune(encoder, head, data, epochs, lr, freeze_encoder=True, seed=0):
    # a frozen encoder's features are computed once, under no_grad, and reused every epoch
    torch.manual_seed(seed)
    ids, labels = data
    for _, param in encoder.named_parameters():
        param.requires_grad = not freeze_encoder
    trainable = [p for _, p in [*encoder.named_parameters(), *head.named_parameters()]]
    optimizer = torch.optim.Adam([p for p in trainable if p.requires_grad], lr=lr)
    if freeze_encoder:
        encoder.eval()
        with torch.no_grad():
            cached = encoder(ids)
    else:
        encoder.train()
    head.train()
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for batch in torch.split(torch.randperm(len(labels)), 8):
            features = cached[batch] if freeze_encoder else encoder(ids[batch])
            logp = torch.log_softmax(head(features), dim=-1)
            loss = -logp[torch.arange(len(batch)), labels[batch]].mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(float(loss))
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses
