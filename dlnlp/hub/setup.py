"""`dlnlp hub setup`: one course on this machine's JupyterHub, in order. Safe to run again
(after adding students, say): what exists is checked, not made twice, and the course folder's
nbgrader_config.py, once written, is the instructor's."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dlnlp.course import Course
from dlnlp.hub import accounts
from dlnlp.hub.course_folder import make_course_folder
from dlnlp.hub.exchange import make_exchange
from dlnlp.hub.hub_config import proxy_command, write_hub_config, write_person_settings
from dlnlp.hub.kit_access import restrict_kit
from dlnlp.hub.plan import GRADERS_GROUP, HubError, HubPlan


def setup_hub(course: Course, plan: HubPlan, say: Callable[[str], None] = print) -> Path:
    """-> the hub's jupyterhub_config.py. Needs root (accounts, ownership, and the hub itself
    runs as root to start each person's server as them)."""
    if os.geteuid() != 0:
        raise HubError("run `dlnlp hub setup` as root (sudo): it makes accounts and sets owners")
    proxy = proxy_command(course.root)
    if proxy is None:
        raise HubError(
            "configurable-http-proxy not found: `make hub` in the kit installs it (npm), "
            "with JupyterHub itself"
        )
    course.config()  # a broken grader_config.yaml stops here, before anything is changed
    unknown = [a for a in plan.assignments if a not in course.config().assignments]
    if unknown:
        raise HubError(
            f"no assignment {', '.join(unknown)} in {course.root / 'grader_config.yaml'}"
        )
    accounts.require_people(plan.people)
    accounts.ensure_group(GRADERS_GROUP, say)
    accounts.ensure_service_user(
        plan.service_user, plan.homes / plan.service_user, GRADERS_GROUP, say
    )
    for person in plan.people:
        accounts.private_home(person, say)
    restrict_kit(course.root, GRADERS_GROUP, say)
    make_exchange(plan.exchange, plan.course_id, plan.service_user, say)
    make_course_folder(course, plan, say)
    plan.root.mkdir(parents=True, exist_ok=True)
    os.chmod(plan.root, 0o755)  # the settings below are every server's; the hub's files are 600
    write_person_settings(plan)
    config = write_hub_config(plan, proxy)
    say(f"wrote {config}")
    return config
