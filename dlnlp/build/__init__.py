"""Authoring -> release: `splice` puts the reference into the notebook, `release` runs nbgrader."""
