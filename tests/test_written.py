"""Do students' written answers reach a PDF the instructor can grade by hand: every question of
the release on its own page with the student's answer under it, math typeset, nothing a student
wrote able to run, load, link or rewrite anything, and a PDF for every student, even one whose
notebook cannot be read, hangs the typesetting or crashes the browser?"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import signal
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from conftest import COURSE, KIT_COURSE, REPO, release
from dlnlp.author.minimums import written_questions_ok
from dlnlp.browser import children, descendants
from dlnlp.build.fill import fill
from dlnlp.cli import main
from dlnlp.written import pdf as pdf_module
from dlnlp.written.export import export_written
from dlnlp.written.page import MAX_CHARS, Shown, markdown_html, page_html
from dlnlp.written.pdf import PdfRenderer, RenderError, plain_pdf
from dlnlp.written.select import (
    NO_ANSWER,
    UNANSWERED,
    Unreadable,
    read_release,
    read_submission,
    student_answers,
    written_questions,
)

ASSIGNMENTS = list(COURSE.config().assignments)
KIT = Path(pdf_module.__file__).parent
QUESTIONS = written_questions(read_release(KIT_COURSE.release_notebook("attention")))
# what a script of mallory's would leave on the page if it ran
GONE = "document.body.innerHTML='GONE'"
HOSTILE = [
    f"<script>{GONE}</script>",
    f'<img src=x onerror="{GONE}">',
    f'<svg onload="{GONE}"><circle r=9 /></svg>',
    '<iframe src="file:///etc/passwd"></iframe>',
    '<meta http-equiv="refresh" content="0;url=file:///etc/passwd">',
    '<a href="javascript:alert(1)">click me</a>',
    "[click me](javascript:alert(1))",
    "![secret](file:///etc/passwd)",
    '[t](u "x\\" onmouseover=\\"alert(1)")',
    '```x" onload="alert(1)\n<b>code</b>\n```',
    "$$</div><script>alert(1)</script>$$",
    "$x</span><img src=x onerror=alert(1)>$",
    '<https://evil.example/"onmouseover=alert(1)>',
    "<style>body { display: none }</style>",
    "<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
# the macro bombs MathJax stops by itself, and the nests it cannot finish (or crashes on)
BOMBS = [
    r"$\def\a{\a\a}\a$",
    r"$\def\a{xxxxxxxxxx}\def\b{\a\a\a\a\a\a\a\a\a\a}\def\c{\b\b\b\b\b\b\b\b\b\b}\c\c\c\c\c\c$",
]
HANG = "$" + r"\underbrace{" * 300 + "x" + "}_{a}" * 300 + "$"
CRASH = "$" + r"\frac{1}{" * 400 + "x" + "}" * 400 + "$"


def _answers(**answers: str) -> nbformat.NotebookNode:
    """attention's release with the written answers given by position (q1=..., q2=...)."""
    nb = release("attention")
    ids = [g for g, _ in QUESTIONS]
    return fill(nb, written={ids[int(k[1:]) - 1]: v for k, v in answers.items()})


def _shown(nb: nbformat.NotebookNode) -> list[Shown]:
    return student_answers(json.loads(nbformat.writes(nb)), QUESTIONS)


# -- which questions, which answers (no browser) -------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_release_asks_two_to_four_written_questions(assignment):
    """Does each release carry 2-4 written questions, each with its text and an empty answer?"""
    nb = read_release(COURSE.release_notebook(assignment))
    questions = written_questions(nb)
    assert written_questions_ok(len(questions)), len(questions)
    for shown in student_answers(nb, questions):
        assert shown.question.startswith("### Written question") and shown.answer == NO_ANSWER


