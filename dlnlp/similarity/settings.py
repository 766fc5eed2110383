"""The comparison's knobs and their defaults (`dlnlp similarity --help`, docs/instructors.md, "Code
similarity"). No copydetect here: the CLI reads the defaults without loading it."""

from __future__ import annotations

from dataclasses import dataclass

# winnowing window: the guarantee threshold is min_shared + WINDOW - 1 (copydetect's default
# window of 1 keeps every hash: 3.4x as many to store and compare, for runs of 25-29 characters)
WINDOW = 6


@dataclass(frozen=True)
class Settings:
    """The comparison's knobs; the defaults are `dlnlp similarity`'s (docs/instructors.md, "Code similarity")."""

    # a pair is flagged when this share of one side's code (graded functions, starter code
    # removed) is also in the other's, for one function or the submission as a whole
    threshold: float = 0.5
    # copydetect's noise threshold: shared code counts in runs of at least this many characters
    # of normalised code, about two lines (`h, c = state` is `V,V=V`, 5)
    min_shared: int = 25
    # between students, code found in more than this share of the class (and in more than
    # COMMON_FLOOR submissions) counts as common, like starter code (MOSS's -m); 1 keeps all
    common: float = 0.1

    @property
    def guarantee(self) -> int:
        return self.min_shared + WINDOW - 1


COMMON_FLOOR = 10  # MOSS's default -m: code that 10 or fewer submissions share always counts


def common_limit(settings: Settings, submissions: int) -> int:
    """A fingerprint in more submissions than this (for one function) is common code."""
    return max(COMMON_FLOOR, int(settings.common * submissions))
