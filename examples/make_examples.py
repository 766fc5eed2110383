"""Regenerate the sample submissions in examples/<assignment>/ from the release notebooks.

Each sample is the student release with some cells filled in, the way a student would.
For every assignment of grader_config.yaml: perfect (its first correct alternative in tests/alternatives/, not the
reference, and an answer to every written question), partial (that plus two catalogued mistakes
from tests/mutants/, and two written answers, the second a bit wrong) and untouched (the stubs,
no written answer). lstm also has copied: perfect's code as a student who copied it would hand
it in (variables renamed, comments rewritten, blank lines added), the planted pair that
`dlnlp similarity` finds in `make demo`. attention also has:
  perfect    correct, written with einsum (tests/alternatives/attention/einsum.py), not the reference
  partial    two catalogued mistakes (tests/mutants/attention/)
  broken     an infinite loop, os._exit, a syntax error and an untouched stub
  cheating   reads the hidden tests, patches torch.allclose, uses a banned API, forges results.json
  unreadable a notebook truncated in transit

Run: .venv/bin/python examples/make_examples.py [--root COURSE] [ASSIGNMENT ...]
(default: this repository's course, every assignment)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat

from dlnlp.author.catalogue import alternatives, mutants
from dlnlp.build.disguise import disguise
from dlnlp.build.fill import fill as fill_cells
from dlnlp.course import Course

REPO = Path(__file__).resolve().parents[1]
COURSE = Course(REPO)  # main() points it at --root


def _release(assignment: str = "attention") -> nbformat.NotebookNode:
    return nbformat.read(COURSE.release_notebook(assignment), as_version=4)


def _stub(function: str) -> str:
    return next(
        c.source
        for c in _release().cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == function
    )


def fill(
    *codes: str,
    raw: dict[str, str] | None = None,
    written: dict[str, str] | None = None,
    assignment: str = "attention",
) -> nbformat.NotebookNode:
    """The student release with the `codes` and `written` answers filled in, as a student would."""
    return fill_cells(_release(assignment), *codes, raw=raw, written=written)


# Written answers in a student's words (graded by hand; not the model answers of assignments/),
# by grade_id, in the notebook's order.
WRITTEN = {
    "foundations": {
        "written_test_once": (
            "If I pick lambda by the test accuracy, the test set has helped choose the model, so it "
            "is not new data any more: the best of several test scores is optimistic, partly luck. "
            "The validation split is for choosing; the test split is looked at once, at the end, "
            "so that its number estimates how the model does on data it has never influenced."
        ),
        "written_gini_no_label": (
            "The labels are in p: p_c is the share of the node's training examples with label c. "
            "The node predicts that distribution (or its majority class), and 1 - sum p_c^2 is "
            "the chance that a random example of the node gets a wrong label drawn from p. So a "
            "purer split is a split with fewer training errors, which is what a loss measures."
        ),
        "written_hinge_outlier": (
            "Both losses grow only linearly for a point far on the wrong side, so the outlier "
            "pulls with a bounded force. The SVM only listens to points with margin below 1 (the "
            "support vectors), so the far-away correct points do not push back and the outlier "
            "can tilt the boundary; logistic regression gives every point a small gradient, so "
            "all of them take part and the boundary moves less."
        ),
    },
    "attention": {
        "written_scaling": (
            r"If the entries of $q$ and $k$ have mean 0 and variance 1, then $q \cdot k$ is a sum of $d_k$ "
            r"terms of variance 1, so its variance is $d_k$ (std $\sqrt{d_k}$). For $d_k = 512$ the scores "
            "are around ±20, so the softmax puts nearly all the weight on one key. Then the softmax is "
            "flat almost everywhere, its derivative is about 0 and the gradient to $Q$ and $K$ vanishes. "
            r"Dividing by $\sqrt{d_k}$ gives the scores variance 1 again. Dividing by $d_k$ would be too "
            "much: all scores would be near 0 and the attention almost uniform."
        ),
        "written_causal_mask": (
            "Without the mask a position can see the next token, which is its own target, so the "
            "model just learns to copy it and the loss goes to zero without learning anything. When "
            "generating there is no next token to look at, so it fails. The mask makes position $i$ "
            "use only tokens up to $i$, so each position gets the output it would get from its prefix "
            "alone, and all positions can be trained in one pass."
        ),
        "written_multi_head_cost": (
            r"The projections are $d_{model} \times d_{model}$ in both cases, since the heads are just "
            r"blocks of columns of $W_q, W_k, W_v$. The scores cost $h \cdot L_q L_k d_{head} = L_q L_k "
            "d_{model}$, the same as one big head. But with $h$ heads each query gets $h$ different "
            "attention patterns, so heads can focus on different relations (syntax, nearby words, ...)."
        ),
    },
    "backprop": {
        "written_weight_decay": (
            r"$W \leftarrow W - \eta(G + 2\lambda W) = (1 - 2\eta\lambda) W - \eta G$, so "
            r"$c = 1 - 2\eta\lambda$. If $G = 0$ the weight is multiplied by $c$ at every step and decays "
            "exponentially to 0. Only the weights that matter for the loss stay large, which gives a "
            "simpler model that overfits less."
        ),
        "written_vanishing_sigmoid": (
            r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is at most 1/4, at $z = 0$. In the backward pass every "
            r"layer multiplies $\delta$ by $W_l$ and by $\sigma'(z)$, so from the last layer to the first we "
            "multiply many factors of at most 1/4 (with weights around 1): after 10 layers about "
            r"$4^{-10} \approx 10^{-6}$. Bigger weights do not help: $z$ gets large, the sigmoid saturates "
            r"and $\sigma'$ is close to 0, which makes it even smaller. So the first layers get almost no "
            "gradient and keep their random weights."
        ),
        "written_relu_residual": (
            "ReLU has derivative 1 where the unit is active, so the gradient is only multiplied by the "
            "weights, and with He init it keeps about the same size. A residual connection adds the "
            r"identity: $\partial L/\partial a_{l-1} = \partial L/\partial a_l + \delta_l W_l$, so the gradient "
            "from above is passed down directly even when the other term is small."
        ),
    },
    "vae": {
        "written_reparameterization": (
            r"Sampling $z$ from $N(\mu, \sigma^2)$ is random, so $z$ has no derivative with respect to "
            r"$\mu$ and $\sigma$ and backprop cannot get through the sampling step to the encoder. With "
            r"$z = \mu + \sigma \varepsilon$ the randomness is in $\varepsilon \sim N(0, I)$, which does "
            r"not depend on the parameters, and $z$ is a differentiable function: $dz/d\mu = 1$ and "
            r"$dz/d\,\text{logvar} = \frac12 \sigma \varepsilon$. $z$ still has mean $\mu$ and variance "
            r"$\sigma^2$, so the distribution is the same."
        ),
        "written_kl_term": (
            r"Without the KL it is just an autoencoder: the encoder can make $\sigma$ tiny and put the "
            r"$\mu$'s anywhere, so a $z$ drawn from $N(0, I)$ lands where the decoder has never been "
            "trained and the output is garbage. The KL pushes every $q(z|x)$ towards $N(0, I)$ so the "
            "codes fill the space around 0. Posterior collapse is when the KL wins: $q(z|x) = p(z)$ for "
            "every $x$, $z$ carries no information and the decoder ignores it."
        ),
        "written_non_saturating": (
            r"The derivative of $\log(1 - \sigma(\ell))$ is $-\sigma(\ell) \approx 0$ when D rejects "
            r"the fake ($\ell \ll 0$), so the generator learns nothing at the start. The derivative of "
            r"$-\log \sigma(\ell)$ is $-(1 - \sigma(\ell)) \approx -1$, a strong gradient. Same optimum, "
            "better gradients early on."
        ),
    },
    "lstm": {
        "written_cell_state_gradient": (
            r"In an RNN $\partial h_t/\partial h_{t-1} = \text{diag}(1 - h_t^2) W_{hh}$: the same matrix at "
            r"every step times $\tanh' \le 1$, so the product over many steps shrinks (or explodes) "
            r"exponentially. In the LSTM $\partial c_t/\partial c_{t-1} = \text{diag}(f_t)$ (ignoring the "
            "paths through the gates), because $c$ is updated by adding, not through a matrix and a "
            "tanh. With the forget gate near 1 the gradient passes many steps almost unchanged. It can "
            "still vanish when the forget gates are small, but then the network chose to forget; this "
            "is why the forget bias is often initialised to 1."
        ),
        "written_gru_update_gate": (
            "$z$ is both the forget gate ($f = z$) and the input gate ($i = 1 - z$). $z = 1$ keeps the old "
            "$h$ unchanged, $z = 0$ replaces it with the candidate $n$. Because they are tied the GRU "
            "cannot keep all of its memory and add new content at the same time, and it has no output "
            "gate, but it has fewer parameters."
        ),
        "written_char_memory": (
            "(a) Without memory the model predicts the same thing after both l's, so at best 1/2 for l "
            r"and 1/2 for o, which costs $\log 2$ twice; h→e and e→l cost 0, so the mean is "
            r"$2\log 2 / 4 \approx 0.35$. The LSTM's state knows whether it has already seen an l, so it "
            "can get all four right and the loss goes to 0. (b) At the start all logits are about equal, "
            r"the softmax is about uniform and the loss is $-\log(1/V) = \log V$."
        ),
    },
    "nlp_lab": {
        "written_eval_mode": (
            "In training mode dropout is on, so predict would drop random units and the predictions "
            "would be random and worse. `model.eval()` turns dropout off, so predictions are "
            "deterministic. `torch.no_grad()` does not change the predictions, it just does not build "
            "the graph, which saves memory and time."
        ),
        "written_padding": (
            "(a) If the pad positions count, the model is also trained to predict `<pad>` after the "
            "end of the text, which is easy and lowers the loss without learning anything, and the mean "
            "depends on how much padding the batch has. So we average only over targets that are not "
            "`pad_id`. (b) A plain mean mixes the pad embeddings into the review's vector, and an LSTM "
            "that reads the pads changes its state, so the same review gets different logits depending "
            "on the longest review in its batch. I used `pack_padded_sequence` so the LSTM stops at the "
            "last real token."
        ),
        "written_perplexity": (
            r"A uniform model gives every target $p = 1/V$, so the NLL is $\log V$ at every position, the "
            r"mean is $\log V$ and $\exp(\log V) = V$. A perplexity of 50 means the model is as unsure "
            "as if it picked uniformly among 50 words. With the sum instead of the mean it would grow "
            "exponentially with the length of the text, so texts of different lengths could not be "
            "compared."
        ),
    },
    "transformers": {
        "written_gpt_vs_bert": (
            "GPT predicts the next token from the ones before it, so each position only sees the "
            "past. That makes it a real language model: it can generate text one token at a time and "
            "give a sentence a probability. BERT predicts masked tokens from both sides, so every "
            "token's vector uses the whole sentence, which is better for understanding tasks, but it "
            "has no left-to-right distribution to sample from, so it cannot really generate. GPT: "
            "story completion or chat. BERT: sentiment classification or named entities."
        ),
        "written_pre_ln_tying": (
            "(a) With pre-LN the residual stream is a plain sum from the input to the output, so the "
            "gradient gets to the first block through the identity without going through any "
            "LayerNorm. With post-LN every block's output is normalised, which rescales the gradient "
            "at each layer, so deep post-LN models need warm-up. (b) It saves the $V \\times d$ output "
            "matrix and rare words get trained both as inputs and as outputs. It assumes that words "
            "with similar input embeddings should also get similar output scores."
        ),
        "written_eighty_ten_ten": (
            "(a) At fine-tuning time there is never a `[MASK]` token, so if it was always `[MASK]` the "
            "model would only learn to predict at `[MASK]` and would not have to build good vectors "
            "for the normal tokens it sees later. Keeping 10% unchanged and putting a random token in "
            "10% means any token could be the one it is asked about, so it has to represent all of "
            "them. (b) With a few dozen labels, freezing means only the small head is trained, so it "
            "overfits much less and keeps what pretraining learned, and it is faster. Fine-tuning "
            "everything is better when there are many labels or the target domain is very different "
            "from the pretraining one."
        ),
    },
}

# The partial sample's second written answer: a plausible mistake.
WRONG = {
    "foundations": (
        "written_gini_no_label",
        "Gini does not need labels because it only measures how spread the features are in the "
        "node, like a variance, so the tree is trained without supervision.",
    ),
    "transformers": (
        "written_pre_ln_tying",
        "(a) Pre-LN normalises the input of every sublayer, so the activations never grow and the "
        "gradients cannot explode. (b) Tying makes the model faster because the head does not have "
        "to be computed.",
    ),
    "attention": (
        "written_causal_mask",
        "The causal mask stops the queries from attending to the padding tokens, so that the short "
        "sentences of a batch are not changed by the padding.",
    ),
    "backprop": (
        "written_vanishing_sigmoid",
        r"$\sigma'$ is at most 1/2, so each layer halves the gradient: after 10 layers it is "
        r"$2^{-10} \approx 10^{-3}$ times smaller. Larger weights would compensate for this.",
    ),
    "vae": (
        "written_kl_term",
        "The KL keeps the codes close to $N(0, I)$ so that sampling from the prior works; without it "
        r"the model overfits. Posterior collapse is when $\sigma$ goes to 0 and the encoder becomes "
        "deterministic.",
    ),
    "lstm": (
        "written_gru_update_gate",
        "$z = 1$ replaces the state with the new candidate and $z = 0$ keeps the old state, so $z$ "
        "works like the LSTM's input gate.",
    ),
    "nlp_lab": (
        "written_padding",
        "(a) The pad tokens add to the loss, but they are all the same token, so this only adds a "
        "constant and it is fine to leave them in. (b) A plain mean includes the pad embeddings, so "
        "the summary of a short review is diluted and depends on the batch; I used packing.",
    ),
}


def written(assignment: str, sample: str) -> dict[str, str]:
    """perfect answers every written question; partial the first two, the second a bit wrong
    (none for an assignment without answers written here yet)."""
    answers = WRITTEN.get(assignment, {})
    if sample == "perfect" or not answers:
        return answers
    first = next(iter(answers))
    wrong_id, wrong = WRONG[assignment]
    return {first: answers[first], wrong_id: wrong}


def generic_samples(assignment: str) -> dict[str, nbformat.NotebookNode]:
    """perfect, partial (two mistakes in different functions, or one when every mutant targets
    the same function) and untouched."""
    perfect = alternatives(COURSE, assignment)[0].path.read_text()
    catalogue = mutants(COURSE, assignment)
    first = catalogue[0]
    picked = [first, *[m for m in catalogue if m.target != first.target][:1]]
    return {
        "perfect": fill(perfect, written=written(assignment, "perfect"), assignment=assignment),
        "partial": fill(
            perfect,
            *(m.path.read_text() for m in picked),
            written=written(assignment, "partial"),
            assignment=assignment,
        ),
        "untouched": _release(assignment),
    }


COPIED = {"lstm"}  # assignments with a copied sample: perfect's code in disguise


def copied_sample(assignment: str) -> nbformat.NotebookNode:
    """perfect's code and answers, variables renamed, comments rewritten, blank lines added."""
    perfect = alternatives(COURSE, assignment)[0].path.read_text()
    return fill(
        disguise(perfect, seed=18), written=written(assignment, "perfect"), assignment=assignment
    )


