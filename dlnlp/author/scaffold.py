"""The text of a new assignment (`dlnlp new`): one example graded function, `softmax`, with its
contract, reference, hidden tests, its catalogued mistakes, ten mutants, three alternatives and
two written questions, all consistent, so that `dlnlp check` passes at once and the assignment
meets author/minimums.py. `{a}` is the assignment id, `{title}` its title. And the text of one
more graded function (`dlnlp new ID --function NAME`), `{fn}` its name.

Rename the example everywhere with `dlnlp rename ID softmax NAME`. Only the texts with
placeholders are passed through str.format: INTRO, STUB, the files, CONFIG and the FN_ ones."""

FUNCTION = "softmax"
POINTS = 2

INTRO = """# Assignment: {title}

*(Author: say here what the students build in this assignment, and why.)*

## Instructions

- Implement each function in its own cell, replacing the lines `# YOUR CODE HERE` and
  `raise NotImplementedError()`. **Do not rename the functions or change their signatures**, and
  do not delete or copy cells (the grader finds your code by cell).
- **The grader loads only imports, function and class definitions and constant assignments from
  your cells.** Keep experiments in your own scratch cells.
- Each function is followed by a cell of **visible checks**, a sanity check only: the hidden
  tests check more. Each check cell prints ✓ when all its checks pass, or ✗ and what went wrong.
  A failing check stops Run All at its cell: fix the function, then run its cell and the check
  again; to look further first, select the next cell and use
  **Run ▸ Run Selected Cell and All Below** (in Colab: **Runtime ▸ Run after**).
- Using `torch.softmax` (or any of its aliases) scores **0** for that function.
- **CPU only.** The grader runs your functions on a CPU: do not call `.cuda()` or
  `.to("cuda")` in a graded function."""

IMPORTS = "import math\nimport torch"

SECTION = r"""## 1. Softmax

$$
\mathrm{softmax}(x)_i = \frac{\exp(x_i)}{\sum_j \exp(x_j)}
= \frac{\exp(x_i - m)}{\sum_j \exp(x_j - m)}, \qquad m = \max_j x_j .
$$

Both forms are equal, but only the second is safe: $\exp(1000)$ overflows to `inf`.
Implement `softmax(x)` over the **last** dimension, for any number of leading batch dimensions."""

STUB = '''def softmax(x):
    """Softmax over the last dimension, with any number of leading batch dims.

    x: float tensor (..., n). Returns a tensor of the same shape whose last-dim rows are
    non-negative and sum to 1; finite for any finite x (subtract each row's max before exp).
    Do not modify x.
    """
    ### BEGIN SOLUTION
    # spliced from solutions/{a}.py by `dlnlp build`
    ### END SOLUTION'''

CHECK = """with visible_checks("softmax"):
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    p = softmax(x)
    assert isinstance(p, torch.Tensor) and p.shape == x.shape, f"softmax should keep the shape {tuple(x.shape)}"
    assert torch.allclose(p.sum(-1), torch.ones(2)), "each row must sum to 1: normalise over the last dimension (dim=-1)"
    assert torch.allclose(p[1], torch.full((3,), 1 / 3)), "equal scores give equal probabilities"
    assert p[0, 2] > p[0, 1] > p[0, 0], "a larger score must get a larger probability"
    assert torch.isfinite(softmax(torch.tensor([1000.0, 0.0]))).all(), "softmax overflows for large scores: subtract the max first"
    far = softmax(torch.tensor([[1000.0, 1001.0], [0.0, 1.0]]))
    assert torch.allclose(far[1], far[0], atol=1e-4), "a row far below another must keep its probabilities: subtract each row's own max"
"""

# (grade_id stem, question, model answer): the minimums ask for 2 to 4
QUESTION = """### Written question 1 (1 point): why subtract the max?

Show that $\\mathrm{softmax}(x - c) = \\mathrm{softmax}(x)$ for any constant $c$, and say why
$c = \\max_j x_j$ is the choice that makes the computation safe."""

ANSWER = """Multiplying numerator and denominator by $\\exp(-c)$ changes nothing, so the result is the same
for any $c$. With $c = \\max_j x_j$ every exponent is at most 0, so no $\\exp$ overflows, and the
largest term is $\\exp(0) = 1$, so the sum is at least 1 and never underflows to 0."""

QUESTION_2 = """### Written question 2 (1 point): temperature

Softmax is often applied to $x / T$ for a temperature $T > 0$. What happens to the output as
$T \\to 0^+$, and as $T \\to \\infty$?"""

