"""Generate the two small data sets of the `generative` assignment, byte for byte the same on
every run and platform (the standard library's `random`, seeded; numbers written with 4 decimals).

* ``mixture.txt`` (released): 2000 draws of a 1-D mixture of three Gaussians, one number per line.
  Means -4, 0 and 4, each with standard deviation 0.4 and weight 1/3: three well-separated modes,
  so that a generator that drops one is plain to see. The GAN of section 4 learns it.
* ``moons.txt`` (released): 2000 points of two interleaving half circles ("two moons"), one
  ``x y`` pair per line, with Gaussian noise of 0.05, then standardised (each axis to mean 0 and
  standard deviation 1 over the 4000 points drawn), so that a diffusion model's N(0, I) noise and
  the data have the same scale. The DDPM of sections 6 to 10 learns it.
* ``moons_heldout.txt`` (hidden, beside this script): the other 2000 of those 4000 points, which
  the hidden tests compare a trained model's samples with. Never released.

Run from anywhere: ``python autograder/generative/data/make_data.py``.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[2] / "assignments" / "generative" / "data"

SEED = 2026
MEANS = (-4.0, 0.0, 4.0)  # the mixture's modes
STD = 0.4  # each mode's standard deviation
N_MIXTURE = 2000
N_MOONS = 2000  # released; as many again are held out
MOON_NOISE = 0.05


def mixture(n: int, rng: random.Random) -> list[float]:
    return [rng.gauss(rng.choice(MEANS), STD) for _ in range(n)]


def moons(n: int, rng: random.Random) -> list[tuple[float, float]]:
    """n points, each on the upper moon (cos a, sin a) or the lower one (1 - cos a, 1/2 - sin a)
    with equal probability, a ~ U(0, pi), plus N(0, noise^2) on each axis."""
    points = []
    for _ in range(n):
        a = rng.uniform(0.0, math.pi)
        upper = rng.random() < 0.5
        x, y = (math.cos(a), math.sin(a)) if upper else (1 - math.cos(a), 0.5 - math.sin(a))
        points.append((x + rng.gauss(0.0, MOON_NOISE), y + rng.gauss(0.0, MOON_NOISE)))
    return points


def standardised(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    columns = list(zip(*points, strict=True))
    means = [sum(c) / len(c) for c in columns]
    stds = [
        math.sqrt(sum((v - m) ** 2 for v in c) / len(c))
        for c, m in zip(columns, means, strict=True)
    ]
    return [tuple((v - m) / s for v, m, s in zip(p, means, stds, strict=True)) for p in points]  # type: ignore[misc]


def write(path: Path, rows: list) -> None:
    lines = [" ".join(f"{v:.4f}" for v in (r if isinstance(r, tuple) else (r,))) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(public: Path = PUBLIC, hidden: Path = HERE) -> None:
    public.mkdir(parents=True, exist_ok=True)
    hidden.mkdir(parents=True, exist_ok=True)
    write(public / "mixture.txt", mixture(N_MIXTURE, random.Random(f"{SEED}-mixture")))
    points = standardised(moons(2 * N_MOONS, random.Random(f"{SEED}-moons")))
    write(public / "moons.txt", points[:N_MOONS])
    write(hidden / "moons_heldout.txt", points[N_MOONS:])


if __name__ == "__main__":
    main()
