# The front door. `make demo` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-cluster release check lint bench examples clean lab hub

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[author,pdf,dev]'
	touch $(STAMP)

# test files run on this many pytest workers (loadscope: each file's tests stay on one worker, so a
# file's graded batch is shared by its tests; test_mutants.py's classes, one per assignment, are
# spread over the workers); the batches inside use every core anyway, so keep it small. Installed
# pytest plugins are not loaded (anyio's, playwright's...): xdist alone is asked for. Not
# loadgroup: with pytest 9.2 it silently stops grouping (pytest-xdist issue 1386).
TEST_WORKERS ?= 2

## demo: install, build the releases, grade the sample submissions, print each grade table, compare their code (demo-out/<id>/similarity/similarity.html: lstm's copied sample is perfect's code in disguise), write each class report (demo-out/<id>/report/report.html, linking the comparison) and attention's written-answer PDFs
# the assignments are grader_config.yaml's, listed when the recipe runs: on a fresh clone the
# venv that `dlnlp list` needs does not exist yet when make reads this file
demo: release
	@ids=$$($(BIN)/dlnlp list) || exit 1; for a in $$ids; do \
	  if [ ! -d examples/$$a ]; then echo "== $$a: no examples/$$a yet (make examples): skipped"; continue; fi; \
	  echo "== $$a =="; $(BIN)/dlnlp grade $$a examples/$$a --out demo-out/$$a || exit 1; \
	  $(BIN)/dlnlp similarity $$a examples/$$a --out demo-out/$$a/similarity || exit 1; \
	  $(BIN)/dlnlp report demo-out/$$a || exit 1; echo; \
	done
	@if $(BIN)/python -c 'import sys; from dlnlp.browser import find_chromium; sys.exit(find_chromium() is None)'; then \
	  echo "== written answers (attention) =="; \
	  $(BIN)/dlnlp written attention examples/attention --out demo-out/written/attention || exit 1; \
	else echo "no Chromium (apt install chromium): skipped the written-answer PDFs"; fi

## test: the kit's whole test suite (slow benchmarks excluded) and the linter
test: $(STAMP)
	$(BIN)/ruff check dlnlp tests autograder solutions examples bench
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -p xdist -q -n $(TEST_WORKERS) --dist loadscope --durations=10

## test-cluster: the tests on real deployments, as root: a single-node Slurm cluster (Debian's slurmctld, slurmd, slurm-client and munge, started by the test) and a JupyterHub course deployed as docs/hub.md says (about 4 min)
test-cluster: $(STAMP)
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -p xdist -q -m cluster -n 0 --durations=10

## hub: JupyterHub and its proxy (configurable-http-proxy, from npm) in the venv, for `dlnlp hub setup` (docs/hub.md)
hub: $(VENV)/.hub
$(VENV)/.hub: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[hub]'
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@5.1.0
	touch $@

## lab: a demo nbgrader course (releases + sample submissions, graded by dlnlp) in JupyterLab on 127.0.0.1; make lab STUDENT=1 for a student's view, A=attention for one assignment
lab: $(STAMP)
	$(BIN)/dlnlp lab $(if $(STUDENT),--student) $(foreach a,$(A),-a $(a))

## release: rebuild release/ from assignments/ + solutions/ with nbgrader
release: $(STAMP)
	$(BIN)/dlnlp build

## check: the author's loop for one assignment, e.g. make check A=attention ONLY=causal_mask
check: $(STAMP)
	$(BIN)/dlnlp check $(A) $(if $(ONLY),--only $(ONLY))

## examples: regenerate examples/<assignment>/ from the releases
examples: $(STAMP)
	$(BIN)/python examples/make_examples.py

## bench: 200 notebooks: dlnlp grade vs nbgrader autograde vs the floor (minutes; not part of make test)
bench: $(STAMP)
	$(BIN)/python bench/grade_throughput.py --n 200 --jobs 2 --nbgrader-sample 40

lint: $(STAMP)
	$(BIN)/ruff check dlnlp tests autograder solutions examples bench
	$(BIN)/ruff format --check dlnlp tests autograder solutions examples bench
	$(BIN)/mypy

clean:
	rm -rf demo-out bench/out
