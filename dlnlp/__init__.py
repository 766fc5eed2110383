"""dlnlp: an auto-graded assignment kit for Deep Learning Foundations for NLP.

Pipeline (one subpackage or module per stage):
  build/     authored notebook + solutions/<id>.py -> nbgrader release
  grade/     submission -> extract -> sandbox worker -> hidden tests -> scores
  sandbox/   the untrusted side: warm zygote, isolated worker, safe wire format
  results.py the one Results model; render/ turns it into results.json, grades.csv, feedback
"""

__version__ = "0.1.0"
