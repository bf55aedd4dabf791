"""Entropy weights, TOPSIS and ranks on plain arrays (熵权法, 逼近理想解排序法).

Sources: Hwang & Yoon (1981), *Multiple Attribute Decision Making*, pp. 128–134 (TOPSIS);
the entropy weight method as used in Chinese evaluation practice. The loops work on blocks
of rows transposed into cache, so that reductions run along contiguous memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from jingjin.engines._lazy import compiled_module
from jingjin.engines.scoring._inputs import rows_text

_CHUNK = 8_192  # rows per block in the TOPSIS and entropy loops (a block stays in cache)
_ENTROPY_ROUNDING = 1e-12


def _column_blocks(matrix: np.ndarray) -> Iterator[np.ndarray]:
    """Blocks of ``_CHUNK`` rows, transposed (criteria × rows, C-contiguous), reusing one buffer.

    Reductions over rows then run along contiguous memory (vectorised inner loops) on a
    block that stays in cache; every yielded block is overwritten by the next one.
    """
    m, n = matrix.shape
    buffer = np.empty((n, min(_CHUNK, m)))
    for start in range(0, m, _CHUNK):
        rows = matrix[start : start + _CHUNK]
        block = buffer[:, : rows.shape[0]]
        block[...] = rows.T
        yield block


def _as_matrix(X: Any) -> np.ndarray:
    """``X`` as a float64 matrix; the finiteness check is left to :func:`_refuse_non_finite`."""
    matrix = np.asarray(X, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D matrix (rows × criteria), got {matrix.ndim} dimension(s)")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"empty matrix of shape {matrix.shape}")
    return matrix


def _refuse_non_finite(matrix: np.ndarray) -> None:
    """Raise naming the first NaN/inf cell (called when a statistic came out non-finite)."""
    bad = ~np.isfinite(matrix)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise ValueError(f"non-finite value at row {rows[0] + 1}, criterion {cols[0] + 1}")


def entropy_weights(X: Any) -> np.ndarray:
    """Entropy weights (熵权法) of the criteria (columns) of ``X``.

    Parameters
    ----------
    X : array-like, shape (m, n)
        m rows (alternatives) × n criteria, every value ≥ 0 (any unit: the method is
        invariant to scaling a column).

    Returns
    -------
    ndarray, shape (n,)
        Weights w_j ≥ 0 with Σ w_j = 1.

    Formula
    -------
    p_ij = x_ij / Σ_i x_ij;  e_j = −(1/ln m) Σ_i p_ij ln p_ij with 0·ln 0 = 0;
    d_j = 1 − e_j;  w_j = d_j / Σ_j d_j, and equal weights 1/n when every d_j is 0.

    The sum is evaluated as Σ_i p_ij ln p_ij = (Σ_i x_ij ln x_ij) / S_j − ln S_j with
    S_j = Σ_i x_ij, which is the same quantity without forming p. A column of zeros carries
    no information (d_j = 0); with one row (ln m = 0) every weight is 1/n; d_j below 1e-12
    is rounding error of a constant column and counts as 0.
    """
    matrix = _as_matrix(X)
    m, n = matrix.shape
    totals, xlogx, negative = _entropy_sums(matrix)
    if not (np.isfinite(totals).all() and np.isfinite(xlogx).all()):
        _refuse_non_finite(matrix)
    if negative:
        rows, cols = np.nonzero(matrix < 0)
        raise ValueError(
            f"entropy weights need values ≥ 0: negative value at row {rows[0] + 1}, criterion {cols[0] + 1}"
        )
    if m == 1:
        return np.full(n, 1.0 / n)
    positive = totals > 0
    safe = np.where(positive, totals, 1.0)
    plogp = xlogx / safe - np.log(safe)
    entropy = np.where(positive, -plogp / math.log(m), 1.0)
    divergence = 1.0 - entropy
    divergence[divergence < _ENTROPY_ROUNDING] = 0.0  # a constant column, up to rounding
    total = divergence.sum()
    if total <= 0:
        return np.full(n, 1.0 / n)
    return divergence / total


def _entropy_sums(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Σ_i x_ij and Σ_i x_ij·ln x_ij of each column (0·ln 0 = 0), and whether a value is negative.

    Row blocks of ``_CHUNK`` as they lie in memory (no transposing copy): the block's least value
    (one flat reduction) decides whether its logarithm can be taken as it is (every value > 0) or
    of max(x, tiny) (x·ln(tiny) is exactly 0 at x = 0); x·ln x is formed in place, and both column
    sums are products with a vector of ones (BLAS: a column sum of a narrow row-major block by
    ``sum(axis=0)`` runs a short loop per row). A NaN passes through to the sums, where the
    caller's finiteness check finds it; the blocks' sums are added in block order."""
    m, n = matrix.shape
    tiny = np.finfo(np.float64).tiny
    totals, xlogx = np.zeros(n), np.zeros(n)
    negative = False
    size = min(_CHUNK, m)
    logs_buffer, ones = np.empty((size, n)), np.ones(size)
    part = np.empty(n)
    for start in range(0, m, _CHUNK):
        rows = matrix[start : start + _CHUNK]
        logs, o = logs_buffer[: rows.shape[0]], ones[: rows.shape[0]]
        least = rows.min()
        if least > 0:  # no zero (nor negative, nor NaN)
            np.log(rows, out=logs)
        else:
            np.maximum(rows, tiny, out=logs)
            np.log(logs, out=logs)
            negative = negative or bool(least < 0)
        np.multiply(rows, logs, out=logs)
        totals += np.dot(o, rows, out=part)
        xlogx += np.dot(o, logs, out=part)
    return totals, xlogx, negative


