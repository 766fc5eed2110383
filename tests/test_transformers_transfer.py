"""Transfer learning in `transformers`: is the shipped checkpoint the one its script makes, does
the notebook give the kit's own Encoder and readers, and does the reference's fine-tuning clear
the held-out threshold with a margin on 5 seeds?

The checkpoint is checked byte for byte, not by its accuracy: make_checkpoint.py trains on one
thread with torch's deterministic algorithms and the pinned torch build, and writes one metadata
key (safetensors orders several at random), so every run writes the same bytes.
"""

from __future__ import annotations

import ast
import importlib.util
import queue
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
import torch
from safetensors.torch import load_file

from conftest import COURSE, solved
from dlnlp import notebook
from dlnlp.grade.assignment import Assignment
from dlnlp.grade.extract import extract
from dlnlp.grade.session import Session, StudentProxy
from dlnlp.sandbox.client import Zygote

PUBLIC = COURSE.source_notebook("transformers").parent / "data"
HIDDEN = COURSE.hidden_tests("transformers")
SCRIPT = COURSE.hidden_tests("nlp_lab") / "data" / "make_checkpoint.py"
SEEDS = [0, 1, 2, 3, 4]
ACCURACY_MARGIN = 0.02  # the reference's worst seed beats the full-credit mark by this much


@pytest.fixture(scope="module")
def transfer():
    from autograder.transformers import transfer

    return transfer


def _script():
    spec = importlib.util.spec_from_file_location("make_checkpoint", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checkpoint_and_vocabulary_regenerate_byte_for_byte(tmp_path):
    """Does make_checkpoint.py, run again, write exactly the shipped vocab.txt and weights?"""
    threads = torch.get_num_threads()
    try:
        vocab, weights = _script().make(PUBLIC, tmp_path)
    finally:  # make() pins one thread and deterministic kernels for itself
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(False)
    assert vocab.read_bytes() == (PUBLIC / "vocab.txt").read_bytes()
    assert weights.read_bytes() == (PUBLIC / weights.name).read_bytes()
    assert 100_000 < weights.stat().st_size < 400_000  # "a few hundred KB"


def _definitions(source: str) -> dict[str, str]:
    return {
        node.name: ast.dump(node)
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def test_notebook_gives_the_kit_copy_of_the_encoder_and_readers():
    """Are the notebook's given Encoder, ClassifierHead and readers the trusted copy in
    autograder/transformers/encoder.py, the model in a cell grading loads and the readers (file
    and json access, which the code policy refuses) in a read-only kit cell it skips?"""
    kit = _definitions((HIDDEN / "encoder.py").read_text())
    nb = nbformat.read(COURSE.source_notebook("transformers"), as_version=4)
    given: dict[str, tuple[str, bool]] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not notebook.is_solution(cell):  # stubs may not parse
            for name, dump in _definitions(cell.source).items():
                given[name] = (dump, notebook.is_kit_cell(cell))
    for name, dump in kit.items():
        assert name in given, f"the notebook does not give {name}"
        assert given[name][0] == dump, f"the notebook's {name} differs from encoder.py's"
    assert not given["Encoder"][1] and not given["ClassifierHead"][1]
    assert given["load_safetensors"][1] and given["read_reviews"][1]


def test_given_reader_reads_the_checkpoint_as_safetensors_does():
    from autograder.transformers.encoder import load_safetensors

    ours, theirs = (
        load_safetensors(PUBLIC / "source_encoder.safetensors"),
        load_file(PUBLIC / "source_encoder.safetensors"),
    )
    assert ours.keys() == theirs.keys()
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)


@pytest.fixture(scope="module")
def reference_runs(transfer):
    """seed -> (frozen, full, from scratch) accuracy of the reference on the hidden films, by
    the hidden tests' own helpers in sandboxed workers, two seeds at a time. From scratch: the
    same Encoder, not loaded, trained as the full run is."""
    a = Assignment.load(COURSE, "transformers")
    limits = a.limits.model_copy(update={"total_seconds": 3600})
    with Zygote([], [str(p) for p in COURSE.secrets()], a.limits.memory_mb, 3600) as zygote:
        channels = queue.Queue()
        for _ in range(2):
            channels.put(zygote.channel())

        def run(seed: int) -> tuple[float, float, float]:
            spawner = channels.get()
            session = Session(spawner, extract(solved("transformers"), a.functions), {}, limits)
            student = StudentProxy(session)
            try:
                scores = []
                for setting, pretrained in (
                    (transfer.FROZEN, True),
                    (transfer.FULL, True),
                    (transfer.FULL, False),
                ):
                    encoder, head, _ = transfer.fine_tuned(
                        student, setting, False, seed, pretrained
                    )
                    scores.append(transfer.held_out_accuracy(student, encoder, head))
            finally:
                session.close()
                channels.put(spawner)
            print(
                f"seed {seed}: frozen {scores[0]:.3f}, full {scores[1]:.3f}, scratch {scores[2]:.3f}"
            )
            return scores[0], scores[1], scores[2]

        with ThreadPoolExecutor(2) as pool:
            return dict(zip(SEEDS, pool.map(run, SEEDS), strict=True))


def test_reference_clears_the_accuracy_threshold_on_5_seeds(transfer, reference_runs):
    low, high = transfer.ACCURACY
    worst = min(full for _, full, _ in reference_runs.values())
    assert low < high and worst >= high + ACCURACY_MARGIN, reference_runs


def test_unfreezing_beats_freezing_and_scratch_on_films(transfer, reference_runs):
    """The lessons the notebook draws: the film words need the encoder to train, and the
    source checkpoint is worth something (the same model from scratch earns little credit)."""
    runs = reference_runs.values()
    assert all(full > max(frozen, scratch) + 0.05 for frozen, full, scratch in runs), runs
    low, high = transfer.ACCURACY
    mean_scratch = sum(scratch for _, _, scratch in runs) / len(runs)
    assert mean_scratch < low + 0.25 * (high - low), runs
