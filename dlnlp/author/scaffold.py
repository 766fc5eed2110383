"""The text of a new assignment (`dlnlp new`): one example graded function, `softmax`, with its
contract, reference, hidden tests, a mistake, a mutant and an alternative, all consistent, so
that `dlnlp check` passes at once. `{a}` is the assignment id, `{title}` its title.

Rename or replace the example in all of them at once: the function name is the id everywhere
(cell grade_id, check cell, solutions/, test file, config, catalogue). Only the texts with
placeholders are passed through str.format: INTRO, STUB, the files and CONFIG."""

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
- Using `torch.softmax` (or any of its aliases) scores **0** for that function."""

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
    assert torch.isfinite(softmax(torch.tensor([1000.0, 0.0]))).all(), "softmax overflows for large scores: subtract the max first"
"""

QUESTION = """### Written question 1 (1 point): why subtract the max?

Show that $\\mathrm{softmax}(x - c) = \\mathrm{softmax}(x)$ for any constant $c$, and say why
$c = \\max_j x_j$ is the choice that makes the computation safe."""

ANSWER = """Multiplying numerator and denominator by $\\exp(-c)$ changes nothing, so the result is the same
for any $c$. With $c = \\max_j x_j$ every exponent is at most 0, so no $\\exp$ overflows, and the
largest term is $\\exp(0) = 1$, so the sum is at least 1 and never underflows to 0."""

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

MUTANT = '''"""Normalises over the first dimension instead of the last.

target: softmax
hint: the wrong dimension
"""
import torch


def softmax(x):
    e = (x - x.amax(dim=0, keepdim=True)).exp()
    return e / e.sum(dim=0, keepdim=True)
'''

ALTERNATIVE = '''"""Correct, through logsumexp: exp(x - logsumexp(x))."""
import torch


def softmax(x):
    return (x - torch.logsumexp(x, dim=-1, keepdim=True)).exp()
'''

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
