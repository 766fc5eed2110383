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
            r"(a) Validation: $\sqrt{0.804 \cdot 0.196 / 240} \approx 0.026$; test: "
            r"$\sqrt{0.85 \cdot 0.15 / 300} \approx 0.021$. The splits are independent, so the gap "
            r"has a standard error of about $\sqrt{0.026^2 + 0.021^2} \approx 0.033$, and the gap "
            "of 0.046 is only 1.4 of those: it is noise. The optimism from picking the best of four "
            "scores is much smaller than that (the four are very correlated: same training and "
            r"validation data). The validation scores of $\lambda = 0, 0.01, 0.1$ (0.783, 0.788, "
            "0.804) are at most 5 examples apart, less than one standard error, so they do not "
            r"really tell which one is best; only $\lambda = 1$ (0.754) is clearly worse. (b) Then "
            "the test split is part of the selection: the reported number is the best of several "
            "noisy estimates, so it is too high (optimistic) and no longer estimates the accuracy on "
            "new data, and the more often I look, the bigger the bias. The test score is only "
            "unbiased if nothing was chosen with it, so it is computed once, at the end."
        ),
        "written_gini_no_label": (
            r"(a) An example of the node has class $c$ with probability $p_c$, and the node guesses "
            r"$c$ with probability $p_c$, independently. So it is right with probability "
            r"$\sum_c p_c^2$ and wrong with probability $1 - \sum_c p_c^2 = G(p)$. (b) A fraction "
            r"$p_c$ of the $n$ examples has label $c$, so the loss is $-\sum_c p_c \log_2 q_c$, the "
            r"cross-entropy of $q$ against $p$. That equals $H(p) + \mathrm{KL}(p \Vert q)$, and the "
            r"KL is $\ge 0$ and 0 only for $q = p$, so the best $q$ is $p$ and the loss there is "
            r"$H(p)$. So the labels are inside $p$ (the node's label counts), and the prediction "
            r"is the node's distribution $p$ (or its majority class). The impurity is the training "
            "loss of the node's best constant prediction, and minimising the size-weighted impurity "
            "of the children is minimising the tree's training loss (expected 0-1 error for Gini, "
            "log-loss for entropy), just searched over thresholds instead of with gradients."
        ),
        "written_hinge_outlier": (
            r"Hinge: $\partial\ell/\partial s = -y$ if $ys < 1$, else 0. Log-loss: "
            r"$\partial\ell/\partial s = -y e^{-ys}/(1 + e^{-ys}) = -y\,\sigma(-ys)$. Squared error: "
            r"$2(s - y)$, of size $2|ys - 1|$ since $y^2 = 1$. At $ys = 3$: hinge 0, log-loss "
            r"$\sigma(-3) \approx 0.047$, squared error 4. At $ys = -10$: hinge 1, log-loss "
            r"$\sigma(10) \approx 1$, squared error 22. So the hinge and the log-loss pull on the "
            "outlier with a force of at most 1 however far away it is, while least squares pulls "
            "harder the farther it is (22 here); but neither of the two ignores it. The SVM solution "
            r"depends only on the points with $ys \le 1$ (the support vectors): the well-classified "
            "points give exactly 0, and the outlier becomes a support vector with the full, capped "
            r"pull. In logistic regression every point pulls a little ($\sigma(-ys)$ gets small for "
            "big margins but is never 0), so all the points together balance the outlier."
        ),
    },
    "attention": {
        "written_scaling": (
            r"(a) $\partial\alpha_i/\partial s_j = \alpha_i(\delta_{ij} - \alpha_j)$, i.e. "
            r"$J = \mathrm{diag}(\alpha) - \alpha\alpha^\top$. When $\alpha$ tends to a one-hot vector "
            r"$e_m$, every entry contains a factor going to 0 ($1 - \alpha_m$, or an $\alpha_i$ with "
            r"$i \ne m$), so $J \to 0$ and no gradient gets back to the scores, so none to $Q$, $K$, "
            r"$W_q$, $W_k$. The gradient to $V$ and $W_v$ still flows, because the output is "
            r"$\alpha V$. (b) Scaled: the scores have variance 1 for every $d_k$, so I predicted the "
            r"same largest weight each time, well between $1/16$ and 1. Unscaled: the std is "
            r"$\sqrt{d_k} = 2, 8, 22.6$, so closer and closer to one-hot. Divided by $d_k$: the std "
            r"is $1/\sqrt{d_k}$, so closer and closer to uniform ($1/16 \approx 0.06$). Measured on "
            r"1000 queries, for $d_k = 4, 64, 512$: scaled 0.233, 0.243, 0.252; unscaled 0.419, "
            r"0.845, 0.947; divided by $d_k$ 0.134, 0.077, 0.068. (c) $\sqrt{d_k}$ is the std of "
            r"$q \cdot k$, so dividing by it keeps the spread of the scores, and so the sharpness of "
            r"the weights and the gradient through the softmax, the same for every $d_k$. Without "
            r"scaling a large $d_k$ saturates the softmax and by (a) $Q$ and $K$ stop learning; with "
            r"$d_k$ the attention is almost uniform and a query can hardly prefer one key."
        ),
        "written_causal_mask": (
            r"(a) Row $i$ of the output is $\sum_j \alpha_{ij} v_j$ with $v_j = x_j W_v^\top$. The "
            r"mask makes $\alpha_{ij} = 0$ for $j > i$, and the softmax over $j \le i$ only uses the "
            r"scores $q_i \cdot k_j$ with $q_i = x_i W_q^\top$ and $k_j = x_j W_k^\top$, $j \le i$. So "
            r"row $i$ only reads rows $1, \dots, i$ of $X$. A position-wise layer maps row $i$ to row "
            r"$i$, and the next masked layer again only reads rows $\le i$, so by induction the whole "
            r"stack keeps the property. So the output at $i$ is exactly what the model computes from "
            r"the prefix alone, as when it generates, and it never sees its target $x_{i+1}$: one "
            r"pass gives all $L$ predictions, each from its own prefix. (b) With `causal_mask(L)` "
            "the outputs at the earlier positions did not change at all (largest difference 0.0); "
            "without the mask they changed by up to 0.40."
        ),
        "written_multi_head_cost": (
            r"(a) With $d_{\text{head}} = 1$ the scores are $s_j = q k_j$ and "
            r"$\alpha_j \propto e^{q k_j}$ grows with $k_j$ whenever $q > 0$. So every positive query "
            r"ranks the keys in the same order and puts most weight on the key with the largest "
            r"$k_j$; a negative query puts most weight on the smallest $k_j$. $|q|$ only changes "
            "how sharp the weights are. Such a head cannot make different queries prefer different "
            r'keys (e.g. "attend to the previous token"). In general $Q_h K_h^\top$ goes through '
            r"$d_{\text{head}}$ dimensions, so its rank is at most $d_{\text{head}}$: more heads give "
            "more patterns, but each of lower rank. (b) With identity weights each head is one "
            "coordinate. In every head, all the queries with a positive entry attended most to the "
            "key with the largest entry of that head's key column, and the ones with a negative "
            "entry to the key with the smallest: it matched every time."
        ),
    },
    "backprop": {
        "written_weight_decay": (
            r"(a) The derivative of $\mathcal{L}(w) + \lambda w^2$ is $h(w - w^*) + 2\lambda w$; "
            r"setting it to 0 gives $\hat w = \frac{h}{h + 2\lambda} w^*$. There the loss gradient "
            r"is $G = h(\hat w - w^*) = -2\lambda\hat w$, so the step of `sgd_step`, "
            r"$-\eta(G + 2\lambda\hat w)$, is 0: it stops moving. (b) If $h \ll 2\lambda$ (the loss "
            "is flat along the weight, the data do not care about it) the factor is near 0 and the "
            r"weight is pulled almost to 0; if $h \gg 2\lambda$ (the data pin it down) the factor is "
            "near 1 and it barely changes. So weight decay removes the weights that would only fit "
            "noise of the training set and keeps the ones the data need: a simpler function that "
            "generalises better."
        ),
        "written_vanishing_sigmoid": (
            r"(a) Rule 3: $\delta_{l-1} = (\delta_l W_l) \odot \sigma'(z_{l-1})$, so "
            r"$\lVert\delta_{l-1}\rVert \approx \lVert\delta_l W_l\rVert \cdot \overline{\sigma'}$. An "
            r"entry of $\delta_l W_l$ is $\sum_j (\delta_l)_j W_{jk}$, a sum of independent terms of "
            r"variance $(\delta_l)_j^2 v$, so its variance is $v \lVert\delta_l\rVert^2$, and summing "
            r"over the $d$ entries gives $\mathbb{E}\lVert\delta_l W_l\rVert^2 = d v "
            r"\lVert\delta_l\rVert^2$: factor 1 for $v = 1/d$. The pre-activations are small "
            r"(activations in $(0, 1)$ times weights of std $1/\sqrt{32}$ give $z$ with std around "
            r"0.5), so $\sigma'$ is close to its maximum $\frac14$, about 0.24. Since "
            r"$\partial\mathcal{L}/\partial W_l = \delta_l^\top a_{l-1}$ and the activations are about "
            r"the same size in every layer, I predict a ratio of about "
            r"$0.24^{19} \approx 2 \cdot 10^{-12}$; the experiment prints $1.8 \cdot 10^{-12}$. "
            r"(b) Multiplying the weights by $s$ multiplies the weight factor by $s$, but the "
            r"pre-activations get $s$ times bigger too, so more units saturate and $\sigma'$ drops. "
            r"Measured: ratio $1.1 \cdot 10^{-4}$ with 7% of the units saturated ($s = 4$), 0.16 "
            r"with 39% ($s = 8$) and 45 with 66% ($s = 16$), where the gradient explodes instead. "
            r"Around $s \approx 10$ the two factors cancel, but then half the units are saturated "
            "(stuck near 0 or 1 and passing almost no gradient themselves), and the balance depends "
            "on width, depth and data, so it is very fragile: no scale really cures it."
        ),
        "written_relu_residual": (
            r"(a) Variance $1/d$ instead of $2/d$ multiplies every weight by $c = 1/\sqrt 2$. As "
            r"$\mathrm{relu}(cz) = c\,\mathrm{relu}(z)$ and the biases are 0, $a_l$ is multiplied by "
            r"$c^l$ and the same units are on. Going back, $\delta_l$ gets $c^{L-l}$, so "
            r"$\partial\mathcal{L}/\partial W_l = \delta_l^\top a_{l-1}$ gets "
            r"$c^{L-l} c^{l-1} = c^{19} \approx 1.4 \cdot 10^{-3}$ in every layer: all 20 norms drop "
            "by the same factor and the ratio does not change. Run: the norms went from about "
            r"$10^2$ to about $10^{-1}$ and the ratio stayed 1.4. So the ratio cannot show what $2/d$ "
            "does: it keeps the size of the signals the same from layer to layer (with half the "
            r"units off, each layer multiplies $\lVert\delta\rVert^2$ by $d \cdot 2/d \cdot \frac12 = "
            r"1$), while $1/d$ shrinks them by $\sqrt 2$ per layer. (b) With the skip, "
            r"$\partial\mathcal{L}/\partial a_{l-1} = \partial\mathcal{L}/\partial a_l + \delta_l W_l$: "
            r"between two layers there is the identity plus a correction instead of a factor "
            r"$\le \frac14$. The gradient from the top reaches every layer through the identities and "
            "the corrections are added, not multiplied, so it does not shrink geometrically; in "
            "the experiment the first layer's gradient is only 4 times smaller than the last one's."
        ),
    },
    "vae": {
        "written_reparameterization": (
            r"(a) $E[z^2] = \mu^2 + \sigma^2 = \mu^2 + e^{\text{logvar}}$, so the derivatives are "
            r"$2\mu$ and $\sigma^2$. (b) $f = (\mu + \sigma\varepsilon)^2$ gives "
            r"$\partial f/\partial\mu = 2(\mu + \sigma\varepsilon)$, mean $2\mu$, and "
            r"$\partial f/\partial\,\text{logvar} = 2(\mu + \sigma\varepsilon) \cdot \frac12\sigma"
            r"\varepsilon = \mu\sigma\varepsilon + \sigma^2\varepsilon^2$, mean $\sigma^2$ since "
            r"$E[\varepsilon] = 0$ and $E[\varepsilon^2] = 1$: both unbiased. (c) At $\mu = 1$, "
            r"$\sigma = 0.5$ the reparameterised estimator is $2 + \varepsilon$, so (b) predicts mean 2 "
            "and variance 1. I measured mean 2.00 and variance 1.00 for it, and mean 1.98 and "
            "variance 21.5 for the score function. Same mean, but 20 times the variance, so I would "
            "train with the reparameterised gradient: it uses how $f$ changes with $z$, not only "
            "its value, and needs far fewer samples for the same accuracy."
        ),
        "written_kl_term": (
            r"(a) $E[(wz - x)^2] = (w\mu - x)^2 + w^2\sigma^2$. Setting the derivatives to 0: "
            r"$w^2 + \frac12 - \frac{1}{2\sigma^2} = 0$ gives $\sigma^2 = 1/(1 + 2w^2)$, and "
            r"$2w(w\mu - x) + \mu = 0$ gives $\mu = 2wx/(1 + 2w^2)$. (b) With $w = 0$ we get $\mu = 0$ "
            r"and $\sigma^2 = 1$ for every $x$: $q(z|x)$ is the prior and $z$ says nothing about $x$ "
            r"(posterior collapse; sampling works, but the decoder ignores $z$). Without the KL only "
            r"$w^2\sigma^2$ depends on $\sigma$, so $\sigma^2 \to 0$: the code is deterministic and "
            r"goes wherever reconstruction wants ($\mu = x/w$), so a $z$ from $N(0, 1)$ lands where "
            "the decoder never saw data."
        ),
        "written_non_saturating": (
            r"The gradients are $-(1 - D)$ and $-D$, so the ratio is $(1 - D)/D$: 99 at $D = 0.01$, "
            r"1 at 0.5 and about 0.01 at 0.99 (autograd on `gan_generator_loss` of one logit gives "
            r"$-(1 - D)$, as derived). "
            "Minimax learns most from the fakes that already fool D, non-saturating from the worst "
            r"ones. At the start almost all fakes have $D \approx 0$, so the minimax gradient is "
            "nearly 0 while the non-saturating one is about 1 per fake; both have the same optimum."
        ),
    },
    "lstm": {
        "written_cell_state_gradient": (
            r"(a) $\partial h_T/\partial h_0$ is a product of $T$ factors "
            r"$\mathrm{diag}(1 - h_t^2) W_{hh}$, each of norm at most $\lVert W_{hh}\rVert_2$, so its "
            r"norm is at most $\lVert W_{hh}\rVert_2^T = 0.9^{40} \approx 0.015$. (b) With zero "
            r"weights $i = o = \frac12$, $g = 0$ and $f = \sigma(b)$ at every step, so "
            r"$c_T = \sigma(b)^T c_0$ and $\partial c_T/\partial c_0 = \sigma(b)^T I$: "
            r"$0.5^{40} \approx 9 \cdot 10^{-13}$ for $b = 0$ and $0.953^{40} \approx 0.14$ for "
            r"$b = 3$. Autograd gave $9.09 \cdot 10^{-13}$ and 0.1432. (c) With $f = 1$ the "
            r"derivative is exactly $I$, but $c$ can only add up: on a long stream without resets it "
            r"keeps growing, $\tanh(c)$ saturates and the cell can never forget old information. The "
            "forget gate lets it reset itself."
        ),
        "written_gru_update_gate": (
            r"(a) $n_t$ is a tanh, so it is in $(-1, 1)$, and $z_t \in (0, 1)$, so "
            r"$h_t = (1 - z_t) n_t + z_t h_{t-1}$ is a weighted average of two numbers in $[-1, 1]$ "
            r"and stays in $[-1, 1]$; by induction for every $t$. (b) $f = i = 1$ and $g = 1$ give "
            r"$c_t = c_{t-1} + 1$. With $g = -1$ on a closing bracket, $c$ counts the open brackets, "
            r"without limit, while $h = o \tanh(c)$ stays bounded. A GRU's state is stuck in "
            r"$[-1, 1]$ and only writes as much as it forgets, so it cannot count that far."
        ),
        "written_char_memory": (
            "(a) The transitions are h→e, e→l, l→l, l→o, o→space three times each and space→h "
            "twice: 17. Only after l is there a choice (3 times l, 3 times o), so the best is 1/2 "
            r"each, which costs $\log 2$ six times; the other 11 can cost about 0: "
            r"$6\log 2/17 \approx 0.245$. (b) My last loss was 0.0015, and it went below 0.245 at "
            "the 12th step, so the state must know whether it is at the first or the second l: "
            "the hidden state remembers where we are in the word."
        ),
    },
    "nlp_lab": {
        "written_eval_mode": (
            r"(a) A kept activation becomes $x/(1-p)$, with probability $1 - p$, and a dropped one "
            r"0, so $E[\tilde x] = (1 - p) \cdot \frac{x}{1-p} = x$. The rescaling already happens "
            "in training, so at test time we can just use the expected value, which is $x$ itself: "
            "dropout becomes the identity, with no extra scaling. (b) I expected three different "
            "accuracies, a bit below predict's. I got three values between 0.93 and 0.95, against 0.952 with "
            "`predict`: each call drops a different random 30% of the units, so it is a different, "
            "weaker sub-network each time and the predictions are noisy and not reproducible. "
            "Leaving out `torch.no_grad()` would change none of the numbers; it only stops autograd "
            "from building the graph, which saves memory and time."
        ),
        "written_padding": (
            r"(a) $\mathcal{L}_{\text{all}} = \frac{N\bar\ell + P(-\log q)}{N + P}$. Predicting "
            r"`<pad>` after padding is easy, so $q \to 1$, $-\log q \to 0$ and "
            r"$\mathcal{L}_{\text{all}} \to \frac{N}{N + P}\bar\ell$: the loss and the perplexity get "
            "smaller because of the padding, not because the model knows more. A batch with lots "
            "of padding looks better than a full one, so the numbers depend on how the text was "
            "cut and cannot be compared. In training the plain mean rewards the useless pad task "
            r"and weights each real target by $1/(N + P)$ instead of $1/N$, so the learning rate "
            "depends on the padding. My loss averages only over the targets that are not "
            r"`pad_id`. (b) $\frac1T\big(\sum_{t \le n} h_t + (T - n) h_{\text{pad}}\big) = "
            r"\bar h + \frac{T - n}{T}(h_{\text{pad}} - \bar h)$. The summary is pulled towards "
            r"$h_{\text{pad}}$ by the padding fraction, which is set by the longest review of the "
            "batch, so the same review gets different logits in different batches (and alone), and "
            "short reviews are diluted most. My `TextClassifier` takes the LSTM's output at "
            "position length - 1, the last real token, so the pads after it never reach the "
            "summary. `check_TextClassifier` would catch it: it compares a short review's logits "
            "in a padded batch with its logits alone."
        ),
        "written_perplexity": (
            r"(a) $\mathrm{PPL} = \exp\big(-\frac1N \sum_i \log p_i\big) = "
            r"\big(\prod_i p_i\big)^{-1/N}$, one over the geometric mean of the $p_i$. Each "
            r"$p_i \le 1$, so the product is $\le 1$ and $\mathrm{PPL} \ge 1$, with equality only if "
            r"the product is 1, i.e. every $p_i = 1$. (b) If every $p_i \ge p$ then "
            r"$\prod_i p_i \ge p^N$ and $\mathrm{PPL} \le (p^N)^{-1/N} = 1/p$. The converse fails: "
            r"$p = (1, 1, 1/125)$ gives $\mathrm{PPL} = 125^{1/3} = 5$, but the third token only "
            "gets 0.008, below 1/100. So a low validation perplexity only says the model is good on "
            "average (a geometric mean): a few tokens can still be predicted very badly, and one "
            r"$p_i$ near 0 blows the perplexity up."
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
            r"(a) Pre-LN: $x_l = x_{l-1} + G_l(x_{l-1})$, with $G_l$ the block's sublayers on the "
            r"normalised input, so $x_L = x_0 + \sum_{l=1}^{L} G_l(x_{l-1})$ and "
            r"$\partial x_L/\partial x_0 = \prod_{l=L}^{1} (I + J_{G_l}) = I + \sum_l J_{G_l} + "
            r"\dots$. Post-LN: $x_l = \mathrm{LN}(u_l)$ with $u_l = x_{l-1} + F_l(x_{l-1})$, so "
            r"$\partial x_L/\partial x_0 = \prod_{l=L}^{1} J_{\mathrm{LN}}(u_l)(I + J_{F_l})$. The "
            r"term without a post-LN counterpart is the bare $I$: in pre-LN the gradient at the "
            r"output reaches $x_0$ unchanged, however deep the stack and whatever the blocks do. In "
            r"post-LN even the residual path goes through $L$ LayerNorm Jacobians, each rescaling by "
            r"$\gamma/\sigma$, so the gradient at the first block can shrink or grow geometrically "
            "with depth: that is why post-LN needs warm-up and pre-LN trains stably. "
            r"(b) $\partial\ell/\partial z_w = p_w - [w = y]$ with $p = \mathrm{softmax}(z)$. Tied: "
            r"$w$ is not in the input, so $E_w$ only enters through $z_w = h^\top E_w$ and "
            r"$\partial\ell/\partial E_w = (p_w - [w = y])\,h$, non-zero at every position. Untied: "
            r"$\partial\ell/\partial U_w = (p_w - [w = y])\,h$ at every position, but "
            r"$\partial\ell/\partial E_w = 0$: an input row only gets a gradient where its token is "
            "read. So untied, a rare token's input vector is trained only on its few occurrences "
            "and stays poor; tied, its row is trained at every position, so rare tokens get better "
            r"vectors (and we save $V \cdot d$ parameters). It assumes that tokens predicted in "
            "similar contexts should also be read alike."
        ),
        "written_eighty_ten_ten": (
            r"(a) Of all positions, $0.15 \times 0.8 = 12\%$ are `[MASK]`, "
            r"$0.15 \times 0.1 = 1.5\%$ get a random token (wrong unless the draw hits the "
            r"original, chance $1/V$), and $1.5\%$ are selected but left as they were. So 88% of "
            r"the positions show an ordinary token; of those about $0.015/0.88 \approx 1.7\%$ are "
            r"wrong and $0.03/0.88 \approx 3.4\%$ are targets. With `[MASK]` only, a visible token "
            "would never be a target and never wrong, so nothing would make the model build a good "
            "vector for the token it actually sees, and it would only predict at `[MASK]`, which "
            "never occurs in fine-tuning. The unchanged 10% make every visible token a possible "
            "target, so its output must represent the token itself in context; the random 10% mean "
            "a visible token may be wrong, so the model cannot just copy it and has to check it "
            "against the context. Both are rare (1.7%), so the input stays mostly trustworthy. "
            "(b) Frozen (0.62) < scratch (0.66): the frozen features were shaped by the source "
            "words; the film words (70% of a film review's sentiment words) have embeddings the "
            "source never trained and the frozen run cannot change, and the 4 flip words keep the "
            "source's polarity, so the head has little to read. Scratch can train every "
            "embedding, film words included, but from 40 labels only, so it overfits and stays "
            "low. Full (0.79) > scratch: it starts with trained generic words, verbs and verdicts "
            "and layers that already combine sentiment, so the 40 labels only have to place the 12 "
            "film words and re-sign the 4 flip words, which its encoder is free to do. For "
            r"product labels ($\mathcal D_T = \mathcal D_S$) the frozen features already fit, so I "
            "expect frozen to be about as good as full, maybe better (far fewer parameters to "
            "overfit 40 labels, nothing to damage in the encoder), both well above scratch."
        ),
    },
    "generative": {
        "written_taxonomy": (
            r"TinyGPT is explicit and exact: $\log p(x) = \sum_t \log p(x_t \mid x_{<t})$ comes "
            "out of one forward pass, but a sample needs $L$ passes, one token after the other. "
            r"The VAE is explicit but $p(x) = \int p(x \mid z) p(z)\,dz$ cannot be computed, only "
            "the ELBO, a lower bound; a sample is one decoder pass. The DDPM is also a latent "
            r"variable model (the latents are $x_1, \dots, x_T$) trained on a variational bound, "
            "so it gives a bound too, but sampling takes $T$ sequential passes (1000 here, the "
            "slow part of section 10). The GAN is implicit: it only has a sampler, one generator "
            r"pass, and no $p(x)$ or bound at all ($D$ is not a density). To flag outliers I need "
            "a likelihood, so TinyGPT (or the VAE's ELBO); for many fast samples the GAN or the "
            "VAE."
        ),
        "written_non_saturating": (
            r"$\frac{d}{da}\log(1 - \sigma(a)) = -\sigma(a)$ and "
            r"$\frac{d}{da}(-\log\sigma(a)) = -(1 - \sigma(a))$. At $\sigma(a) = 0.01$ they are "
            "0.01 and 0.99 in size, so with the minimax loss the generator gets almost no gradient "
            "exactly when the discriminator rejects its samples, and with the non-saturating one "
            "it gets almost the largest possible. My run ended with $\\mathcal L_D = 1.37$ and "
            r"$\mathcal L_G = 0.73$, close to $2\log 2 = 1.386$ and $\log 2 = 0.693$: $D$ is only a "
            "little better than guessing, so neither network is winning, which matches the "
            "histogram with all three modes."
        ),
        "written_receptive_field": (
            r"(a) The second layer reads 5 positions of the first, 2 apart, and each reads 5 "
            r"inputs, so $5 + (5 - 1) \cdot 2 = 13$ input positions. (b) Encoder: "
            r"$1 \cdot 8 \cdot 5 + 8 = 48$ and $8 \cdot 16 \cdot 5 + 16 = 656$, 704 in all. A "
            r"dense layer from 64 numbers to $16 \cdot 16 = 256$ has $64 \cdot 256 + 256 = 16640$. "
            "The convolution gives up a separate weight for every position and any connection "
            "between far-apart inputs: it assumes a pattern means the same wherever it is and that "
            "neighbours matter most, which is true for signals and for n-grams in text."
        ),
        "written_schedule_length": (
            r"(a) $\sum_t \beta_t \approx T(\beta_1 + \beta_T)/2 = 10.05$ for $T = 1000$, so "
            r"$\bar\alpha_T \approx e^{-10} \approx 4.5 \cdot 10^{-5}$ (my schedule: "
            r"$4.0 \cdot 10^{-5}$); for $T = 100$ about $e^{-1} = 0.37$ (mine: 0.365). (b) With "
            r"$T = 100$, $x_T$ still has $\sqrt{0.365} = 0.6$ of the data in it, so the model never "
            r"learned to start from pure noise and a chain started from $\mathcal N(0, I)$ starts "
            "from the wrong distribution: the samples come out off. I would raise the betas (or use "
            r"a cosine schedule) so that $\bar\alpha_T$ is near 0 again. (c) Training did not care "
            "about T (one random t per example) and took about 10 s; sampling needed 1000 "
            "passes one after the other, a few seconds for 2000 points here but the slow part "
            "of diffusion in general."
        ),
    },
}

