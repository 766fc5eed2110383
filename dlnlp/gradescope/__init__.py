"""Gradescope: `package` writes the autograder zip; `run` is what its run_autograder calls.

Layout (Gradescope's; the root moves with DLNLP_AUTOGRADER_ROOT, so tests can use a temporary folder):
  $ROOT/source/          the zip's contents: setup.sh, run_autograder, kit/, course/
  $ROOT/submission/      the student's files
  $ROOT/results/results.json
  $ROOT/dlnlp-venv/      made by setup.sh; the system python3 is left alone
"""
