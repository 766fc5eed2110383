"""dlnlp: an auto-graded assignment kit for Deep Learning Foundations for NLP.

Pipeline (one subpackage or module per stage):
  author/     dlnlp new and dlnlp check: the author's loop
  build/      authored notebook + solutions/<id>.py -> nbgrader release
  grade/      submission -> extract -> policy -> sandbox worker -> hidden tests -> scores
  sandbox/    the untrusted side: warm zygote, isolated worker, safe wire format
  results.py  the one Results model; render/ turns it into results.json (Gradescope's),
              grades.csv, feedback, the terminal table; files.py writes them
  report/, similarity/, written/   the class report, code similarity, written answers to PDF
Hand-in paths on top: nbgrader/ (engine, course, gradebook, check cells, export, config) and
gradescope/ (the autograder zip and its runner); lab/ starts a demo course in JupyterLab.
"""

__version__ = "0.1.0"

# jsonschema (imported by nbformat, which reads every submission, and by the results.json check)
# imports `rfc3987_syntax` when it is installed (the Jupyter stack pulls it in), which compiles a
# Lark grammar at import: 1.3 of the 1.4 s that `import nbformat` costs, paid by every grading
# process and by each Gradescope submission. It serves only the "iri" string formats, which no
# schema here uses (nbformat's, Gradescope's). Marking it absent, unless something imported it
# already, makes jsonschema skip those two format checkers.
import sys as _sys

_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
