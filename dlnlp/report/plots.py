"""A class's Results -> the report's PNG plots, drawn with matplotlib's Agg canvas (no display,
no pyplot state). matplotlib is an instructor's dependency (the `author` extra), imported here
only, so grading never needs it."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from dlnlp.files import atomic_write
from dlnlp.report import ReportError, stats
from dlnlp.results import Results, points

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MISSING = "the report's plots need matplotlib: pip install -e '.[author]'"
WIDTH = 8.0  # inches; at DPI this is the page's width, so text shows at its nominal size
DPI = 120
ROW = 0.34  # inches per bar of a horizontal bar chart
GOOD, FAIR, BAD, PLAIN = "#2e8b57", "#d9a400", "#c0392b", "#4a6fa5"  # feedback.html's colours


def _figure(height: float) -> Figure:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ReportError(MISSING) from None
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    atomic_write(path, buf.getvalue())
    return path


def _integer_ticks(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _title(fig: Figure, title: str) -> None:
    """Bold, at the figure's left edge (not the axes'): long y labels push the axes right."""
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)


def _hbars(
    rows: int,
    labels: list[str],
    values: list[float],
    colors,
    title: str,
    xlabel: str,
    value_format: str | None = None,
):
    """A horizontal bar chart, first bar on top: the shape that keeps long labels readable.
    `value_format` (e.g. "{:.0f}%") writes each bar's value at its end."""
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = _figure(1.2 + ROW * max(rows, lines * 0.75))
    ax = fig.add_subplot()
    ax.barh(range(len(values)), values, color=colors, height=0.6)
    ax.set_yticks(range(len(values)), labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(values) - 0.5, -0.5)  # first bar on top, no empty margin
    _title(fig, title)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    if value_format:
        # room for the value after the longest bar; all zeros (no incidents) still get an axis
        ax.set_xlim(0, (max(values, default=0) or 1) * 1.12)
        for i, v in enumerate(values):
            ax.text(v, i, " " + value_format.format(v), va="center", fontsize=8)
    return fig, ax


def score_distribution(results: list[Results], path: Path) -> Path:
    s = stats.summary(results)
    bins = stats.score_bins(results)
    fig = _figure(3.6)
    ax = fig.add_subplot()
    ax.bar(
        [b.low for b in bins],
        [b.count for b in bins],
        width=bins[0].high - bins[0].low,
        align="edge",
        color=PLAIN,
        edgecolor="white",
    )
    ax.axvline(s.mean, color=BAD, linestyle="--", label=f"mean {points(s.mean)}")
    ax.axvline(s.median, color=GOOD, linestyle=":", linewidth=2, label=f"median {points(s.median)}")
    ax.set_xticks([b.low for b in bins] + [bins[-1].high])  # the bin edges: round numbers
    ax.set_xlim(0, bins[-1].high)
    _integer_ticks(ax.yaxis)
    _title(fig, "Score distribution")
    ax.set_xlabel(f"total score (points out of {points(s.max_score)})")
    ax.set_ylabel("submissions")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def pass_rates(results: list[Results], path: Path) -> Path:
    """Tests grouped under a bold heading per function; each bar coloured by how hard it was."""
    labels: list[str] = []
    values: list[float] = []
    colors, headings = [], []
    function = None
    for r in stats.pass_rates(results):
        if r.function != function:
            function = r.function
            headings.append(len(labels))
            labels.append(r.function)
            values.append(0)
            colors.append("none")
        labels.append(textwrap.fill(r.name.split(": ", 1)[-1], 50))
        values.append(100 * r.rate)
        colors.append(GOOD if r.rate >= 0.8 else FAIR if r.rate >= 0.5 else BAD)
    fig, ax = _hbars(
        len(labels),
        labels,
        values,
        colors,
        "Pass rate of every hidden test",
        "submissions that passed it in full (%)",
    )
    ax.set_xlim(0, 108)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i in headings:  # a function's heading row: bold name, no bar
            tick.set_fontweight("bold")
            tick.set_fontsize(10)
        else:
            ax.text(values[i], i, f" {values[i]:.0f}%", va="center", fontsize=8)
    return _save(fig, path)


def misconceptions(results: list[Results], path: Path, top: int = 12) -> Path | None:
    found = stats.misconceptions(results)[:top]
    if not found:
        return None
    labels = [f"{textwrap.fill(m.hint, 60)}\n[{m.function}]" for m in found]
    fig, ax = _hbars(
        len(found) * 2,
        labels,
        [m.students for m in found],
        FAIR,
        f"Most frequent misconceptions (top {len(found)})",
        "submissions that got this hint",
        "{:.0f}",
    )
    _integer_ticks(ax.xaxis)
    return _save(fig, path)


def grading_times(results: list[Results], path: Path, max_bars: int = 40) -> Path:
    """One bar per submission (slowest first) for a small class, else a stacked histogram.
    Submissions with an incident are red in both: a timeout explains a slow grading."""
    times = stats.grading_times(results)
    troubled = {i.student for i in stats.incidents(results)}
    title = f"Grading time per submission (total {sum(t for _, t in times):.0f} s)"
    if len(times) <= max_bars:
        colors = [BAD if s in troubled else PLAIN for s, _ in times]
        fig, ax = _hbars(
            len(times),
            [s for s, _ in times],
            [t for _, t in times],
            colors,
            title,
            "seconds",
            "{:.1f} s",
        )
        if troubled:
            from matplotlib.patches import Patch

            ax.legend(
                handles=[Patch(color=BAD, label="hit a limit, crashed, banned or unreadable")],
                frameon=False,
                loc="lower right",
            )
    else:
        fig = _figure(3.6)
        ax = fig.add_subplot()
        # stacked: the submissions with an incident in red, as the bars of a small class
        calm = [t for s, t in times if s not in troubled]
        hit = [t for s, t in times if s in troubled]
        ax.hist([calm, hit], bins=20, stacked=True, color=[PLAIN, BAD], edgecolor="white")
        if troubled:
            from matplotlib.patches import Patch

            ax.legend(
                handles=[Patch(color=BAD, label="hit a limit, crashed, banned or unreadable")],
                frameon=False,
            )
        _integer_ticks(ax.yaxis)
        _title(fig, title)
        ax.set_xlabel("seconds")
        ax.set_ylabel("submissions")
        ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def incidents(results: list[Results], path: Path) -> Path:
    counts = stats.incident_counts(results)
    fig, ax = _hbars(
        len(counts),
        list(counts),
        list(counts.values()),
        BAD,
        "Submissions that hit limits or banned APIs",
        "submissions",
        "{:.0f}",
    )
    _integer_ticks(ax.xaxis)
    return _save(fig, path)


def draw_plots(results: list[Results], folder: Path) -> dict[str, Path]:
    """Every plot that has something to show, by name (scores, pass_rates, misconceptions,
    times, incidents)."""
    _figure(1)  # fail on a missing matplotlib before drawing (or writing) anything
    drawn = {
        "scores": score_distribution(results, folder / "scores.png"),
        "pass_rates": pass_rates(results, folder / "pass-rates.png"),
        "misconceptions": misconceptions(results, folder / "misconceptions.png"),
        "times": grading_times(results, folder / "grading-times.png"),
        "incidents": incidents(results, folder / "incidents.png"),
    }
    return {name: p for name, p in drawn.items() if p is not None}