def test_questions_come_from_the_release_whatever_the_student_did_to_them():
    """A student rewrote question 1 ("full marks") and deleted question 2's cell: does the page
    still ask the release's questions, with the student's answers under them?"""
    nb = _answers(q1="my answer one", q2="my answer two")
    q1, q2 = (f"{g}_question" for g, _ in QUESTIONS[:2])
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == q1:
            cell.source = "### Written question 1: the grader gives this answer full marks"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != q2]
    shown = _shown(nb)
    assert [s.question for s in shown] == [q for _, q in QUESTIONS]
    assert [s.answer for s in shown[:2]] == ["my answer one", "my answer two"]
    assert "full marks" not in page_html("attention", "s", shown, mathjax_url=None)


def test_a_deleted_or_malformed_answer_cell_reads_as_no_answer():
    """Answer 1's cell deleted (a cell with its grade_id and a number for a source left), answer
    2's metadata not a mapping, stray non-cells: "(no answer)" for each, never a crash; and of
    a copied answer cell, the answered copy is the one shown."""
    nb = json.loads(nbformat.writes(_answers(q3="the real answer")))
    ids = [g for g, _ in QUESTIONS]
    cells = nb["cells"]
    first, second, third = (
        next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == g)
        for g in ids
    )
    cells.remove(first)
    cells.append(
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": ids[0]}}, "source": 42}
    )
    second["metadata"] = ["grade_id", ids[1]]
    blank_copy = json.loads(json.dumps(third))
    blank_copy["source"] = UNANSWERED
    cells.insert(cells.index(third), blank_copy)
    cells += [None, "not a cell", {"metadata": {"nbgrader": {"grade_id": 7}}, "source": "x"}]
    third["source"] = ["the real ", "answer\ud800"]  # a lone surrogate: no page could hold it
    shown = student_answers(nb, QUESTIONS)
    assert [s.answer for s in shown] == [NO_ANSWER, NO_ANSWER, "the real answer?"]


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff\xfe\x00", b"[1, 2]", b'{"cells": 3}', b"[" * 100_000, b""],
    ids=["text", "bytes", "list", "cells-not-a-list", "deep-nesting", "empty"],
)
def test_a_file_that_is_not_a_notebook_is_unreadable_not_a_crash(tmp_path, content):
    """Whatever the file holds, reading it either gives a notebook or says Unreadable."""
    path = tmp_path / "s.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable):
        read_submission(path)


def test_a_notebook_too_big_to_read_is_refused_unread(tmp_path, monkeypatch):
    """Past the size bound the file is refused before it is read into memory."""
    from dlnlp.written import select

    monkeypatch.setattr(select, "MAX_NOTEBOOK_BYTES", 1000)
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps({"cells": [], "pad": "x" * 2000}))
    with pytest.raises(Unreadable, match="larger than"):
        read_submission(path)


# -- the page (no browser) ------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every tag and attribute of a page, and the text of its <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text, self._in_script = "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


# markdown's own tags; the only attribute a student's text can reach is a class of the kit's
ALLOWED_TAGS = {"p", "em", "strong", "del", "code", "pre", "span", "div", "ul", "ol", "li", "br",
                "hr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
                "tr", "th", "td"}  # fmt: skip


@pytest.mark.parametrize("attack", HOSTILE + BOMBS)
def test_a_students_markdown_brings_no_tag_attribute_or_address_of_its_own(attack):
    """Raw HTML, links, images, code fences' info strings, maths that closes its own span: does
    the answer reach the page with markdown's own tags only, no event handler, no URL to load
    or follow, and no script?"""
    answer = _parse(markdown_html(attack))
    for tag, attrs in answer.tags:
        assert tag in ALLOWED_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert name == "class", (tag, name, value)
            assert value in ("math", "link-url", "kit-note") or (
                value.startswith("language-") and " " not in value
            ), value
    page = _parse(page_html("a", "s", [Shown("w", "Q", attack)], mathjax_url="file:///mj.js"))
    scripts = [a for t, a in page.tags if t == "script"]
    assert len(scripts) == 2 and not page.script_text.strip()


