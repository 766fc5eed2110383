"""Results -> results.json in Gradescope's schema."""

from __future__ import annotations

import json
from pathlib import Path

from dlnlp.render import atomic_write
from dlnlp.results import Results


def write_results_json(results: Results, path: Path) -> None:
    atomic_write(path, json.dumps(results.to_gradescope(), indent=2) + "\n")
