"""A course on a real JupyterHub (docs/hub.md), driven in Chromium through the hub's login page:
does the class's round trip work, and can a student with a login reach nobody else's work?

One hub for the module (`hub_deployment.deploy`: the docs' commands from a copy of this
checkout, PAM logins for real Unix accounts, formgrader as the course's hub service). The tests
run in file order: the round trip first, then the attacker's tries on what it left. Screenshots
of each step land in the module's tmp folder (hub_shots*/).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, skip_unless_deployable
from hub_deployment import ASSIGNMENT, COMMANDS, DOCS, deploy, unavailable

WAIT = 90_000  # ms: a first login spawns a JupyterLab (seconds); nbgrader's buttons grade
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
# what each student solves in JupyterLab: the reference's functions, typed into their cells
SOLVES = {"student1": ["causal_mask"], "student2": ["causal_mask", "scaled_dot_product_attention"]}


def _reference(function: str) -> str:
    source = (REPO / "solutions" / f"{ASSIGNMENT}.py").read_text()
    node = next(
        n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == function
    )
    return ast.get_source_segment(source, node) or ""


@pytest.fixture(scope="module")
def hub(tmp_path_factory, chromium):
    skip_unless_deployable(unavailable())
    with deploy(tmp_path_factory.mktemp("hub_shots")) as started:
        yield started


@pytest.fixture(scope="module")
def people(hub, browser):
    """A logged-in browser page for each person, through the hub's login page."""
    pages = {}
    for role in ("instructor", "ta", "student1", "student2"):
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        pages[role] = _login(context.new_page(), hub, hub.values[role])
    yield pages
    for page in pages.values():
        page.context.close()


def _login(page, hub, user: str, password: str | None = None):
    page.set_default_timeout(WAIT)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password or hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**")
    page.locator(".jp-LabShell").wait_for()
    return page


def _shot(page, hub, name: str) -> None:
    page.screenshot(path=str(hub.shots / f"{name}.png"))


def _no_news(page) -> None:
    """Close JupyterLab's "Jupyter news?" prompt should it show (it covers the corner)."""
    news = page.locator(".jp-toast-button:text-is('No')")
    if news.count():
        news.first.click()


def _formgrader(page, hub, path: str) -> None:
    page.goto(f"{hub.url}/services/{hub.course}/formgrader/{path}")
    page.wait_for_selector("text=Loading, please wait...", state="detached", timeout=WAIT)


def _button(page, hub, row: str, column: str, said: str, shot: str) -> None:
    """Click formgrader's `column` button in the row `row`; its dialog must say `said`."""
    page.locator("tr", has_text=row).locator(f"td.{column} a").first.click()
    dialog = page.locator(".modal-dialog")
    dialog.wait_for(timeout=WAIT)
    text = dialog.inner_text()
    _shot(page, hub, shot)
    assert said in text, text
    dialog.locator("button:has-text('OK'), button:has-text('Close')").first.click()
    dialog.wait_for(state="detached")


def _assignments(page):
    """Nbgrader ▸ Assignment List, as a student opens it. -> the panel."""
    page.locator(".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('Nbgrader'))").click()
    item = ".lm-MenuBar-menu .lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Assignment List'))"
    page.locator(item).click()
    panel = page.locator("#jp-main-dock-panel .lm-Widget:has(#released_assignments_list)").last
    panel.locator("#released_assignments_list_loading").wait_for(state="hidden")
    return panel


def _solve(page, hub, user: str, functions: list[str]) -> None:
    """Open the fetched notebook, type the reference of each function into its cell, save."""
    page.goto(f"{hub.url}/user/{user}/lab/tree/{NOTEBOOK}")
    panel = page.locator("#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".jp-Cell").first.wait_for()
    ask = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    if ask.count():
        ask.first.click()
    _no_news(page)
    for function in functions:
        cell = panel.locator(".jp-CodeCell", has_text=f"def {function}(").first
        cell.scroll_into_view_if_needed()
        editor = cell.locator(".cm-content").first
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(_reference(function))
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "!document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current.jp-mod-dirty')"
    )
    saved = json.loads((hub.home(user) / NOTEBOOK).read_text())
    text = "".join("".join(c["source"]) for c in saved["cells"])
    for function in functions:
        assert _reference(function) in text, function


