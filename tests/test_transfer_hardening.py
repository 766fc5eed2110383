"""Can a `transformers` submission get points from fine_tune for what it did not do, or hidden
film reviews out?

The kit's optimizer and parameter probes (dlnlp/sandbox/probes.py) are first attacked in this
process; then whole submissions are graded: one whose Encoder speaks the hidden reviews it is
given, one whose fine_tune trains the "frozen" encoder and lies about it through state_dict().
"""

from __future__ import annotations

import json

import pytest
import torch
import torch.optim.optimizer as torch_optimizer
from torch import nn

from conftest import function_scores, grade_notebooks, solved, with_code
from dlnlp.grade.session import Session
from dlnlp.sandbox import probes

# ---- the probes, attacked in this process --------------------------------------------------


def pair():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.1)), nn.Linear(4, 2)


def steps(optimizer, encoder, head, n=3):
    for _ in range(n):
        optimizer.zero_grad()
        head(encoder(torch.randn(5, 4))).sum().backward()
        optimizer.step()


def test_an_honest_frozen_run_holds_only_the_head():
    encoder, head = pair()
    probes.watch_optimizers(encoder)
    probes.watch_optimizers(head)
    encoder.requires_grad_(False)
    steps(torch.optim.Adam(head.parameters()), encoder, head)
    assert probes.optimizer_report(encoder) == {
        "steps": 3, "holding_some": 0, "holding_all": 0, "holding_frozen": 0
    }  # fmt: skip
    assert probes.optimizer_report(head)["holding_all"] == 3


def test_frozen_parameters_in_the_optimizer_are_seen():
    encoder, head = pair()
    probes.watch_optimizers(encoder)
    encoder.requires_grad_(False)
    steps(torch.optim.Adam([*encoder.parameters(), *head.parameters()]), encoder, head)
    report = probes.optimizer_report(encoder)
    assert report["holding_all"] == 3 and report["holding_frozen"] == 3


class HidingAdam(torch.optim.Adam):
    """Once built, its class says it holds no parameters; its instance dict holds them all."""

    def __init__(self, params) -> None:
        super().__init__(params)
        self.__dict__["hiding"] = True

    @property
    def param_groups(self):
        return [] if self.__dict__.get("hiding") else self.__dict__["param_groups"]

    @param_groups.setter
    def param_groups(self, value):
        self.__dict__["param_groups"] = value


def test_a_param_groups_property_does_not_hide_what_the_optimizer_holds():
    encoder, head = pair()
    probes.watch_optimizers(encoder)
    optimizer = HidingAdam([*encoder.parameters(), *head.parameters()])
    assert optimizer.param_groups == []
    optimizer.step()  # nothing to update through the property: only the hooks run
    assert probes.optimizer_report(encoder)["holding_all"] == 1


def test_calling_the_step_hook_by_hand_adds_nothing():
    encoder, head = pair()
    probes.watch_optimizers(encoder)
    optimizer = torch.optim.Adam(head.parameters())
    hooks = list(torch_optimizer._global_optimizer_pre_hooks.values())
    for hook in hooks:
        for _ in range(100):
            hook(optimizer, (), {})
    assert probes.optimizer_report(encoder)["steps"] == 0


def test_removing_the_step_hooks_loses_counts():
    """Counts only grow: clearing torch's hook table can only make fewer steps seen, which
    the hidden tests fail (fewer steps than the budget)."""
    encoder, head = pair()
    probes.watch_optimizers(encoder)
    saved = dict(torch_optimizer._global_optimizer_pre_hooks)
    torch_optimizer._global_optimizer_pre_hooks.clear()
    try:
        steps(torch.optim.Adam(head.parameters()), encoder, head)
    finally:
        torch_optimizer._global_optimizer_pre_hooks.update(saved)
    assert probes.optimizer_report(encoder)["steps"] == 0


class LyingStateDict(nn.Linear):
    """state_dict() and named_parameters() answer with the weights it started with."""

    def __init__(self) -> None:
        super().__init__(4, 2)
        self.shown = {k: v.clone() for k, v in super().state_dict().items()}

    def state_dict(self, *args, **kwargs):
        return dict(self.shown)

    def named_parameters(self, *args, **kwargs):
        return iter(self.shown.items())


