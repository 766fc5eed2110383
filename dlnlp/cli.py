"""The `dlnlp` command: thin click wrappers around build/ and grade/."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from dlnlp.config import ConfigError
from dlnlp.course import Course


def _course(root: Path | None) -> Course:
    try:
        return Course(root.resolve()) if root else Course.find()
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Course folder holding grader_config.yaml (default: found from the working directory).",
)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log every submission.")
def main(verbose: bool) -> None:
    """dlnlp: build and grade the Deep Learning Foundations for NLP assignments."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    # the batch logs INFO to DIR/grading.log; the terminal shows it only with -v
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger().addHandler(handler)


nbgrader_course_option = click.option(
    "--nbgrader-course",
    "nbgrader_course",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="An nbgrader course folder (nbgrader_config.py, submitted/, gradebook.db).",
)


@main.command()
@click.argument("assignments", nargs=-1)
@nbgrader_course_option
@root_option
def build(assignments: tuple[str, ...], nbgrader_course: Path | None, root: Path | None) -> None:
    """Build release/<id>/<id>.ipynb with nbgrader (default: every assignment).

    With --nbgrader-course DIR, generate the assignments in that nbgrader course instead
    (DIR/source/ and DIR/release/), with their cells and points in its gradebook.
    """
    from dlnlp.build.release import BuildError, build_release, generate
    from dlnlp.build.splice import SpliceError

    course = _course(root)
    try:
        for a in assignments or list(course.config().assignments):
            if nbgrader_course:
                nbgrader_course.mkdir(parents=True, exist_ok=True)
                click.echo(f"generated {generate(course, a, nbgrader_course.resolve())}")
            else:
                click.echo(f"built {build_release(course, a).relative_to(course.root)}")
    except (ConfigError, BuildError, SpliceError) as e:
        raise click.ClickException(str(e)) from None


@main.command()
@click.argument("assignment")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for <student>/results.json, <student>/feedback.html and grades.csv "
    "[with --nbgrader-course: DIR/dlnlp/ASSIGNMENT].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Grader processes working in parallel [default: the number of cores].",
)
@click.option("--force", is_flag=True, help="Grade again what is unchanged since the last run.")
@click.option(
    "--student",
    "students",
    multiple=True,
    help="Grade (again) only this student; repeat for more. Everyone stays in grades.csv.",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    help="Grade (again) only this function's tests, merged into earlier results if any; "
    "repeat for more. A later run without --only grades the rest.",
)
@nbgrader_course_option
@root_option
def grade(
    assignment: str,
    paths: tuple[Path, ...],
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    students: tuple[str, ...],
    only: tuple[str, ...],
    nbgrader_course: Path | None,
    root: Path | None,
) -> None:
    """Grade submitted notebooks (files, folders, or nbgrader's submitted/ layout).

    Re-running the same command resumes: students whose notebook, grading config and hidden
    tests are unchanged keep their results; a changed test file regrades only its function.
    With --nbgrader-course DIR, grade DIR/submitted/<student>/ASSIGNMENT/ and write each
    function's score into DIR's gradebook (against the function's locked check cell), so that
    `nbgrader export` and formgrader's manual grading of the written answers work as usual.

    Exit code 0 when the batch completed, whatever the students scored.
    """
    from dlnlp.grade.batch import Options, grade_batch
    from dlnlp.grade.collect import CollectError
    from dlnlp.render.table import class_summary, grade_table

    course = _course(root)
    if nbgrader_course:
        if not (nbgrader_course / "submitted").is_dir():
            raise click.UsageError(
                f"{nbgrader_course}: no submitted/ folder; is it an nbgrader course? "
                "(nbgrader collect puts submissions in submitted/<student>/<assignment>/)"
            )
        paths = paths or (nbgrader_course / "submitted",)
        out_dir = out_dir or nbgrader_course / "dlnlp" / assignment
        from dlnlp.render.gradebook import GradebookError, check_course, record_scores

        try:
            check_course(nbgrader_course, assignment)
        except GradebookError as e:
            raise click.ClickException(str(e)) from None
    if not paths or out_dir is None:
        raise click.UsageError(
            "give the submissions (PATHS) and --out DIR, or --nbgrader-course DIR"
        )
    options = Options(
        jobs=jobs or os.cpu_count() or 1,
        force=force,
        students=list(students) or None,
        only=list(only) or None,
        progress=sys.stderr.isatty(),
    )
    try:
        results = grade_batch(course, assignment, list(paths), out_dir, options)
    except (ConfigError, CollectError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    except RuntimeError as e:  # the sandbox or the hidden tests could not start
        raise click.ClickException(f"grading could not run: {e}") from None
    except KeyboardInterrupt:
        click.echo(
            f"\ninterrupted: every submission graded so far is saved in {out_dir}; "
            "run the same command again to resume",
            err=True,
        )
        sys.exit(130)
    if nbgrader_course:
        try:
            record_scores(nbgrader_course, assignment, results)
        except GradebookError as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"scores written to the gradebook of {nbgrader_course}")
    functions = list(course.config().assignment(assignment).functions)
    click.echo(grade_table(results, functions))
    click.echo("\n" + class_summary(results, functions))
    click.echo(
        f"\n{len(results)} in grades.csv; results in {out_dir}/<student>/, table in {out_dir / 'grades.csv'}"
    )