def _as_benefit(benefit: Any, n: int) -> np.ndarray:
    flags = np.asarray(benefit)
    if flags.ndim == 0:
        flags = np.full(n, bool(flags))
    if flags.shape != (n,):
        raise ValueError(f"benefit must give one flag per criterion ({n}), got shape {flags.shape}")
    if flags.dtype.kind in "iuf":
        if not np.isin(flags, (1, -1, 0)).all():
            raise ValueError("benefit flags must be booleans, or 1 (benefit) / -1 (cost)")
        return flags > 0
    return flags.astype(bool)


def _as_weights(weights: Any, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"expected {n} weights, got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and ≥ 0")
    return w


@dataclass(frozen=True)
class TopsisParts:
    """Intermediate quantities of TOPSIS, for explanations."""

    scale: np.ndarray  # w_j / sqrt(Σ_i x_ij²): v_ij = x_ij × scale_j
    best: np.ndarray  # ideal best v⁺_j
    worst: np.ndarray  # ideal worst v⁻_j
    d_best: np.ndarray  # D⁺_i
    d_worst: np.ndarray  # D⁻_i
    score: np.ndarray  # D⁻ / (D⁺ + D⁻)


#: Which path computes TOPSIS: ``"numba"`` (the compiled two passes of
#: :mod:`jingjin.engines.scoring._compiled`, default, for row-major matrices) or ``"numpy"``
#: (the reference path on transposed cache blocks, also used for column-major matrices).
KERNEL = "numba"


def _compiled() -> Any:
    """The numba module, or None without numba (:func:`jingjin.engines._lazy.compiled_module`)."""
    return compiled_module("jingjin.engines.scoring._compiled")


def topsis_parts(X: Any, weights: Any, benefit: Any, reference: np.ndarray | None = None) -> TopsisParts:
    """TOPSIS with every intermediate; see :func:`topsis`.

    ``reference`` (boolean mask over rows) selects the rows whose norms and ideal points
    define the scale (default: all rows); every row is then scored against them.
    """
    return _topsis(X, weights, benefit, reference, keep=True)


def _topsis(X: Any, weights: Any, benefit: Any, reference: np.ndarray | None, *, keep: bool) -> TopsisParts:
    """:func:`topsis_parts`; without ``keep`` the distances are not kept (empty arrays)."""
    matrix = _as_matrix(X)
    m, n = matrix.shape
    w = _as_weights(weights, n)
    good = _as_benefit(benefit, n)
    ref = matrix if reference is None else matrix[np.asarray(reference, dtype=bool)]
    if ref.shape[0] == 0:
        raise ValueError("no reference rows for TOPSIS")
    compiled = _compiled() if KERNEL == "numba" and matrix.flags.c_contiguous else None
    if compiled is not None:
        squares, high_x, low_x = compiled.run(compiled.stats, np.ascontiguousarray(ref))
    else:
        squares = np.zeros(n)
        high_x = np.full(n, -np.inf)
        low_x = np.full(n, np.inf)
        for block in _column_blocks(ref):
            squares += np.einsum("ij,ij->i", block, block)
            np.maximum(high_x, block.max(axis=1), out=high_x)
            np.minimum(low_x, block.min(axis=1), out=low_x)
    if not np.isfinite(squares).all():
        _refuse_non_finite(ref)
    norms = np.sqrt(squares)
    scale = np.divide(w, norms, out=np.zeros(n), where=norms > 0)
    best_x = np.where(good, high_x, low_x)  # the ideal points in the input's units
    worst_x = np.where(good, low_x, high_x)
    best = best_x * scale
    worst = worst_x * scale
    # D² = Σ_j scale_j² (x_ij − x*_j)²: the same sum as Σ_j (v_ij − v*_j)², without forming v
    scale2 = scale * scale
    if compiled is not None:
        d_best = np.empty(m if keep else 0)
        d_worst = np.empty(m if keep else 0)
        score = np.empty(m)
        if not compiled.run(compiled.distances, matrix, best_x, worst_x, scale2, d_best, d_worst, score):
            _refuse_non_finite(matrix)
        return TopsisParts(scale, best, worst, d_best, d_worst, score)
    d_best = np.empty(m)
    d_worst = np.empty(m)
    diff = np.empty((n, _CHUNK))
    start = 0
    for block in _column_blocks(matrix):
        stop = start + block.shape[1]
        d = diff[:, : block.shape[1]]
        np.subtract(block, best_x[:, None], out=d)
        np.multiply(d, d, out=d)
        np.dot(scale2, d, out=d_best[start:stop])
        np.subtract(block, worst_x[:, None], out=d)
        np.multiply(d, d, out=d)
        np.dot(scale2, d, out=d_worst[start:stop])
        start = stop
    if not (np.isfinite(d_best).all() and np.isfinite(d_worst).all()):
        _refuse_non_finite(matrix)
    np.sqrt(d_best, out=d_best)
    np.sqrt(d_worst, out=d_worst)
    total = d_best + d_worst
    result = np.divide(d_worst, total, out=np.full(m, 0.5), where=total > 0)
    return TopsisParts(scale, best, worst, d_best, d_worst, result)