@pytest.mark.cluster
def test_a_class_round_trip_through_the_hub(hub, people):
    """The instructor releases in formgrader; two students log in, fetch, solve part of it in
    JupyterLab and submit; the instructor collects, grades the class with `dlnlp grade
    --nbgrader-course` (one student again with formgrader's ⚡), generates and releases
    feedback; each student fetches their feedback: is it theirs, with dlnlp's score?"""
    teacher = people["instructor"]
    _formgrader(teacher, hub, "manage_assignments")
    _shot(teacher, hub, "01-instructor-formgrader")
    _button(
        teacher, hub, ASSIGNMENT, "release", f"Successfully released '{ASSIGNMENT}'", "02-released"
    )

    for n, role in enumerate(("student1", "student2"), 3):
        page, user = people[role], hub.values[role]
        _no_news(page)
        panel = _assignments(page)
        panel.locator("#released_assignments_list button:text-is('Fetch')").click()
        panel.locator("#fetched_assignments_list button:text-is('Submit')").wait_for()
        _shot(page, hub, f"0{n}a-{role}-fetched")
        _solve(page, hub, user, SOLVES[role])
        _shot(page, hub, f"0{n}b-{role}-solved")
        panel = _assignments(page)
        panel.locator("#fetched_assignments_list button:text-is('Submit')").click()
        panel.locator("#submitted_assignments_list .list_item").first.wait_for()
        _shot(page, hub, f"0{n}c-{role}-submitted")

    _formgrader(teacher, hub, "manage_assignments")
    _button(teacher, hub, ASSIGNMENT, "collect", "Successfully collected", "05-collected")
    graded = hub.outputs["grade"] = _run_grade(hub)
    assert "scores written to the gradebook" in graded, graded
    results = {
        role: json.loads(
            (hub.course_root / "dlnlp" / ASSIGNMENT / hub.values[role] / "results.json").read_text()
        )["score"]
        for role in ("student1", "student2")
    }
    assert 0 < results["student1"] < results["student2"], results  # 1 function, then 2

    _formgrader(teacher, hub, f"manage_submissions/{ASSIGNMENT}")
    _button(
        teacher, hub, hub.values["student1"], "autograde", "Successfully autograded", "06-autograde"
    )
    _formgrader(teacher, hub, f"manage_submissions/{ASSIGNMENT}")
    _shot(teacher, hub, "07-submissions")
    for role, score in results.items():
        row = teacher.locator("tr", has_text=hub.values[role]).locator("td.score").inner_text()
        assert row.startswith(f"{round(score, 2):g} /"), (role, row, score)
    _formgrader(teacher, hub, "manage_assignments")
    _button(teacher, hub, ASSIGNMENT, "generate-feedback", "Successfully generated", "08-feedback")
    _button(teacher, hub, ASSIGNMENT, "release-feedback", "Successfully released", "09-released")

    for n, role in enumerate(("student1", "student2"), 10):
        page, user = people[role], hub.values[role]
        panel = _assignments(page)
        panel.locator("#submitted_assignments_list button:text-is('Fetch Feedback')").click()
        found = _wait_for(
            lambda user=user: list((hub.home(user) / ASSIGNMENT / "feedback").glob("*/*.html"))
        )
        page.goto(f"{hub.url}/user/{user}/files/{found[0].relative_to(hub.home(user))}")
        _shot(page, hub, f"{n}-{role}-feedback")
        text = page.inner_text("body")
        other = hub.values["student2" if role == "student1" else "student1"]
        assert f"{round(results[role], 2):g}" in text, text[:500]
        assert user in found[0].read_text() or other not in text
        for function in SOLVES[role]:
            assert function in text


