"""The numba code of the status engine's roll-up over many value columns (see
:func:`jingjin.engines.status.rollup._rollup_levels`, which imports this module on first use).

:func:`rollup_levels` gives the numpy path's results to the last bit: every sum runs over a
parent's children in row order, as ``np.bincount`` adds them, with the same products and
quotients and no reordering or fused multiply-adds (numba's default). The numpy path makes
three ``bincount`` arrays of every node × month cell and several copies per level of the tree;
here one pass over the children of each level adds into their parents' cells in place
(``bench/bench_rollup.py``).
"""

# mypy: ignore-errors

from __future__ import annotations

import numpy as np
from numba import njit

#: ``np.nan_to_num``'s stand-ins for the infinities (``missing="zero"``).
BIGGEST = np.finfo(np.float64).max


@njit(cache=True)
def by_depth(depth):  # pragma: no cover - compiled
    """The rows ordered by depth, in row order within a depth (a counting sort), and where each
    depth starts in that order (``starts[d]`` to ``starts[d + 1]``)."""
    n = depth.size
    deepest = 0
    for i in range(n):
        deepest = max(deepest, depth[i])
    starts = np.zeros(deepest + 2, dtype=np.int64)
    for i in range(n):
        starts[depth[i] + 1] += 1
    for d in range(deepest + 1):
        starts[d + 1] += starts[d]
    order = np.empty(n, dtype=np.int64)
    filled = starts[:-1].copy()
    for i in range(n):
        order[filled[depth[i]]] = i
        filled[depth[i]] += 1
    return order, starts


@njit(cache=True)
def rollup_levels(up, depth, weight, own, zero):  # pragma: no cover - compiled
    """(roll-up, coverage) of the n × k matrix ``own`` over the forest ``up`` (each node's parent
    row, −1 for a root) whose depths are ``depth`` (``rollup._depths``), as
    ``rollup._rollup_levels``: ``weight`` has no NaN (the caller counts them 1); ``zero``: a
    child without a value counts 0.

    A parent's result and coverage cells hold its sums while its children are added (the
    weighted values, the weighted coverage); its denominators are in a matrix of the parents
    only. The children are added level by level from the deepest, in row order within a level
    (:func:`by_depth`), and a level's parents are settled before the level above reads them."""
    n, k = own.shape
    children = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if up[i] >= 0:
            children[up[i]] += 1
    order, starts = by_depth(depth)
    deepest = starts.size - 2
    # Each parent's place among the parents (its row of ``denominator``).
    place = np.full(n, -1, dtype=np.int64)
    parents = 0
    for i in range(n):
        if children[i]:
            place[i] = parents
            parents += 1
    # The sum of each parent's children's weights in row order (as ``np.bincount``): where it is
    # 0, the children count equally.
    weights = np.zeros(n)
    for i in range(n):
        if up[i] >= 0:
            weights[up[i]] += weight[i]
    result = np.empty((n, k))
    coverage = np.empty((n, k))
    for i in range(n):
        if children[i]:
            result[i, :] = 0.0
            coverage[i, :] = 0.0
        else:
            for j in range(k):
                v = own[i, j]
                result[i, j] = v
                coverage[i, j] = 0.0 if np.isnan(v) else 1.0
    denominator = np.zeros((parents, k))
    for level in range(deepest, 0, -1):
        for at in range(starts[level], starts[level + 1]):
            i = order[at]
            p = up[i]
            w = weight[i] if weights[p] != 0.0 else 1.0
            value, covered = result[i], coverage[i]
            sums, shares, below = result[p], coverage[p], denominator[place[p]]
            # Loops without a branch (the compiler runs them on vectors). A value left out adds
            # 0.0, as numpy's path does: a sum that starts at +0.0 is never −0.0, so adding 0.0
            # changes no bit of it.
            if zero:
                for j in range(k):
                    v = value[j]
                    v = 0.0 if np.isnan(v) else min(max(v, -BIGGEST), BIGGEST)  # np.nan_to_num
                    sums[j] += w * v
                    below[j] += w
                    shares[j] += w * covered[j]
            else:
                for j in range(k):
                    v = value[j]
                    has = not np.isnan(v)
                    sums[j] += w * v if has else 0.0
                    below[j] += w if has else 0.0
                    shares[j] += w * covered[j]
        # The parents of this level (one level up) settled: mean of the values, share covered.
        for at in range(starts[level - 1], starts[level]):
            p = order[at]
            if not children[p]:
                continue
            q = place[p]
            # All weights 0: each child counted 1, so their sum is the number of children.
            total = weights[p] if weights[p] != 0.0 else float(children[p])
            for j in range(k):
                d = denominator[q, j]
                result[p, j] = result[p, j] / d if d > 0 else np.nan
                coverage[p, j] = coverage[p, j] / total if total > 0 else 0.0
    return result, coverage
