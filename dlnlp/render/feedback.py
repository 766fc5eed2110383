"""Results -> feedback.html for the student: per function, each check passed or failed, with the
hint for a recognised mistake and the student's own error. Nothing hidden is ever in Results."""

from __future__ import annotations

from pathlib import Path

import jinja2

from dlnlp.render import atomic_write
from dlnlp.results import Results, points

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("dlnlp.render", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["points"] = points


def render_feedback(results: Results) -> str:
    return _env.get_template("feedback.html.j2").render(r=results)


def write_feedback(results: Results, path: Path) -> None:
    atomic_write(path, render_feedback(results))
