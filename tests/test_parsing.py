"""Can many threads extract notebooks at once? CPython 3.11's AST constructor is not
thread-safe (gh-106905): a parse that lets another thread in (a finalizer run by the garbage
collector releases the GIL) while that thread parses at a different stack depth raises
`SystemError: AST constructor recursion depth mismatch`. dlnlp.parsing serializes parses."""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat

from dlnlp.grade.extract import extract

SOURCE = "\n".join(
    f"def f{i}(x):\n    return [((x + {i}) * (x - 1), {{'a': (x, [x, (x,)])}})]\n"
    for i in range(100)
)


class _Yields:
    """Cyclic garbage whose finalizer gives the GIL away, as any library's can."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        time.sleep(0)


def test_sixteen_threads_extracting_at_once_never_fail():
    """16 threads x 10 extractions, each thread at its own stack depth, with the collector
    running finalizers mid-parse: none raises (without the lock, some do)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SOURCE)]

    def at_depth(n: int) -> int:
        return at_depth(n - 1) if n else len(extract(nb, ["f1"]).kept)

    def extract_many(thread: int) -> set[int]:
        found = set()
        for _ in range(10):
            _ = [_Yields() for _ in range(30)]
            found.add(at_depth(5 * thread))
        return found

    threshold = gc.get_threshold()
    gc.set_threshold(100)
    try:
        with ThreadPoolExecutor(16) as pool:
            counts = set().union(*pool.map(extract_many, range(16)))
    finally:
        gc.set_threshold(*threshold)
    assert counts == {100}
