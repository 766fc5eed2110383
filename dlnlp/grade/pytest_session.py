"""The one place dlnlp uses pytest's private API: a session that collects once and runs its
items many times.

`pytest.main` would parse a config, load plugins and collect the tests again for every
submission (about 80 ms each, a quarter of grading a correct one). pytest has no public API for
"collect once, run many", so this module calls the internals that do it, and nothing else in
dlnlp does. pyproject.toml pins pytest below its next major version;
tests/test_pytest_session.py checks these calls against the installed pytest, so an upgrade that
moves them fails there, by name, not in the middle of a class's grading.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest


class Session:
    """A configured pytest session over `args`, with `plugins` registered, its items collected.

    `run(items)` runs them in order through pytest's own runner (setup, call, teardown, with
    fixtures torn down after the last one as `nextitem=None` asks)."""

    def __init__(self, args: list[str], plugins: Sequence[object]) -> None:
        from _pytest.config import _prepareconfig
        from _pytest.main import Session as _Session

        self.config = _prepareconfig(args, plugins=list(plugins))
        self.config._do_configure()
        self._session = _Session.from_config(self.config)
        self.config.hook.pytest_sessionstart(session=self._session)
        self._session.perform_collect()

    @property
    def items(self) -> list[pytest.Item]:
        return list(self._session.items)

    @property
    def collection_failed(self) -> bool:
        """An import error or a collection error in a test file (or nothing collected)."""
        return bool(self._session.testsfailed) or not self._session.items

    def run(self, items: list[pytest.Item]) -> None:
        from _pytest.runner import runtestprotocol

        for i, item in enumerate(items):
            runtestprotocol(item, log=False, nextitem=items[i + 1] if i + 1 < len(items) else None)
