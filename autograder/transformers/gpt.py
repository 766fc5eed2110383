"""The student's TinyGPT holding a state dict the trusted side made, and the sizes shared by the
TinyGPT and generate tests."""

import torch

V, D, HEADS, LAYERS, MAX_LEN = 13, 8, 2, 2, 12


def loaded(student, sd, **kw):
    """The student's TinyGPT in eval mode, holding the state dict sd (names from the docstring)."""
    student.seed(0)
    m = student.keep.TinyGPT(V, D, HEADS, LAYERS, MAX_LEN)
    # a key the model lacks fails inside load_state_dict: the student reads torch's own message,
    # which names the missing and unexpected keys
    m.method("load_state_dict", sd, **kw)
    m.method("eval")
    return m


def ids_of(B, T, seed):
    return torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(seed))
