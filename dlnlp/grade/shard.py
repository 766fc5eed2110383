"""A class in N deterministic slices, so that N machines grade it into one shared folder
(`dlnlp grade ... --shard K/N`: a Slurm job array, a Kubernetes Indexed Job).

A student's slice is a hash of their id, not their place in a listing: a shard started before a
late submission arrived, or on a machine that lists the folder in another order, still agrees
with the others on who is whose. Slices are disjoint and cover the class, so no student is
graded twice and none is missed; each shard resumes like any batch (a killed one is rerun), and
a final plain run, with nothing left to grade, writes grades.csv from every record.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from dlnlp.errors import DlnlpError


class ShardError(DlnlpError):
    """--shard is not K/N with 1 <= K <= N."""


@dataclass(frozen=True)
class Shard:
    k: int  # 1-based: this shard
    n: int  # of this many

    @classmethod
    def parse(cls, text: str) -> Shard:
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not m or not 1 <= int(m[1]) <= int(m[2]):
            raise ShardError(
                f"--shard {text!r}: give K/N with 1 <= K <= N, e.g. --shard 2/8 "
                "(a Slurm array's 0-based $SLURM_ARRAY_TASK_ID is K-1)"
            )
        return cls(int(m[1]), int(m[2]))

    def holds(self, student: str) -> bool:
        """Is `student` (a safe id) in this slice?"""
        digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.n == self.k - 1

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"
