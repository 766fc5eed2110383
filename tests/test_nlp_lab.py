"""Does the lab's reference clear the held-out thresholds with a margin on 5 seeds, within the
3-minute training budget, under the worker's limits? Is the datasets' generator reproducible?

The same code path as grading: the solved notebook loaded into a sandboxed worker, the hidden
tests' own training and scoring helpers (autograder/nlp_lab/lab.py) driving it.
"""

from __future__ import annotations

import filecmp
import importlib.util
import queue
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import COURSE, solved
from dlnlp.grade.assignment import Assignment
from dlnlp.grade.extract import extract
from dlnlp.grade.session import Session, StudentProxy
from dlnlp.sandbox.client import Zygote

SEEDS = [0, 1, 2, 3, 4]
BUDGET_SECONDS = 180
# a clear margin: the reference's worst seed beats the full-credit mark by this much
ACCURACY_MARGIN = 0.03  # accuracy points
PERPLEXITY_MARGIN = 0.8  # times the full-credit perplexity


@pytest.fixture(scope="module")
def lab():
    from autograder.nlp_lab import lab

    return lab


@pytest.fixture(scope="module")
def reference_runs(lab):
    """seed -> (accuracy, classifier seconds, perplexity, language model seconds), reference.

    Two seeds at a time, one per core, each in its own sandbox worker (as `--jobs 2` grades)."""
    a = Assignment.load(COURSE, "nlp_lab")
    limits = a.limits.model_copy(update={"total_seconds": 3600})
    budget = {"train_classifier": BUDGET_SECONDS, "train_language_model": BUDGET_SECONDS}

    with Zygote([], [str(p) for p in COURSE.secrets()], a.limits.memory_mb, 3600) as zygote:
        channels = queue.Queue()
        for _ in range(2):
            channels.put(zygote.channel())

        def run(seed: int):
            spawner = channels.get()
            session = Session(spawner, extract(solved("nlp_lab"), a.functions), {}, limits, budget)
            student = StudentProxy(session)
            try:
                model, _, clf_s = lab.train_classifier(student, seed=seed)
                acc = lab.held_out_accuracy(student, model)
                model, _, lm_s = lab.train_language_model(student, seed=seed)
                ppl = lab.held_out_perplexity(student, model)
            finally:
                session.close()
                channels.put(spawner)
            print(
                f"seed {seed}: accuracy {acc:.4f} in {clf_s:.1f} s, perplexity {ppl:.2f} in {lm_s:.1f} s"
            )
            return acc, clf_s, ppl, lm_s

        with ThreadPoolExecutor(2) as pool:
            return dict(zip(SEEDS, pool.map(run, SEEDS), strict=True))


def test_reference_clears_the_accuracy_threshold_on_5_seeds(lab, reference_runs):
    low, high = lab.ACCURACY
    worst = min(acc for acc, _, _, _ in reference_runs.values())
    assert low < high and worst >= high + ACCURACY_MARGIN, reference_runs


def test_reference_clears_the_perplexity_threshold_on_5_seeds(lab, reference_runs):
    low, high = lab.PERPLEXITY
    worst = max(ppl for _, _, ppl, _ in reference_runs.values())
    assert low > high and worst <= PERPLEXITY_MARGIN * high, reference_runs


def test_each_model_trains_within_3_minutes(reference_runs):
    for _, clf_s, _, lm_s in reference_runs.values():
        assert clf_s < BUDGET_SECONDS and lm_s < BUDGET_SECONDS


def test_datasets_regenerate_byte_for_byte(tmp_path):
    """Does make_datasets.py (seeded) reproduce the shipped and the hidden files exactly?"""
    script = COURSE.hidden_tests("nlp_lab") / "data" / "make_datasets.py"
    spec = importlib.util.spec_from_file_location("make_datasets", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    public, hidden = tmp_path / "public", tmp_path / "hidden"
    public.mkdir()
    hidden.mkdir()
    module.generate(public, hidden)
    for folder, shipped in (
        (public, COURSE.source_notebook("nlp_lab").parent / "data"),
        (hidden, script.parent),
    ):
        for f in folder.iterdir():
            assert filecmp.cmp(f, shipped / f.name, shallow=False), (
                f"{f.name} differs from {shipped / f.name}"
            )


def test_test_split_is_not_released():
    released = {p.name for p in COURSE.release_notebook("nlp_lab").parent.rglob("*")}
    assert {"reviews_train.tsv", "corpus_train.txt", "DATASHEET.md"} <= released
    assert not {"reviews_test.tsv", "corpus_test.txt", "make_datasets.py"} & released
