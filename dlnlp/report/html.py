"""The class's Results, plots and matrix -> report.html for the instructor. Offline: the plots
are PNG files beside it, and there is no script."""

from __future__ import annotations

import os
from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.render import html_templates
from dlnlp.report import stats
from dlnlp.report.load import Graded
from dlnlp.report.similarity import load_similarity

_env = html_templates("dlnlp.report")


def _link(target: Path, start: Path) -> str | None:
    """`target` relative to the report's folder (for an href), or None when it does not exist."""
    return Path(os.path.relpath(target, start)).as_posix() if target.exists() else None


def render_html(graded: Graded, plots: dict[str, Path], matrix: Path, folder: Path) -> str:
    results = graded.results
    shared = load_similarity(graded.out_dir)
    return _env.get_template("report.html.j2").render(
        g=graded,
        s=stats.summary(results),
        plots={name: _link(p, folder) for name, p in plots.items()},
        matrix=_link(matrix, folder),
        grades=_link(graded.out_dir / "grades.csv", folder),
        feedback={
            r.student: _link(graded.out_dir / r.student / "feedback.html", folder) for r in results
        },
        misconceptions=stats.misconceptions(results),
        incidents=stats.incident_groups(results),
        rates=stats.pass_rates(results),
        shared=shared,
        shared_page=_link(shared.page, folder) if shared else None,
    )


def write_html(graded: Graded, plots: dict[str, Path], matrix: Path, path: Path) -> Path:
    atomic_write(path, render_html(graded, plots, matrix, path.parent))
    return path
