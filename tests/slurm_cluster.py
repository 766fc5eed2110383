"""A real single-node Slurm cluster for a test: Debian's munged, slurmctld and slurmd, started
as this process's children with their own key, socket, ports, state, spool and logs in one
folder, and stopped, with every job process they left behind, however the test ends.

Every Slurm process of the cluster carries SLURM_CONF=<its slurm.conf> in its environment (the
daemons are started with it, slurmd passes it to each slurmstepd, Slurm sets it in each job),
so the processes that slurmd's double fork left to init are still found, and killed, by it.
munged, which is not Slurm's, is started without it and stopped last.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = "slurmctld slurmd slurm-client munge"  # Debian's parts of slurm-wlm (22.05 on bookworm)
BINARIES = "munged mungekey slurmctld slurmd sbatch scancel squeue scontrol sinfo".split()
SEARCH = f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"  # the daemons are in sbin

SLURM_CONF = """\
ClusterName=dlnlptest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
# no cgroups, no accounting: processes tracked by their parents, nothing else to run
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# jobs share the node by cores and memory
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
# a cancelled job gets SIGKILL 5 s after SIGTERM; a finished one stays in scontrol for 10 min
KillWait=5
MinJobAge=600
{node_line} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=grading Nodes={node} Default=YES MaxTime=INFINITE State=UP
"""


class ClusterError(RuntimeError):
    """The cluster did not start, a job did not end in time, or a process outlived the cluster."""


def unavailable() -> str | None:
    """Why no cluster can be started here (binaries missing, not root), or None."""
    missing = [name for name in BINARIES if shutil.which(name, path=SEARCH) is None]
    if missing:
        return f"no {', '.join(missing)}: apt-get install -y --no-install-recommends {PACKAGES}"
    if os.geteuid() != 0:
        return "a Slurm cluster's slurmd and munged run as root: run as root (make test-cluster)"
    return None


@dataclass
class Cluster:
    root: Path  # slurm.conf, the munge key and socket, state, spool and every log
    conf: Path
    env: dict[str, str]  # os.environ with SLURM_CONF: every Slurm command and job uses it
    node: str

    def command(self, *args: str, timeout: float = 60, cwd: Path | None = None) -> str:
        """A Slurm command's output; ClusterError with its output if it fails."""
        proc = subprocess.run(
            [_which(args[0]), *args[1:]],
            env=self.env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise ClusterError(
                f"{' '.join(args)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
            )
        return proc.stdout

    def sbatch(self, *args: str | Path, cwd: Path) -> str:
        """Submit from cwd (the job's working folder); the job id (an array's tasks are
        <id>_<task>)."""
        out = self.command("sbatch", "--parsable", *map(str, args), cwd=cwd)
        return out.strip().split(";")[0]

    def queued(self, job: str) -> list[str]:
        """The job's tasks still pending or running, as squeue lists them ("7_1", "7_[1-2]")."""
        lines = self.command("squeue", "--noheader", "--format=%i").split()
        return [line for line in lines if line == job or line.startswith(f"{job}_")]

    def states(self, job: str) -> dict[str, tuple[str, str]]:
        """task id ("1"; "1-2" while they wait together) -> (JobState, ExitCode), from scontrol
        (no accounting, so no sacct): a finished job stays there for MinJobAge. `job` may name
        one task, "7_1"."""
        found = {}
        for line in self.command("scontrol", "--oneliner", "show", "job", job).splitlines():
            fields = dict(re.findall(r"(\w+)=(\S*)", line))
            found[fields.get("ArrayTaskId", "")] = (fields["JobState"], fields["ExitCode"])
        return found

    def state(self, task: str) -> str:
        """One task's JobState ("7_1": PENDING, RUNNING, COMPLETED, CANCELLED...)."""
        (state, _), *_ = self.states(task).values()
        return state

    def wait(self, job: str, timeout: float = 600) -> None:
        """Until none of the job's tasks is pending or running."""
        deadline = time.monotonic() + timeout
        while self.queued(job):
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"job {job} still queued after {timeout:.0f} s: {self.queued(job)}"
                )
            time.sleep(0.5)


