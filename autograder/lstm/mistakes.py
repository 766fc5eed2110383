"""Catalogued misconceptions for the lstm assignment, as (hint, wrong output) pairs.

Each `*_mistakes` function computes, on the trusted side and in float64, what a known wrong
implementation would return for the same inputs, so that a student's output can be recognised
and named.
"""

import torch

TRANSPOSE = "the weights follow nn.Linear's (out, in) convention: multiply x @ weight_ih.T and h @ weight_hh.T"
NO_BIAS_HH = "bias_hh is missing: PyTorch's cells add both bias_ih and bias_hh"
NO_BIAS_IH = "bias_ih is missing: PyTorch's cells add both bias_ih and bias_hh"


def _d(*ts):
    return [None if t is None else t.double() for t in ts]


def _lin(x, W, b, transpose=True):
    out = x @ (W.T if transpose else W)
    return out if b is None else out + b


# ------------------------------------------------------------------ RNN


def rnn_mistakes(x, h, W_ih, W_hh, b_ih=None, b_hh=None):
    x, h, W_ih, W_hh, b_ih, b_hh = _d(x, h, W_ih, W_hh, b_ih, b_hh)

    def pre(tr=True, use_ih=True, use_hh=True):
        return _lin(x, W_ih, b_ih if use_ih else None, tr) + _lin(
            h, W_hh, b_hh if use_hh else None, tr
        )

    out = [
        ("the Elman cell uses tanh, not ReLU", torch.relu(pre())),
        ("the Elman cell uses tanh, not sigmoid", torch.sigmoid(pre())),
        ("the nonlinearity is missing: h' = tanh(...)", pre()),
        (
            "the previous state h is ignored: add h @ weight_hh.T",
            torch.tanh(_lin(x, W_ih, b_ih) + (0 if b_hh is None else b_hh)),
        ),
    ]
    if b_hh is not None:
        out.append((NO_BIAS_HH, torch.tanh(pre(use_hh=False))))
    if b_ih is not None:
        out.append((NO_BIAS_IH, torch.tanh(pre(use_ih=False))))
    if W_ih.shape[0] == W_ih.shape[1]:
        out.append((TRANSPOSE, torch.tanh(pre(tr=False))))
    return out


# ------------------------------------------------------------------ LSTM


def _lstm(
    x,
    h,
    c,
    W_ih,
    W_hh,
    b_ih,
    b_hh,
    *,
    order="ifgo",
    g_act="tanh",
    h_tanh=True,
    h_from_old_c=False,
    forget_on_candidate=False,
    no_input_gate=False,
    tr=True,
    use_ih=True,
    use_hh=True,
):
    gates = _lin(x, W_ih, b_ih if use_ih else None, tr) + _lin(
        h, W_hh, b_hh if use_hh else None, tr
    )
    parts = dict(zip(order, gates.chunk(4, dim=-1), strict=True))
    i, f, o = torch.sigmoid(parts["i"]), torch.sigmoid(parts["f"]), torch.sigmoid(parts["o"])
    g = torch.tanh(parts["g"]) if g_act == "tanh" else torch.sigmoid(parts["g"])
    if forget_on_candidate:
        c_next = f * g + i * c
    elif no_input_gate:
        c_next = f * c + g
    else:
        c_next = f * c + i * g
    c_used = c if h_from_old_c else c_next
    h_next = o * (torch.tanh(c_used) if h_tanh else c_used)
    return h_next, c_next


def lstm_reference(x, h, c, W_ih, W_hh, b_ih=None, b_hh=None):
    """The correct cell in float64 (used by the unroll mistakes)."""
    return _lstm(x, h, c, W_ih, W_hh, b_ih, b_hh)


