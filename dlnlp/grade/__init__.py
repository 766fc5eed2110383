"""Grading, one stage a module: collect -> read/extract -> static_check -> session (sandbox) ->
hidden_tests (pytest) -> scoring -> Results; `batch` strings them together."""