def _which(name: str) -> str:
    return shutil.which(name, path=SEARCH) or name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def _ours(conf: Path) -> list[int]:
    """Every live process whose environment names this cluster's slurm.conf."""
    mark = f"SLURM_CONF={conf}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):  # gone meanwhile, or a zombie
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def _kill_all(conf: Path, timeout: float = 15) -> None:
    """SIGKILL every process of the cluster until none is left; ClusterError if one survives."""
    deadline = time.monotonic() + timeout
    while left := _ours(conf):
        if time.monotonic() > deadline:
            raise ClusterError(f"processes of {conf} outlived SIGKILL: {left}")
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)


def _stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM to the daemon's process group (slurmctld's slurmscriptd with it), SIGKILL if it
    lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _until(ready, what: str, daemons: dict[str, subprocess.Popen], root: Path, timeout: float):
    """Until ready(); ClusterError with the daemons' logs if a daemon exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        dead = [name for name, proc in daemons.items() if proc.poll() is not None]
        if dead or time.monotonic() > deadline:
            logs = "\n".join(
                f"== {log.name}\n{log.read_text()[-2000:]}"
                for log in sorted(root.glob("*.*"))
                if log.suffix in (".log", ".out")
            )
            raise ClusterError(f"{what}: {f'{dead} exited' if dead else 'timed out'}\n{logs}")
        time.sleep(0.2)


@contextlib.contextmanager
def slurm_cluster(root: Path, start_timeout: float = 60) -> Iterator[Cluster]:
    """munged, slurmctld and slurmd on this machine, configured in root (a short path: the munge
    socket's must fit 108 bytes), until the block ends; then every process of it killed."""
    conf = root / "slurm.conf"
    env = {**os.environ, "SLURM_CONF": str(conf)}
    # slurmd -C: this machine as slurmd sees it, "NodeName=vm CPUs=2 ... RealMemory=24105"
    node_line = subprocess.run(
        [_which("slurmd"), "-C"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    node = node_line.split()[0].removeprefix("NodeName=")
    munge = root / "munge"
    munge.mkdir(mode=0o700)
    (root / "state").mkdir()
    conf.write_text(
        SLURM_CONF.format(
            root=root,
            node=node,
            node_line=node_line,
            ctld_port=_free_port(),
            slurmd_port=_free_port(),
            munge_socket=munge / "socket",
        )
    )
    key = munge / "key"
    subprocess.run([_which("mungekey"), "--create", f"--keyfile={key}"], check=True)
    daemons: dict[str, subprocess.Popen] = {}

    def start(name: str, *args: str | Path, env: dict[str, str] = env) -> None:
        with open(root / f"{name}.out", "wb") as out:
            daemons[name] = subprocess.Popen(
                [_which(name), *map(str, args)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    try:
        # --force: munged refuses a socket that users other than root cannot reach (ours is in
        # a 0700 folder); every client here is root
        start(
            "munged",
            "--foreground",
            "--force",
            f"--socket={munge / 'socket'}",
            f"--key-file={key}",
            f"--pid-file={munge / 'pid'}",
            f"--log-file={root / 'munged.log'}",
            f"--seed-file={munge / 'seed'}",
            env=dict(os.environ),
        )
        _until((munge / "socket").exists, "munged's socket", daemons, root, start_timeout)
        start("slurmctld", "-D", "-f", conf)
        start("slurmd", "-D", "-f", conf, "-N", node)
        cluster = Cluster(root, conf, env, node)

        def idle() -> bool:
            with contextlib.suppress(ClusterError, subprocess.TimeoutExpired):
                states = cluster.command("sinfo", "--noheader", "--format=%T", timeout=10)
                return states.split() == ["idle"]
            return False

        _until(idle, "the node idle in sinfo", daemons, root, start_timeout)
        yield cluster
    finally:
        # slurmd and slurmctld first (no job starts meanwhile), then what they left: each
        # slurmstepd and its job (init's children by now), then munged, which they used
        for name in ("slurmd", "slurmctld"):
            if name in daemons:
                _stop(daemons[name])
        try:
            _kill_all(conf)
        finally:
            if "munged" in daemons:
                _stop(daemons["munged"])
