"""HTML pages -> PDF bytes, printed by the system's Chromium through playwright.

The system's binary (dlnlp.browser.find_chromium), never playwright's download: there is no
network for one. One Chromium serves a whole batch (about 0.5 s a student instead of a new
browser's 3 s), and one student's page can cost only that student's PDF:
- each page gets a fresh browser context (no state left from the student before);
- a page not printed within `timeout` seconds: RenderError, and its Chromium is killed (a
  renderer stuck in one long MathJax step would hold up closing the page as long, and
  playwright's own timeouts with it); the next page gets a fresh Chromium;
- a browser that died (a crash, a kill) is started again before the next page;
- should playwright itself stop answering, its driver and Chromium are killed, by parent link
  from this process, and a fresh pair is started.
"""

from __future__ import annotations

import os
import queue
import signal
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING

from dlnlp.browser import MISSING, children, descendants, find_chromium, launch_args
from dlnlp.errors import DlnlpError

if TYPE_CHECKING:  # playwright comes with the pdf extra, imported when a renderer starts
    from playwright.sync_api import PdfMargins

INSTALL = "written-answer PDFs need the pdf extra: pip install -e '.[pdf]'"
TIMEOUT = 20.0  # seconds one student's page may take to load, typeset and print
GRACE = 15.0  # past timeout + GRACE, playwright itself is stuck: kill and start again
START = 60.0  # seconds Chromium may take to start
MARGIN: PdfMargins = {"top": "1.5cm", "bottom": "1.5cm", "left": "1.5cm", "right": "1.5cm"}
# set by the kit's MathJax settings once questions and answers are typeset (a page without
# MathJax has it from the start); polled every 20 ms: waiting on frames costs 0.3 s a page
TYPESET = "() => document.documentElement.hasAttribute('data-typeset')"


class PdfError(DlnlpError):
    """A PDF cannot be made here at all; the message says what to install."""


class RenderError(Exception):
    """This one page could not be printed; the message says why (no student text in it)."""


def mathjax_url() -> str:
    """MathJax 2 from jupyter-server-mathjax's files (offline), with its Safe extension."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise PdfError(INSTALL) from None
    static = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
    return f"{static.as_uri()}?config=TeX-AMS-MML_HTMLorMML-full,Safe"


class _Chromium:
    """One playwright driver and its Chromium, served by a daemon thread of their own.

    The sync API refuses to run where an asyncio loop runs (a notebook, other playwright
    code), so every call goes to that thread; a daemon one, so that a stuck call cannot keep
    the process from exiting."""

    def __init__(self, chromium: str, tmp: Path) -> None:
        self._chromium, self._tmp, self._pages = chromium, tmp, 0
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="dlnlp-pdf", daemon=True).start()
        before = children()
        try:
            self.call(self._start, timeout=START)
        finally:  # the driver is the child that playwright's start added (Chromium is its child)
            self._driver = children() - before

    def call(self, fn, *args, timeout: float):
        return self.submit(fn, *args).result(timeout)

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        self._jobs.put((fn, args, future))
        return future

    def _serve(self) -> None:
        while True:
            fn, args, future = self._jobs.get()
            if fn is None:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as e:  # handed to the caller, whatever it is
                    future.set_exception(e)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._launch()

    def _launch(self) -> None:
        self._dead = False
        self._browser = self._playwright.chromium.launch(
            executable_path=self._chromium, args=launch_args()
        )

    def print(self, html: str, timeout: float) -> bytes:
        from playwright.sync_api import Error

        if self._dead or not self._browser.is_connected():  # a fresh one for this page
            self._launch()
        # a file per page: a page left behind by a killed browser never shows another student's
        self._pages += 1
        page_file = self._tmp / f"page-{self._pages}.html"
        page_file.write_text(html, encoding="utf-8")
        try:
            context = self._browser.new_context()
        except Error:  # it died since the last page, and playwright has not noticed yet
            self._launch()
            context = self._browser.new_context()
        try:
            page = context.new_page()
            # a backstop only: playwright's own timeouts do not fire while the page's renderer
            # is busy in one long step (a deep \underbrace nest); the caller's deadline does
            page.set_default_timeout((timeout + GRACE) * 1000)
            page.emulate_media(media="print")
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_function(TYPESET, polling=20)
            return page.pdf(print_background=True, margin=MARGIN)
        finally:
            if not self._dead and self._browser.is_connected():
                context.close()
            page_file.unlink(missing_ok=True)

    def kill_browser(self) -> None:
        """SIGKILL Chromium (not the driver): a call waiting on its page then fails at once."""
        self._dead = True
        self._kill(descendants(self._driver))

    def close(self) -> None:
        try:
            self.call(self._stop, timeout=GRACE)
            self._jobs.put((None, (), None))
        except Exception:  # already dead or stuck: nothing of it may outlive the batch
            self.kill()

    def _stop(self) -> None:
        if self._browser.is_connected():
            self._browser.close()
        self._playwright.stop()

    def kill(self) -> None:
        """SIGKILL the driver and everything under it: only what this object started."""
        self._kill(descendants(self._driver) | self._driver)
        self._jobs.put((None, (), None))  # the thread ends if its call ever returns

    @staticmethod
    def _kill(pids: set[int]) -> None:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:  # gone already
                continue


class PdfRenderer:
    """HTML pages -> PDF bytes, on one Chromium kept for a whole batch (see the module's note)."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout

    def __enter__(self) -> PdfRenderer:
        try:
            import mistune  # noqa: F401  (the pages' markdown; comes with the pdf extra)
            import playwright.sync_api  # noqa: F401
        except ImportError:
            raise PdfError(INSTALL) from None
        self.mathjax_url = mathjax_url()
        path = find_chromium()
        if path is None:
            raise PdfError(MISSING)
        self._path = path
        self._tmp = tempfile.TemporaryDirectory(prefix="dlnlp-pdf-")
        try:
            self._chromium = _Chromium(self._path, Path(self._tmp.name))
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._chromium.close()
        finally:
            self._tmp.cleanup()

    def pdf(self, html: str) -> bytes:
        """The page printed, or RenderError; the renderer is usable again either way."""
        from playwright.sync_api import Error

        chromium = self._chromium
        printing = chromium.submit(chromium.print, html, self.timeout)
        try:
            return printing.result(self.timeout)
        except FutureTimeout:
            chromium.kill_browser()  # the call fails then; the next page gets a new Chromium
            try:
                printing.result(GRACE)
            except FutureTimeout:  # playwright itself no longer answers: all of it goes
                chromium.kill()
                self._chromium = _Chromium(self._path, Path(self._tmp.name))
            except Exception:  # the killed browser's error, expected
                pass
            raise RenderError(f"it took longer than {self.timeout:g} s") from None
        except Error as e:  # the page or the browser crashed
            raise RenderError(f"the browser failed: {str(e).splitlines()[0][:200]}") from None


def plain_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of plain ASCII lines, made without a browser: the last resort, so that a
    student still gets a PDF when even Chromium cannot print their notice."""
    text = [ln.encode("ascii", "replace").decode()[:90] for ln in lines]
    body = "".join(
        "({}) Tj T* ".format(ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for ln in text
    )
    stream = f"BT /F1 12 Tf 16 TL 50 780 Td {body}ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
