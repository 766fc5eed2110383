"""Renderings of `Results`: results.json, grades.csv, feedback.html, the terminal table."""

from __future__ import annotations


def html_templates(package: str):
    """A jinja2 environment for `package`'s templates/ folder: autoescaped (student text and
    hints are data, never markup), with the `points` filter."""
    import jinja2

    from dlnlp.results import points

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["points"] = points
    return env
