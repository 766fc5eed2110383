"""`dlnlp check ASSIGNMENT [--only FUNCTION]`: is one function's material right, in seconds?

For each function checked: the reference scores full marks, the release stub scores 0, every
catalogued mutant that targets it loses points on it with its hint in what the student reads (and
leaves its `unaffected` functions at full marks), every alternative that defines it scores full
marks, and its visible checks pass on the reference and fail on the stub and on each of its
mutants not marked `hidden-only` (the catch rate is printed). Everything is graded by
the real engine, in one batch, in a temporary folder; the visible checks run meanwhile.

The batch grades each mutant on its target and the functions it names as unaffected, and
without `--only` each alternative on every function (with `--only`, on the function checked).
A training loop (a function with its own `call_seconds`, whose tests train models for seconds
per notebook) is left out for a mutant or an alternative whose change its hidden tests cannot
run (author/reach.py, as the kit's suite does): its grade there is the reference's.

Without `--only`, the whole assignment is also held to what `make test` asks of it beyond each
function: the minimums of author/minimums.py (mutants, alternatives, written questions), a
release that is what `dlnlp build` makes now and, in a course with examples/, sample hand-ins. So `dlnlp check ID` passing means the suite
passes for ID (tests/test_author.py proves it on a scaffold).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlnlp.author import catalogue, minimums, reach
from dlnlp.author.stubs import stub_sources
from dlnlp.author.visible import CellRun, VisibleChecks, catalogue_plan, caught, plan
from dlnlp.build.fill import fill
from dlnlp.build.splice import solved_notebook
from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.results import Results, points
from dlnlp.written.select import is_written_answer


class CheckError(DlnlpError):
    """The check cannot run as asked (an unknown function, a catalogue file without a cell)."""


@dataclass(frozen=True)
class Finding:
    """One claim about one function's material, and what broke it (nothing: it holds)."""

    function: str
    subject: str  # "reference", "stub", "mutant <name>", "alternative <name>", "visible checks"
    problems: tuple[str, ...] = ()
    seen: str = ""  # what was measured, shown when the claim holds

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    assignment: str
    functions: list[str]
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.findings)

    def render(self, seconds: float) -> str:
        """What `dlnlp check` prints: per function a line per finding (✓ what was seen, or ✗
        what broke), then the warnings and a count."""
        lines = []
        for fn in self.functions:
            lines.append(f"{self.assignment}: {fn}")
            for v in (v for v in self.findings if v.function == fn):
                mark, what = ("✓", v.seen) if v.ok else ("✗", "; ".join(v.problems))
                lines.append(f"  {mark} {v.subject}: {what}")
        for v in (v for v in self.findings if v.function not in self.functions):
            mark, what = ("✓", v.seen) if v.ok else ("✗", "; ".join(v.problems))
            lines.append(f"{mark} {v.function} {v.subject}: {what}")
        lines += [f"warning: {w}" for w in self.warnings]
        failed = sum(not v.ok for v in self.findings)
        lines.append(
            f"{len(self.findings) - failed} passed, {failed} failed ({len(self.functions)} "
            f"function(s) of {self.assignment}) in {seconds:.1f} s"
        )
        return "\n".join(lines)


def _score(r: Results, fn: str) -> tuple[float, float] | None:
    """(score, max) of `fn` in `r`, or None when it was not graded."""
    return next(((f.score, f.max_score) for f in r.functions if f.name == fn), None)


def _marks(r: Results, fn: str) -> str:
    score, best = _score(r, fn) or (0.0, 0.0)
    return f"{fn} {points(score)}/{points(best)}"


def _read(r: Results, fn: str) -> str:
    """What the student reads about `fn`'s failures, on one line, for a message."""
    texts = " | ".join(t.strip().replace("\n", " ") for t in r.texts(fn) if t.strip())
    return texts[:300] + ("…" if len(texts) > 300 else "") if texts else "(nothing)"


def _lost(r: Results, functions: list[str]) -> list[str]:
    """For each of `functions` graded below full marks: its marks and what the student read."""
    return [
        f"{_marks(r, fn)}; the student read: {_read(r, fn)}"
        for fn in functions
        if (s := _score(r, fn)) is not None and s[0] < s[1]
    ]


