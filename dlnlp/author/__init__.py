"""The author's loop: `dlnlp new` scaffolds an assignment, `dlnlp check` proves one function's
material (reference, stub, catalogued mutants and alternatives, visible checks) in seconds.

catalogue.py reads tests/mutants and tests/alternatives; stubs.py makes the stubs students get;
visible.py runs the notebook's visible checks; check.py grades it all in one batch; new.py writes
a new assignment."""