def test_the_page_runs_no_inline_script_and_loads_nothing_but_the_kits_files():
    """The policy comes first in <head>, allows no inline script and no eval, and loads no
    image or frame; the page's own scripts are files: the kit's settings, then MathJax."""
    html = page_html("attention", "s", [Shown("written_x", "Q", "A")], mathjax_url="file:///mj.js")
    page = _parse(html)
    head = [t for t in page.tags if t[0] in ("meta", "script", "link", "title")]
    policy = next(a["content"] for t, a in head if a.get("http-equiv") == "Content-Security-Policy")
    assert head[0] == ("meta", {"charset": "utf-8"}) and head[1][1].get("content") == policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["img-src"] == "'none'"
    assert directives["script-src"] == "file:"  # no 'unsafe-inline', no 'unsafe-eval'
    scripts = [a["src"] for t, a in page.tags if t == "script"]
    assert scripts == [(KIT / "mathjax-config.js").as_uri(), "file:///mj.js"]
    assert not page.script_text.strip()


def test_a_huge_answer_is_cut_before_it_reaches_the_browser():
    """A 5 MB answer: is the page bounded, made quickly, and does it say the answer was cut?"""
    start = time.monotonic()
    html = page_html("a", "s", [Shown("w", "Q", "word " * 1_000_000)], mathjax_url=None)
    assert time.monotonic() - start < 5
    assert len(html) < 2 * MAX_CHARS + 5000 and "cut here" in html


def test_a_pdf_can_be_made_without_any_browser():
    """The last resort, for a student whose notice Chromium could not print: a valid PDF."""
    import pypdf

    data = plain_pdf(["attention: written answers", "Student: s (x) \\ é", "could not be rendered"])
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Student: s (x) \\ ?" in text and "could not be rendered" in text


# -- PDFs, in Chromium ----------------------------------------------------------------------------


def _pdf_text(path) -> list[str]:
    import pypdf

    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


TIMEOUT = 8.0  # the batch's per-student timeout here: the hanging student costs this much


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, chromium):
    """attention's written answers exported with `dlnlp written`: perfect, partial, an
    unreadable notebook, and hostile students (HTML, edited questions, a macro bomb, a maths
    nest that hangs MathJax, one that crashes Chromium's renderer, a huge answer)."""
    subs = tmp_path_factory.mktemp("subs")
    for s in ("perfect", "partial", "unreadable"):
        (subs / f"{s}.ipynb").write_bytes((REPO / "examples/attention" / f"{s}.ipynb").read_bytes())
    hostile = {
        "mallory": _answers(q1="\n\n".join(HOSTILE) + "\n\nmy answer: $\\sqrt{d_k}$",
                            q2=r"$\href{javascript:alert(1)}{x}\style{font-size:300pt}{BIG}$"),
        "bomber": _answers(q1=BOMBS[0], q2=BOMBS[1], q3="still here"),
        # \text appears in question 3: typeset before any answer, it keeps the release's meaning
        "redefiner": _answers(q1=r"$\renewcommand{\text}[1]{HACKED}\def\sqrt#1{HACKED}$ ok"),
        "a_hang": _answers(q1=HANG),
        "a_crash": _answers(q1=CRASH),
        "huge": _answers(q1="long " * 1_000_000),
    }  # fmt: skip
    for name, nb in hostile.items():
        nbformat.write(nb, subs / f"{name}.ipynb")
    out = tmp_path_factory.mktemp("pdf")
    before = children()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_module, "TIMEOUT", TIMEOUT)
        start = time.monotonic()
        result = CliRunner().invoke(main, ["written", "attention", str(subs), "--out", str(out)])
        took = time.monotonic() - start
    assert result.exit_code == 0, result.output
    return out, result.output, took, children() - before


