"""What every assignment's material must hold: the one place the numbers live.

`dlnlp check` fails an assignment below them and the kit's suite (tests/test_mutants.py,
tests/test_release_notebook.py, tests/test_written.py) asserts them, so an assignment that
`dlnlp check` passes also passes `make test`; `dlnlp new` scaffolds at least this much.
"""

from __future__ import annotations

MIN_MUTANTS = 10  # catalogued wrong implementations, tests/mutants/<id>/
MIN_ALTERNATIVES = 3  # correct ones written differently, tests/alternatives/<id>/
WRITTEN_QUESTIONS = range(2, 5)  # 2 to 4 written answers, graded by hand
# mutants whose function's visible check may pass them (`hidden-only: <why>`) for a reason other
# than a banned API: fewer than this share of the catalogue
HIDDEN_ONLY_SHARE = 0.10


def written_questions_ok(n: int) -> bool:
    return n in WRITTEN_QUESTIONS


def written_questions_wanted() -> str:
    return f"{WRITTEN_QUESTIONS.start} to {WRITTEN_QUESTIONS.stop - 1}"