@main.command()
@click.argument("assignment")
@click.option(
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@root_option
def gradescope(assignment: str, out_dir: Path, root: Path | None) -> None:
    """Write OUT/<assignment>-autograder.zip for Gradescope (setup.sh, run_autograder, kit, hidden tests)."""
    from dlnlp.gradescope.package import build_zip

    course = _course(root)
    try:
        click.echo(f"wrote {build_zip(course, assignment, out_dir)}")
    except (ConfigError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "report_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for report.html, its plots and tests.csv [default: OUT_DIR/report].",
)
def report(out_dir: Path, report_dir: Path | None) -> None:
    """The class report of a graded OUT_DIR: report.html with plots (scores, pass rates,
    misconceptions, incidents, grading times) and tests.csv (students x tests, points)."""
    from dlnlp.report import ReportError, make_report

    try:
        written = make_report(out_dir, report_dir)
    except ReportError as e:  # nothing graded there yet, or matplotlib missing: exit code 2
        error = click.ClickException(str(e))
        error.exit_code = 2
        raise error from None
    for skipped in written.skipped:
        click.echo(f"warning: skipped {skipped}", err=True)
    click.echo(f"wrote {written.html}\nwrote {written.matrix} (students x tests)")


@main.command()
@click.argument("assignment")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for <student>.pdf.",
)
@root_option
def written(assignment: str, paths: tuple[Path, ...], out_dir: Path, root: Path | None) -> None:
    """Export each student's written answers to OUT/<student>.pdf, one question per page,
    for manual grading (e.g. a Gradescope PDF assignment). The questions are the release's.
    Needs the pdf extra and Chromium."""
    from dlnlp.grade.collect import CollectError
    from dlnlp.written.export import export_written
    from dlnlp.written.pdf import PdfError

    try:
        exported = export_written(assignment, list(paths), out_dir, _course(root))
    except (CollectError, PdfError) as e:
        raise click.ClickException(str(e)) from None
    for e in exported:
        what = e.problem or f"{e.answered}/{e.questions} questions answered"
        click.echo(f"{e.pdf}  ({what})")


@main.command(name="list")
@root_option
def list_assignments(root: Path | None) -> None:
    """Print the assignment ids of grader_config.yaml, one a line (the Makefile loops on them)."""
    click.echo("\n".join(_course(root).config().assignments))


@main.command()
@click.argument("assignment")
@click.option("--only", metavar="FUNCTION", help="Check only this graded function.")
@root_option
def check(assignment: str, only: str | None, root: Path | None) -> None:
    """The author's loop: the reference at full marks, the release stub at zero, each catalogued
    mutant caught with its hint (tests/mutants/ASSIGNMENT/), each alternative at full marks
    (tests/alternatives/ASSIGNMENT/), the visible checks passing on the reference and failing on
    the stub. Exit code 1 when anything failed."""
    import time

    start = time.monotonic()
    from dlnlp.author.check import check_assignment
    from dlnlp.errors import DlnlpError

    try:
        report = check_assignment(_course(root), assignment, only)
    except DlnlpError as e:
        raise click.ClickException(str(e)) from None
    for fn in report.functions:
        click.echo(f"{assignment}: {fn}")
        for v in (v for v in report.verdicts if v.function == fn):
            mark, what = ("✓", v.seen) if v.ok else ("✗", "; ".join(v.problems))
            click.echo(f"  {mark} {v.subject}: {what}")
    for v in (v for v in report.verdicts if v.function not in report.functions):
        click.echo(f"✗ {v.function} {v.subject}: {'; '.join(v.problems)}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    failed = sum(not v.ok for v in report.verdicts)
    click.echo(
        f"{len(report.verdicts) - failed} passed, {failed} failed "
        f"({len(report.functions)} function(s) of {assignment}) in {time.monotonic() - start:.1f} s"
    )
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("assignment")
@root_option
def new(assignment: str, root: Path | None) -> None:
    """Scaffold a new assignment that `dlnlp check` passes at once: its notebook, reference,
    hidden test, a mutant and an alternative, and its entry in grader_config.yaml."""
    from dlnlp.author.new import new_assignment
    from dlnlp.errors import DlnlpError

    course = _course(root)
    try:
        created = new_assignment(course, assignment)
    except DlnlpError as e:
        raise click.ClickException(str(e)) from None
    for path in created:
        click.echo(f"wrote {path.relative_to(course.root)}")
    click.echo(
        f"next: write your function's contract and reference, then `dlnlp check {assignment}` "
        "(README, 'Authoring an assignment')"
    )


if __name__ == "__main__":
    main()