def _mutant_finding(m: catalogue.Mutant, r: Results, graded: list[str]) -> Finding:
    problems = []
    score, best = _score(r, m.target) or (0.0, 0.0)
    if score >= best:
        problems.append(f"not caught ({m.target} kept {points(score)}/{points(best)})")
    elif not any(m.hint in text for text in r.texts(m.target)):
        problems.append(f"hint {m.hint!r} not found; the student read: {_read(r, m.target)}")
    kept = [fn for fn in m.unaffected if fn in graded]
    problems += [f"unaffected {lost}" for lost in _lost(r, kept)]
    return Finding(
        m.target,
        f"mutant {m.name}",
        tuple(problems),
        f"caught ({_marks(r, m.target)}, hint found); {len(kept)} unaffected at full marks",
    )


def _visible_finding(fn: str, runs: dict[str, CellRun]) -> Finding:
    if f"{fn}/reference" not in runs:
        return Finding(fn, "visible checks", (f"no visible-check cell (grade_id check_{fn})",))
    ref, stub = runs[f"{fn}/reference"], runs[f"{fn}/stub"]
    problems = []
    if not ref.ok:
        problems.append(f"fail on the reference: {_said(ref)}")
    elif ref.stderr.strip():
        problems.append(
            f"the reference writes to stderr (nbgrader scores the cell 0): {ref.stderr.strip()[-300:]}"
        )
    if stub.ok:
        problems.append("pass on the stub: they must fail until the student writes the function")
    return Finding(fn, "visible checks", tuple(problems), "pass on the reference, fail on the stub")


def _visible_findings(fn: str, ms: list, alts: list, runs: dict[str, CellRun]) -> list[Finding]:
    """The visible checks' findings for `fn`: reference and stub, then (when it has a check
    cell) its mutants' catch rate and its alternatives."""
    findings = [_visible_finding(fn, runs)]
    if f"{fn}/reference" in runs:
        findings += [_catch_finding(fn, ms, runs), _alternatives_finding(fn, alts, runs)]
    return findings


def _alternatives_finding(fn: str, alts: list, runs: dict[str, CellRun]) -> Finding:
    """Do `fn`'s visible checks pass on every alternative that defines it (a correct solution
    written differently must not be told it is wrong)?"""
    mine = [a for a in alts if f"{fn}/alt-{a.name}" in runs]
    failed = [
        (a.name, runs[f"{fn}/alt-{a.name}"]) for a in mine if not runs[f"{fn}/alt-{a.name}"].ok
    ]
    problems = tuple(f"fail on alternative {name}: {_said(run)}" for name, run in failed)
    return Finding(fn, "visible checks on alternatives", problems, f"pass on {len(mine)}")


def _catch_finding(fn: str, ms: list[catalogue.Mutant], runs: dict[str, CellRun]) -> Finding:
    """Do `fn`'s visible checks fail on each of its mutants, as they would in the student's
    notebook (bar those marked `hidden-only`)? Seen: the catch rate."""
    mine = [m for m in ms if m.target == fn and f"{fn}/mutant-{m.name}" in runs]
    hit = {m.name for m in mine if caught(runs[f"{fn}/mutant-{m.name}"])}
    missed = [m.name for m in mine if m.name not in hit and not m.hidden_only]
    hidden = [m for m in mine if m.hidden_only]
    problems = (
        (
            f"pass on mutant(s) {', '.join(missed)}: make the check fail on each, or mark one "
            "`hidden-only: <why>` in its docstring",
        )
        if missed
        else ()
    )
    seen = f"catch {len(hit)}/{len(mine)} mutants"
    if hidden:
        reasons = sorted({m.hidden_only for m in hidden})
        seen += f" ({len(hidden)} hidden-only: {'; '.join(reasons)})"
    return Finding(fn, "visible checks' catch rate", problems, seen)


def _said(run: CellRun) -> str:
    """The helper's ✗ line when it printed one, else the error itself."""
    crosses = [line for line in run.stdout.splitlines() if line.startswith("✗")]
    return crosses[-1] if crosses else run.error or run.stdout[-300:]


