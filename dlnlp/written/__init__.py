"""Students' written answers -> one PDF per student, for manual grading on Gradescope.

Stages: select (the release's written questions; the submission's answers to them, by grade_id)
-> page (safe HTML: every student cell escaped, no inline script, MathJax from local files)
-> pdf (printed by the system's Chromium, one per batch, with a per-student timeout)
-> export (OUT/<student>.pdf for every student, even when their notebook broke the rest).
"""