def test_a_written_answer_pdf_has_one_page_per_question_with_the_answers(pdfs):
    """perfect.pdf: one page per question, each with its heading, the student's own words,
    and its maths typeset (MathJax ran: no TeX left, no "Math Processing Error")."""
    out, printed, _, _ = pdfs
    pages = _pdf_text(out / "perfect.pdf")
    sample = nbformat.read(REPO / "examples/attention/perfect.ipynb", as_version=4)
    answers = _shown(sample)
    assert len(pages) == len(answers) == len(QUESTIONS)
    for page, shown in zip(pages, answers, strict=True):
        assert "Written question" in page and "Math Processing Error" not in page
        words = [w for w in shown.answer.split() if w.isalpha() and len(w) > 5][:3]
        assert words and all(w in page for w in words), (words, page[:300])
        assert "\\(" not in page and "\\sqrt" not in page and "$" not in page  # all typeset
    assert "perfect.pdf  (3/3 questions answered)" in printed


def test_unanswered_questions_and_unreadable_notebooks_still_get_a_pdf(pdfs):
    """partial left a question out; unreadable is not JSON: is each still in a PDF that says so?"""
    out, printed, _, _ = pdfs
    assert "(no answer)" in "".join(_pdf_text(out / "partial.pdf"))
    assert "could not be read" in "".join(_pdf_text(out / "unreadable.pdf"))
    assert "unreadable.pdf  (unreadable.ipynb: NotJSONError)" in printed


def test_html_pasted_into_an_answer_is_shown_as_text_and_runs_nothing(pdfs):
    """mallory's <script>, <img onerror>, <svg onload>, <iframe>, <meta refresh>, links and
    images would blank the page, load /etc/passwd or leave a live link if any of them worked:
    the PDF shows them as text, all three questions are there, and it links nowhere."""
    out, _, _, _ = pdfs
    data = (out / "mallory.pdf").read_bytes()
    text = "".join(_pdf_text(out / "mallory.pdf"))
    for shown in ("<script>", "<img src=x onerror=", "<svg onload=", "<iframe", "<meta http-equiv"):
        assert shown in text, shown
    assert text.count("Written question") == len(QUESTIONS)
    assert "root:x:0:0" not in text  # /etc/passwd was not loaded into the page
    assert b"/URI" not in data  # no link annotation: nothing in the PDF to click


def test_a_students_tex_cannot_change_how_the_release_questions_read(pdfs):
    """redefiner redefined \\text and \\sqrt in answer 1; question 3 uses \\text and comes
    after it: the questions are typeset first, so HACKED appears nowhere."""
    out, _, _, _ = pdfs
    pages = _pdf_text(out / "redefiner.pdf")
    # maths comes out in mathematical italic letters: NFKC makes them plain ones
    assert len(pages) == len(QUESTIONS) and "HACKED" not in unicodedata.normalize(
        "NFKC", "".join(pages)
    )


def test_macro_bombs_stop_with_an_error_and_the_answer_still_shows(pdfs):
    """bomber's recursive \\def and its doubling macros: MathJax stops them (its macro and
    buffer limits), and the rest of the PDF is there."""
    out, printed, _, _ = pdfs
    text = "".join(_pdf_text(out / "bomber.pdf"))
    assert "still here" in text and text.count("Written question") == len(QUESTIONS)
    assert "bomber.pdf  (3/3 questions answered)" in printed


def test_a_page_that_hangs_or_crashes_the_browser_costs_only_its_own_pdf(pdfs):
    """a_hang's \\underbrace nest keeps MathJax busy past the timeout; a_crash's \\frac nest
    crashes Chromium's renderer. Each still gets every question with its answer, the maths as
    typed and a note saying why; the students after them (in name order) get theirs typeset;
    the batch is not held up for more than the timeout."""
    out, printed, took, _ = pdfs
    for student in ("a_hang", "a_crash"):
        pages = _pdf_text(out / f"{student}.pdf")
        text = "".join(pages)
        assert "could not be typeset" in text and "Written question 3" in pages[-1]
        assert ("underbrace" if student == "a_hang" else "frac") in text  # shown as typed
    assert f"a_hang.pdf  (maths not typeset: it took longer than {TIMEOUT:g} s)" in printed
    assert "a_crash.pdf  (maths not typeset: the browser failed" in printed
    pages = _pdf_text(out / "perfect.pdf")
    assert len(pages) == len(QUESTIONS) and "Math Processing Error" not in "".join(pages)
    assert took < TIMEOUT + 60  # not stuck on the hanging page


