"""The batch's progress bar on stderr: submissions done / total, rate, ETA, failures so far."""

from __future__ import annotations

import sys

from tqdm import tqdm

from dlnlp.results import Results


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.done = 0
        self.failures = 0  # submissions that hit a limit, a ban, a crash or could not be read
        tqdm.monitor_interval = 0  # no monitor thread: the grader pool forks after this
        self._bar = tqdm(
            total=total,
            unit="sub",
            desc="grading",
            file=sys.stderr,
            disable=not enabled or total == 0,
            dynamic_ncols=True,
        )

    def update(self, results: Results) -> None:
        self.done += 1
        if results.incidents():
            self.failures += 1
        self._bar.set_postfix(failures=self.failures, refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()
