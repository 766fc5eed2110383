"""Stage 3: fingerprints -> scored pairs, per graded function and for the whole submission.

The n^2 pairs are kept in bounds by an inverted index, per function: fingerprint -> the
submissions that hold it. Only pairs that share a fingerprint are scored (with copydetect's
`compare_files`), and a fingerprint that more than `common_limit` submissions hold (common code,
MOSS's -m) makes no pair, so a pair costs nothing unless some code of its own is shared.

A similarity is copydetect's: the share of one side's code (normalised characters spanned by its
fingerprints) that lies in runs shared with the other; each pair has two, one per side. The whole
submission's is the same over all its graded functions together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from copydetect.detector import CodeFingerprint, compare_files

from dlnlp.similarity.fingerprints import without
from dlnlp.similarity.settings import Settings, common_limit
from dlnlp.similarity.sources import REFERENCE

NO_SLICES = np.zeros((2, 0), dtype=np.int64)


@dataclass
class Match:
    """How much of two codes is shared: (a's side, b's side)."""

    similarity: tuple[float, float]  # share of a's code found in b's, of b's found in a's
    shared: tuple[int, int]  # normalised characters of each side in shared runs
    # where the shared runs are in each side's code as written: [starts, ends]
    slices: tuple[np.ndarray, np.ndarray] = (NO_SLICES, NO_SLICES)
    flagged: bool = False

    @property
    def top(self) -> float:
        return max(self.similarity)


@dataclass
class Pair:
    a: str
    b: str  # a student, or sources.REFERENCE
    functions: dict[str, Match] = field(default_factory=dict)  # only those with shared code
    whole: Match = field(default_factory=lambda: Match((0.0, 0.0), (0, 0)))

    @property
    def flagged_functions(self) -> list[str]:
        return [fn for fn, m in self.functions.items() if m.flagged]

    @property
    def flagged(self) -> bool:
        return self.whole.flagged or bool(self.flagged_functions)

    def rank(self) -> tuple[float, float, int]:
        """Highest first: the whole submission's similarity (a copied function shows there too;
        a short function that matches by itself barely does), then the best flagged function's,
        then the amount of shared code."""
        best = max([0.0] + [self.functions[fn].top for fn in self.flagged_functions])
        return (self.whole.top, best, max(self.whole.shared))


def match(fa: CodeFingerprint, fb: CodeFingerprint, settings: Settings) -> Match | None:
    """copydetect's comparison of two fingerprinted codes; None when they share nothing."""
    shared_a, (sim_a, sim_b), slices = compare_files(fa, fb)
    if shared_a == 0:
        return None
    shared_b = int(round(sim_b * fb.token_coverage))
    m = Match((float(sim_a), float(sim_b)), (int(shared_a), shared_b), slices)
    m.flagged = m.top >= settings.threshold
    return m


def candidates(
    docs: list[CodeFingerprint | None], limit: int
) -> tuple[dict[int, list[int]], set[int]]:
    """(i -> the j > i that share a fingerprint with i, the common hashes) over one function's
    fingerprints, one per submission (None: nothing to compare)."""
    index: dict[int, list[int]] = defaultdict(list)
    for i, fp in enumerate(docs):
        for h in fp.hashes if fp is not None else ():
            index[h].append(i)
    common = {h for h, holders in index.items() if len(holders) > limit}
    pairs: dict[int, list[int]] = {}
    for i, fp in enumerate(docs):
        if fp is None:
            continue
        holders = (index[h] for h in fp.hashes if h not in common)
        if others := sorted(j for j in set().union(*holders) if j > i):
            pairs[i] = others
    return pairs, common


def coverage(fp: CodeFingerprint | None) -> float:
    return float(fp.token_coverage) if fp is not None else 0.0


def whole(pair: Pair, covered: tuple[float, float], settings: Settings) -> Pair:
    """The pair's whole-submission match: its functions' shared code over all their code."""
    shared = (
        sum(m.shared[0] for m in pair.functions.values()),
        sum(m.shared[1] for m in pair.functions.values()),
    )
    sims = tuple(s / c if c else 0.0 for s, c in zip(shared, covered, strict=True))
    pair.whole = Match((min(sims[0], 1.0), min(sims[1], 1.0)), shared)
    pair.whole.flagged = pair.whole.top >= settings.threshold
    return pair


Fingerprinted = dict[str, CodeFingerprint]  # one submission's: graded function -> fingerprints


def class_pairs(
    codes: list[Fingerprinted],
    students: list[str],
    functions: list[str],
    settings: Settings,
    tick: Callable[[], object] = lambda: None,
) -> tuple[list[Pair], int]:
    """(the flagged pairs of students, how many (pair, function) comparisons copydetect made);
    `tick` after each function."""
    limit = common_limit(settings, len(students))
    pairs: dict[tuple[int, int], Pair] = {}
    covered = [0.0] * len(codes)
    scored = 0
    for fn in functions:
        docs = [code.get(fn) for code in codes]
        found, common = candidates(docs, limit)
        docs = [without(fp, common) if fp is not None else None for fp in docs]
        for i, fp in enumerate(docs):
            covered[i] += coverage(fp)
        for i, others in found.items():
            for j in others:
                scored += 1
                if (m := match(docs[i], docs[j], settings)) is not None:
                    pairs.setdefault((i, j), Pair(students[i], students[j])).functions[fn] = m
        tick()
    flagged = [
        p for (i, j), p in pairs.items() if whole(p, (covered[i], covered[j]), settings).flagged
    ]
    return flagged, scored


def reference_pairs(
    codes: list[Fingerprinted],
    students: list[str],
    reference: Fingerprinted,
    functions: list[str],
    settings: Settings,
) -> list[Pair]:
    """Each submission against the reference, common code included: the flagged ones."""
    flagged = []
    ref_covered = sum(coverage(reference.get(fn)) for fn in functions)
    for code, student in zip(codes, students, strict=True):
        pair = Pair(student, REFERENCE)
        for fn in functions:
            if fn in code and fn in reference:
                if (m := match(code[fn], reference[fn], settings)) is not None:
                    pair.functions[fn] = m
        covered = sum(coverage(code.get(fn)) for fn in functions)
        if whole(pair, (covered, ref_covered), settings).flagged:
            flagged.append(pair)
    return flagged