def lstm_mistakes(x, h, c, W_ih, W_hh, b_ih=None, b_hh=None, *, which=0):
    """Wrong (h_next if which == 0 else c_next) for each catalogued lstm_cell mistake."""
    args = _d(x, h, c, W_ih, W_hh, b_ih, b_hh)
    cases = [
        (
            "the gates are in the wrong order: the rows of the weights are stacked as i, f, g, o (input, forget, candidate, output)",
            dict(order="ifog"),
        ),
        (
            "the gates are in the wrong order: the rows of the weights are stacked as i, f, g, o (input, forget, candidate, output)",
            dict(order="igfo"),
        ),
        (
            "the candidate g uses tanh, not sigmoid (only the gates i, f, o are sigmoids)",
            dict(g_act="sigmoid"),
        ),
        (
            "h' = o * tanh(c'): squash the new cell state with tanh before applying the output gate",
            dict(h_tanh=False),
        ),
        (
            "h' is computed from the old cell state: use the new one, h' = o * tanh(c')",
            dict(h_from_old_c=True),
        ),
        # c' = f * g + i * c is the same as reading the blocks in the order f, i, g, o
        (
            "the input and forget gates are swapped: the forget gate scales the old cell state and the input gate the candidate, c' = f * c + i * g (rows 0:H are i, H:2H are f)",
            dict(forget_on_candidate=True),
        ),
        ("the input gate is missing: c' = f * c + i * g", dict(no_input_gate=True)),
    ]
    if b_hh is not None:
        cases.append((NO_BIAS_HH, dict(use_hh=False)))
    if b_ih is not None:
        cases.append((NO_BIAS_IH, dict(use_ih=False)))
    out = [(hint, _lstm(*args, **kw)[which]) for hint, kw in cases]
    right = _lstm(*args)
    out.append(
        ("the state is returned in the wrong order: return (h_next, c_next)", right[1 - which])
    )
    return out


# ------------------------------------------------------------------ GRU


def _gru(
    x,
    h,
    W_ih,
    W_hh,
    b_ih,
    b_hh,
    *,
    order="rzn",
    swap_interp=False,
    bias_outside_reset=False,
    reset_before_product=False,
    no_reset=False,
    n_act="tanh",
    tr=True,
    use_ih=True,
    use_hh=True,
):
    gi = _lin(x, W_ih, b_ih if use_ih else None, tr)
    gh = _lin(h, W_hh, None, tr)
    bh = b_hh if (use_hh and b_hh is not None) else torch.zeros_like(gh[0])
    pi = dict(zip(order, gi.chunk(3, dim=-1), strict=True))
    ph = dict(zip(order, gh.chunk(3, dim=-1), strict=True))
    pb = dict(zip(order, bh.chunk(3, dim=-1), strict=True))
    r = torch.sigmoid(pi["r"] + ph["r"] + pb["r"])
    z = torch.sigmoid(pi["z"] + ph["z"] + pb["z"])
    if reset_before_product:  # Cho et al.: W_hn (r * h) + b_hn
        W_hn = W_hh.chunk(3, dim=0)[order.index("n")]
        rec = _lin(r * h, W_hn, None, tr) + pb["n"]
    elif no_reset:
        rec = ph["n"] + pb["n"]
    elif bias_outside_reset:
        rec = r * ph["n"] + pb["n"]
    else:
        rec = r * (ph["n"] + pb["n"])
    act = torch.tanh if n_act == "tanh" else torch.sigmoid
    n = act(pi["n"] + rec)
    return z * n + (1 - z) * h if swap_interp else (1 - z) * n + z * h


