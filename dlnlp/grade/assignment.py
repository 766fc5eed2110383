"""One assignment as the grader holds it for a run: its config entry, limits, hidden tests and
points, read once from the course and passed down as one object."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from dlnlp.config import AssignmentConfig, Limits
from dlnlp.course import Course
from dlnlp.errors import HiddenTestsError

if TYPE_CHECKING:
    from dlnlp.grade.hidden_tests import HiddenTest


@dataclass
class Assignment:
    """Everything the trusted side needs to grade one assignment."""

    id: str
    config: AssignmentConfig
    limits: Limits
    test_dir: Path
    data_dir: Path  # the assignment's data (part of what a grading record's fingerprint covers)
    secrets: list[Path]  # folders student code must never read
    config_path: Path  # for messages

    @classmethod
    def load(cls, course: Course, assignment_id: str) -> Assignment:
        """Read the assignment's part of the course; raises ConfigError for an unknown id and
        HiddenTestsError when it has no hidden tests."""
        config = course.config()
        acfg = config.assignment(assignment_id)
        test_dir = course.hidden_tests(assignment_id)
        if not test_dir.is_dir():
            raise HiddenTestsError(
                f"{test_dir}: no hidden tests for {assignment_id}; write one test file per graded "
                "function there, test_<function>.py (docs/authoring.md)"
            )
        return cls(
            assignment_id,
            acfg,
            config.limits_for(assignment_id),
            test_dir,
            course.data_dir(assignment_id),
            course.secrets(),
            course.config_path,
        )

    @cached_property
    def tests(self) -> list[HiddenTest]:
        """The hidden tests, in the config's order of functions (collected on first use: a
        batch collects them while the sandbox's warm parent imports torch)."""
        from dlnlp.grade import hidden_tests  # imports torch: only where tests are needed

        order = self.functions
        return sorted(
            hidden_tests.collect(self.test_dir),
            key=lambda t: order.index(t.function) if t.function in order else len(order),
        )

    @cached_property
    def points(self) -> dict[str, float]:
        """Points per test, "function::test" -> points (scoring.points_table)."""
        from dlnlp.grade import scoring

        return scoring.points_table(self.config, self.tests, str(self.config_path))

    @property
    def functions(self) -> list[str]:
        return list(self.config.functions)

    @property
    def banned(self) -> dict[str, list[str]]:
        return {fn: cfg.banned for fn, cfg in self.config.functions.items()}

    @property
    def call_seconds(self) -> dict[str, float]:
        """Per-function call limits where the config sets one (a training loop)."""
        return {fn: c.call_seconds for fn, c in self.config.functions.items() if c.call_seconds}
