"""A course on a real JupyterHub, deployed as docs/hub.md says, for tests/test_hub.py.

The docs' commands are `COMMANDS`, written once with placeholders: the docs show them with
`DOCS`' values (a test checks that they do, word for word), and `deploy` runs them with this
run's: the kit is a copy of this checkout (for the docs' `git clone`) in a fresh folder, with
its own venv built by `make hub` from the machine's Python, as on an empty Debian machine; the
people are new Unix accounts with random names and passwords, removed again with everything
they started, their homes, the course's user and the graders' group when this run made it.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from conftest import REPO

ASSIGNMENT = "attention"
# the docs' commands, in order; `people` is the useradd line's, for each person
COMMANDS = {
    "install": "cd {kit} && make hub",
    "people": "useradd --create-home --shell /bin/bash {person} && passwd {person}",
    "setup": (
        "{kit}/.venv/bin/dlnlp hub setup {hub} --root {kit} --course {course} "
        "--assignment {assignment} --instructor {instructor} --ta {ta} "
        "--student {student1} --student {student2} --exchange {exchange} --port {port}"
    ),
    "start": "{kit}/.venv/bin/jupyterhub -f {hub}/jupyterhub_config.py",
    "grade": (
        "runuser -u grader-{course} -- nice -n 10 {kit}/.venv/bin/dlnlp grade {assignment} "
        "--root {kit} --nbgrader-course /home/grader-{course}/{course}"
    ),
}
DOCS = {
    "kit": "/opt/dlnlp",
    "hub": "/srv/dlnlp-hub",
    "exchange": "/srv/nbgrader/exchange",
    "course": "dl4nlp",
    "assignment": ASSIGNMENT,
    "instructor": "alice",
    "ta": "bob",
    "student1": "carol",
    "student2": "dave",
    "person": "alice",
    "port": "8000",
}
# what a fresh Debian root shell has on PATH: the machine's python3.11, not a pyenv's
DEBIAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NEEDS = ("git", "make", "node", "npm", "runuser", "useradd", "chromium")


def unavailable() -> str | None:
    """Why a hub cannot be deployed here, or None."""
    if os.geteuid() != 0:
        return "deploying a hub makes Unix accounts and runs JupyterHub as root: run as root"
    missing = [c for c in NEEDS if not shutil.which(c, path=DEBIAN_PATH + ":" + os.environ["PATH"])]
    if missing:
        return f"missing {', '.join(missing)} (apt-get install git make nodejs npm chromium)"
    venv = subprocess.run(["/usr/bin/python3", "-c", "import ensurepip, venv"], capture_output=True)
    if venv.returncode != 0:
        return "the machine's Python has no venv module (apt-get install python3-venv)"
    return None


def _free_ports(n: int) -> int:
    """-> a port p such that p..p+n-1 are all free on 127.0.0.1."""
    for _ in range(200):
        base = 20000 + secrets.randbelow(30000)
        try:
            with contextlib.ExitStack() as stack:
                for i in range(n):
                    s = stack.enter_context(socket.socket())
                    s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
    raise RuntimeError("no free block of ports")


@dataclass
class Hub:
    """A deployed and started hub."""

    values: dict[str, str]  # this run's placeholders
    passwords: dict[str, str]
    process: subprocess.Popen
    log: Path
    shots: Path
    outputs: dict[str, str] = field(default_factory=dict)  # command name -> its output

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.values['port']}"

    @property
    def kit(self) -> Path:
        return Path(self.values["kit"])

    @property
    def course(self) -> str:
        return self.values["course"]

    @property
    def course_root(self) -> Path:
        return Path(f"/home/grader-{self.course}/{self.course}")

    @property
    def exchange(self) -> Path:
        return Path(self.values["exchange"])

    def command(self, name: str) -> str:
        return COMMANDS[name].format(**self.values)

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def run_as(self, user: str, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run argv as the Unix user `user` (what a person with a login, or a terminal in
        their JupyterLab, can do)."""
        return subprocess.run(
            ["runuser", "-u", user, "--", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd="/",
        )


def _shell(command: str, timeout: float, **kwargs) -> str:
    env = {**os.environ, "PATH": DEBIAN_PATH}
    proc = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=timeout, **kwargs
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{command}\nfailed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout + proc.stderr


def _copy_checkout(kit: Path) -> None:
    """The kit as `git clone` would leave it, with this checkout's uncommitted work."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO / os.fsdecode(name)
        if source.is_file():
            (kit / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, kit / os.fsdecode(name))


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(
        f"the hub did not answer at {url} in {timeout} s:\n{log.read_text()[-3000:]}"
    )


def _stop(process: subprocess.Popen, users: list[str], base: Path) -> None:
    """Stop the hub, then whatever any of the run's users still runs."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the proxy, if the hub left it
    for _ in range(50):
        alive = [u for u in users if subprocess.run(["pgrep", "-u", u], capture_output=True).stdout]
        if not alive:
            return
        for user in alive:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        time.sleep(0.2)
    raise RuntimeError(f"processes of {alive} survived the hub's stop")


@contextlib.contextmanager
def deploy(shots: Path) -> Iterator[Hub]:
    """Deploy the docs' hub with fresh names, start it, and take it all away afterwards."""
    tag = secrets.token_hex(2)
    base = Path(tempfile.mkdtemp(prefix="dlnlp-hub-", dir="/tmp"))
    os.chmod(base, 0o755)  # people's servers run the kit's venv from here
    people = {
        "instructor": f"dlt{tag}-inst",
        "ta": f"dlt{tag}-ta",
        "student1": f"dlt{tag}-s1",
        "student2": f"dlt{tag}-s2",
    }
    values = {
        **DOCS,
        **people,
        "kit": str(base / "kit"),
        "hub": str(base / "hub"),
        "exchange": str(base / "exchange"),
        "course": f"dlt{tag}",
        "port": str(_free_ports(4)),
    }
    made_group = not _group_exists("dlnlp-graders")
    users = [*people.values(), f"grader-{values['course']}"]
    passwords = {p: secrets.token_urlsafe(12) for p in people.values()}
    process = None
    log = base / "jupyterhub.log"
    try:
        (base / "kit").mkdir()
        _copy_checkout(base / "kit")
        outputs = {"install": _shell(COMMANDS["install"].format(**values), timeout=900)}
        for person in people.values():
            _shell(f"useradd --create-home --shell /bin/bash {person}", timeout=30)
            _shell("chpasswd", timeout=30, input=f"{person}:{passwords[person]}\n")
        outputs["setup"] = _shell(COMMANDS["setup"].format(**values), timeout=300)
        with open(log, "w") as out:
            process = subprocess.Popen(
                ["bash", "-c", "exec " + COMMANDS["start"].format(**values)],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=values["hub"],
                env={**os.environ, "PATH": DEBIAN_PATH},
                start_new_session=True,  # stopped as a whole: the hub, its proxy, the service
            )
        hub = Hub(values, passwords, process, log, shots, outputs)
        _wait_http(f"{hub.url}/hub/login", process, log)
        yield hub
    finally:
        if process is not None:
            _stop(process, users, base)
        for user in users:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        if made_group:
            subprocess.run(["groupdel", "dlnlp-graders"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False
