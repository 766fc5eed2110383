"""Reference solution for the `transformers` assignment: a pre-LN transformer block and a tiny GPT.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name (each
method of TinyGPT into the region of the same method); the signature and docstring the student
sees live in the notebook. `attention` (multi-head self-attention) is not graded: the notebook
gives it, in a cell of its own, and the reference calls that one.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def layer_norm(x, gamma, beta, eps=1e-5):
    """Reference: normalise over the last dim with the biased variance, then scale and shift."""
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)  # biased: divide by n, not n - 1
    return (x - mean) / torch.sqrt(var + eps) * gamma + beta


def feed_forward(x, W1, b1, W2, b2):
    """Reference: W2 GELU(W1 x + b1) + b2, the exact (erf) GELU, position-wise."""
    h = x @ W1.T + b1  # (..., L, d_ff)
    h = 0.5 * h * (1.0 + torch.erf(h / math.sqrt(2.0)))
    return h @ W2.T + b2


def transformer_block(x, params, num_heads, mask=None):
    """Reference: pre-LN, h = x + MHA(LN1(x)); out = h + FFN(LN2(h))."""
    p = params
    a = layer_norm(x, p["ln1_weight"], p["ln1_bias"])
    h = x + attention(a, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads, mask)  # noqa: F821
    f = layer_norm(h, p["ln2_weight"], p["ln2_bias"])
    return h + feed_forward(f, p["W1"], p["b1"], p["W2"], p["b2"])


class TinyGPT(nn.Module):
    """Reference: token + positional embeddings, pre-LN blocks with a causal mask, a final
    LayerNorm and a head tied to the token embedding."""

    def __init__(self, vocab_size, d_model, num_heads, num_layers, max_len):
        super().__init__()
        self.num_heads, self.max_len = num_heads, max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        d_ff = 4 * d_model
        shapes = {
            "ln1_weight": (d_model,),
            "ln1_bias": (d_model,),
            "W_q": (d_model, d_model),
            "W_k": (d_model, d_model),
            "W_v": (d_model, d_model),
            "W_o": (d_model, d_model),
            "ln2_weight": (d_model,),
            "ln2_bias": (d_model,),
            "W1": (d_ff, d_model),
            "b1": (d_ff,),
            "W2": (d_model, d_ff),
            "b2": (d_model,),
        }
        blocks = []
        for _ in range(num_layers):
            block = {}
            for name, shape in shapes.items():
                if name.endswith("weight"):  # LayerNorm scales start at 1
                    block[name] = nn.Parameter(torch.ones(shape))
                elif len(shape) == 1:
                    block[name] = nn.Parameter(torch.zeros(shape))
                else:
                    block[name] = nn.Parameter(torch.randn(shape) * 0.02)
            blocks.append(nn.ParameterDict(block))
        self.blocks = nn.ModuleList(blocks)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # tied: one Parameter, two names

    def forward(self, ids):
        T = ids.shape[1]
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(T))  # (B, T, d_model)
        causal = torch.ones(T, T, dtype=torch.bool).tril()  # position t sees 0..t
        for block in self.blocks:
            x = transformer_block(x, block, self.num_heads, causal)
        return self.lm_head(self.ln_f(x))  # (B, T, vocab_size)


def generate(model, prompt_ids, n_tokens, temperature=1.0, top_k=None, seed=0):
    """Reference: autoregressive sampling from the last position's tempered, top-k logits."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    ids = prompt_ids
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(ids)[:, -1, :]  # (B, V): the next token's scores
            if temperature == 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # (B, 1)
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = torch.softmax(logits, dim=-1)
                nxt = torch.multinomial(probs, 1, generator=g)  # (B, 1)
            ids = torch.cat([ids, nxt], dim=1)
    return ids


