"""`dlnlp lab`: a demo nbgrader course in JupyterLab. demo_course.py builds and grades it from
the releases and the sample submissions; server.py starts JupyterLab on it, as the instructor
(formgrader) or as a student (the instructor's plugins switched off in JupyterLab's settings)."""
