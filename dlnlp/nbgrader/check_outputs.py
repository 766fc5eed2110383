"""Results -> the outputs of each function's locked check cell (grade_id `check_<function>`) in
an nbgrader notebook, the way nbgrader's own autograde leaves them after running the cell.

nbgrader scores a check cell from its outputs (`nbgrader.utils.determine_grade`): an
`execute_result` whose text is a number gives that many points. So each check cell gets, from
dlnlp's verdicts (never from anything the student's notebook printed):
- a stdout stream: the function's score and, per cause, what went wrong (the hint, the limit hit,
  the banned API, the student's own error trimmed to their cells) and the checks it failed, then
  the checks passed; the same groups as feedback.html (`render.feedback.view`), as plain text;
- an `execute_result` with the points, which nbgrader's SaveAutoGrades stores and formgrader's
  grading view, `nbgrader generate_feedback` and the student's feedback then show.

Nothing hidden is ever in Results, so nothing hidden can reach the cell.
"""

from __future__ import annotations

import nbformat

from dlnlp.notebook import grade_id
from dlnlp.render.feedback import FunctionView, check_name, view
from dlnlp.results import Results, points

_TRACE_LINES = 12  # a student's traceback is cut to its last lines in the cell: enough to find it


def check_text(v: FunctionView, problems: list[str]) -> str:
    """What a function's check cell says: score, then each cause and its checks, then passes.
    A cause the function's notes already said ("not implemented yet") lists its checks under
    them, without saying it again."""
    f = v.f
    mark = {"full": "✓", "partial": "◐", "zero": "✗"}[v.state]
    lines = [f"{mark} dlnlp: {f.name} scored {points(f.score)} of {points(f.max_score)} points"]
    lines[0] += f" ({f.passed} of {f.total} hidden checks passed)" if f.total else ""
    lines += [f"  {note}" for note in f.notes]
    lines += [f"  {p}" for p in problems]
    for cause in v.causes:
        if not cause.noted:
            lines.append(f"  {cause.label}" + (f": {cause.message}" if cause.message else ""))
        if cause.traceback:
            trace = cause.traceback.rstrip().splitlines()[-_TRACE_LINES:]
            lines += [f"      {t}" for t in trace]
        lines += [f"    ✗ {check_name(t)}" for t in cause.tests]
    lines += [f"    ✓ {check_name(t)}" for t in v.passed]
    return "\n".join(lines) + "\n"


def check_outputs(v: FunctionView, problems: list[str]) -> list:
    """The outputs of one check cell: the verdict text, then the points as nbgrader reads them."""
    return [
        nbformat.v4.new_output("stream", name="stdout", text=check_text(v, problems)),
        # repr of the score as dlnlp computed it (rounded to 6 places): no float noise in cells
        nbformat.v4.new_output(
            "execute_result", data={"text/plain": repr(v.f.score)}, execution_count=None
        ),
    ]


def annotate(nb: nbformat.NotebookNode, results: Results) -> set[str]:
    """Put each graded function's verdict into its check cell's outputs (in place).

    Every check cell of a function Results does not know (an unreadable notebook has none) says
    why it got nothing. -> the functions written."""
    functions = {v.f.name: v for v in view(results)}
    # notebook-wide problems (a syntax error, code the policy refused) are said once, in the
    # first check cell; the others point there
    problems = [*results.problems, *results.load_problems]
    first = None
    written = set()
    for cell in nb.cells:
        fn = (grade_id(cell) or "").removeprefix("check_")
        if cell.cell_type != "code" or not (grade_id(cell) or "").startswith("check_"):
            continue
        said = problems if first is None or not problems else [f"(see {first}'s check above)"]
        first = first or fn
        if fn in functions:
            cell.outputs = check_outputs(functions[fn], said)
            written.add(fn)
        else:
            why = "; ".join(said) or f"{fn} was not graded"
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=f"✗ dlnlp: {why}\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": "0.0"}),
            ]
        cell.execution_count = None
    return written