def bert_inputs(a_ids, b_ids, cls_id, sep_id, pad_id, max_len):
    """Reference: [CLS] A [SEP] B [SEP], longest-first truncation, padded at the end."""
    a, b = [int(t) for t in a_ids], [int(t) for t in b_ids]
    while len(a) + len(b) > max_len - 3:  # BERT run_classifier.py's _truncate_seq_pair
        (a if len(a) > len(b) else b).pop()  # from the longer segment's end, B on a tie
    ids = [cls_id, *a, sep_id, *b, sep_id]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)  # [CLS] and the first [SEP] belong to A
    pad = max_len - len(ids)
    input_ids = torch.tensor(ids + [pad_id] * pad)
    token_type_ids = torch.tensor(types + [0] * pad)
    attention_mask = torch.arange(max_len) < len(ids)  # True at the real tokens
    return input_ids, token_type_ids, attention_mask


def mlm_mask(ids, mask_id, vocab_size, special_ids, p=0.15, generator=None):
    """Reference: select non-special positions with prob p; 80% [MASK], 10% random, 10% kept."""
    special = torch.isin(ids, torch.tensor(list(special_ids), dtype=ids.dtype))
    selected = (torch.rand(ids.shape, generator=generator) < p) & ~special
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    r = torch.rand(ids.shape, generator=generator)  # which of the three fates
    random_ids = torch.randint(vocab_size, ids.shape, generator=generator)
    inputs = torch.where(selected & (r < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (r >= 0.8) & (r < 0.9), random_ids, inputs)
    return inputs, labels


def mlm_loss(logits, labels):
    """Reference: mean cross-entropy over the positions whose label is not -100."""
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=-100)


def freeze(module, trainable):
    """Reference: requires_grad False unless the name starts with one of `trainable`."""
    prefixes = tuple(trainable)
    for name, param in module.named_parameters():
        if not name.startswith(prefixes):
            param.requires_grad_(False)
    # parameters() yields a tied Parameter once: it is counted once
    return sum(param.numel() for param in module.parameters() if param.requires_grad)


def grad_reverse(x, lam):
    """Reference: identity forward, -lam * grad backward, as a torch.autograd.Function."""

    class GradReverse(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view_as(x)  # a new tensor (a view): autograd records this Function

        @staticmethod
        def backward(ctx, grad):
            return -lam * grad

    return GradReverse.apply(x)


def fine_tune(encoder, head, data, epochs, lr, freeze_encoder=True, seed=0):
    """Reference: Adam on the trainable parameters only, minibatches of 8, a frozen encoder in
    eval mode (a fixed feature extractor: no dropout) with requires_grad False."""
    torch.manual_seed(seed)
    ids, labels = data
    for param in encoder.parameters():
        param.requires_grad_(not freeze_encoder)
    params = [p for p in [*encoder.parameters(), *head.parameters()] if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    encoder.train(not freeze_encoder)
    head.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(labels))
        total, batches = 0.0, 0
        for start in range(0, len(labels), 8):
            batch = order[start : start + 8]
            loss = F.cross_entropy(head(encoder(ids[batch])), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        losses.append(total / batches)
    return losses


def dann_step(encoder, head, domain_head, opt, src_ids, src_y, tgt_ids, lam):
    """Reference: one DANN step. Cross-entropy on the source alone; BCE of the domain head, read
    through grad_reverse (lam applied there only), on source (0) then target (1) features, each
    domain encoded on its own; one zero_grad, one backward of the sum, one step."""
    f_src, f_tgt = encoder(src_ids), encoder(tgt_ids)  # (N_s, d), (N_t, d): lengths may differ
    task_loss = F.cross_entropy(head(f_src), src_y)
    features = torch.cat([f_src, f_tgt])  # (N_s + N_t, d)
    domain = torch.cat([torch.zeros(len(f_src)), torch.ones(len(f_tgt))]).unsqueeze(-1)
    domain_loss = F.binary_cross_entropy_with_logits(
        domain_head(grad_reverse(features, lam)), domain
    )
    opt.zero_grad()
    (task_loss + domain_loss).backward()
    opt.step()
    return task_loss.item(), domain_loss.item()