def topsis(X: Any, weights: Any, benefit: Any) -> np.ndarray:
    """TOPSIS closeness scores (逼近理想解排序法), vector normalisation.

    Parameters
    ----------
    X : array-like, shape (m, n)
        m alternatives × n criteria, finite values in any unit.
    weights : array-like, shape (n,)
        Criterion weights w_j ≥ 0 (the score is unchanged when all are scaled together).
    benefit : array-like of bool, shape (n,), or a single bool
        True where more is better (benefit), False where less is better (cost); 1 / -1
        are accepted as in pymcdm.

    Returns
    -------
    ndarray, shape (m,)
        C_i in [0, 1], 1 = at the ideal best.

    Formula (Hwang & Yoon 1981)
    ---------------------------
    r_ij = x_ij / sqrt(Σ_i x_ij²);  v_ij = w_j r_ij;
    v⁺_j = max_i v_ij for benefit, min_i v_ij for cost; v⁻_j the opposite;
    D⁺_i = sqrt(Σ_j (v_ij − v⁺_j)²), D⁻_i = sqrt(Σ_j (v_ij − v⁻_j)²);  C_i = D⁻_i / (D⁺_i + D⁻_i).

    Edges: a column of zeros has r = 0; when D⁺ + D⁻ = 0 (every weighted column constant)
    the score is 0.5.
    """
    return _topsis(X, weights, benefit, None, keep=False).score


def rank(scores: Any) -> np.ndarray:
    """Ranks of ``scores``: 1 = highest; ties share the smallest rank (1, 2, 2, 4).

    Parameters
    ----------
    scores : array-like, shape (m,)
        Finite scores, higher is better.

    Returns
    -------
    ndarray of int64, shape (m,)
    """
    values = np.asarray(scores, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("rank expects a 1-D array of scores")
    if not np.isfinite(values).all():
        raise ValueError(f"cannot rank non-finite scores in {rows_text(~np.isfinite(values))}")
    low, _, _ = _grouped_rank(values, np.zeros(values.size, dtype=np.int64), np.zeros(values.size, bool))
    return low


def _grouped_rank(
    values: np.ndarray, groups: np.ndarray, fail: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank within groups: gate-passers (``fail`` false) first, then by value descending.

    Returns (smallest rank of the tie, largest rank of the tie, size of the group), each
    in the input order.
    """
    n = values.size
    out_low = np.empty(n, dtype=np.int64)
    out_high = np.empty(n, dtype=np.int64)
    out_size = np.empty(n, dtype=np.int64)
    if n == 0:
        return out_low, out_high, out_size
    if bool(groups.min() == groups.max()) and not fail.any():
        # one group, no gate: a plain sort suffices (any order of tied rows gives the same ranks)
        order = np.argsort(-values)
        v = values[order]
        new_tie = np.empty(n, dtype=bool)
        new_tie[0] = True
        np.not_equal(v[1:], v[:-1], out=new_tie[1:])
        starts = np.flatnonzero(new_tie)
        tie_id = np.cumsum(new_tie) - 1
        out_low[order] = starts[tie_id] + 1
        out_high[order] = np.append(starts[1:], n)[tie_id]
        out_size.fill(n)
        return out_low, out_high, out_size
    order = np.lexsort((-values, fail, groups))
    v = values[order]
    f = fail[order]
    g = groups[order]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(g[1:], g[:-1], out=new_group[1:])
    new_tie = new_group.copy()
    new_tie[1:] |= (v[1:] != v[:-1]) | (f[1:] != f[:-1])
    positions = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    tie_start = np.maximum.accumulate(np.where(new_tie, positions, 0))
    tie_id = np.cumsum(new_tie) - 1
    tie_end = np.append(np.flatnonzero(new_tie)[1:] - 1, n - 1)[tie_id]
    group_id = np.cumsum(new_group) - 1
    group_end = np.append(np.flatnonzero(new_group)[1:] - 1, n - 1)[group_id]
    out_low[order] = tie_start - group_start + 1
    out_high[order] = tie_end - group_start + 1
    out_size[order] = group_end - group_start + 1
    return out_low, out_high, out_size
