"""Grade a class: load the assignment once (assignment.py) -> collect -> plan (resume: what
changed since the last run) -> for each submission, serially or in a pool of grader processes,
grade it (submission.py: read, extract, static check, run the hidden tests against its
sandboxed worker, score) -> write results.json + feedback.html + the grading record; then
grades.csv.

One bad submission never stops the batch: whatever happens, every student gets a results.json
and a row in grades.csv. Everything is written atomically per student, so an interrupted batch
loses nothing already graded and the same command resumes it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from dlnlp.config import ConfigError
from dlnlp.course import Course
from dlnlp.grade.assignment import Assignment
from dlnlp.grade.collect import CollectError, Submission, collect
from dlnlp.grade.pool import Pool
from dlnlp.grade.resume import Fingerprint, Grading, Record, load_record, merge, plan, save_record
from dlnlp.grade.shard import Shard
from dlnlp.grade.submission import grade_submission, internal_error
from dlnlp.render.feedback import write_feedback
from dlnlp.render.grades_csv import write_grades_csv, write_student_ids
from dlnlp.render.gradescope import write_results_json
from dlnlp.render.progress import Progress
from dlnlp.render.table import printable
from dlnlp.results import Results, points
from dlnlp.sandbox.client import Spawner, Zygote

log = logging.getLogger("dlnlp.grade")
_PR_SET_DUMPABLE = 4


def write_outputs(results: Results, out_dir: Path) -> None:
    folder = out_dir / results.student
    write_results_json(results, folder / "results.json")
    write_feedback(results, folder / "feedback.html")


@dataclass
class Options:
    """How to run a batch (`dlnlp grade`'s options)."""

    jobs: int = 1  # grader processes working in parallel
    force: bool = False  # grade everything again, even what is unchanged since the last run
    students: list[str] | None = None  # grade only these students (again)
    only: list[str] | None = None  # grade only these functions (again), merged into the results
    # per student id, `only` for that student alone (a catalogue of mistakes: each mutant's
    # target and the functions it claims to leave alone); a student not listed follows `only`
    only_for: dict[str, list[str]] | None = None
    progress: bool = False  # a progress bar on stderr
    shard: Shard | None = None  # grade only this slice of the class (grades.csv: a later plain run)


@dataclass
class _Task:
    sub: Submission
    fingerprint: Fingerprint  # of the submission and grading material now
    functions: list[str] | None  # None: the whole submission
    previous: Record | None


def grade_batch(
    course: Course,
    assignment_id: str,
    paths: list[Path],
    out_dir: Path,
    options: Options | None = None,
) -> list[Results]:
    """Grade every submission under `paths` into `out_dir`; return the Results in order."""
    a = Assignment.load(course, assignment_id)  # an unknown id is the first thing to report
    return grade_submissions(
        a, collect(paths, assignment_id, a.functions), out_dir, options=options
    )


def grade_submissions(
    a: Assignment,
    submissions: list[Submission],
    out_dir: Path,
    extra_secrets: Sequence[Path] = (),
    options: Options | None = None,
) -> list[Results]:
    """Grade these submissions into `out_dir`, with a grading.log; return the Results in order
    (also those an earlier run graded and that nothing has changed since)."""
    out_dir = out_dir.resolve()
    options = _checked(a, submissions, options or Options())
    secrets = [*a.secrets, out_dir, *extra_secrets, *{s.path.resolve().parent for s in submissions}]
    # start the sandbox's warm parent now: it imports torch while this process collects tests
    with Zygote(
        sorted({b for apis in a.banned.values() for b in apis}),
        [str(p) for p in secrets],
        a.limits.memory_mb,
        int(a.limits.total_seconds) + 10,
    ) as zygote:
        a.points  # noqa: B018 (collects the hidden tests and checks them against the config)
        out_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(out_dir / "grading.log", mode="a")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        try:
            _report_ids(submissions, out_dir)
            return _grade_all(a, submissions, out_dir, options, zygote)
        finally:
            log.removeHandler(handler)
            handler.close()


def _checked(a: Assignment, submissions: list[Submission], options: Options) -> Options:
    """`options` with --student names turned into ids; raises for an unknown function or
    student, before anything starts."""
    named = set(options.only or []).union(*(options.only_for or {}).values())
    unknown = sorted(named - set(a.functions))
    if unknown:
        raise ConfigError(
            f"--only {', '.join(unknown)}: not a graded function of {a.id} "
            f"({', '.join(a.functions)})"
        )
    if options.students is None:
        return options
    ids = {s.student for s in submissions}  # --student takes an id or the name it came from
    by_name = {s.original: s.student for s in submissions}
    wanted = [x if x in ids else by_name.get(x, x) for x in options.students]
    missing = sorted(set(wanted) - ids)
    if missing:
        raise CollectError(
            f"--student {printable(', '.join(missing))}: no such submission among the paths given"
        )
    return dataclasses.replace(options, students=wanted)


def _report_ids(submissions: list[Submission], out_dir: Path) -> None:
    """OUT/student-ids.csv (every id and the name and path it comes from), and a log line for
    each name that was not a safe id as it was."""
    write_student_ids(
        [(s.student, s.original, s.path) for s in submissions], out_dir / "student-ids.csv"
    )
    renamed = [s for s in submissions if s.student != s.original]
    for s in renamed:
        log.info(
            "student id %s for %s (%s)", s.student, printable(s.original), printable(str(s.path))
        )
    if renamed:
        log.warning(
            "%d submission names are not safe ids (control characters, spaces, a leading dot, "
            "a name of the batch's own files...): their ids are in %s",
            len(renamed),
            out_dir / "student-ids.csv",
        )


def _plan(
    a: Assignment, submissions: list[Submission], out_dir: Path, options: Options
) -> tuple[dict[str, Results], list[_Task]]:
    """(results reused from an earlier run, by student; the tasks left to grade)."""
    grading = Grading.of(a.config, a.limits, a.test_dir, a.data_dir)
    reused: dict[str, Results] = {}
    tasks: list[_Task] = []
    for sub in submissions:
        if options.shard is not None and not options.shard.holds(sub.student):
            continue  # another shard's: graded, reused and listed there
        fingerprint = grading.fingerprint(sub.path)
        record = load_record(out_dir / sub.student)
        if options.students is not None and sub.student not in options.students:
            if record is not None:
                reused[sub.student] = record.results
            continue
        functions = plan(
            fingerprint,
            record,
            force=options.force or options.students is not None,
            only=(options.only_for or {}).get(sub.student, options.only),
        )
        if functions == []:
            if record is None:  # plan() returns [] without a record only for only=[]
                raise ConfigError(
                    f"{sub.student}: no earlier results to reuse, and only=[] grades no function"
                )
            reused[sub.student] = record.results
        else:
            tasks.append(_Task(sub, fingerprint, functions, record))
    return reused, tasks


def _grade_task(a: Assignment, spawner: Zygote | Spawner, task: _Task, out_dir: Path) -> Results:
    """Grade one task and write its outputs, the record last (a resumed run trusts it)."""
    if task.functions is None:
        results = grade_submission(a, spawner, task.sub)
        fingerprint = task.fingerprint
    else:
        partial = grade_submission(a, spawner, task.sub, task.functions)
        previous = task.previous
        if previous is None or previous.fingerprint.submission != task.fingerprint.submission:
            # nothing to merge into (first run, or the notebook changed): these functions alone,
            # and every other function stays due for a later plain run
            results = partial
            fingerprint = task.fingerprint.model_copy(deep=True)
            fingerprint.functions = {fn: "" for fn in fingerprint.functions}
        else:
            results = merge(previous.results, partial, task.functions, a.functions)
            fingerprint = previous.fingerprint.model_copy(deep=True)
        # the record claims no more than was graded: only these functions are up to date, so
        # a later plain run still regrades whatever else changed
        for fn in task.functions:
            fingerprint.functions[fn] = task.fingerprint.functions[fn]
    write_outputs(results, out_dir)
    save_record(out_dir / results.student, Record(fingerprint=fingerprint, results=results))
    return results


def _grade_all(
    a: Assignment, submissions: list[Submission], out_dir: Path, options: Options, zygote: Zygote
) -> list[Results]:
    # the grader's memory holds the hidden tests: no same-user ptrace or /proc/<pid>/mem reads
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    # one thread per grader process: parallelism comes from --jobs, and torch's thread pool
    # must not be running when the pool forks
    torch.set_num_threads(1)
    # what is here now (torch, the collected tests) lives as long as the batch: collections
    # skip it, and a forked grader process does not copy the pages a collection would touch
    gc.collect()
    gc.freeze()
    try:
        return _grade_tasks(a, submissions, out_dir, options, zygote)
    finally:
        gc.unfreeze()  # this process may go on (the kit's tests): its garbage is collectable


def _grade_tasks(
    a: Assignment, submissions: list[Submission], out_dir: Path, options: Options, zygote: Zygote
) -> list[Results]:
    reused, tasks = _plan(a, submissions, out_dir, options)
    log.info(
        "run: %d submissions, %d to grade (%d unchanged since the last run), %d jobs%s",
        *(len(submissions), len(tasks), len(reused), options.jobs),
        f", shard {options.shard}" if options.shard else "",
    )
    tally = _Tally(a, out_dir, Progress(len(tasks), enabled=options.progress), len(tasks))
    try:
        if options.jobs > 1 and len(tasks) > 1:
            Pool(
                zygote, options.jobs, lambda spawner, i: _grade_task(a, spawner, tasks[i], out_dir)
            ).run(
                list(range(len(tasks))), lambda i, results, error: tally(tasks[i], results, error)
            )
        else:
            for task in tasks:
                try:
                    results, error = _grade_task(a, zygote, task, out_dir), ""
                except Exception:  # a bug of ours must not cost the rest of the class
                    results, error = None, traceback.format_exc()
                tally(task, results, error)
    finally:
        tally.bar.close()
        # whatever happened (Ctrl-C included), the table covers everyone graded so far
        done = reused | tally.graded  # graded now over reused
        everyone = [done[s.student] for s in submissions if s.student in done]
        # a shard holds a slice: the class's table is the final plain run's, from every record
        if options.shard is None:
            write_grades_csv(everyone, a.functions, out_dir / "grades.csv")
    return everyone


@dataclass
class _Tally:
    """Takes each graded task as it comes back: the Results (or, when our own code failed, an
    internal-error Results written in its place), the progress bar, a log line."""

    a: Assignment
    out_dir: Path
    bar: Progress
    total: int
    graded: dict[str, Results] = dataclasses.field(default_factory=dict)
    layers_said: bool = False

    def __call__(self, task: _Task, results: Results | None, error: str) -> None:
        if results is None:  # our failure, not the student's: say so, keep no record (retry)
            log.error(
                "internal error grading %s:\n%s",
                printable(str(task.sub.path)),
                "\n".join(map(printable, error.splitlines())),
            )
            results = internal_error(self.a, task.sub, error.strip().splitlines()[-1][:200])
            try:
                write_outputs(results, self.out_dir)
            except OSError as e:  # e.g. the folder is not writable: that student's row says it
                log.error("could not write the results of %s: %s", task.sub.student, e)
        if results.isolation and not self.layers_said:  # the first worker's, as it reported
            _log_layers(results.isolation)
            self.layers_said = True
        self.graded[results.student] = results
        self.bar.update(results)
        log.info(
            "[%d/%d] %s: %s/%s %s",
            *(self.bar.done, self.total, task.sub.student),
            *(points(results.score), points(results.max_score)),
            printable(results.status_message()),
        )


def _log_layers(layers: dict) -> None:
    """The isolation layers in force, as a graded submission's worker reported them (no worker
    is started just to ask)."""
    log.info(
        "isolation layers: %s",
        ", ".join(
            f"{k}={'on' if v else 'OFF'}" + (f" (ABI {v})" if k == "landlock" and v else "")
            for k, v in layers.items()
        ),
    )
    if not (layers.get("landlock") or layers.get("mount_namespace")):
        log.warning(
            "neither Landlock nor a mount namespace is in force: student code can read what this user can read"
        )
