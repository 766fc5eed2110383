"""Is the engine's house in order: one error type the CLI catches once, one enumeration of
verdicts with a label for each, grading records that cannot be misread, one parse of the config?"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from conftest import COURSE
from dlnlp.cli import main
from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.grade.resume import RECORD, load_record
from dlnlp.render.feedback import render_feedback
from dlnlp.results import FunctionScore, Results
from dlnlp.results import TestResult as Check  # a Test* name would be collected
from dlnlp.verdicts import WORKER_REPLIES, Incident, Verdict


def test_every_error_a_user_can_fix_is_a_dlnlp_error():
    from dlnlp.build.release import BuildError
    from dlnlp.build.splice import SpliceError
    from dlnlp.config import ConfigError
    from dlnlp.errors import HiddenTestsError, SandboxError
    from dlnlp.grade.collect import CollectError
    from dlnlp.nbgrader.course import NotACourse
    from dlnlp.nbgrader.gradebook import GradebookError
    from dlnlp.report import ReportError
    from dlnlp.similarity import SimilarityError
    from dlnlp.written.pdf import PdfError

    for error in (BuildError, SpliceError, ConfigError, HiddenTestsError, SandboxError,
                  CollectError, NotACourse, GradebookError, ReportError, PdfError,
                  SimilarityError):  # fmt: skip
        assert issubclass(error, DlnlpError), error


@pytest.mark.parametrize(
    "args, code, said",
    [
        (["grade", "nosuch", "x.ipynb", "--out", "OUT", "--root", "REPO"], 1, "unknown assignment"),
        (["gradescope", "nosuch", "--out", "OUT", "--root", "REPO"], 1, "unknown assignment"),
        (["grade", "attention", "--nbgrader-course", "OUT", "--root", "REPO"], 1, "no submitted/"),
        (["report", "OUT"], 2, "dlnlp grade"),
        (
            ["similarity", "nosuch", "OUT", "--out", "OUT", "--root", "REPO"],
            1,
            "unknown assignment",
        ),
        (["build", "nosuch", "--root", "OUT"], 1, "grader_config.yaml: not found"),
    ],
)
def test_the_cli_prints_a_user_error_as_its_message(tmp_path, args, code, said):
    """A DlnlpError from any command: its message and exit code, never a traceback."""
    args = [a.replace("OUT", str(tmp_path)).replace("REPO", str(COURSE.root)) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    assert said in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, DlnlpError)  # caught and said, not raised


def test_every_verdict_has_a_label_a_colour_and_a_known_incident():
    for v in Verdict:
        assert v.label and v.css in {"ok", "hint", "error", "todo", "limit", "banned"}, v
        assert v.incident is None or v.incident in Incident
    assert WORKER_REPLIES < set(Verdict)


def test_an_unserializable_result_is_labelled_for_the_student():
    """The verdict lists once drifted apart: an unserializable return read "Check failed"."""
    text = "causal_mask returned something that cannot be graded: a generator"
    check = Check(name="causal_mask: shape", function="causal_mask", test="test_shape", score=0,
                  max_score=1, status="failed", verdict=Verdict.UNSERIALIZABLE, credit=0,
                  message=text)  # fmt: skip
    r = Results(student="s", assignment="attention", submission="s.ipynb", max_score=1,
                tests=[check], functions=[FunctionScore(name="causal_mask", score=0, max_score=1,
                                                        passed=0, total=1)])  # fmt: skip
    page = render_feedback(r)
    assert "Could not be graded" in page and "a generator" in page and "Check failed" not in page


def test_a_ban_hit_by_a_model_another_function_made_names_that_function():
    """generate's test calls the student's TinyGPT (kept, with TinyGPT's bans): its banned API
    once read "generate uses , which is not allowed here"."""
    text = "TinyGPT uses torch.nn.TransformerEncoderLayer, which is not allowed in this function"
    check = Check(name="generate: greedy", function="generate", test="test_greedy", score=0,
                  max_score=1, status="failed", verdict=Verdict.BANNED, credit=0,
                  message=text)  # fmt: skip
    assert check.output == f"0 points: {text}"


def test_a_record_from_before_verdicts_were_data_is_graded_again(tmp_path):
    """An old record (a test's `kind` and `output`, a function's `notes`) does not load: the
    student is graded again, never read as if every check had passed."""
    old = {
        "fingerprint": {"submission": "a", "common": "b", "functions": {"f": "c"}},
        "results": {
            "student": "s", "assignment": "a", "submission": "s.ipynb", "score": 0, "max_score": 1,
            "functions": [{"name": "f", "score": 0, "max_score": 1, "passed": 0, "total": 1,
                           "notes": ["f did not finish"]}],
            "tests": [{"name": "f: x", "function": "f", "test": "test_x", "score": 0,
                       "max_score": 1, "status": "failed", "kind": "timeout",
                       "output": "f did not finish"}],
        },
    }  # fmt: skip
    (tmp_path / RECORD).write_text(json.dumps(old))
    assert load_record(tmp_path) is None


def test_the_config_is_parsed_once_per_version_of_the_file(tmp_path):
    (tmp_path / "grader_config.yaml").write_text(COURSE.config_path.read_text())
    course = Course(tmp_path)
    first = course.config()
    assert course.config() is first and Course(tmp_path).config() is first
    time.sleep(0.01)
    text = COURSE.config_path.read_text().replace("call_seconds: 10 ", "call_seconds: 3 ")
    (tmp_path / "grader_config.yaml").write_text(text)
    assert course.config() is not first and course.config().limits.call_seconds == 3


# what each part of the engine may import of the others (the pipeline's direction): nothing
# imports a later stage, and only the hand-in wings, the lab, the hub and the CLI import the wings
_BELOW = {
    "sandbox": {"grade", "render", "report", "similarity", "written", "author", "build"},
    "render": {"grade", "report", "similarity", "author", "build"},
    "grade": {"report", "similarity", "written", "author"},
    "build": {"grade", "render", "report", "similarity", "written"},
}
_WINGS = {"nbgrader", "gradescope", "lab", "hub", "cli", "__main__"}
# old import paths that existing nbgrader_config.py files name: aliases, imported by nothing
_ALIASES = {"dlnlp/grade/nbgrader_engine.py", "dlnlp/render/nbgrader_export.py"}


def _imports(path) -> set[str]:
    import ast

    found = set()
    for n in ast.walk(ast.parse(path.read_text())):
        if isinstance(n, ast.Import):
            found |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.module:
            found.add(n.module)
    return {m.split(".")[1] for m in found if m.startswith("dlnlp.") and m.count(".") >= 1}


def test_no_stage_imports_a_later_one_and_only_the_top_imports_the_wings():
    """render/ never reaches back into grade/, the sandbox into anything of the grader's, and
    the nbgrader and Gradescope wings, the lab and the CLI are imported by no stage."""
    engine = COURSE.root / "dlnlp"
    wrong = []
    for path in sorted(engine.rglob("*.py")):
        rel = path.relative_to(COURSE.root).as_posix()
        part = path.relative_to(engine).parts[0].removesuffix(".py")
        if rel in _ALIASES or part in _WINGS:
            continue
        for target in _imports(path) - {part}:
            if target in _WINGS or target in _BELOW.get(part, set()):
                wrong.append(f"{rel} imports dlnlp.{target}")
    assert wrong == []
