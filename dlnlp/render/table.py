"""A class's Results -> the grade table printed at the end of `dlnlp grade`."""

from __future__ import annotations

from dlnlp.results import Results, points


def grade_table(all_results: list[Results], functions: list[str], width: int = 60) -> str:
    headers = ["student", *functions, "total", "status"]
    rows = []
    for r in sorted(all_results, key=lambda r: r.student):
        by_fn = {f.name: f"{points(f.score)}/{points(f.max_score)}" for f in r.functions}
        rows.append(
            [
                r.student,
                *(by_fn.get(fn, "-") for fn in functions),
                f"{points(r.score)}/{points(r.max_score)}",
                r.status_message()[:width],
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(headers), line("-" * w for w in widths), *map(line, rows)])
