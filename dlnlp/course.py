"""Where a course's parts live: the folder holding grader_config.yaml and its siblings."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from dlnlp.config import ConfigError, GraderConfig, load_config


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int, size: int) -> GraderConfig:
    return load_config(path)  # the models are frozen: one parse may be shared


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The nearest folder at or above `start` (default: the working directory) with
        grader_config.yaml; else the repository this dlnlp is installed from (an editable
        install, as `make` does), so that dlnlp works from an nbgrader course folder too."""
        here = (start or Path.cwd()).resolve()
        installed = Path(__file__).resolve().parents[1]
        for folder in (here, *here.parents, installed):
            if (folder / "grader_config.yaml").is_file():
                return cls(folder)
        raise ConfigError(
            f"no grader_config.yaml in {here} or any folder above it, nor in {installed} (where "
            "dlnlp is installed from); run dlnlp from the course repository or pass --root"
        )

    @property
    def config_path(self) -> Path:
        return self.root / "grader_config.yaml"

    def config(self) -> GraderConfig:
        """The validated grader_config.yaml, read once per version of the file: the stages of
        one run share one parse, and an edit between runs (or tests) is seen."""
        try:
            st = self.config_path.stat()
        except OSError:
            return load_config(self.config_path)  # says what is missing
        return _parsed(self.config_path, st.st_mtime_ns, st.st_size)

    # every path of an assignment's material, here and nowhere else: the author's commands, the
    # build, the grader and the kit's own tests ask the course where a part lives

    def assignment_dir(self, assignment: str) -> Path:
        """assignments/<id>/: the authored notebook and its data/."""
        return self.root / "assignments" / assignment

    def source_notebook(self, assignment: str) -> Path:
        return self.assignment_dir(assignment) / f"{assignment}.ipynb"

    def data_dir(self, assignment: str) -> Path:
        """The files the notebook reads (optional); shipped with the release and the grader."""
        return self.assignment_dir(assignment) / "data"

    def solution(self, assignment: str) -> Path:
        return self.root / "solutions" / f"{assignment}.py"

    def hidden_tests(self, assignment: str) -> Path:
        return self.root / "autograder" / assignment

    def hidden_test_file(self, assignment: str, function: str) -> Path:
        return self.hidden_tests(assignment) / hidden_test_name(function)

    def release_dir(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def release_notebook(self, assignment: str) -> Path:
        return self.release_dir(assignment) / f"{assignment}.ipynb"

    def mutants_dir(self, assignment: str) -> Path:
        """tests/mutants/<id>/: the catalogue's known wrong implementations."""
        return self.root / "tests" / "mutants" / assignment

    def alternatives_dir(self, assignment: str) -> Path:
        """tests/alternatives/<id>/: correct implementations written differently."""
        return self.root / "tests" / "alternatives" / assignment

    def examples_dir(self, assignment: str) -> Path:
        """examples/<id>/: sample submissions (the kit's own, made by examples/make_examples.py)."""
        return self.root / "examples" / assignment

    def material(self, assignment: str) -> list[Path]:
        """Every file and folder that is this assignment's and no other's (the config entry
        aside): what `dlnlp new` creates and `dlnlp rename` edits."""
        return [
            self.assignment_dir(assignment),
            self.solution(assignment),
            self.hidden_tests(assignment),
            self.mutants_dir(assignment),
            self.alternatives_dir(assignment),
            self.release_dir(assignment),
        ]

    def secrets(self) -> list[Path]:
        """Folders student code must never read."""
        return [self.root / "autograder", self.root / "solutions"]


def hidden_test_name(function: str) -> str:
    """The hidden tests of one graded function: the file name says which function they grade."""
    return f"test_{function}.py"


def _skipped(relative: Path) -> bool:
    return relative.suffix == ".pyc" or any(
        part.startswith(".") or part == "__pycache__" for part in relative.parts
    )


def material_files(folder: Path) -> list[Path]:
    """Every file under `folder`, at any depth, sorted: the one listing of a course's material
    (hidden tests, data, the kit's package) and of a student's upload; none if it is no folder.

    The one filter: hidden paths (a part below `folder` starting with ".": .ipynb_checkpoints/,
    .pytest_cache/, .DS_Store, .git/) and Python's caches (__pycache__/, *.pyc) are skipped. None
    of them is material; editors and test runs leave them behind, where they would change a
    fingerprint, ship in a zip, or be graded in place of the notebook."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not _skipped(p.relative_to(folder))
    )
