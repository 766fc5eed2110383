"""A notebook -> PDF bytes with nbconvert's webpdf exporter, on the system's Chromium.

nbconvert launches playwright's own Chromium, which `playwright install` downloads; there is no
network for that here, and Debian's `chromium` works as well. So the exporter is pointed at the
system binary (dlnlp.browser.find_chromium). MathJax comes from the jupyter-server-mathjax
package's files, not a CDN, so formulas render offline. A student's answer is untrusted: its
raw HTML is escaped before rendering (dlnlp.written.select), and the page's content security
policy loads nothing but the local MathJax (Chromium runs without its sandbox as root in CI).
"""

from __future__ import annotations

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


def _exporter():
    try:
        from nbconvert.exporters import WebPDFExporter
        from playwright.async_api import BrowserType
    except ImportError:
        raise PdfError(INSTALL) from None
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(MISSING)

    class SystemChromiumPDF(WebPDFExporter):
        def run_playwright(self, html: str) -> bytes:
            launch = BrowserType.launch

            async def system_launch(browser_type, **kwargs):
                kwargs["executable_path"] = chromium
                kwargs["args"] = [*kwargs.get("args", []), *launch_args()]
                return await launch(browser_type, **kwargs)

            # nbconvert has no option for the browser's path; its one launch call gets ours
            BrowserType.launch = system_launch
            try:
                return super().run_playwright(with_head(html))
            finally:
                BrowserType.launch = launch

    exporter = SystemChromiumPDF()
    exporter.mathjax_url = _mathjax_url()
    exporter.page_render_timeout = 500  # ms for MathJax (local files) to typeset before printing
    exporter.exclude_input_prompt = True
    return exporter


def with_head(html: str) -> str:
    return html.replace("<head>", "<head>" + HEAD, 1)


def notebook_pdf(nb: nbformat.NotebookNode) -> bytes:
    data, _ = _exporter().from_notebook_node(nb)
    return data
