"""The student's side in a real JupyterLab: what `dlnlp lab --student` serves, driven in Chromium.

One JupyterLab (`start_lab(..., student=True)`) serves a student's folder for the whole module,
and one browser page is reused by the tests:

    attention/attention.ipynb   the release, untouched (as fetched)
    filled/attention.ipynb      examples/attention/perfect.ipynb: a complete, correct submission

JupyterLab's workspace and user settings go to the module's tmp folder (JUPYTERLAB_WORKSPACES_DIR,
JUPYTERLAB_SETTINGS_DIR), so that neither the tabs another JupyterLab on this machine left open
nor this one's leak in or out; the settings there also switch the "Jupyter news" prompt off.
Screenshots of each test land in the module's tmp folder (lab_student_shots*/<test>.png).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

import nbformat
import pytest

from conftest import COURSE
from dlnlp.lab.demo_course import student_folder
from dlnlp.lab.server import start_lab

ASSIGNMENT = "attention"
RELEASE = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
FILLED = f"filled/{ASSIGNMENT}.ipynb"
WAIT = 60_000  # ms: kernel start (6-8 s here), a page load, a Run All
VALIDATE_WAIT = 120_000  # ms: nbgrader's Validate runs the whole notebook in a fresh kernel
PANEL = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in front
STDERR = "[data-mime-type='application/vnd.jupyter.stderr']"  # stderr streams and tracebacks
NEWS_OFF = {"fetchNews": "false"}  # JupyterLab's "get notified about official Jupyter news?"


def check_cells(path) -> list[tuple[int, str]]:
    """(cell index, function name) of each check cell: grade_id `check_<function>`."""
    cells = nbformat.read(path, as_version=4).cells
    ids = [(i, c.metadata.get("nbgrader", {}).get("grade_id", "")) for i, c in enumerate(cells)]
    return [(i, g.removeprefix("check_")) for i, g in ids if g.startswith("check_")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab in student mode on a student's folder (release + filled notebook)."""
    tmp = tmp_path_factory.mktemp("lab_student")
    course = tmp / "course"  # what student_folder copies from: the course's release/
    shutil.copytree(COURSE.release_notebook(ASSIGNMENT).parent, course / "release" / ASSIGNMENT)
    (course / "exchange").mkdir()
    folder = student_folder(course, tmp / "student", [ASSIGNMENT])
    (folder / "filled").mkdir()
    shutil.copy(COURSE.root / "examples" / ASSIGNMENT / "perfect.ipynb", folder / FILLED)
    news = tmp / "lab-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps(NEWS_OFF))
    with pytest.MonkeyPatch.context() as mp:  # the child takes os.environ when it starts
        mp.setenv("JUPYTERLAB_WORKSPACES_DIR", str(tmp / "lab-workspaces"))
        mp.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp / "lab-settings"))
        started = start_lab(folder, student=True, log=tmp / "lab.log")
    started.folder = folder
    yield started
    started.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("lab_student_shots")


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One page for the module's tests (each opens what it needs, or reuses what is open)."""
    pg = browser.new_page(viewport={"width": 1300, "height": 900})
    pg.set_default_timeout(WAIT)
    yield pg
    pg.close()


@pytest.fixture
def page(lab_page, shots, request):
    """The module's page; its screenshot is taken after the test, pass or fail."""
    yield lab_page
    lab_page.screenshot(path=str(shots / f"{request.node.name}.png"))


def wait_kernel(page, panel) -> None:
    """Wait for the opened notebook's kernel, accepting a "Select Kernel" dialog should JupyterLab
    ask (the notebook's own kernel is preselected) and closing a news notification should one
    show despite the settings."""
    ask = page.locator(".jp-Dialog:has-text('Select Kernel')")
    idle = panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    idle.or_(ask).first.wait_for(timeout=WAIT)
    if ask.count():
        ask.locator(".jp-mod-accept").first.click()
    news = page.locator(".jp-toast-button:text-is('No')")
    if news.count():
        news.first.click()
    wait_idle(panel)


