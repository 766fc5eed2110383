"""The old import path of dlnlp.nbgrader.export, which nbgrader_config.py files written before
it moved still name (`c.ExportApp.plugin_class`): an alias, imported by nothing of the kit's."""

from dlnlp.nbgrader.export import RoundedCsvExport  # noqa: F401