def test_parameter_values_are_read_from_the_parameters_themselves():
    model = LyingStateDict()
    with torch.no_grad():
        model.weight.add_(1.0)
    values = probes.parameter_values(model)
    assert torch.equal(values["weight"], model.weight)
    assert not torch.equal(values["weight"], model.state_dict()["weight"])


# ---- whole submissions ---------------------------------------------------------------------

SPEAKING_ENCODER = '''
class Encoder(Encoder):
    """The given Encoder, but a batch of more than 40 rows (the grader's scoring batches) is
    told back in an error, and remembered for later."""

    def forward(self, ids):
        global SEEN
        if ids.shape[0] > 40:
            SEEN = " ".join(str(int(t)) for t in ids[0][:12])
            raise ValueError("HIDDEN " + SEEN)
        return super().forward(ids)
'''

LYING_FINE_TUNE = """
def fine_tune(encoder, head, data, epochs, lr, freeze_encoder=True, seed=0):
    torch.manual_seed(seed)
    ids, labels = data
    shown = {k: v.clone() for k, v in encoder.state_dict().items()}
    encoder.state_dict = lambda *a, **k: dict(shown)  # the weights it started with
    params = [*encoder.parameters(), *head.parameters()]  # the encoder trains, frozen or not
    optimizer = torch.optim.Adam(params, lr=lr)
    encoder.train(not freeze_encoder)
    head.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(labels))
        total, n = 0.0, 0
        for start in range(0, len(labels), 8):
            batch = order[start : start + 8]
            loss = F.cross_entropy(head(encoder(ids[batch])), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, n = total + loss.item(), n + 1
        losses.append(total / n)
    return losses
"""


def _speaking_notebook():
    nb = solved("transformers")
    given = next(c for c in nb.cells if c.cell_type == "code" and "class Encoder(" in c.source)
    given.source += "\n\n" + SPEAKING_ENCODER
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("transfer")
    notebooks = {
        "speaking": _speaking_notebook(),
        "lying": with_code("transformers", LYING_FINE_TUNE),
    }
    return folder, grade_notebooks("transformers", notebooks, folder, only=["fine_tune"])


def test_no_hidden_review_reaches_any_output(graded):
    """The speaking Encoder is fine for the training checks but fails on the hidden batch:
    it loses the accuracy points, and nothing it said, no hidden id, is in any file."""
    from autograder.transformers import transfer

    folder, results = graded
    assert function_scores(results["speaking"])["fine_tune"] < 3
    first = " ".join(str(int(t)) for t in transfer.target_test()[0][0][:12])
    for path in (folder / "out" / "speaking").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "HIDDEN" not in text and first not in text, path


def test_a_lying_state_dict_does_not_hide_a_trained_frozen_encoder(graded):
    _, results = graded
    r = results["lying"]
    assert function_scores(r)["fine_tune"] <= 1.5
    texts = json.dumps(r.texts("fine_tune"))
    assert "the frozen encoder's weights changed" in texts
    assert "the optimizer holds parameters that do not train" in texts


# ---- sharing a run between the tests of one submission --------------------------------------


class _Worker:
    alive = True


class _Session(Session):
    """A grading session without a sandbox: its cache, generation and worker, as shared reads
    them (through the real Session.is_current)."""

    def __init__(self) -> None:  # no zygote, no limits: nothing here spawns a worker
        self.shared, self.generation, self.worker = {}, 1, _Worker()


def test_a_shared_run_is_made_once_per_worker_and_again_after_it_is_replaced():
    from dlnlp.grade.session import StudentProxy

    session, made = _Session(), []
    student = StudentProxy(session)

    def make():
        made.append(session.generation)
        return len(made)

    assert student.shared("run", make) == student.shared("run", make) == 1
    session.worker.alive = False  # e.g. retired after holding hidden inputs
    session.worker, session.generation = _Worker(), 2
    assert student.shared("run", make) == 2 and made == [1, 2]


def test_a_failed_run_is_not_shared():
    from dlnlp.grade.session import StudentProxy

    student, calls = StudentProxy(_Session()), []

    def make():
        calls.append(1)
        raise ValueError("training failed")

    for _ in range(2):
        with pytest.raises(ValueError):
            student.shared("run", make)
    assert len(calls) == 2