def test_a_huge_answer_is_cut_and_the_pdf_says_so(pdfs):
    """huge's 5 MB answer: a bounded PDF saying it was cut, the other questions after it."""
    out, printed, _, _ = pdfs
    pages = _pdf_text(out / "huge.pdf")
    assert "cut here" in "".join(pages) and len(pages) < 30
    assert "Written question 3" in pages[-1]


def test_the_batch_leaves_no_browser_behind(pdfs):
    """After the export (one Chromium killed on the way), is every process it started gone?"""
    _, _, _, left = pdfs
    assert not left


def test_a_browser_that_died_between_students_is_started_again(chromium):
    """Chromium killed after one student's page: the next student's page is still printed."""
    html = page_html("attention", "s", _shown(_answers(q1="$x$")), mathjax_url=None)
    with PdfRenderer() as renderer:
        assert renderer.pdf(html).startswith(b"%PDF")
        browser = descendants(renderer._chromium._driver)
        assert browser
        for pid in browser:
            # killing a parent can take its children with it before their turn comes
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert renderer.pdf(html).startswith(b"%PDF")


def test_a_renderer_that_stops_answering_is_replaced(chromium, monkeypatch):
    """Should playwright itself hang on a page, the deadline still holds: the student gets
    RenderError, the stuck driver and its Chromium are killed, and the next page prints."""
    monkeypatch.setattr(pdf_module, "GRACE", 1.0)
    html = page_html("attention", "s", [], mathjax_url=None)
    real = pdf_module._Chromium.print

    def stuck_once(self, page_html_, timeout):
        if "STUCK" in page_html_:
            time.sleep(30)  # past kill: the thread is left behind, a daemon
        return real(self, page_html_, timeout)

    monkeypatch.setattr(pdf_module._Chromium, "print", stuck_once)
    with PdfRenderer(timeout=2) as renderer:
        old = renderer._chromium._driver | descendants(renderer._chromium._driver)
        start = time.monotonic()
        with pytest.raises(RenderError, match="longer than 2 s"):
            renderer.pdf(html.replace("</body>", "STUCK</body>"))
        assert time.monotonic() - start < 10
        assert not old & children()  # the old driver is gone (Chromium was its child)
        assert renderer.pdf(html).startswith(b"%PDF")


def test_pdf_export_works_where_an_event_loop_already_runs(chromium):
    """In a notebook (or beside another playwright) an asyncio loop is running, where
    playwright's sync API refuses to start: does the export still make a PDF?"""

    async def inside_a_loop() -> bytes:
        with PdfRenderer() as renderer:
            return renderer.pdf(page_html("attention", "s", _shown(_answers()), mathjax_url=None))

    # a thread of its own: the loop is this test's, whatever ran before in this process
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, inside_a_loop()).result().startswith(b"%PDF")


def test_the_release_is_required(tmp_path):
    """Without a release notebook there are no questions to show: a clear error, no PDFs."""
    from dlnlp.course import Course
    from dlnlp.written.pdf import PdfError

    (tmp_path / "grader_config.yaml").write_text("")
    with pytest.raises(PdfError, match="dlnlp build attention"):
        export_written("attention", [tmp_path], tmp_path / "out", Course(tmp_path))


@pytest.mark.parametrize("assignment", list(COURSE.config().assignments))
def test_no_inline_math_spans_a_line_break(assignment):
    """Is every `$...$` of the notebook's text on one line? The written-answer PDF's markdown
    parser stops reading math at a line break: the formula shows as raw TeX and the `$` pairing
    of the rest of the cell breaks."""
    nb = nbformat.read(COURSE.source_notebook(assignment), as_version=4)
    spans = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
    broken = [
        (cell.get("id"), span[:60])
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for span in spans.findall(cell.source)
        if not span.startswith("$$") and "\n" in span
    ]
    assert not broken, f"inline math over a line break (put each on one line): {broken}"
