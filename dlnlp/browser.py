"""The system's Chromium, which renders written answers to PDF (and the kit's browser tests).

Never downloaded: playwright's own browser download would need the network. Debian's package is
`chromium`; `DLNLP_CHROMIUM` names another binary.
"""

from __future__ import annotations

import os
import shutil

ENV = "DLNLP_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of a Chromium binary, or None when the machine has none."""
    named = os.environ.get(ENV)
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    return next((p for p in map(shutil.which, _NAMES) if p), None)


def launch_args() -> list[str]:
    """Chromium refuses to start as root with its sandbox on (CI and containers run as root)."""
    return ["--no-sandbox"] if os.geteuid() == 0 else []


MISSING = (
    "no Chromium found: install it (Debian/Ubuntu: `apt install chromium`) "
    f"or set {ENV} to its path"
)
