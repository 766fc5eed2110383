"""Run an assignment's hidden pytest tests, in this (trusted) process, against a `student` proxy.

Tests live in `autograder/<assignment>/test_<function>.py`: the file name says which graded
function a test grades, the first docstring line says what it checks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlnlp.course import hidden_test_name
from dlnlp.errors import HiddenTestsError
from dlnlp.grade import pytest_session
from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, Partial
from dlnlp.verdicts import Verdict


@dataclass(frozen=True)
class HiddenTest:
    function: str
    test: str
    description: str

    @property
    def name(self) -> str:
        return f"{self.function}: {self.description}"


@dataclass
class Outcome:
    """How one hidden test went. `message` (a hint for a mistake, else the failure's text) and
    `traceback` are safe to show the student."""

    test: HiddenTest
    verdict: Verdict = Verdict.PASSED
    message: str = ""
    traceback: str = ""
    fraction: float | None = None  # share of the test's points; None: 1 if passed else 0

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASSED

    @property
    def credit(self) -> float:
        return self.fraction if self.fraction is not None else float(self.passed)


def _describe(item: pytest.Item) -> HiddenTest:
    # a hidden test is a function in a test_<function>.py module: pytest.Function, whose
    # .module and .function the base Item type does not declare
    assert isinstance(item, pytest.Function), item
    module = item.module.__name__.rsplit(".", 1)[-1]
    function = module.removeprefix("test_")
    description = label(item.function.__doc__) or item.name.removeprefix("test_").replace("_", " ")
    return HiddenTest(function, item.name, description)


def label(doc: str | None) -> str:
    """A hidden test's label, as the student reads it: the first paragraph of its docstring on
    one line. Not the first line: a docstring wrapped at 100 columns would be cut mid-sentence,
    and the half left out is often the half that says what is wrong."""
    paragraph = (doc or "").strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def _classify(test: HiddenTest, excinfo: pytest.ExceptionInfo | None) -> Outcome:
    if excinfo is None:
        return Outcome(test)
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return Outcome(test, exc.verdict, exc.message, exc.traceback)
    if isinstance(exc, Partial):
        return Outcome(test, Verdict.PARTIAL, str(exc), fraction=exc.fraction)
    if isinstance(exc, Mistake):
        return Outcome(test, Verdict.MISTAKE, str(exc))
    # anything else (a plain assert, an error in comparing): no details, they could reveal the test
    return Outcome(test, Verdict.FAILED, "the result did not pass this hidden check")


class _Plugin:
    def __init__(self, student) -> None:
        self._student = student
        self.outcomes: list[Outcome] = []
        self.tests: list[HiddenTest] = []
        # called with a graded function's name before its first test runs
        self.before_function: Callable[[str], None] | None = None
        self._function = ""

    @pytest.fixture
    def student(self):
        return self._student

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.tests = [_describe(i) for i in items]

    @pytest.hookimpl(tryfirst=True)  # before the item's fixtures, which may call the student
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        function = _describe(item).function
        if function != self._function and self.before_function is not None:
            self.before_function(function)
        self._function = function

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            self.outcomes.append(_classify(_describe(item), call.excinfo))
        if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report: it knows skips (and xfail wraps it)
        when = call.when
        assert when != "collect"  # a test's phases only: this hook never sees collection
        # a bare report: pytest's own renders a long traceback of every failure (~15 ms each,
        # a third of a mutant's grading), which no one reads here (the outcome above is ours)
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {},
            "passed" if call.excinfo is None else "failed",
            None if call.excinfo is None else call.excinfo.typename,
            when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )


def _pytest_args(test_dir: Path) -> list[str]:
    return [
        str(test_dir),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:warnings",
        "-p",
        "no:unraisableexception",  # its gc.collect() at exit costs ~0.2 s per submission
        "-p",
        "no:threadexception",
        "-p",
        "no:doctest",
        "-p",
        "no:junitxml",
        "-p",
        "no:logging",  # its log capture around every test phase cost ~8 ms a submission
        # the hidden tests need no installed plugin (anyio's, xdist's...): loading their entry
        # points costs ~0.9 s of every grading process's start, a Gradescope submission's too
        "--disable-plugin-autoload",
        "-c",
        os.devnull,
        "--rootdir",
        str(test_dir.parent),
        "--confcutdir",
        str(test_dir.parent),
        "--import-mode=prepend",
        "--capture=sys",
        "-o",
        "python_files=test_*.py",
    ]


def _forget_imports(test_dir: Path) -> None:
    """Drop the hidden-test package from sys.modules, so that collecting imports it afresh from
    `test_dir`: this process may have imported an older version, or another course's copy."""
    package = test_dir.name
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


def collect(test_dir: Path) -> list[HiddenTest]:
    """List the hidden tests without running them (importing them afresh). The session that
    collected them is kept for `run`: a grader forked after this inherits it, collected."""
    runner = _RUNNERS[test_dir.resolve()] = _Runner(test_dir)
    return list(runner.plugin.tests)


class _Runner:
    """One pytest session per process and test folder, serving every submission in turn.

    `pytest.main` for each submission parses a config, loads plugins and collects the tests
    again: about 80 ms a submission, a quarter of grading a correct one. Here that is done once;
    each submission then runs the collected items (`pytest_session`), the last one tearing
    every fixture down (module and session scoped too), so no fixture value outlives the
    submission it was made for. Output capture is off: only the hidden tests run in this
    process (the student's code runs in its worker), and a capture held for the life of the
    process would swallow the grader's own output."""

    def __init__(self, test_dir: Path) -> None:
        self.plugin = _Plugin(None)
        args = [a if a != "--capture=sys" else "--capture=no" for a in _pytest_args(test_dir)]
        _forget_imports(test_dir)
        self.session = pytest_session.Session(args, plugins=[self.plugin])
        if self.session.collection_failed:
            raise HiddenTestsError(
                f"{test_dir}: the hidden tests could not be collected; "
                f"run `pytest {test_dir} --collect-only` to see why"
            )
        self.stamp = _stamp(test_dir)

    def run(
        self,
        student,
        functions: list[str] | None,
        before_function: Callable[[str], None] | None = None,
    ) -> list[Outcome]:
        files = None if functions is None else {hidden_test_name(fn) for fn in functions}
        items = [i for i in self.session.items if files is None or i.path.name in files]
        plugin = self.plugin
        plugin._student, plugin.outcomes, plugin.before_function = student, [], before_function
        plugin._function = ""
        try:
            self.session.run(items)
        finally:
            plugin._student, plugin.before_function = None, None
        return plugin.outcomes


def _stamp(test_dir: Path) -> tuple:
    """What the runner was collected from: each file's name, size and mtime (an edited test
    file, e.g. in the author's loop, gets a fresh runner)."""
    stats = [(p.name, p.stat()) for p in sorted(test_dir.rglob("*.py"))]
    return tuple((name, st.st_size, st.st_mtime_ns) for name, st in stats)


_RUNNERS: dict[Path, _Runner] = {}


def run(
    test_dir: Path,
    student,
    functions: list[str] | None = None,
    before_function: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Run every hidden test against `student` (or only the tests of `functions`);
    `before_function(fn)` before the first test of each graded function."""
    key = test_dir.resolve()
    runner = _RUNNERS.get(key)
    if runner is None or runner.stamp != _stamp(test_dir):
        runner = _RUNNERS[key] = _Runner(test_dir)
    return runner.run(student, functions, before_function)
