"""The `dlnlp` command: thin click wrappers that parse options and call the library (build/,
grade/, report/, written/, gradescope/, author/). Every error a user can fix is a DlnlpError,
caught here once and printed as its message."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from pathlib import Path

import click

from dlnlp.course import Course
from dlnlp.cpus import autogroup_at_own_nice, usable_cpus
from dlnlp.errors import DlnlpError
from dlnlp.similarity.settings import Settings as SimilaritySettings


class _Group(click.Group):
    """The command group: a DlnlpError from any command is its message and exit code, not a
    traceback (anything else is a bug of ours and keeps its traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DlnlpError as e:
            error = click.ClickException(str(e))
            # click declares exit_code a class variable; an instance may override it
            error.exit_code = e.exit_code  # type: ignore[misc]
            raise error from None


def _folder_option(*names: str, **kwargs):
    """A --out style option naming a folder."""
    return click.option(*names, type=click.Path(file_okay=False, path_type=Path), **kwargs)


def _course(root: Path | None) -> Course:
    return Course(root.resolve()) if root else Course.find()


root_option = _folder_option(
    "--root",
    default=None,
    help="Course folder holding grader_config.yaml (default: found from the working directory).",
)


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log every submission.")
def main(verbose: bool) -> None:
    """dlnlp: build and grade the Deep Learning Foundations for NLP assignments."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    # the batch logs INFO to DIR/grading.log; the terminal shows it only with -v
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger().addHandler(handler)


nbgrader_course_option = _folder_option(
    "--nbgrader-course",
    "nbgrader_course",
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
    (DIR/source/ and DIR/release/), with their cells and points in its gradebook; a course
    without DIR/nbgrader_config.py gets one (its id, an exchange in DIR/exchange/).
    """
    from dlnlp.build.release import build_release, generate
    from dlnlp.nbgrader.config import engine_lines, uses_engine, write_nbgrader_config

    course = _course(root)
    if nbgrader_course:
        nbgrader_course.mkdir(parents=True, exist_ok=True)
        if written := write_nbgrader_config(nbgrader_course, course.root):
            click.echo(f"wrote {written} (course id, a course-local exchange, dlnlp as engine)")
        elif not uses_engine(nbgrader_course):
            click.echo(
                f"note: {nbgrader_course / 'nbgrader_config.py'} is yours and kept; for "
                "`nbgrader autograde` and formgrader's Autograde button to grade with dlnlp, "
                f"add these lines to it:\n{engine_lines(course.root)}",
                err=True,
            )
    for a in assignments or list(course.config().assignments):
        if nbgrader_course:
            click.echo(f"generated {generate(course, a, nbgrader_course.resolve())}")
        else:
            click.echo(f"built {build_release(course, a).relative_to(course.root)}")


@main.command()
@click.argument("assignment")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_folder_option(
    "--out",
    "out_dir",
    help="Folder for <student>/results.json, <student>/feedback.html and grades.csv "
    "[with --nbgrader-course: DIR/dlnlp/ASSIGNMENT].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Grader processes working in parallel [default: the CPUs this process may use: its affinity, capped by its cgroup's CPU quota].",
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
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    help="Grade only the K-th of N deterministic slices of the class (1 <= K <= N), e.g. one "
    "task of a Slurm array; no grades.csv: a last plain run writes it from every record.",
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
    shard: str | None,
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
    # run under `nice` (a hub's course service): this session's autogroup too, before the
    # imports below (seconds), or Linux shares the CPU between sessions as equals and the nice
    # counts for nothing against students' kernels
    autogroup_at_own_nice()
    from dlnlp.grade.batch import Options, grade_batch
    from dlnlp.grade.shard import Shard
    from dlnlp.nbgrader.course import default_out, grade_course
    from dlnlp.render.table import batch_summary

    if not nbgrader_course and (not paths or out_dir is None):
        raise click.UsageError(
            "give the submissions (PATHS) and --out DIR, or --nbgrader-course DIR"
        )
    course = _course(root)
    options = Options(
        jobs=jobs or usable_cpus(),
        force=force,
        students=list(students) or None,
        only=list(only) or None,
        progress=sys.stderr.isatty(),
        shard=Shard.parse(shard) if shard else None,
    )
    if options.shard and nbgrader_course:
        raise click.UsageError("--shard grades into --out; the gradebook is one writer's")
    if out_dir is None:
        assert nbgrader_course is not None  # the usage check above asks for one of the two
        out_dir = default_out(nbgrader_course, assignment)
    with _resumable(out_dir):
        if nbgrader_course:
            results = grade_course(
                course, assignment, nbgrader_course, list(paths), out_dir, options
            )
            click.echo(f"scores written to the gradebook of {nbgrader_course}")
        else:
            results = grade_batch(course, assignment, list(paths), out_dir, options)
    functions = list(course.config().assignment(assignment).functions)
    if options.shard:
        click.echo(
            f"shard {options.shard}: {len(results)} students graded or up to date in {out_dir}; "
            "when every shard is done, run the same command without --shard for grades.csv"
        )
        return
    click.echo(batch_summary(results, functions, out_dir))


@contextlib.contextmanager
def _resumable(out_dir: Path):
    """Ctrl-C: say that nothing graded is lost and how to resume; exit code 130."""
    try:
        yield
    except KeyboardInterrupt:
        click.echo(
            f"\ninterrupted: every submission graded so far is saved in {out_dir}; "
            "run the same command again to resume",
            err=True,
        )
        sys.exit(130)


@main.command()
@_folder_option(
    "--course",
    "course_dir",
    default=None,
    help="The demo course folder [default: demo-out/lab/dlnlp-demo in the repository].",
)
@click.option(
    "-a",
    "--assignment",
    "assignments",
    multiple=True,
    help="Put only this assignment in the demo course; repeat for more [default: all].",
)
@click.option(
    "--student", is_flag=True, help="A student's view: no formgrader, no Create Assignment."
)
@click.option("--port", type=int, default=None, help="Port on 127.0.0.1 [default: a free one].")
@root_option
def lab(
    course_dir: Path | None,
    assignments: tuple[str, ...],
    student: bool,
    port: int | None,
    root: Path | None,
) -> None:
    """Build and grade a demo nbgrader course from the releases and the sample submissions,
    then start JupyterLab on it (127.0.0.1, with a token) until Ctrl-C.

    The instructor's view opens formgrader on the course: dlnlp's scores and verdicts, the
    written answers to grade by hand, Autograde and Generate Feedback with dlnlp as engine.
    With --student, a student's folder with every release, where JupyterLab's settings switch
    nbgrader's instructor plugins off.
    """
    from dlnlp.lab.demo_course import build_demo_course, student_folder
    from dlnlp.lab.server import start_lab

    course = _course(root)
    course_dir = (course_dir or course.root / "demo-out" / "lab" / "dlnlp-demo").resolve()
    ids = list(assignments) or list(course.config().assignments)
    build_demo_course(course, course_dir, ids, jobs=usable_cpus(), say=click.echo)
    folder = student_folder(course_dir, course_dir.parent / "student", ids) if student else None

    def stopped(signum, frame):  # SIGTERM, SIGHUP: as Ctrl-C, JupyterLab stops with us
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stopped)
    started = start_lab(
        folder or course_dir, student=student, port=port, log=course_dir.parent / "lab.log"
    )
    # from here a stop (Ctrl-C, a signal) is caught, even one that arrives as the URLs print:
    # the tests (and a person) stop it as soon as they read the URL
    try:
        first = ids[0]
        if student:
            click.echo(f"\nJupyterLab, a student's view of {folder}:")
            click.echo(f"  {started.link(f'lab/tree/{first}/{first}.ipynb')}")
        else:
            click.echo(f"\nJupyterLab on the course {course_dir}:")
            click.echo(f"  formgrader:  {started.link('formgrader')}")
            click.echo(f"  JupyterLab:  {started.link()}")
        click.echo(f"(log: {course_dir.parent / 'lab.log'}; Ctrl-C stops it)")
        started.process.wait()
    except KeyboardInterrupt:
        click.echo("stopping JupyterLab")
    finally:
        started.stop()


@main.command()
@click.argument("assignment")
@_folder_option("--out", "out_dir", default="dist", show_default=True)
@root_option
def gradescope(assignment: str, out_dir: Path, root: Path | None) -> None:
    """Write OUT/<assignment>-autograder.zip for Gradescope (setup.sh, run_autograder, kit, hidden tests)."""
    from dlnlp.gradescope.package import build_zip, what_students_see

    course = _course(root)
    click.echo(f"wrote {build_zip(course, assignment, out_dir)}")
    for line in what_students_see(course, assignment):
        click.echo(f"  {line}")
    click.echo(
        "  (visibility: gradescope.visibility in grader_config.yaml, per assignment and test)"
    )


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_folder_option(
    "--out",
    "report_dir",
    default=None,
    help="Folder for report.html, its plots and tests.csv [default: OUT_DIR/report].",
)
def report(out_dir: Path, report_dir: Path | None) -> None:
    """The class report of a graded OUT_DIR: report.html with plots (scores, pass rates,
    misconceptions, incidents, grading times) and tests.csv (students x tests, points).
    Exit code 2 when there is nothing to report on (or matplotlib is missing)."""
    from dlnlp.report import make_report

    written = make_report(out_dir, report_dir)
    for skipped in written.skipped:
        click.echo(f"warning: skipped {skipped}", err=True)
    click.echo(f"wrote {written.html}\nwrote {written.matrix} (students x tests)")


@main.command()
@click.argument("assignment")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_folder_option("--out", "out_dir", required=True, help="Folder for <student>.pdf.")
@root_option
def written(assignment: str, paths: tuple[Path, ...], out_dir: Path, root: Path | None) -> None:
    """Export each student's written answers to OUT/<student>.pdf, one question per page,
    for manual grading (e.g. a Gradescope PDF assignment). The questions are the release's.
    Needs the pdf extra and Chromium."""
    from dlnlp.written.export import export_written

    for e in export_written(assignment, list(paths), out_dir, _course(root)):
        what = e.problem or f"{e.answered}/{e.questions} questions answered"
        click.echo(f"{e.pdf}  ({what})")


@main.command()
@click.argument("assignment")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_folder_option(
    "--out", "out_dir", required=True, help="Folder for similarity.html and similarity.csv."
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=SimilaritySettings.threshold,
    show_default=True,
    help="Flag a pair when this share of one side's code (graded functions, starter code left "
    "out) is also in the other's, for one function or the whole submission.",
)
@click.option(
    "--min-shared",
    type=click.IntRange(min=5),
    default=SimilaritySettings.min_shared,
    show_default=True,
    help="Shortest run of shared code that counts, in characters of normalised code, where "
    "every name is one character (25: about two lines; copydetect's noise threshold).",
)
@click.option(
    "--common",
    type=click.FloatRange(0, 1),
    default=SimilaritySettings.common,
    show_default=True,
    help="Between students, code that more than this share of the class (and more than 10 "
    "submissions) share is common knowledge, left out like starter code (MOSS's -m); the "
    "comparison with the reference keeps it. 1 keeps everything.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes reading the notebooks [default: the number of cores].",
)
@root_option
def similarity(
    assignment: str,
    paths: tuple[Path, ...],
    out_dir: Path,
    threshold: float,
    min_shared: int,
    common: float,
    jobs: int | None,
    root: Path | None,
) -> None:
    """Which submissions share code, with each other and with solutions/ASSIGNMENT.py.

    Compares the graded functions as the grader extracts them, one by one and as a whole
    submission, with copydetect (winnowing fingerprints, the method MOSS uses; offline).
    Renamed variables, reordered functions, comments and blank lines do not hide shared code;
    the release's starter code is left out. Writes OUT/similarity.html (the flagged pairs,
    highest first, code side by side with the shared runs marked) and OUT/similarity.csv;
    `dlnlp report` links them when OUT is GRADED_DIR/similarity.
    """
    from dlnlp.similarity import find_similar, write_similarity
    from dlnlp.similarity.table import terminal_table

    settings = SimilaritySettings(threshold=threshold, min_shared=min_shared, common=common)
    found = find_similar(
        _course(root),
        assignment,
        list(paths),
        settings,
        jobs=jobs or usable_cpus(),
        progress=sys.stderr.isatty(),
    )
    for skipped in found.skipped:
        click.echo(f"warning: skipped {skipped}", err=True)
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    csv_path, page = write_similarity(found, out_dir)
    click.echo(terminal_table(found, csv_path, page))


@main.group()
def hub() -> None:
    """A course on this machine's JupyterHub (docs/hub.md)."""


@hub.command(name="setup")
@click.argument("hub_root", type=click.Path(file_okay=False, path_type=Path))
@click.option("--course", "course_id", required=True, help="The course id, e.g. dl4nlp.")
@click.option(
    "-a", "--assignment", "assignments", multiple=True,
    help="Generate this assignment in the course; repeat for more [default: all].",
)  # fmt: skip
@click.option("--instructor", "instructors", multiple=True, help="A Unix user; repeatable.")
@click.option("--ta", "tas", multiple=True, help="A Unix user who grades too; repeatable.")
@click.option("--student", "students", multiple=True, help="A Unix user; repeatable.")
@click.option(
    "--exchange",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("/srv/nbgrader/exchange"),
    show_default=True,
    help="nbgrader's shared exchange.",
)
@click.option("--ip", default="127.0.0.1", show_default=True, help="The hub's address.")
@click.option(
    "--port", type=int, default=8000, show_default=True,
    help="The hub's public port; the next three serve the hub, the proxy's API, the course.",
)  # fmt: skip
@root_option
def hub_setup(
    hub_root: Path,
    course_id: str,
    assignments: tuple[str, ...],
    instructors: tuple[str, ...],
    tas: tuple[str, ...],
    students: tuple[str, ...],
    exchange: Path,
    ip: str,
    port: int,
    root: Path | None,
) -> None:
    """Set up one course on JupyterHub (run as root): its user grader-COURSE, the course
    folder in its home (dlnlp as engine), the shared exchange, the kit's hidden parts closed to
    students, and HUB_ROOT/jupyterhub_config.py (PAM logins, formgrader as a hub service).
    Then start the hub: jupyterhub -f HUB_ROOT/jupyterhub_config.py
    """
    from dlnlp.hub.plan import HubPlan
    from dlnlp.hub.setup import setup_hub

    course = _course(root)
    plan = HubPlan(
        root=hub_root.resolve(),
        course_id=course_id,
        assignments=list(assignments) or list(course.config().assignments),
        instructors=list(instructors),
        tas=list(tas),
        students=list(students),
        exchange=exchange.resolve(),
        ip=ip,
        port=port,
    )
    config = setup_hub(course, plan, say=click.echo)
    click.echo(f"start the hub (as root): {Path(sys.executable).parent / 'jupyterhub'} -f {config}")


@main.command(name="list")
@root_option
def list_assignments(root: Path | None) -> None:
    """Print the assignment ids of grader_config.yaml, one a line (the Makefile loops on them)."""
    click.echo("\n".join(_course(root).config().assignments))


@main.command()
@click.argument("assignment")
@click.option("--only", metavar="FUNCTION", help="Check only this graded function.")
@click.option(
    "--notebook-only",
    is_flag=True,
    help="Run only the notebook's visible checks (on the reference, the stub and each mutant), "
    "without grading: seconds, to iterate on a check cell.",
)
@root_option
def check(assignment: str, only: str | None, notebook_only: bool, root: Path | None) -> None:
    """The author's loop: the reference at full marks, the release stub at zero, each catalogued
    mutant caught with its hint (tests/mutants/ASSIGNMENT/), each alternative at full marks
    (tests/alternatives/ASSIGNMENT/), the visible checks passing on the reference and failing on
    the stub and on each mutant not marked `hidden-only` (with the catch rate per function).
    Exit code 1 when anything failed."""
    import time

    from dlnlp.author.check import check_assignment

    start = time.monotonic()
    report = check_assignment(_course(root), assignment, only, notebook_only=notebook_only)
    click.echo(report.render(time.monotonic() - start))
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("assignment")
@click.option(
    "--function",
    "function",
    metavar="NAME",
    help="Add graded function NAME to the existing ASSIGNMENT instead (its cells, reference, "
    "hidden test, a mutant, an alternative and config entry).",
)
@root_option
def new(assignment: str, function: str | None, root: Path | None) -> None:
    """Scaffold a new assignment that `dlnlp check` passes at once: its notebook, reference,
    hidden tests, catalogue (10 mutants, 3 alternatives), 2 written questions, its entry in
    grader_config.yaml and its release. With --function NAME, add one graded function to it."""
    from dlnlp.author.new import add_function, new_assignment

    course = _course(root)
    if function:
        created = add_function(course, assignment, function)
    else:
        created = new_assignment(course, assignment)
    for path in created:
        click.echo(f"wrote {path.relative_to(course.root)}")
    if not any(p == course.release_notebook(assignment) for p in created):
        click.echo(f"nbgrader is not installed here: `dlnlp build {assignment}` where it is")
    what = f"{function}'s" if function else "your function's"
    click.echo(
        f"next: write {what} contract, reference, tests and catalogue, then "
        f"`dlnlp check {assignment}` (docs/authoring.md)"
    )


@main.command()
@click.argument("assignment")
@click.argument("old")
@click.argument("new")
@root_option
def rename(assignment: str, old: str, new: str, root: Path | None) -> None:
    """Rename graded function OLD of ASSIGNMENT to NEW everywhere: the notebook's code, text, cell
    ids and grade_ids, the reference, the hidden tests (test_OLD.py too), the catalogue, the
    config's key (its comments kept), and the release, rebuilt."""
    from dlnlp.author.rename import rename_function

    course = _course(root)
    for line in rename_function(course, assignment, old, new):
        click.echo(f"renamed in {line}")
    if course.examples_dir(assignment).is_dir():
        click.echo(
            f"note: {course.examples_dir(assignment).relative_to(course.root)}/ still says {old}: "
            "`make examples` regenerates it"
        )


if __name__ == "__main__":
    main()
