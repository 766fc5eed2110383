"""Results -> results.json in Gradescope's schema, checked against that schema."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.results import Results, TestResult


@functools.cache
def _validator():
    import jsonschema

    schema = json.loads(
        resources.files("dlnlp.render").joinpath("gradescope_schema.json").read_text()
    )
    return jsonschema.Draft202012Validator(schema)


def schema_errors(data: dict) -> list[str]:
    """Where `data` breaks Gradescope's results.json format (empty when it is valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in _validator().iter_errors(data)
    ]


def write_gradescope_json(data: dict, path: Path) -> None:
    errors = schema_errors(data)
    if errors:  # a bug of ours: never hand Gradescope a file it rejects
        raise ValueError("results.json would not follow Gradescope's format: " + "; ".join(errors))
    atomic_write(path, json.dumps(data, indent=2) + "\n")


def write_results_json(results: Results, path: Path) -> None:
    write_gradescope_json(gradescope_dict(results), path)


def gradescope_dict(
    results: Results,
    visibility: Callable[[TestResult], str] | None = None,
    default: str | None = None,
) -> dict:
    """Gradescope's results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/

    `visibility(test)` gives each test's visibility; `default` the submission's. Nothing
    the student sees before the due date depends on a test that is not `visible`: the
    top-level output counts only the visible tests, and gives the total only when every
    test is visible (Gradescope itself hides the top-level score while any test is hidden);
    stdout is never shown.
    """
    tests = []
    for t in results.tests:
        entry = {
            "name": t.name,
            "score": t.score,
            "max_score": t.max_score,
            "status": t.status,
            "output": t.output
            + (f"\n\nYour code's traceback:\n{t.traceback}" if t.traceback else ""),
        }
        if visibility is not None:
            entry["visibility"] = visibility(t)
        tests.append(entry)
    data = {
        "score": results.score,
        "execution_time": round(results.execution_time, 3),
        "stdout_visibility": "hidden",  # the grader's log is the instructor's
        "output": results.summary(
            shown=None if visibility is None else (lambda t: visibility(t) == "visible"),
            total=default in (None, "visible"),
        ),
        "tests": tests,
    }
    if default is not None:
        data["visibility"] = default
    return data
