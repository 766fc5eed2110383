"""Stage 2: code -> copydetect fingerprints (winnowing, the method MOSS uses).

copydetect lexes the code with pygments and normalises it: every name becomes V, every string S,
and comments and whitespace go, so that renamed variables, changed comments and blank lines do
not change a fingerprint. It hashes every run of `min_shared` characters of that normalised code
(a name is one character) and keeps the smallest hash of every window of `WINDOW` runs: a shared
run of `min_shared + WINDOW - 1` characters is always found, one shorter than `min_shared`
never. Fingerprints of the starter code are removed (copydetect's boilerplate).

copydetect hashes with Python's `hash()`, which differs between interpreters: fingerprints are
compared only with others made in the same process or in a process forked from it.
"""

from __future__ import annotations

import copy
import io

import numpy as np
from copydetect.detector import CodeFingerprint
from copydetect.utils import get_token_coverage

from dlnlp.similarity.settings import WINDOW, Settings


def starter_hashes(texts: list[str], settings: Settings) -> np.ndarray:
    """Every hash of the starter code (no winnowing: any run of it is boilerplate)."""
    found: set[int] = set()
    for text in texts:
        found |= _fingerprint(text, settings.min_shared, 1, None).hashes
    return np.unique(np.array(sorted(found), dtype=np.int64))


def _fingerprint(text: str, k: int, window: int, boilerplate) -> CodeFingerprint:
    return CodeFingerprint(
        "code.py", k, window, boilerplate=boilerplate, language="python", fp=io.StringIO(text)
    )


def fingerprint(text: str, boilerplate: np.ndarray, settings: Settings) -> CodeFingerprint:
    """The code's winnowed fingerprints, the starter code's removed."""
    return _fingerprint(text, settings.min_shared, WINDOW, boilerplate)


def without(fp: CodeFingerprint, common: set[int]) -> CodeFingerprint:
    """`fp` with the `common` hashes removed, as copydetect removes boilerplate: its coverage (the
    normalised characters its fingerprints span, the denominator of a similarity) shrinks too."""
    if not common & fp.hashes:
        return fp
    kept = copy.copy(fp)
    kept.hashes = fp.hashes - common
    kept.hash_idx = {h: i for h, i in fp.hash_idx.items() if h not in common}
    kept.token_coverage = get_token_coverage(kept.hash_idx, fp.k, len(fp.filtered_code))
    return kept
