"""A notebook -> PDF bytes with nbconvert's webpdf exporter, on the system's Chromium.

nbconvert launches playwright's own Chromium, which `playwright install` downloads; there is no
network for that here, and Debian's `chromium` works as well, so the system binary prints the
exporter's HTML (dlnlp.browser.find_chromium). MathJax comes from the jupyter-server-mathjax
package's files, not a CDN, so formulas render offline. A student's answer is untrusted: its
raw HTML is escaped before rendering (dlnlp.written.select), and the page's content security
policy loads nothing but the local MathJax (Chromium runs without its sandbox as root in CI).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from dlnlp.browser import MISSING, find_chromium, launch_args
from dlnlp.written.select import ANSWER_TAG, QUESTION_TAG

INSTALL = "written-answer PDFs need the pdf extra: pip install -e '.[pdf]'"
# every question after the first starts a page: Gradescope then matches one page per question.
# The policy lets the page run MathJax from local files and nothing else: no image, font or
# frame a student's markdown names (file:// included) is loaded into their PDF.
HEAD = f"""
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src file: 'unsafe-inline' 'unsafe-eval'; style-src file: 'unsafe-inline'; font-src file: data:; img-src data:">
<script>
  // jupyter-server-mathjax ships only the STIX-Web fonts (MathJax would look for TeX's)
  window.MathJax = {{"HTML-CSS": {{availableFonts: ["STIX-Web"], preferredFont: "STIX-Web",
    webFont: "STIX-Web", imageFont: null}}, SVG: {{font: "STIX-Web"}}, showMathMenu: false}};
</script>
<style>
  .jp-Cell:has(.celltag_{QUESTION_TAG}) ~ .jp-Cell:has(.celltag_{QUESTION_TAG}) {{
    break-before: page;
  }}
  body {{ font-size: 12pt; }}
  .celltag_{ANSWER_TAG} {{ border-left: 4px solid #4a6fa5; padding-left: .8em; }}
  .celltag_{ANSWER_TAG}::before {{ content: "Answer"; font-weight: bold; color: #4a6fa5; }}
</style>
"""


class PdfError(Exception):
    """A PDF cannot be made here; the message says what to install."""


def _mathjax_url() -> str:
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise PdfError(INSTALL) from None
    static = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
    return f"{static.as_uri()}?config=TeX-AMS-MML_HTMLorMML-full,Safe"


class PdfRenderer:
    """Notebooks -> PDF bytes, on one Chromium kept open for a whole batch.

    nbconvert's WebPDFExporter makes the HTML (its template, our head) and its print step is
    followed here: print media, load from a file (so the local MathJax may load), wait for
    MathJax, `page.pdf`. Its own `run_playwright` launches playwright's downloaded browser
    once per notebook; this one uses the system's, once per batch (3.6 s -> ~0.5 s a student).
    """

    def __enter__(self) -> PdfRenderer:
        try:
            from nbconvert.exporters import WebPDFExporter
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise PdfError(INSTALL) from None
        chromium = find_chromium()
        if chromium is None:
            raise PdfError(MISSING)
        renderer = self

        class SystemChromiumPDF(WebPDFExporter):
            def run_playwright(self, html: str) -> bytes:
                return renderer._call(renderer._print, with_head(html))

        self.exporter = SystemChromiumPDF()
        self.exporter.mathjax_url = _mathjax_url()
        self.exporter.exclude_input_prompt = True
        self._tmp = tempfile.TemporaryDirectory(prefix="dlnlp-pdf-")
        # playwright's sync API refuses to run where an asyncio loop already runs (a notebook,
        # another playwright): it gets a thread of its own, and every call into it goes there
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlnlp-pdf")
        try:
            self._call(self._start, sync_playwright, chromium)
        except BaseException:
            self._thread.shutdown()
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._call(self._stop)
        finally:
            self._thread.shutdown()
            self._tmp.cleanup()

    def _call(self, fn, *args):
        return self._thread.submit(fn, *args).result()

    def _start(self, sync_playwright, chromium: str) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=chromium, args=launch_args()
        )

    def _stop(self) -> None:
        self._browser.close()
        self._playwright.stop()

    def _print(self, html: str) -> bytes:
        page_file = Path(self._tmp.name) / "page.html"
        page_file.write_text(html, encoding="utf-8")
        page = self._browser.new_page()
        try:
            page.emulate_media(media="print")
            page.goto(page_file.as_uri(), wait_until="load")
            # MathJax 2 runs its queue in order: this resolves once the page is typeset
            page.evaluate("() => new Promise(r => window.MathJax ? MathJax.Hub.Queue(r) : r())")
            return page.pdf(print_background=True)
        finally:
            page.close()

    def pdf(self, nb: nbformat.NotebookNode) -> bytes:
        data, _ = self.exporter.from_notebook_node(nb)
        return data


def with_head(html: str) -> str:
    return html.replace("<head>", "<head>" + HEAD, 1)


def notebook_pdf(nb: nbformat.NotebookNode) -> bytes:
    """One notebook's PDF (a batch should share a PdfRenderer)."""
    with PdfRenderer() as renderer:
        return renderer.pdf(nb)
