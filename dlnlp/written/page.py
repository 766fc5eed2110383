"""Questions and a student's answers -> the HTML page that Chromium prints.

Markdown is rendered here, in the trusted process, by mistune with every raw HTML tag escaped,
links shown as text with their address, and images as their alt text: nothing in a student's
answer becomes a tag, an attribute, a URL the page loads, or a link in the PDF. The page runs
no inline script (its policy forbids it); MathJax and its settings are files, and MathJax sees
only the maths the markdown parser found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

HERE = Path(__file__).parent
# a long answer is a few thousand characters; past this it is cut, so that neither mistune here
# nor Chromium there can be handed megabytes of one student's text (the PDF says it was cut)
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Shown:
    """One question of the page: its grade_id, the release's question, the student's answer."""

    grade_id: str
    question: str  # markdown, from the release
    answer: str  # markdown, from the student: untrusted


def _markdown():
    import mistune
    from mistune.renderers.html import HTMLRenderer

    class TextOnlyLinks(HTMLRenderer):
        """Raw HTML escaped (escape=True); links and images are words, never fetched or followed."""

        def link(self, text: str, url: str, title: str | None = None) -> str:
            return f'{text} <span class="link-url">({escape(url)})</span>'

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return f'<span class="kit-note">[image: {text}]</span>'

    return mistune.create_markdown(
        escape=True, renderer=TextOnlyLinks(escape=True), plugins=["math", "table", "strikethrough"]
    )


@cache
def _render():
    return _markdown()


def markdown_html(text: str) -> Markup:
    """Markdown -> HTML in which the only tags are the renderer's own (cut at MAX_CHARS)."""
    cut = len(text) > MAX_CHARS
    html = _render()(text[:MAX_CHARS])
    if cut:
        html += f'<p class="kit-note">(cut here: the answer is longer than {MAX_CHARS:,} characters)</p>'
    return Markup(html)


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string((HERE / "page.html.j2").read_text(encoding="utf-8"))


def page_html(
    title: str, student: str, shown: list[Shown], *, mathjax_url: str | None, note: str = ""
) -> str:
    """The whole page: a title, then each question with the student's answer under it."""
    questions = [
        {"grade_id": s.grade_id, "question_html": markdown_html(s.question),
         "answer_html": markdown_html(s.answer)}
        for s in shown
    ]  # fmt: skip
    return _template().render(
        title=title,
        student=student,
        note=note,
        questions=questions,
        css_url=(HERE / "page.css").as_uri(),
        config_url=(HERE / "mathjax-config.js").as_uri(),
        mathjax_url=mathjax_url,
    )