ANSWER_2 = """As $T \\to 0^+$ the largest score dominates: the output tends to a one-hot vector on the
argmax (ties shared). As $T \\to \\infty$ every scaled score tends to 0 and the output tends to the
uniform distribution $1/n$."""

WRITTEN = [("written_softmax", QUESTION, ANSWER), ("written_temperature", QUESTION_2, ANSWER_2)]

SOLUTION = '''"""Reference solution for the `{a}` assignment.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook.
"""

import torch


def softmax(x):
    """Reference for the notebook contract: exp(x - max) normalised over the last dim."""
    z = x - x.amax(dim=-1, keepdim=True)  # the largest score becomes 0: exp cannot overflow
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)
'''

INPUTS = '''"""Seeded random inputs for the hidden tests of {a}: batch dims, and scores large enough to
overflow exp."""

import torch


def scores(*batch, n=5, scale=1.0, seed=0):
    """A (*batch, n) float tensor of scores."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*batch, n, generator=g) * scale
'''

MISTAKES = '''"""Catalogued misconceptions for {a}, as (hint, wrong output) pairs.

Each `*_mistakes` function computes, on the trusted side, what a known wrong implementation
would return for the same inputs, so that a student's output can be recognised and named.
"""

import torch


def softmax_mistakes(x):
    """(hint, wrong output) for each catalogued softmax mistake."""
    x = x.double()
    return [
        (
            "the softmax is taken over the wrong dimension: normalise over the last one (dim=-1)",
            torch.softmax(x, dim=0),
        ),
        (
            "the scores are exponentiated but not normalised: divide by the sum over the last dim",
            x.exp(),
        ),
        (
            "these are log-probabilities (x - logsumexp(x)): exponentiate them",
            torch.log_softmax(x, dim=-1),
        ),
        (
            "normalised over the whole tensor: each row (the last dim) must sum to 1 on its own",
            x.exp() / x.exp().sum(),
        ),
        (
            "each score is squashed on its own (a sigmoid): softmax normalises across the row",
            torch.sigmoid(x),
        ),
        (
            "divided by the largest exponential instead of the sum over the last dim",
            (x - x.amax(dim=-1, keepdim=True)).exp(),
        ),
        (
            "the scores are negated: the largest score must get the largest probability",
            torch.softmax(-x, dim=-1),
        ),
    ]
'''

TEST = '''"""Hidden tests for softmax."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import scores
from .mistakes import softmax_mistakes


def test_matches_torch(student):
    """matches torch's softmax over the last dim, with batch dims"""
    x = scores(2, 3, n=5)
    expect_close(
        student.softmax(x),
        torch.softmax(x, dim=-1),
        what="the softmax",
        mistakes=softmax_mistakes(x),
    )


def test_large_scores_stay_finite(student):
    """stays finite and right for large scores"""
    x = scores(4, n=6, scale=1000.0, seed=1)
    p = expect_tensor(student.softmax(x), "the softmax")
    check(
        bool(torch.isfinite(p).all()),
        "the softmax overflows for large scores: subtract each row's max before exp",
    )
    expect_close(p, torch.softmax(x, dim=-1), what="the softmax for large scores")
'''


def _mutant(doc: str, hint: str, body: str) -> str:
    return (
        f'"""{doc}\n\ntarget: softmax\nhint: {hint}\n"""\nimport torch\n\n\ndef softmax(x):\n{body}'
    )


# name -> text: each loses points on softmax with its hint (the minimums ask for 10)
MUTANTS = {
    "softmax_wrong_dim": _mutant(
        "Normalises over the first dimension instead of the last.",
        "the wrong dimension",
        "    e = (x - x.amax(dim=0, keepdim=True)).exp()\n    return e / e.sum(dim=0, keepdim=True)\n",
    ),
    "softmax_not_normalised": _mutant(
        "Exponentiates and stops.", "not normalised", "    return x.exp()\n"
    ),
    "softmax_no_max": _mutant(
        "The textbook formula as written: exp overflows for large scores.",
        "overflows",
        "    e = x.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
    ),
    "softmax_subtracts_min": _mutant(
        "Subtracts the row's min instead of its max: the largest exponent grows instead.",
        "overflows",
        "    e = (x - x.amin(dim=-1, keepdim=True)).exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
    ),
    "softmax_global_max": _mutant(
        "Subtracts the max of the whole tensor: a row far below it underflows to 0/0.",
        "each row's max",
        "    e = (x - x.max()).exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
    ),
    "softmax_log_probabilities": _mutant(
        "Returns log-probabilities.",
        "log-probabilities",
        "    return x - torch.logsumexp(x, dim=-1, keepdim=True)\n",
    ),
    "softmax_whole_tensor": _mutant(
        "Normalises by the sum over every element.",
        "the whole tensor",
        "    e = (x - x.max()).exp()\n    return e / e.sum()\n",
    ),
    "softmax_sigmoid": _mutant(
        "A sigmoid of each score.", "squashed on its own", "    return 1 / (1 + (-x).exp())\n"
    ),
    "softmax_divides_by_max": _mutant(
        "Divides by the largest exponential (which is 1 after the shift).",
        "largest exponential",
        "    e = (x - x.amax(dim=-1, keepdim=True)).exp()\n    return e / e.amax(dim=-1, keepdim=True)\n",
    ),
    "softmax_negated": _mutant(
        "Softmax of -x.",
        "negated",
        "    e = (x.amin(dim=-1, keepdim=True) - x).exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
    ),
}

