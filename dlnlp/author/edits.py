"""All-or-nothing edits of a course's files: what `dlnlp new` and `dlnlp rename` change is
undone together when any step fails, so a failed command leaves the course as it was."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType


class Edits:
    """Files written, created and removed through it; on an exception in the `with` block, each
    file gets its old bytes back (or goes, if it is new) and each folder it made is removed."""

    def __init__(self) -> None:
        self._before: dict[Path, bytes | None] = {}  # first state of every file touched
        self._made: list[Path] = []  # folders made, outermost first

    def _remember(self, path: Path) -> None:
        if path not in self._before:
            self._before[path] = path.read_bytes() if path.is_file() else None

    def mkdir(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for p in reversed(missing):
            p.mkdir()
            self._made.append(p)

    def write(self, path: Path, text: str) -> None:
        self._remember(path)
        self.mkdir(path.parent)
        path.write_text(text)

    def remember(self, path: Path) -> None:
        """A file another library writes (nbformat, ruamel.yaml): keep its state first."""
        self._remember(path)
        self.mkdir(path.parent)

    def move(self, source: Path, target: Path) -> None:
        self._remember(source)
        self._remember(target)
        self.mkdir(target.parent)
        source.rename(target)

    def __enter__(self) -> Edits:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            return
        for path, old in self._before.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
        for folder in reversed(self._made):  # innermost first; anything else in it goes too
            shutil.rmtree(folder, ignore_errors=True)
