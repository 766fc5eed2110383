"""Correct, with Python loops: each column's non-NaN training values sorted, the lower middle one
taken, and copies of the splits filled entry by entry."""

import math


def impute(train, *others):
    d = train.shape[1]
    medians = []
    for j in range(d):
        seen = sorted(v for v in train[:, j].tolist() if not math.isnan(v))
        medians.append(seen[(len(seen) - 1) // 2] if seen else 0.0)
    out = []
    for split in (train, *others):
        filled = split.clone()
        for i in range(split.shape[0]):
            for j in range(d):
                if math.isnan(float(split[i, j])):
                    filled[i, j] = medians[j]
        out.append(filled)
    return tuple(out)
