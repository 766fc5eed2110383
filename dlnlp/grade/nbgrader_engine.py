"""The old import path of dlnlp.nbgrader.engine, which nbgrader_config.py files written before
it moved still name (`c.Autograde.autograde_preprocessors`): an alias, imported by nothing of
the kit's."""

from dlnlp.nbgrader.engine import GradeWithDlnlp  # noqa: F401