def _graded_for(
    course: Course, assignment: str, checked: list[str], notebooks: dict, ms: list, whole: bool
) -> dict[str, list[str]]:
    """student -> the functions whose tests the batch runs on that notebook: a mutant's target
    and unaffected claims, an alternative's every function (`whole`) or the one checked, by
    reach.graded_functions' rule; the reference and the stub on every function any of them is
    graded on."""
    functions = list(course.config().assignment(assignment).functions)
    entries = {k: nb for k, nb in notebooks.items() if k not in ("reference", "stub")}
    wanted = {f"mutant-{m.name}": {m.target, *m.unaffected} for m in ms}
    every_alt = set(functions if whole else checked)
    asked = {k: wanted.get(k, every_alt) for k in entries}
    out = reach.graded_functions(course, assignment, notebooks["reference"], entries, asked)
    every = set(checked).union(*out.values())
    for student in ("reference", "stub"):
        out[student] = [fn for fn in functions if fn in every]
    return out


def below_minimums(course: Course, a: str) -> list[str]:
    """What the assignment lacks to reach author/minimums.py: mutants, alternatives, written
    questions (counted in the authored notebook)."""
    lacking = catalogue.below_minimums(course, a)
    source = course.source_notebook(a)
    if source.is_file():
        nb = json.loads(source.read_text(encoding="utf-8"))
        n = sum(map(is_written_answer, nb.get("cells", [])))
        if not minimums.written_questions_ok(n):
            lacking.append(
                f"{source.relative_to(course.root)} asks {n} written question(s); every "
                f"assignment asks {minimums.written_questions_wanted()}"
            )
    return lacking


def _warnings(course: Course, a: str, checked: list[str], ms, alts, whole: bool) -> list[str]:
    """What is thin but not wrong while one function is checked (`--only`): the assignment
    below the minimums; and always: a function without a mutant or an alternative."""
    functions = course.config().assignment(a).functions
    warnings = [] if whole else below_minimums(course, a)  # whole: failed as findings
    warnings += [  # a typo in a header: that claim is never checked
        f"{m.path}: {name} {fn!r} is not a graded function of {a}"
        for m in catalogue.mutants(course, a)
        for name, fn in [("target", m.target), *(("unaffected", u) for u in m.unaffected)]
        if fn not in functions and (m in ms or name == "target")
    ]
    warnings += [f"no mutant targets {fn}" for fn in checked if all(m.target != fn for m in ms)]
    warnings += [
        f"no alternative defines {fn}" for fn in checked if all(fn not in x.defines for x in alts)
    ]
    return warnings


def _notebooks(course: Course, assignment: str, stubs: dict, ms: list, alts: list) -> dict:
    """student -> notebook: the reference, the release's stubs, each mutant and alternative."""
    functions = list(course.config().assignment(assignment).functions)
    source = course.source_notebook(assignment)
    if not source.is_file():
        raise CheckError(f"{source}: the authored notebook of {assignment} is missing")
    solved = solved_notebook(source, course.solution(assignment), functions)
    notebooks = {"reference": solved, "stub": fill(solved, raw=stubs)}
    for kind, items in (("mutant", ms), ("alt", alts)):
        for item in items:
            try:
                notebooks[f"{kind}-{item.name}"] = fill(solved, item.path.read_text())
            except KeyError as e:  # it defines a function the notebook has no cell for
                raise CheckError(f"{item.path}: {e.args[0]}; rename it or drop it") from None
    return notebooks


