"""Hidden tests for generate, run on the student's own TinyGPT with a reference state dict
loaded. Expected tokens and distributions come from that model's own logits, so a mistake in
TinyGPT does not cost generate's points (a TinyGPT that cannot be built or loaded does)."""

import torch

from dlnlp.testing import Mistake, check

from .gpt import LAYERS, MAX_LEN, D, V, loaded
from .inputs import gpt_state_dict
from .mistakes import sampler_mistakes, tempered

PROMPT = torch.tensor([[3, 7, 1], [5, 0, 9]])
DRAWS = 2000  # one row per draw, in one call: the batch is the sample


def model(student, seed=0):
    return loaded(student, gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=seed))


def generated(student, m, prompt, n, **kw):
    out = student.generate(m, prompt, n, **kw)
    check(
        isinstance(out, torch.Tensor) and out.dtype == torch.int64,
        "generate must return an int64 tensor of token ids",
    )
    if out.shape == (prompt.shape[0], n):
        raise Mistake("return the prompt followed by the new tokens: (B, T0 + n_tokens)")
    check(
        out.shape == (prompt.shape[0], prompt.shape[1] + n),
        "generate must return (B, T0 + n_tokens)",
    )
    check(torch.equal(out[:, : prompt.shape[1]], prompt), "the output must start with the prompt")
    return out


def test_temperature_zero_is_greedy(student):
    """temperature 0 takes the argmax at every step, feeding each token back, in eval mode"""
    m = model(student)
    m.method("train")  # as a model is after training
    m.probe("watch_modes")
    got = generated(student, m, PROMPT, 6, temperature=0.0)
    modes = m.probe("mode_report")
    check(modes["passes"] > 0, "generate never ran the model")
    if modes["eval"] < modes["passes"]:
        raise Mistake("generate runs the model in training mode: call model.eval() first")
    ids = PROMPT
    for _ in range(6):  # the greedy continuation, read from the same model's logits
        nxt = m(ids)[:, -1].argmax(-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=1)
    if torch.equal(got[:, :4], ids[:, :4]) and not torch.equal(got, ids):
        raise Mistake("feed each new token back: step k reads the prompt and the k tokens so far")
    if not torch.equal(got, ids):
        first = m(PROMPT)[:, 0].argmax(-1)
        if torch.equal(got[:, 3], first):
            raise Mistake(
                "the next token comes from the logits of the last position, not the first"
            )
        raise Mistake(
            "with temperature 0 every step must take the argmax of the last position's logits"
        )


def test_same_seed_same_tokens(student):
    """the same seed gives the same tokens; the prompt's batch rows are sampled independently"""
    m = model(student, seed=1)
    prompt = PROMPT[:1].repeat(64, 1)
    a = generated(student, m, prompt, 3, temperature=1.5, seed=11)
    b = generated(student, m, prompt, 3, temperature=1.5, seed=11)
    check(
        torch.equal(a, b), "the same seed must give the same tokens: seed a torch.Generator with it"
    )
    check(
        len({tuple(r) for r in a[:, 3:].tolist()}) > 1,
        "every row drew the same tokens: draw each row of the batch on its own",
    )


def _fits(counts, p):
    """Do the counts of DRAWS draws fit the distribution p? A token of probability 0 is never
    drawn; the others fall within 5 standard errors (+1 draw), so a correct sampler fails with
    probability under 1e-5 for any seed, and a wrong distribution (off by more than ~0.05 on a
    token) is caught."""
    if bool((counts[p == 0] > 0).any()):
        return False
    se = (p * (1 - p) / DRAWS).sqrt()
    return bool(((counts / DRAWS - p).abs() <= 5 * se + 1 / DRAWS).all())


def _check_draws(student, m, temperature, top_k, seed):
    prompt = PROMPT[:1].repeat(DRAWS, 1)
    out = generated(student, m, prompt, 1, temperature=temperature, top_k=top_k, seed=seed)
    logits = m(PROMPT[:1])[0, -1]
    drawn = out[:, -1]
    check(
        bool(((drawn >= 0) & (drawn < V)).all()), "generate drew a token id outside the vocabulary"
    )
    counts = torch.bincount(drawn, minlength=V).double()
    if _fits(counts, tempered(logits, temperature, top_k)):
        return
    for hint, p in sampler_mistakes(logits, temperature, top_k):
        if _fits(counts, p):
            raise Mistake(hint)
    what = "softmax(logits / temperature)" + (" over the top_k largest logits" if top_k else "")
    raise Mistake(f"the draws do not follow {what} at the last position")


def test_draws_follow_the_tempered_softmax(student):
    """2000 seeded draws follow softmax(logits / temperature), at temperatures 0.7 and 2"""
    m = model(student, seed=2)
    _check_draws(student, m, 0.7, None, seed=3)
    _check_draws(student, m, 2.0, None, seed=4)


def test_top_k_keeps_the_k_largest(student):
    """with top_k, only the k largest logits are ever drawn, with their renormalised softmax"""
    m = model(student, seed=5)
    _check_draws(student, m, 1.5, 3, seed=6)
    _check_draws(student, m, 1.0, 1, seed=7)
