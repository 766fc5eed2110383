"""Who and where: one course on one JupyterHub machine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dlnlp.errors import DlnlpError

# a course id becomes part of a Unix user name (grader-<id>, at most 32 characters) and of the
# hub's groups nbgrader-<id> and formgrade-<id>, which nbgrader splits at the first "-"
COURSE_ID = re.compile(r"[a-z][a-z0-9_]{0,23}")
USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
GRADERS_GROUP = "dlnlp-graders"  # may read the kit's hidden tests, references and samples


class HubError(DlnlpError):
    """The hub cannot be set up as asked; the message says what to do."""


@dataclass(frozen=True)
class HubPlan:
    root: Path  # the hub's own folder: jupyterhub_config.py, its database, the Jupyter settings
    course_id: str
    assignments: list[str]
    instructors: list[str]
    tas: list[str]
    students: list[str]
    exchange: Path = Path("/srv/nbgrader/exchange")
    ip: str = "127.0.0.1"
    port: int = 8000  # the proxy's public port; the hub, the proxy's API and the course service
    # take the next three
    homes: Path = Path("/home")
    grader_priority: int = 10  # the course service's nice: students' kernels come first

    def __post_init__(self) -> None:
        if not COURSE_ID.fullmatch(self.course_id):
            raise HubError(
                f"--course {self.course_id!r}: use lower-case letters, digits and _ (at most "
                "24, a letter first): it names the Unix user grader-<course> and hub groups"
            )
        people = self.graders + self.students
        for name in people:
            if not USER_NAME.fullmatch(name):
                raise HubError(
                    f"{name!r} is not a Unix user name (lower-case letters, digits, _, -)"
                )
        if twice := sorted({p for p in people if people.count(p) > 1}):
            raise HubError(f"listed twice (a person is a grader or a student): {', '.join(twice)}")
        if not self.instructors:
            raise HubError("give at least one --instructor")

    @property
    def graders(self) -> list[str]:
        """The instructors and TAs: the hub group formgrade-<course>, formgrader's users."""
        return self.instructors + self.tas

    @property
    def people(self) -> list[str]:
        return self.graders + self.students

    @property
    def service_user(self) -> str:
        """The course's own Unix user: owns the course folder, runs formgrader and grading."""
        return f"grader-{self.course_id}"

    @property
    def course_root(self) -> Path:
        return self.homes / self.service_user / self.course_id

    @property
    def hub_port(self) -> int:
        return self.port + 1

    @property
    def proxy_api_port(self) -> int:
        return self.port + 2

    @property
    def service_port(self) -> int:
        return self.port + 3

    @property
    def jupyter_settings(self) -> Path:
        """JUPYTER_CONFIG_PATH of every person's server: the exchange, nbgrader's hub auth,
        nbgrader's instructor parts off."""
        return self.root / "jupyter"
