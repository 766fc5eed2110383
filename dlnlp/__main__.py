"""`python -m dlnlp`: the `dlnlp` command (nbgrader's engine runs it so, from its own Python)."""

from dlnlp.cli import main

main(prog_name="dlnlp")
