"""The one base of every error a user can cause and fix: a missing or wrong file, a bad option,
an nbgrader course that is not ready. Its message names the file and what to do; `dlnlp`'s CLI
catches this one type and prints the message (exit code 1; `exit_code` may say otherwise).

Anything else reaching the CLI is a bug of ours and keeps its traceback."""

from __future__ import annotations


class DlnlpError(Exception):
    """A problem the user can fix; `str(e)` says which file and what to do."""

    exit_code = 1


class SandboxError(DlnlpError):
    """The sandbox (its warm parent or a worker) could not start on this machine."""


class HiddenTestsError(DlnlpError):
    """An assignment's hidden tests are missing, cannot be collected or cannot run."""
