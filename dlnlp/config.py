"""grader_config.yaml -> a typed, validated `GraderConfig`.

A wrong key or type is reported with the file and the key path, e.g.
``grader_config.yaml: assignments.attention.functions.causal_mask.pionts: unknown key``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dlnlp.errors import DlnlpError


class ConfigError(DlnlpError):
    """grader_config.yaml is missing, unreadable or invalid; the message names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    call_seconds: float = Field(
        10, gt=0, description="wall-clock seconds per call into student code"
    )
    memory_mb: int = Field(1024, gt=0, description="memory the worker may add on top of torch")
    total_seconds: float = Field(120, gt=0, description="wall-clock budget for one submission")


class LimitsOverride(_Strict):
    call_seconds: float | None = Field(None, gt=0)
    memory_mb: int | None = Field(None, gt=0)
    total_seconds: float | None = Field(None, gt=0)


class FunctionConfig(_Strict):
    points: float = Field(gt=0)
    tests: dict[str, float] = Field(default_factory=dict, description="points for single tests")
    banned: list[str] = Field(
        default_factory=list, description="dotted APIs (or modules) the student may not use"
    )
    call_seconds: float | None = Field(
        None, gt=0, description="per-call time limit for this function, e.g. a training loop"
    )

    @model_validator(mode="after")
    def _tests_fit_in_points(self) -> FunctionConfig:
        # scores are kept in hundredths of a point (results.cents): finer points could not add up
        for p in [self.points, *self.tests.values()]:
            if abs(p * 100 - round(p * 100)) > 1e-6:
                raise ValueError(f"points are given in hundredths at most, not {p}")
        if sum(self.tests.values()) > self.points + 1e-9:
            raise ValueError(
                f"test points {sum(self.tests.values())} exceed the function's {self.points}"
            )
        return self


Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


class GradescopeOptions(_Strict):
    """Top-level Gradescope options (`gradescope:` in grader_config.yaml)."""

    torch_index_url: str = Field(
        "https://download.pytorch.org/whl/cpu", description="pip index for the CPU build of torch"
    )
    # Gradescope's own default: a student sees each check's result and hint when they submit;
    # hold single checks back per assignment or test (after_due_date, hidden)
    visibility: Visibility = "visible"


class AssignmentGradescope(_Strict):
    """Per assignment: default visibility of its tests, and overrides by test or by function name."""

    visibility: Visibility | None = None
    tests: dict[str, Visibility] = Field(default_factory=dict)


class AssignmentConfig(_Strict):
    title: str = ""
    functions: dict[str, FunctionConfig]
    limits: LimitsOverride = LimitsOverride()
    gradescope: AssignmentGradescope = AssignmentGradescope()

    @property
    def max_score(self) -> float:
        return sum(f.points for f in self.functions.values())


class GraderConfig(_Strict):
    limits: Limits = Limits()
    gradescope: GradescopeOptions = GradescopeOptions()
    assignments: dict[str, AssignmentConfig]

    def visibility(self, assignment_id: str, function: str, test: str) -> str:
        """A test's Gradescope visibility: by test name, else by function, else the defaults."""
        gs = self.assignment(assignment_id).gradescope
        return (
            gs.tests.get(test)
            or gs.tests.get(function)
            or gs.visibility
            or self.gradescope.visibility
        )

    def assignment(self, assignment_id: str) -> AssignmentConfig:
        try:
            return self.assignments[assignment_id]
        except KeyError:
            known = ", ".join(sorted(self.assignments)) or "none"
            raise ConfigError(
                f"unknown assignment {assignment_id!r} (configured: {known})"
            ) from None

    def limits_for(self, assignment_id: str) -> Limits:
        override = self.assignment(assignment_id).limits.model_dump(exclude_none=True)
        return self.limits.model_copy(update=override)


def load_config(path: Path) -> GraderConfig:
    """Read and validate `path`; raise ConfigError naming the file and the offending key."""
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: not found; create it (see docs/instructors.md, 'Configuration')"
        ) from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    try:
        return GraderConfig.model_validate(raw if raw is not None else {})
    except ValidationError as e:
        problems = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{path}: {key}: {msg}")
        raise ConfigError("\n".join(problems)) from None
