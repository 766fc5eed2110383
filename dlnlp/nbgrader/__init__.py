"""The nbgrader hand-in path, in one place: dlnlp as nbgrader's autograde engine (engine.py), a
course graded in place (course.py), the gradebook and autograded/ written through nbgrader's own
converter (gradebook.py), the verdicts as check-cell outputs (check_outputs.py), rounded
exports (export.py), and the course's nbgrader_config.py (config.py).

It sits on top of the pipeline (grade/ and render/ know nothing of it): Gradescope's path is
dlnlp/gradescope/ beside it.
"""