def main(argv: list[str] | None = None) -> None:
    global COURSE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the course folder")
    parser.add_argument("assignments", nargs="*", help="default: every assignment")
    args = parser.parse_args(argv)
    COURSE = Course(args.root.resolve())
    chosen = args.assignments or list(COURSE.config().assignments)
    if "attention" in chosen:
        attention_samples()
    generic(chosen)


def attention_samples() -> None:
    out = COURSE.examples_dir("attention")
    einsum = (COURSE.alternatives_dir("attention") / "einsum.py").read_text()
    mutant = lambda name: (COURSE.mutants_dir("attention") / f"{name}.py").read_text()  # noqa: E731
    samples = {
        "perfect": fill(einsum, written=written("attention", "perfect")),
        "partial": fill(
            einsum,
            mutant("sdpa_no_scaling"),
            mutant("pe_sin_cos_swapped"),
            written=written("attention", "partial"),
        ),
        "broken": fill(
            einsum,
            "def causal_mask(L):\n    while True:  # forgot the loop condition\n        pass\n",
            "import os\n\ndef scaled_dot_product_attention(q, k, v, mask=None):\n    os._exit(1)\n",
            raw={
                "sinusoidal_positional_encoding": "def sinusoidal_positional_encoding(L, d):\n    return [[0] * d for _ in range(L)\n",
                "multi_head_attention": _stub("multi_head_attention"),
            },
        ),
        "cheating": fill(
            einsum,
            "import glob\nimport torch\n\n"
            "def causal_mask(L):\n"
            "    for path in glob.glob('/**/autograder/attention/*.py', recursive=True):\n"
            "        print(open(path).read())\n"
            "    torch.allclose = lambda *a, **k: True\n"
            "    open('results.json', 'w').write('{\"score\": 100}')\n"
            "    return None\n",
            "import torch.nn.functional as F\n\n"
            "def scaled_dot_product_attention(q, k, v, mask=None):\n"
            "    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask), None\n",
            raw={"multi_head_attention": _stub("multi_head_attention")},
        ),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, nb in samples.items():
        nbformat.write(nb, out / f"{name}.ipynb")
    text = (out / "perfect.ipynb").read_text()
    (out / "unreadable.ipynb").write_text(text[: len(text) // 3])


def generic(chosen: list[str]) -> None:
    for assignment in chosen:  # attention's samples are the ones above
        if assignment == "attention":
            continue
        if not mutants(COURSE, assignment) or not alternatives(COURSE, assignment):
            print(f"{assignment}: no mutants or alternatives in tests/ yet: no samples written")
            continue
        folder = COURSE.examples_dir(assignment)
        folder.mkdir(parents=True, exist_ok=True)
        samples = generic_samples(assignment)
        if assignment in COPIED:
            samples["copied"] = copied_sample(assignment)
        for name, nb in samples.items():
            nbformat.write(nb, folder / f"{name}.ipynb")


if __name__ == "__main__":
    main()
