"""Where a course's parts live: the folder holding grader_config.yaml and its siblings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlnlp.config import ConfigError, GraderConfig, load_config


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The nearest folder at or above `start` (default: the working directory) with grader_config.yaml."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "grader_config.yaml").is_file():
                return cls(folder)
        raise ConfigError(
            f"no grader_config.yaml in {here} or any folder above it; run dlnlp from the course "
            "repository or pass --root"
        )

    @property
    def config_path(self) -> Path:
        return self.root / "grader_config.yaml"

    def config(self) -> GraderConfig:
        return load_config(self.config_path)

    def source_notebook(self, assignment: str) -> Path:
        return self.root / "assignments" / assignment / f"{assignment}.ipynb"

    def solution(self, assignment: str) -> Path:
        return self.root / "solutions" / f"{assignment}.py"

    def hidden_tests(self, assignment: str) -> Path:
        return self.root / "autograder" / assignment

    def release_notebook(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def secrets(self) -> list[Path]:
        """Folders student code must never read."""
        return [self.root / "autograder", self.root / "solutions"]