def gru_mistakes(x, h, W_ih, W_hh, b_ih=None, b_hh=None):
    args = _d(x, h, W_ih, W_hh, b_ih, b_hh)
    cases = [
        (
            "the gates are in the wrong order: the rows of the weights are stacked as r, z, n (reset, update, new)",
            dict(order="zrn"),
        ),
        (
            "the gates are in the wrong order: the rows of the weights are stacked as r, z, n (reset, update, new)",
            dict(order="nrz"),
        ),
        (
            "the update gate interpolates the other way round: h' = (1 - z) * n + z * h (z = 1 keeps the old state)",
            dict(swap_interp=True),
        ),
        (
            "the reset gate scales W_hn h + b_hn, bias included: n = tanh(i_n + r * (W_hn h + b_hn))",
            dict(reset_before_product=True),
        ),
        (
            "the reset gate is not applied: it scales W_hn h + b_hn, bias included: n = tanh(i_n + r * (W_hn h + b_hn))",
            dict(no_reset=True),
        ),
        ("the candidate n uses tanh, not sigmoid", dict(n_act="sigmoid")),
    ]
    if b_hh is not None:
        cases.insert(
            3,
            (
                "the reset gate scales W_hn h + b_hn, bias included: n = tanh(i_n + r * (W_hn h + b_hn))",
                dict(bias_outside_reset=True),
            ),
        )
        cases.append((NO_BIAS_HH, dict(use_hh=False)))
    if b_ih is not None:
        cases.append((NO_BIAS_IH, dict(use_ih=False)))
    return [(hint, _gru(*args, **kw)) for hint, kw in cases]


# ------------------------------------------------------------------ unroll


def unroll_mistakes(xs, h0, c0, W_ih, W_hh, b_ih=None, b_hh=None, *, which="outputs"):
    """Wrong outputs (which="outputs") or final h (which="h") / c (which="c") of unroll."""
    xs, h0, c0, W_ih, W_hh, b_ih, b_hh = _d(xs, h0, c0, W_ih, W_hh, b_ih, b_hh)
    w = (W_ih, W_hh, b_ih, b_hh)

    def run(carry_h=True, carry_c=True, reverse=False, keep="h"):
        h, c = h0, c0
        outs, cs = [], []
        steps = reversed(range(len(xs))) if reverse else range(len(xs))
        for t in steps:
            h_new, c_new = lstm_reference(xs[t], h if carry_h else h0, c if carry_c else c0, *w)
            h, c = h_new, c_new
            outs.append(h_new)
            cs.append(c_new)
        if reverse:
            outs, cs = outs[::-1], cs[::-1]
        return torch.stack(outs if keep == "h" else cs), h, c

    right, h_T, c_T = run()
    T, N, H = right.shape
    reset = "carry the state: step t starts from the (h, c) left by step t-1, not from the initial state (h0, c0)"
    variants = [
        (reset, run(carry_h=False, carry_c=False)),
        (reset, run(carry_h=False)),
        (reset, run(carry_c=False)),
        (
            "the sequence is read backwards: process xs[0], xs[1], ... in time order",
            run(reverse=True),
        ),
    ]
    if which == "outputs":
        out = [(hint, v[0]) for hint, v in variants]
        out += [
            (
                "the outputs are the hidden states h after every step, not the cell states c",
                run(keep="c")[0],
            ),
            (
                "return the hidden state of every time step, stacked to (T, N, H), not only the last one",
                h_T,
            ),
            (
                "return the hidden state of every time step, stacked to (T, N, H), not only the last one",
                h_T.unsqueeze(0),
            ),
            (
                "the outputs are stacked along the wrong axis: time comes first, (T, N, H)",
                right.transpose(0, 1),
            ),
            (
                "the outputs are stacked along the wrong axis: time comes first, (T, N, H)",
                right.permute(1, 2, 0),
            ),
            (
                "the outputs are concatenated instead of stacked: stack them along a new time axis, (T, N, H)",
                right.transpose(0, 1).reshape(N, T * H),
            ),
            (
                "the outputs are concatenated instead of stacked: stack them along a new time axis, (T, N, H)",
                right.reshape(T * N, H),
            ),
            (
                "the outputs are shifted by one step: outputs[t] is the h after reading xs[t] (outputs[0] is not h0)",
                torch.cat([h0.unsqueeze(0), right[:-1]]),
            ),
        ]
        return out
    k = 1 if which == "h" else 2
    out = [(hint, v[k]) for hint, v in variants]
    out += [
        (
            "return the final state (h_T, c_T) after the last step, not the initial state",
            h0 if which == "h" else c0,
        ),
        (
            "the final state is returned in the wrong order: return (h_T, c_T)",
            c_T if which == "h" else h_T,
        ),
    ]
    return out