def check_assignment(
    course: Course,
    assignment: str,
    only: str | None = None,
    jobs: int | None = None,
    notebook_only: bool = False,
) -> CheckReport:
    """Check `only` (default: every graded function of `assignment`); see the module docstring.
    `notebook_only`: run the visible checks alone (reference, stub, each mutant), no grading."""
    from dlnlp.grade.batch import Options, grade_batch  # imports torch

    functions = list(course.config().assignment(assignment).functions)
    if only is not None and only not in functions:
        raise CheckError(
            f"--only {only}: not a graded function of {assignment} (grader_config.yaml lists "
            f"{', '.join(functions)})"
        )
    checked = [only] if only else functions
    ms = [m for m in catalogue.mutants(course, assignment) if m.target in checked]
    alts = [a for a in catalogue.alternatives(course, assignment) if a.defines & set(checked)]
    report = CheckReport(
        assignment, checked, warnings=_warnings(course, assignment, checked, ms, alts, only is None)
    )
    source = course.source_notebook(assignment)
    stubs = stub_sources(source) if source.is_file() else {}
    notebooks = _notebooks(course, assignment, stubs, ms, alts)
    graded = _graded_for(course, assignment, checked, notebooks, ms, only is None)
    runs = plan(notebooks["reference"], stubs, checked)
    runs += catalogue_plan(notebooks, checked, ms, alts)
    if notebook_only:
        with VisibleChecks(runs, source.parent) as visible:
            visible_runs = visible.results()
        report.findings = [
            f for fn in checked for f in _visible_findings(fn, ms, alts, visible_runs)
        ]
        return report
    with (
        VisibleChecks(runs, source.parent) as visible,  # runs while the batch grades
        tempfile.TemporaryDirectory(prefix="dlnlp-check-") as tmp,
    ):
        (Path(tmp) / "in").mkdir()
        for name, nb in notebooks.items():
            nbformat.write(nb, Path(tmp) / "in" / f"{name}.ipynb")
        options = Options(jobs=jobs or os.cpu_count() or 1, only_for=graded)
        batch = grade_batch(course, assignment, [Path(tmp) / "in"], Path(tmp) / "out", options)
        visible_runs = visible.results()
    results = {r.student: r for r in batch}
    report.findings = _findings(checked, graded, results, ms, alts, visible_runs)
    if only is None:  # the whole assignment: what make test asks of it, beyond each function
        lacking = below_minimums(course, assignment)
        if too_many := catalogue.too_many_hidden_only(course, assignment):
            lacking.append(too_many)
        report.findings += [
            Finding(assignment, "minimums", tuple(lacking), "catalogue and written questions"),
            _release_finding(course, assignment),
        ]
        if course.examples_dir(assignment).parent.is_dir():  # a course with sample hand-ins
            report.findings.append(_samples_finding(course, assignment))
    return report


def _samples_finding(course: Course, assignment: str) -> Finding:
    """Does examples/<id>/ hold sample submissions (make demo grades them, the suite checks
    that nothing hidden shows early on them)?"""
    folder = course.examples_dir(assignment)
    n = len(list(folder.glob("*.ipynb")))
    problem = (
        f"{folder.relative_to(course.root)}/ holds no sample submission: "
        f"`python examples/make_examples.py {assignment}` writes them from the catalogue"
    )
    return Finding(assignment, "samples", () if n else (problem,), f"{n} sample(s)")


def _release_finding(course: Course, assignment: str) -> Finding:
    """Is release/<id>/<id>.ipynb what `dlnlp build` makes now (nbgrader, in a temp folder)?"""
    from dlnlp.build.release import generate

    committed = course.release_notebook(assignment)
    fix = f"run `dlnlp build {assignment}`"
    if not committed.is_file():
        return Finding(assignment, "release", (f"{committed} is missing: {fix}",))
    with tempfile.TemporaryDirectory(prefix="dlnlp-check-build-") as tmp:
        built = generate(course, assignment, Path(tmp), "--no-db")
        same = built.read_bytes() == committed.read_bytes()
    problem = f"{committed.relative_to(course.root)} is not what the build makes now: {fix}"
    return Finding(assignment, "release", () if same else (problem,), "current")


def _findings(checked, graded: dict[str, list[str]], results, ms, alts, runs) -> list[Finding]:
    """Every finding, function by function, in the config's order (`graded`: student -> the
    functions graded on that notebook)."""
    ref, stub = results["reference"], results["stub"]
    out = []
    for fn in checked:
        out.append(
            Finding(fn, "reference", tuple(_lost(ref, [fn])), f"full marks ({_marks(ref, fn)})")
        )
        score, best = _score(stub, fn) or (0.0, 0.0)
        problem = f"scores {points(score)}/{points(best)}: the release stub must score 0"
        out.append(Finding(fn, "stub", (problem,) if score else (), f"zero ({_marks(stub, fn)})"))
        for m in ms:
            if m.target == fn:
                key = f"mutant-{m.name}"
                out.append(_mutant_finding(m, results[key], graded[key]))
        for a in alts:
            key = f"alt-{a.name}"
            wrong = tuple(_lost(results[key], [fn])) if fn in graded[key] else ()
            if fn in a.defines or wrong:  # full marks where it defines fn, and everywhere else
                out.append(Finding(fn, f"alternative {a.name}", wrong, "full marks"))
        out += _visible_findings(fn, ms, alts, runs)
    # the reference must also keep full marks on what the mutants' claims were graded on
    for fn in (fn for fn in graded["reference"] if fn not in checked):
        if missed := _lost(ref, [fn]):
            out.append(Finding(fn, "reference", tuple(missed)))
    return out
