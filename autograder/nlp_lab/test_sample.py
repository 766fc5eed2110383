"""Hidden tests for sample (on the student's own LanguageModel, untrained, small vocabulary)."""

import math

import torch

from dlnlp.testing import Mistake, check

V = 40
PROMPT = [5, 9, 3]


def model(student):
    student.seed(0)
    m = student.keep.LanguageModel(V)
    m.method("eval")
    return m


def ids_of(student, m, prompt, n, temperature, seed=0):
    got = student.sample(m, prompt, n, temperature, seed)
    check(
        isinstance(got, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in got),
        "sample must return a list of int token ids",
    )
    if len(got) == len(prompt) + n and got[: len(prompt)] == prompt:
        raise Mistake("return only the n_tokens new ids, without the prompt")
    check(len(got) == n, "sample must return exactly n_tokens new ids")
    return got


def greedy(m, prompt, n):
    ids = list(prompt)
    for _ in range(n):
        ids.append(int(m(torch.tensor([ids]))[0, -1].argmax()))
    return ids[len(prompt) :]


def test_temperature_zero_is_greedy(student):
    """temperature 0 (and a tiny temperature) gives the argmax at every step, in eval mode"""
    m = model(student)
    m.method("train")  # as a model is after training
    m.probe("watch_modes")
    got = ids_of(student, m, PROMPT, 8, 0.0)
    modes = m.probe("mode_report")
    check(modes["passes"] > 0, "sample never ran the model")
    if modes["eval"] < modes["passes"]:  # some pass had a module (dropout) in train mode
        raise Mistake(
            "sample runs the model in training mode (dropout on): call model.eval() first"
        )
    m.method("eval")
    expected = greedy(m, PROMPT, 8)
    if got[:1] == expected[:1] and got != expected:
        raise Mistake(
            "feed each generated token back in: step k reads the prompt plus the k tokens generated so far"
        )
    check(
        got == expected,
        "with temperature 0 every step must take the argmax of the last position's logits",
    )
    tiny = ids_of(student, m, PROMPT, 8, 1e-4, seed=1)
    check(
        tiny == expected,
        "a tiny temperature must behave like greedy decoding: divide the logits by the temperature",
    )


def test_seeded_draws_follow_the_tempered_softmax(student):
    """the same seed gives the same tokens; draws follow softmax(logits / temperature)"""
    m = model(student)
    check(
        ids_of(student, m, PROMPT, 6, 1.0, seed=7) == ids_of(student, m, PROMPT, 6, 1.0, seed=7),
        "the same seed must give the same sample: seed a torch.Generator with `seed`",
    )
    logits = m(torch.tensor([PROMPT]))[0, -1].double()
    # a temperature that makes the untrained model's flat distribution clearly peaked
    temperature = float(0.25 * (logits.max() - logits.min()))
    probs = torch.softmax(logits / temperature, dim=-1)
    top = int(probs.argmax())
    draws = 300
    hits = sum(ids_of(student, m, PROMPT, 1, temperature, seed=s)[0] == top for s in range(draws))
    p = float(probs[top])
    se = math.sqrt(p * (1 - p) / draws)
    if abs(hits / draws - p) > 5 * se + 0.02:
        flat = float(torch.softmax(logits, -1)[top])
        if abs(hits / draws - flat) <= 5 * math.sqrt(flat * (1 - flat) / draws) + 0.02:
            raise Mistake("the temperature is not applied: draw from softmax(logits / temperature)")
        raise Mistake("the draws do not follow softmax(logits / temperature) at the last position")