# name -> text: correct, written differently (the minimums ask for 3)
ALTERNATIVES = {
    "logsumexp": '''"""Correct, through logsumexp: exp(x - logsumexp(x))."""
import torch


def softmax(x):
    return (x - torch.logsumexp(x, dim=-1, keepdim=True)).exp()
''',
    "max_values": '''"""Correct, with torch.max's values and torch.sum, in float64 inside."""
import torch


def softmax(x):
    z = x.double() - torch.max(x.double(), dim=-1, keepdim=True).values
    e = torch.exp(z)
    return (e / torch.sum(e, dim=-1, keepdim=True)).to(x.dtype)
''',
    "row_loop": '''"""Correct, one row at a time in a Python loop."""
import torch


def softmax(x):
    rows = x.reshape(-1, x.shape[-1])
    out = []
    for row in rows:
        e = (row - row.max()).exp()
        out.append(e / e.sum())
    return torch.stack(out).reshape(x.shape)
''',
}

CONFIG = """
{a}:
  title: {title_yaml}
  functions:
    softmax:
      points: 2
      banned:  # the APIs that would do the student's work
        - torch.softmax
        - torch.nn.functional.softmax
        - torch.Tensor.softmax
        - torch.special.softmax
"""


# -- one more graded function (`dlnlp new ID --function NAME`): a ReLU to replace ----------------

FN_SECTION = r"""## {fn}

*(Author: replace this example, a ReLU, with your function's maths and task.)*

$$
\mathrm{{{fn}}}(x) = \max(x, 0) \quad \text{{elementwise}}.
$$"""

FN_STUB = '''def {fn}(x):
    """Elementwise max(x, 0) (the author's example: replace it).

    x: float tensor of any shape. Returns a tensor of the same shape. Do not modify x.
    """
    ### BEGIN SOLUTION
    # spliced from solutions/{a}.py by `dlnlp build`
    ### END SOLUTION'''

FN_CHECK = """with visible_checks("{fn}"):
    y = {fn}(torch.tensor([-2.0, 0.0, 3.0]))
    assert isinstance(y, torch.Tensor) and y.shape == (3,), "{fn} should keep the shape (3,)"
    assert torch.equal(y, torch.tensor([0.0, 0.0, 3.0])), "negative entries become 0, the others stay"
"""

FN_SOLUTION = '''

def {fn}(x):
    """Reference for the notebook contract: elementwise max(x, 0)."""
    return x.clamp(min=0)
'''

FN_TEST = '''"""Hidden tests for {fn}."""

import torch

from dlnlp.testing import expect_close


def _inputs(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def {fn}_mistakes(x):
    """(hint, wrong output) for each catalogued {fn} mistake."""
    return [("the negative part is kept instead of the positive one", x.clamp(max=0))]


def test_matches_the_reference(student):
    """matches max(x, 0) elementwise, with batch dims"""
    x = _inputs(3, 4, 5)
    expect_close(student.{fn}(x), x.clamp(min=0), what="{fn}", mistakes={fn}_mistakes(x))
'''

FN_MUTANT = '''"""Keeps the negative part.

target: {fn}
hint: the negative part
"""


def {fn}(x):
    return x.clamp(max=0)
'''

FN_ALTERNATIVE = '''"""Correct, with torch.where."""
import torch


def {fn}(x):
    return torch.where(x > 0, x, torch.zeros_like(x))
'''

FN_CONFIG = """
{fn}:
  points: 1
  banned:  # the APIs that would do the student's work
    - torch.relu
    - torch.nn.functional.relu
"""
