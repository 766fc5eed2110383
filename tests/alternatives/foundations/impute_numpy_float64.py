"""Correct, in NumPy and float64: NaN sorts last, so the lower median of column j sits at index
(count_j - 1) // 2 of the sorted column; np.where fills new arrays."""

import numpy as np
import torch


def impute(train, *others):
    t = train.detach().numpy().astype(np.float64)
    count = (~np.isnan(t)).sum(axis=0)
    ordered = np.sort(t, axis=0)
    index = np.maximum(count - 1, 0) // 2
    median = np.where(count > 0, ordered[index, np.arange(t.shape[1])], 0.0)
    out = []
    for split in (train, *others):
        s = split.detach().numpy().astype(np.float64)
        out.append(torch.from_numpy(np.where(np.isnan(s), median, s)).to(train.dtype))
    return tuple(out)