def open_notebook(page, lab, path: str, fresh: bool = True):
    """Open `path` alone in JupyterLab (a reset workspace) and wait for its kernel. -> the
    notebook's panel. With fresh=False, a page already showing it is reused as it is."""
    panel = page.locator(PANEL)
    # JupyterLab drops ?token=...&reset from the address once loaded
    shown = urllib.parse.urlsplit(page.url).path == f"/lab/tree/{path}"
    if not fresh and shown and panel.count() == 1:
        return panel
    page.goto(lab.link(f"lab/tree/{path}") + "&reset")
    cells = len(nbformat.read(lab.folder / path, as_version=4).cells)
    page.wait_for_function(
        f"document.querySelectorAll({PANEL!r} + ' .jp-Notebook .jp-Cell').length === {cells}",
        timeout=WAIT,
    )
    wait_kernel(page, panel)
    return panel


def wait_idle(panel) -> None:
    """Wait until the notebook's kernel is started and idle (toolbar: kernel name + indicator)."""
    panel.locator("jp-button.jp-Toolbar-kernelName[aria-label='Python 3 (ipykernel)']").wait_for(
        timeout=WAIT
    )
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=WAIT)


def menu(page, name: str) -> list[str]:
    """Open the menu bar's `name` menu: -> its item labels (separators left out); then close it."""
    page.locator(f".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('{name}'))").click()
    opened = page.locator(".lm-MenuBar-menu")
    opened.wait_for()
    labels = [t for t in opened.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    page.keyboard.press("Escape")
    opened.wait_for(state="detached")
    return labels


def choose(page, menu_name: str, item: str) -> None:
    """Menu bar ▸ `menu_name` ▸ `item`, by their labels, as a student clicks them."""
    page.locator(f".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('{menu_name}'))").click()
    entry = page.locator(
        f".lm-MenuBar-menu .lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{item}'))"
    )
    entry.click(timeout=10_000)  # the labels as a notebook in front shows them


def outputs(cell) -> list[str]:
    """The cell's outputs' text (textContent: innerText is empty for a cell off screen, which
    JupyterLab's content-visibility windowing leaves unrendered)."""
    return cell.locator(".jp-OutputArea-output").all_text_contents()


def prompt(cell) -> str:
    """The cell's input prompt: "[ ]:" never run, "[*]:" queued or running, "[7]:" ran."""
    return (cell.locator(".jp-InputPrompt").first.text_content() or "").strip()


def wait_not_running(page) -> None:
    """Wait until no cell of the notebook in front is queued or running ("[*]:")."""
    page.wait_for_function(
        f"![...document.querySelectorAll({PANEL!r} + ' .jp-InputPrompt')]"
        ".some(p => p.textContent.includes('*'))",
        timeout=WAIT,
    )


def test_run_all_on_the_release_stops_at_the_first_check_with_its_reason(page, lab):
    """Run All on the untouched release: does the first check cell say ✗ and why, and that Run
    All stops there, with no later check cell run?"""
    panel = open_notebook(page, lab, RELEASE)
    checks = check_cells(lab.folder / RELEASE)
    assert len(checks) == 4, checks
    (first, name), later = checks[0], checks[1:]
    choose(page, "Run", "Run All Cells")
    cells = panel.locator(".jp-Notebook .jp-Cell")
    cells.nth(first).locator(f".jp-OutputArea-output:has-text('✗ {name}:')").wait_for()
    wait_not_running(page)
    wait_idle(panel)
    cells.nth(first).locator(".jp-OutputArea-output").first.scroll_into_view_if_needed()

    lines = "\n".join(outputs(cells.nth(first))).splitlines()
    failed = [line for line in lines if line.startswith("✗")]
    assert failed and failed[0].startswith(f"✗ {name}: not implemented yet"), lines
    after = lines[lines.index(failed[0]) + 1]
    assert after.strip().startswith("Run All stops at this cell."), lines
    assert re.fullmatch(r"\[\d+\]:", prompt(cells.nth(first))), prompt(cells.nth(first))
    for index, later_name in later:  # Run All halted: nothing below the failure ran
        assert prompt(cells.nth(index)) == "[ ]:", (later_name, prompt(cells.nth(index)))
        assert outputs(cells.nth(index)) == [], (later_name, outputs(cells.nth(index)))
    shown = outputs(panel)
    assert sum(t.count("✗ ") for t in shown) == 1 and not any("✓ " in t for t in shown), shown


def test_restart_and_run_all_on_a_correct_notebook_passes_every_check_without_stderr(page, lab):
    """The reference solution filled in, Kernel ▸ Restart Kernel and Run All: does every check
    cell show its ✓ line, with nothing on stderr (no warning, no traceback) anywhere?"""
    panel = open_notebook(page, lab, FILLED)
    checks = check_cells(lab.folder / FILLED)
    assert len(checks) == 4, checks
    choose(page, "Kernel", "Restart Kernel and Run All Cells…")
    restart = page.locator(".jp-Dialog:has-text('Restart')")
    restart.locator(".jp-mod-accept").click()  # "Restart Kernel?" -> Confirm Kernel Restart
    cells = panel.locator(".jp-Notebook .jp-Cell")
    last, last_name = checks[-1]
    cells.nth(last).locator(f".jp-OutputArea-output:has-text('✓ {last_name}:')").wait_for()
    wait_not_running(page)
    wait_idle(panel)

    for index, name in checks:
        text = "\n".join(outputs(cells.nth(index)))
        assert f"✓ {name}: all visible checks passed" in text, (name, text)
        assert re.fullmatch(r"\[\d+\]:", prompt(cells.nth(index))), (name, prompt(cells.nth(index)))
    shown = outputs(panel)
    assert sum(t.count("✓ ") for t in shown) == len(checks), shown
    assert not any("✗" in t for t in shown), shown
    stderr = panel.locator(STDERR)
    assert stderr.count() == 0, stderr.all_text_contents()
    cells.nth(checks[0][0]).scroll_into_view_if_needed()


def test_validate_button_says_success_on_a_correct_notebook(page, lab, shots):
    """nbgrader's Validate button (the notebook toolbar's) on the filled notebook: does its
    dialog say Success!?"""
    panel = open_notebook(page, lab, FILLED, fresh=False)
    panel.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    message = page.locator(".jp-Dialog #validation-message")
    message.wait_for(timeout=VALIDATE_WAIT)
    text = message.inner_text()
    assert "Success!" in text, text
    assert "validation-success" in (message.get_attribute("class") or ""), text
    assert page.locator(".jp-Dialog.nbgrader-SuccessDialog").count() == 1
    page.screenshot(path=str(shots / "validate-dialog.png"))  # the dialog up
    page.locator(".jp-Dialog .jp-mod-accept").first.click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def test_student_view_hides_formgrader_and_create_assignment(page, lab, shots):
    """Does the student's view leave out nbgrader's instructor parts: no Formgrader or Create
    Assignment in the Nbgrader menu, the View menu or a sidebar, and no /formgrader page?"""
    panel = open_notebook(page, lab, FILLED, fresh=False)
    # nbgrader's student plugins are there (so the absences below are not a missing nbgrader)
    assert panel.locator(".jp-NotebookPanel-toolbar .validate-button").count() == 1
    nbgrader = menu(page, "Nbgrader")
    assert nbgrader == ["Assignment List", "Course List"], nbgrader  # instructor's adds 3 more
    view = menu(page, "View")
    assert "File Browser" in view, view
    tabs = page.locator(".jp-SideBar .lm-TabBar-tab")
    titles = [t.get_attribute("title") or "" for t in tabs.element_handles()]
    ids = [t.get_attribute("data-id") or "" for t in tabs.element_handles()]
    assert any(t.startswith("File Browser") for t in titles), titles
    for shown in [*nbgrader, *view, *titles, *ids]:
        assert not re.search(r"formgrader|create.?assign", shown, re.I), shown

    page.locator(".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('Nbgrader'))").click()
    page.locator(".lm-MenuBar-menu").wait_for()  # left open for the screenshot
    page.screenshot(path=str(shots / "nbgrader-menu.png"))
    page.keyboard.press("Escape")

    with urllib.request.urlopen(lab.link("api/status"), timeout=10) as ok:
        assert ok.status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(lab.link("formgrader"), timeout=10)
    assert missing.value.code == 404
