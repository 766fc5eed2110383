"""`dlnlp hub setup`'s parts, without a hub: is what it writes what JupyterHub loads, and does each
part refuse what it must? (tests/test_hub.py deploys the whole hub, as root, in `make
test-cluster`.)"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from dlnlp.hub.exchange import make_exchange
from dlnlp.hub.hub_config import write_hub_config, write_person_settings
from dlnlp.hub.kit_access import restrict_kit
from dlnlp.hub.plan import HubError, HubPlan
from dlnlp.hub.setup import setup_hub

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="sets owners and groups: needs root")


def _plan(tmp_path: Path, **changes) -> HubPlan:
    fields = dict(
        root=tmp_path / "hub",
        course_id="dl4nlp",
        assignments=["attention"],
        instructors=["alice"],
        tas=["bob"],
        students=["carol", "dave"],
        exchange=tmp_path / "exchange",
        port=8000,
    )
    return HubPlan(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"course_id": "DL-4"}, "--course"),
        ({"course_id": "a" * 25}, "--course"),
        ({"students": ["carol", "../etc"]}, "not a Unix user name"),
        ({"students": ["bob"]}, "listed twice"),
        ({"instructors": []}, "--instructor"),
    ],
)
def test_a_course_or_person_that_cannot_be_named_so_is_refused(tmp_path, changes, said):
    with pytest.raises(HubError, match=said):
        _plan(tmp_path, **changes)


def test_the_hub_config_is_what_jupyterhub_loads(tmp_path):
    """Loaded by traitlets as jupyterhub loads it: PAM for the listed people only, each
    person's server with the course's settings, formgrader as the course's service at nice 10,
    open to the graders' group alone."""
    plan = _plan(tmp_path)
    plan.root.mkdir()
    path = write_hub_config(plan, Path("/opt/proxy"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    c = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    assert c.JupyterHub.authenticator_class == "pam"
    assert set(c.Authenticator.allowed_users) == {"alice", "bob", "carol", "dave"}
    assert c.Authenticator.allow_existing_users is False
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.environment == {"JUPYTER_CONFIG_PATH": str(plan.jupyter_settings)}
    assert (c.JupyterHub.port, c.JupyterHub.hub_port) == (8000, 8001)
    (service,) = c.JupyterHub.services
    assert service["user"] == "grader-dl4nlp" and service["command"][:3] == ["nice", "-n", "10"]
    assert service["url"] == "http://127.0.0.1:8003"
    groups = c.JupyterHub.load_groups
    assert groups["formgrade-dl4nlp"]["users"] == ["alice", "bob", "grader-dl4nlp"]
    assert groups["nbgrader-dl4nlp"]["users"] == ["carol", "dave"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["formgrade-dl4nlp"]["scopes"] == ["access:services!service=dl4nlp"]
    assert roles["formgrade-dl4nlp"]["groups"] == ["formgrade-dl4nlp"]
    assert not any(
        "inherit" in s or s.startswith("admin") for r in roles.values() for s in r["scopes"]
    )


def test_a_persons_settings_switch_formgrader_off_and_name_the_exchange(tmp_path):
    plan = _plan(tmp_path)
    folder = write_person_settings(plan)
    assert str(plan.exchange) in (folder / "nbgrader_config.py").read_text()
    assert "JupyterHubAuthPlugin" in (folder / "nbgrader_config.py").read_text()
    assert (
        '"nbgrader.server_extensions.formgrader": false'
        in (folder / "jupyter_server_config.json").read_text()
    )
    assert "@jupyter/nbgrader:formgrader" in (folder / "labconfig" / "page_config.json").read_text()


def test_setup_refuses_to_run_without_root(tmp_path, monkeypatch, course):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(HubError, match="as root"):
        setup_hub(course, _plan(tmp_path), say=lambda _: None)
    assert not (tmp_path / "hub").exists()  # nothing was made


@root_only
def test_the_kit_is_closed_to_others_except_the_venv(tmp_path):
    """An allowlist: others may pass through the kit into .venv; everything else, new files
    included, is the graders' group's to read and nobody else's."""
    kit = tmp_path / "kit"
    for name in (".venv/bin/python", "autograder/attention/test_x.py", "solutions/a.py", "x.yaml"):
        (kit / name).parent.mkdir(parents=True, exist_ok=True)
        (kit / name).write_text("secret")
        os.chmod(kit / name, 0o644)
    os.chmod(kit / "solutions", 0o777)
    closed = restrict_kit(kit, "root", say=lambda _: None)
    assert closed == ["autograder", "solutions", "x.yaml"]
    assert stat.S_IMODE(kit.stat().st_mode) == 0o751
    for path in kit.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        if ".venv" in path.parts:
            assert mode & 0o004, path  # every server runs it
        else:
            assert mode & 0o007 == 0 and mode & 0o040 and not mode & 0o020, (path, oct(mode))


@root_only
def test_the_exchange_is_sticky_and_a_course_folder_made_by_someone_else_is_refused(tmp_path):
    made = make_exchange(tmp_path / "exchange", "dl4nlp", "nobody", say=lambda _: None)
    assert stat.S_IMODE((tmp_path / "exchange").stat().st_mode) == 0o1777
    assert made.stat().st_uid == 65534 and stat.S_IMODE(made.stat().st_mode) == 0o755
    (tmp_path / "exchange" / "squatted").mkdir()  # root's, as a student's would be theirs
    with pytest.raises(HubError, match="not nobody's"):
        make_exchange(tmp_path / "exchange", "squatted", "nobody", say=lambda _: None)
