"""What the hub runs: its jupyterhub_config.py, and the Jupyter settings every person's own
server starts with (JUPYTER_CONFIG_PATH). Formgrader is the course service's alone: a person's
server has nbgrader's instructor parts switched off, the course service (the course's user,
at a lower CPU priority) has them on, and only the group formgrade-<course> may open it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dlnlp.hub.plan import HubPlan
from dlnlp.lab.server import student_settings

HEAD = """\
# Written by `dlnlp hub setup`, and again by each run of it: change its options, not this file
# (or copy the file, edit the copy and start jupyterhub with -f COPY).
c = get_config()  # noqa: F821 - jupyterhub's config loader provides it
"""

BODY = """
# the proxy on {ip}:{port}; the hub, the proxy's API and the course service behind it on 127.0.0.1.
# No TLS here: put the hub behind an HTTPS proxy, or see JupyterHub's docs (Security settings).
c.JupyterHub.ip = {ip!r}
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie_secret!r}

# people log in with their Unix account's password (PAM), and only the course's people
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {people!r}
c.Authenticator.allow_existing_users = False  # only this list, not whoever the database holds

# each person's JupyterLab runs as their own Unix user (so the hub runs as root), with the
# course's Jupyter settings: the exchange, and no formgrader or Create Assignment
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": {settings!r}}}

# nbgrader's groups: formgrade-<course> grades (formgrader), nbgrader-<course> takes the course.
# The course's user is in the first, as nbgrader's docs have it (formgrader asks the hub for its
# courses); it is no login: not allowed above, and its Unix account has no password.
c.JupyterHub.load_groups = {{
    {formgrade!r}: {{"users": {graders_and_service!r}}},
    {students_group!r}: {{"users": {students!r}}},
}}
c.JupyterHub.load_roles = [
    {{"name": {formgrade!r}, "groups": [{formgrade!r}], "scopes": [{access!r}]}},
    # the course service may read its own user's groups, nothing else
    {{
        "name": "{course_id}-service",
        "services": [{course_id!r}],
        "scopes": ["read:users:name!user={service_user}", "read:users:groups!user={service_user}"],
    }},
    # a person's server may read its own user's groups: nbgrader's list of courses
    {{
        "name": "server",
        "scopes": [
            "users:activity!user",
            "access:servers!server",
            "read:users:name!user",
            "read:users:groups!user",
        ],
    }},
]

# the course service: formgrader on the course folder, as the course's user, at nice {nice}
# (grading started from it, formgrader's Autograde included, yields the CPU to students' kernels)
c.JupyterHub.services = [
    {{
        "name": {course_id!r},
        "url": "http://127.0.0.1:{service_port}",
        "user": {service_user!r},
        "cwd": {course_root!r},
        "command": ["nice", "-n", "{nice}", {singleuser!r}, "--ServerApp.root_dir={course_root}"],
        "environment": {{"JUPYTERHUB_DEFAULT_URL": "/lab"}},
        "oauth_no_confirm": True,
    }}
]
"""

PERSON_NBGRADER = """\
# written by `dlnlp hub setup`: every person's nbgrader on this hub
c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
"""


def proxy_command(kit: Path) -> Path | None:
    """configurable-http-proxy: `make hub` installs it in the venv (npm), or on PATH."""
    local = kit / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    found = [Path(p) / "configurable-http-proxy" for p in os.environ.get("PATH", "").split(":")]
    return next((p for p in found if p.is_file()), None)


def write_person_settings(plan: HubPlan) -> Path:
    """-> the settings folder every person's server gets (readable by all, root's)."""
    folder = student_settings(plan.jupyter_settings)
    (folder / "nbgrader_config.py").write_text(PERSON_NBGRADER.format(exchange=str(plan.exchange)))
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


def write_hub_config(plan: HubPlan, proxy: Path) -> Path:
    """-> root/jupyterhub_config.py (root's, mode 600: it names the hub's secrets' files)."""
    singleuser = str(Path(sys.executable).parent / "jupyterhub-singleuser")
    text = HEAD + BODY.format(
        ip=plan.ip,
        port=plan.port,
        hub_port=plan.hub_port,
        proxy_api_port=plan.proxy_api_port,
        service_port=plan.service_port,
        proxy=str(proxy),
        pid_file=str(plan.root / "jupyterhub-proxy.pid"),
        db_url=f"sqlite:///{plan.root / 'jupyterhub.sqlite'}",
        cookie_secret=str(plan.root / "jupyterhub_cookie_secret"),
        people=sorted(plan.people),
        singleuser=singleuser,
        settings=str(plan.jupyter_settings),
        formgrade=f"formgrade-{plan.course_id}",
        students_group=f"nbgrader-{plan.course_id}",
        graders_and_service=[*plan.graders, plan.service_user],
        students=plan.students,
        access=f"access:services!service={plan.course_id}",
        nice=plan.grader_priority,
        course_id=plan.course_id,
        service_user=plan.service_user,
        course_root=str(plan.course_root),
    )
    path = plan.root / "jupyterhub_config.py"
    path.write_text(text)
    os.chmod(path, 0o600)
    return path