# The partial sample's second written answer: a plausible mistake.
WRONG = {
    "generative": (
        "written_non_saturating",
        r"$\frac{d}{da}\log(1 - \sigma(a)) = -\sigma(a)$, which is 0.01 at $\sigma(a) = 0.01$, "
        r"and $-\log\sigma(a)$ has the same derivative with the sign flipped, so both losses give "
        "the generator the same small gradient; the non-saturating loss is used only because it "
        "is numerically more stable. My losses ended near 1.37 and 0.73, so the discriminator is "
        "clearly winning.",
    ),
    "foundations": (
        "written_gini_no_label",
        r"(a) The drawn class is right with probability $\sum_c p_c^2$, so the error rate is "
        r"$1 - \sum_c p_c^2$. (b) The loss is smallest when $q$ puts all its probability on the "
        r"majority class: its examples then cost $\log_2 1 = 0$, so only the other classes add to "
        r"the loss, and that is $H(p)$. So the label is the node's majority class and the tree "
        "only needs to know how mixed the node is, which is why no label appears in the impurity.",
    ),
    "transformers": (
        "written_pre_ln_tying",
        r"(a) In both cases $\partial x_L/\partial x_0$ is a product of $L$ factors "
        r"$(I + J_l)$, so they behave the same way; pre-LN is more stable only because normalising "
        "the input of every sublayer keeps the activations at unit scale, so the gradients cannot "
        r"explode. (b) $\partial\ell/\partial E_w = 0$ when $w$ is not in the input, tied or not, "
        r"since the embedding is only used for the tokens we read. Tying just saves the $V \cdot d$ "
        "parameters of the head; it does not change how rare tokens are trained.",
    ),
    "attention": (
        "written_causal_mask",
        r"(a) The mask makes $\alpha_{ij} = 0$ for $j > i$, so in one layer row $i$ only depends on "
        r"rows $\le i$ of $X$. In a stack this no longer holds: the feed-forward layers between the "
        r"attention layers mix the positions, so after two layers position $i$ sees the whole "
        "sequence and the mask only really protects the first layer. Training still works because "
        "the loss is computed at every position at once. (b) With the mask the earlier outputs did "
        "not change, without it they changed by up to 0.40.",
    ),
    "backprop": (
        "written_vanishing_sigmoid",
        r"(a) The weights have variance $1/d$, so they keep the norm about the same, and "
        r"$\sigma' \le \frac14$, so every layer divides the gradient by 4: the ratio should be "
        r"$4^{-19} \approx 4 \cdot 10^{-12}$, close to the printed $1.8 \cdot 10^{-12}$. (b) "
        r"Multiplying the weights by 4 multiplies the weight factor by 4, which exactly cancels the "
        r"$\frac14$ of $\sigma'$, so with `sigmoid_scale = 4` every layer gets the same gradient, "
        "and 8 or 16 make it explode. So a scale of 4 cures the vanishing gradient at no cost.",
    ),
    "vae": (
        "written_kl_term",
        r"(a) $E[(wz - x)^2] = (w\mu - x)^2$ because the noise has mean 0, so $\sigma$ only "
        r"appears in the KL term and $\sigma^2 = 1$, and $\mu = 2wx/(1 + 2w^2)$. (b) With $w = 0$ "
        r"the decoder ignores the code but the encoder still gives $\mu$ and $\sigma^2 = 1$, so "
        r"nothing changes. Without the KL $\sigma$ is not fixed by anything and the model overfits.",
    ),
    "lstm": (
        "written_gru_update_gate",
        r"(a) $n_t$ is in $(-1, 1)$, but $h_t = (1 - z_t) n_t + z_t h_{t-1}$ adds it to the old "
        r"state, so $|h_t| \le |h_{t-1}| + 1$: the state is not bounded, it can grow by up to 1 "
        r"per step. (b) $f = i = g = 1$ gives $c_t = c_{t-1} + 1$, and the GRU can count the same "
        "way, so both can track how deep the brackets are nested.",
    ),
    "nlp_lab": (
        "written_padding",
        r"(a) $\mathcal{L}_{\text{all}} = \frac{N\bar\ell + P(-\log q)}{N + P}$. As $q \to 1$ the "
        r"pad terms go to 0, so once the model has learned the pads they stop mattering and the "
        "loss and the perplexity are the same as without them. (b) The pad embeddings are zero "
        "vectors, so they add nothing to the sum and the mean is the same as over the real tokens; "
        "batching with a longer review changes nothing.",
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
