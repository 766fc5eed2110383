"""A class's Results -> the grade table and the class summary printed at the end of `dlnlp grade`."""

from __future__ import annotations

import statistics
from pathlib import Path

from dlnlp.results import Results, points
from dlnlp.verdicts import Incident


def printable(text: str) -> str:
    """`text` with every control or invisible formatting character (ESC, CR, newline, bidi
    overrides) written as its escape: a student's name or message cannot move the cursor,
    clear the terminal or forge a row of the table or the log."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def grade_table(all_results: list[Results], functions: list[str], width: int = 60) -> str:
    headers = ["student", *functions, "total", "status"]
    rows = []
    for r in sorted(all_results, key=lambda r: r.student):
        by_fn = {f.name: f"{points(f.score)}/{points(f.max_score)}" for f in r.functions}
        rows.append(
            [
                printable(r.student),
                *(by_fn.get(fn, "-") for fn in functions),
                f"{points(r.score)}/{points(r.max_score)}",
                printable(r.status_message())[:width],
            ]
        )
    return columns(headers, rows)


def columns(headers: list[str], rows: list[list]) -> str:
    """Rows under headers, in columns as wide as their widest cell."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(headers), line("-" * w for w in widths), *map(line, rows)])


def class_summary(all_results: list[Results], functions: list[str]) -> str:
    """Mean and median score per function and in total, then how many submissions hit each
    kind of incident (timeouts, banned APIs, unreadable notebooks...)."""
    if not all_results:
        return "no submissions"
    rows = []
    for fn in functions:
        scores = [f.score for r in all_results for f in r.functions if f.name == fn]
        top = max(
            (f.max_score for r in all_results for f in r.functions if f.name == fn), default=0
        )
        if scores:
            rows.append(
                [
                    fn,
                    points(statistics.fmean(scores)),
                    points(statistics.median(scores)),
                    points(top),
                ]
            )
    totals = [r.score for r in all_results]
    rows.append(
        [
            "total",
            points(statistics.fmean(totals)),
            points(statistics.median(totals)),
            points(max(r.max_score for r in all_results)),
        ]
    )
    counts = {i: sum(i in r.incidents() for r in all_results) for i in Incident}
    return (
        columns(["function", "mean", "median", "max"], rows)
        + f"\n\n{len(all_results)} submissions: "
        + ", ".join(f"{n} {i.value}" for i, n in counts.items())
    )


def batch_summary(all_results: list[Results], functions: list[str], out_dir: Path) -> str:
    """What `dlnlp grade` prints at the end: the grade table, the class summary, where it all is."""
    return (
        f"{grade_table(all_results, functions)}\n\n{class_summary(all_results, functions)}\n\n"
        f"{len(all_results)} in grades.csv; results in {out_dir}/<student>/, "
        f"table in {out_dir / 'grades.csv'}"
    )
