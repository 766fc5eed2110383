"""Regenerate the sample submissions in examples/<assignment>/ from the release notebooks.

Each sample is the student release with some cells filled in, the way a student would.
For every assignment: perfect (its first correct alternative in tests/alternatives/, not the
reference), partial (that plus two catalogued mistakes from tests/mutants/) and untouched (the
stubs). attention also has:
  perfect    correct, written with einsum (tests/alternatives/attention/einsum.py), not the reference
  partial    two catalogued mistakes (tests/mutants/attention/)
  broken     an infinite loop, os._exit, a syntax error and an untouched stub
  cheating   reads the hidden tests, patches torch.allclose, uses a banned API, forges results.json
  unreadable a notebook truncated in transit

Run: .venv/bin/python examples/make_examples.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from dlnlp.build.fill import fill as fill_cells

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "examples" / "attention"


def _release(assignment: str = "attention") -> nbformat.NotebookNode:
    return nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def _stub(function: str) -> str:
    return next(
        c.source
        for c in _release().cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == function
    )


def fill(
    *codes: str, raw: dict[str, str] | None = None, assignment: str = "attention"
) -> nbformat.NotebookNode:
    """The student release with the `codes` filled in, the way a student would."""
    return fill_cells(_release(assignment), *codes, raw=raw)


def _target(mutant: Path) -> str:
    return next(
        line.split(": ", 1)[1]
        for line in mutant.read_text().splitlines()
        if line.startswith("target: ")
    )


def generic_samples(assignment: str) -> dict[str, nbformat.NotebookNode]:
    """perfect, partial (two mistakes in different functions) and untouched."""
    perfect = sorted((REPO / "tests/alternatives" / assignment).glob("*.py"))[0].read_text()
    mutants = sorted((REPO / "tests/mutants" / assignment).glob("*.py"))
    first = mutants[0]
    second = next(m for m in mutants if _target(m) != _target(first))
    return {
        "perfect": fill(perfect, assignment=assignment),
        "partial": fill(perfect, first.read_text(), second.read_text(), assignment=assignment),
        "untouched": _release(assignment),
    }


def main() -> None:
    einsum = (REPO / "tests/alternatives/attention/einsum.py").read_text()
    mutant = lambda name: (REPO / "tests/mutants/attention" / f"{name}.py").read_text()  # noqa: E731
    samples = {
        "perfect": fill(einsum),
        "partial": fill(einsum, mutant("sdpa_no_scaling"), mutant("pe_sin_cos_swapped")),
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
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in samples.items():
        nbformat.write(nb, OUT / f"{name}.ipynb")
    text = (OUT / "perfect.ipynb").read_text()
    (OUT / "unreadable.ipynb").write_text(text[: len(text) // 3])
    for assignment in ("backprop", "vae", "lstm", "nlp_lab"):
        folder = REPO / "examples" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, nb in generic_samples(assignment).items():
            nbformat.write(nb, folder / f"{name}.ipynb")


if __name__ == "__main__":
    main()
