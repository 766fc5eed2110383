# The front door. `make demo` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test release lint bench examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[author,pdf,dev]'
	touch $(STAMP)

ASSIGNMENTS := attention backprop vae lstm nlp_lab
# test files run on this many pytest workers (each file's tests stay on one worker, so a file's
# graded batch is shared by its tests); the batches inside use every core anyway, so keep it small
TEST_WORKERS ?= 2

## demo: install, build the releases, grade the sample submissions, print each grade table, write each class report (demo-out/<id>/report/report.html) and attention's written-answer PDFs
demo: release
	@for a in $(ASSIGNMENTS); do \
	  echo "== $$a =="; $(BIN)/dlnlp grade $$a examples/$$a --out demo-out/$$a || exit 1; \
	  $(BIN)/dlnlp report demo-out/$$a || exit 1; echo; \
	done
	@if $(BIN)/python -c 'import sys; from dlnlp.browser import find_chromium; sys.exit(find_chromium() is None)'; then \
	  echo "== written answers (attention) =="; \
	  $(BIN)/dlnlp written attention examples/attention --out demo-out/written/attention || exit 1; \
	else echo "no Chromium (apt install chromium): skipped the written-answer PDFs"; fi

## test: the kit's whole test suite (slow benchmarks excluded) and the linter
test: $(STAMP)
	$(BIN)/ruff check dlnlp tests autograder solutions examples bench
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=10

## release: rebuild release/ from assignments/ + solutions/ with nbgrader
release: $(STAMP)
	$(BIN)/dlnlp build

## examples: regenerate examples/<assignment>/ from the releases
examples: $(STAMP)
	$(BIN)/python examples/make_examples.py

## bench: 200 notebooks: dlnlp grade vs nbgrader autograde vs the floor (minutes; not part of make test)
bench: $(STAMP)
	$(BIN)/python bench/grade_throughput.py --n 200 --jobs 2 --nbgrader-sample 40

lint: $(STAMP)
	$(BIN)/ruff check dlnlp tests autograder solutions examples bench
	$(BIN)/ruff format --check dlnlp tests autograder solutions examples bench

clean:
	rm -rf demo-out bench/out
