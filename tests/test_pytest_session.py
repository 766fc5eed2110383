"""Does pytest's private API that dlnlp relies on (dlnlp/grade/pytest_session.py: collect once,
run many times) still do that in the installed pytest, inside the version range pyproject.toml
pins?"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from conftest import REPO
from dlnlp.grade.pytest_session import Session

TESTS = {
    "test_a.py": """
import pytest
LOG = []

@pytest.fixture(scope="module")
def resource():
    LOG.append("up")
    yield 1
    LOG.append("down")

def test_one(resource):
    assert resource == 1

def test_two(resource):
    assert resource == 2
""",
    "test_b.py": "def test_three():\n    pass\n",
}


QUIET = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:terminal",
    "--disable-plugin-autoload",
    "-c",
    "/dev/null",
]


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[str, str, str]] = []

    def pytest_runtest_makereport(self, item, call) -> None:
        outcome = "passed" if call.excinfo is None else "failed"
        self.reports.append((item.name, call.when, outcome))


def test_a_session_collects_once_and_runs_its_items_again_with_fixtures_torn_down(tmp_path):
    for name, text in TESTS.items():
        (tmp_path / name).write_text(text)
    recorder = Recorder()
    args = [str(tmp_path), *QUIET]
    session = Session([*args, "--rootdir", str(tmp_path), "--capture=no"], plugins=[recorder])
    assert not session.collection_failed
    assert [i.name for i in session.items] == ["test_one", "test_two", "test_three"]
    log = __import__("test_a").LOG
    for _ in range(
        2
    ):  # the same items, twice: the module fixture is set up and torn down each time
        recorder.reports.clear()
        session.run(session.items)
        calls = [(name, outcome) for name, when, outcome in recorder.reports if when == "call"]
        assert calls == [("test_one", "passed"), ("test_two", "failed"), ("test_three", "passed")]
    assert log == ["up", "down", "up", "down"]
    session.run([i for i in session.items if i.name == "test_three"])  # a subset runs alone
    assert [r for r in recorder.reports if r[1] == "call"][-1] == ("test_three", "call", "passed")


def test_a_folder_that_fails_to_import_is_a_failed_collection(tmp_path):
    (tmp_path / "test_broken.py").write_text("import no_such_module_here\n")
    args = [str(tmp_path), *QUIET]
    assert Session([*args, "--rootdir", str(tmp_path)], plugins=[]).collection_failed


def test_the_installed_pytest_is_inside_the_pinned_range():
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    [pin] = [p for p in pins if p.startswith("pytest")]
    low, high = re.fullmatch(r"pytest>=([\d.]+),<([\d.]+)", pin.split("#")[0].strip()).groups()
    installed = tuple(int(x) for x in version("pytest").split(".")[:2])
    assert tuple(int(x) for x in low.split(".")) <= installed < (int(high),), (pin, installed)
