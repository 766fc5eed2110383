"""Results -> results.json in Gradescope's schema, checked against that schema."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from dlnlp.render import atomic_write
from dlnlp.results import Results


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
    write_gradescope_json(results.to_gradescope(), path)