def _run_grade(hub) -> str:
    proc = subprocess.run(
        ["bash", "-c", hub.command("grade")], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def _wait_for(found, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := found():
            return value
        time.sleep(0.5)
    raise AssertionError("not there in time")


@pytest.mark.cluster
def test_a_student_cannot_read_the_exchange_others_or_the_course(hub):
    """As student 2, with a shell (their JupyterLab's terminal): can they list the exchange's
    submissions or feedback, read student 1's home, the course folder (gradebook, submissions,
    source) or the kit's hidden tests, references and sample solutions, or rename the course's
    exchange folder?"""
    attacker, victim = hub.values["student2"], hub.values["student1"]
    course = hub.exchange / hub.course
    denied = [
        course / "inbound",
        course / "feedback",
        hub.home(victim),
        hub.home(victim) / NOTEBOOK,
        hub.course_root,
        hub.course_root / "gradebook.db",
        hub.course_root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        hub.kit / "autograder" / ASSIGNMENT,
        hub.kit / "solutions" / f"{ASSIGNMENT}.py",
        hub.kit / "examples" / ASSIGNMENT / "perfect.ipynb",
        hub.kit / "tests" / "alternatives",
        hub.kit / "grader_config.yaml",
        hub.kit,
    ]
    probe = (
        "import os, sys\n"
        "for p in sys.argv[1:]:\n"
        "    try:\n"
        "        os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)\n"
        "        print('READ', p)\n"
        "    except OSError as e:\n"
        "        print('DENIED', p, e.errno)\n"
    )
    python = str(hub.kit / ".venv" / "bin" / "python")
    proc = hub.run_as(attacker, python, "-c", probe, *map(str, denied))
    assert proc.returncode == 0, proc.stderr
    read = [line for line in proc.stdout.splitlines() if not line.startswith("DENIED")]
    assert not read, read
    # nbgrader leaves a submission's folder readable to whoever knows its name: the name ends in
    # 12 random characters (9 random bytes), and inbound/ cannot be listed (above)
    names = sorted(p.name for p in (course / "inbound").iterdir())
    assert len(names) == 2, names
    for name, student in zip(names, sorted([victim, attacker]), strict=True):
        assert re.fullmatch(rf"{student}\+{ASSIGNMENT}\+[^+]+\+[A-Za-z0-9_=-]{{12}}", name), name
    # what a student needs is there for them: the released notebook (so the denials above are
    # permissions, not missing paths)
    released = course / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert hub.run_as(attacker, "cat", str(released)).returncode == 0
    # the exchange is shared but sticky: nobody renames or removes the course's folder, nor
    # writes an "assignment" of their own into its outbound
    for argv in (
        ["mv", str(course), str(hub.exchange / "stolen")],
        ["rm", "-rf", str(course / "outbound")],
        ["mkdir", str(course / "outbound" / "fake")],
    ):
        tried = hub.run_as(attacker, *argv)
        assert tried.returncode != 0, argv
    assert released.is_file()


def _server_token(hub, user: str) -> str:
    """The hub token a person's server holds (what their own shell can read from it)."""
    pids = subprocess.run(
        ["pgrep", "-u", user, "-f", "jupyterhub-singleuser"], capture_output=True, text=True
    ).stdout.split()
    assert pids, f"{user} has no server running"
    environ = Path(f"/proc/{pids[0]}/environ").read_bytes().split(b"\0")
    return next(
        e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"JUPYTERHUB_API_TOKEN=")
    )


def _get(url: str, token: str | None = None, method: str = "GET", body: bytes | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=body)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.cluster
def test_a_student_cannot_reach_formgrader_or_others_through_the_hub(hub, people):
    """With student 2's own login (browser) and their server's hub token: can they open
    formgrader, another student's JupyterLab, or ask the hub for other people, the groups, or
    to join the graders' group?"""
    page, victim = people["student2"], hub.values["student1"]
    for path in (f"services/{hub.course}/formgrader", f"user/{victim}/lab"):
        response = page.goto(f"{hub.url}/{path}")
        _shot(page, hub, f"20-student-tries-{path.split('/')[0]}")
        assert response is not None and response.status in (403, 404), (path, response)
        assert "formgrade" not in page.title().lower()
    token = _server_token(hub, hub.values["student2"])
    api = f"{hub.url}/hub/api"
    assert _get(f"{api}/user", token) == 200  # the token works: the refusals are the scopes
    for url in (f"{api}/users", f"{api}/users/{victim}", f"{api}/groups", f"{api}/services"):
        assert _get(url, token) in (403, 404), url
    join = json.dumps({"users": [hub.values["student2"]]}).encode()
    assert _get(f"{api}/groups/formgrade-{hub.course}/users", token, "POST", join) in (403, 404)
    formgrader_api = f"{hub.url}/services/{hub.course}/formgrader/api/assignments"
    assert _get(formgrader_api, token) in (302, 403, 404)


@pytest.mark.cluster
def test_a_ta_can_grade_and_grading_runs_below_students_kernels(hub, people):
    """Can the TA open formgrader and autograde a student? And does the course service (and
    so the grading it starts) run at a lower CPU priority than the people's servers?"""
    page = people["ta"]
    _formgrader(page, hub, f"manage_submissions/{ASSIGNMENT}")
    _button(
        page, hub, hub.values["student2"], "autograde", "Successfully autograded", "30-ta-autograde"
    )

    def nice(user: str) -> set[int]:
        out = subprocess.run(["ps", "-o", "ni=", "-u", user], capture_output=True, text=True)
        return {int(n) for n in out.stdout.split()}

    assert nice(f"grader-{hub.course}") == {10}
    assert nice(hub.values["student1"]) == {0}


def test_the_docs_give_the_commands_the_hub_test_runs():
    """Does docs/hub.md show each command the test runs (with the docs' names and paths)?"""
    docs = (REPO / "docs" / "hub.md").read_text()
    for name, command in COMMANDS.items():
        assert command.format(**DOCS) in docs, name
    assert re.search(r"TLS", docs) and "identity provider" in docs
