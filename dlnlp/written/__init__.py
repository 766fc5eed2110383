"""Students' written answers -> one PDF per student, for manual grading on Gradescope.

Stages: select (the notebook's manually graded answer cells, each after its question) ->
pdf (nbconvert's webpdf, rendered by the system's Chromium, MathJax from local files)."""
