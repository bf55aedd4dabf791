"""The numba code of TOPSIS's two passes (see :func:`jingjin.engines.scoring.mcda.topsis_parts`,
which imports this module on first use): the column statistics, then both distances and the
score of each row, each pass one read of the matrix shared out among numba's threads.

``FAST`` lets the compiler reorder the sums within a row or a block (so that it vectorises
them) and fuse multiply-adds; NaN and infinities keep their meaning (the callers' checks for
non-finite results rely on it). The results differ from the numpy path's only in the last bits
(``tests/engines/scoring/test_scoring.py`` compares the two).
"""

# mypy: ignore-errors

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from jingjin.engines._prefetch import fetch

#: Rows per block handed to one thread.
BLOCK = 4096
FAST = {"reassoc", "contract"}
#: Both passes go through a block in chunks of ``CHUNK`` rows and before each ask for the rows
#: ``AHEAD`` rows on (:func:`fetch_rows`).
CHUNK = 64
AHEAD = 256


@njit(cache=True)
def fetch_rows(X, i):  # pragma: no cover - compiled
    """Ask for the rows of the row-major matrix ``X`` in the chunk ``AHEAD`` rows after the one
    at row ``i`` (:mod:`jingjin.engines._prefetch`). Each pass reads the matrix once, from
    memory; on the `Intel Xeon` machine of 2026-12-07 ``topsis`` on 1,000,000 × 10 took
    0.4–2.6 ms less with, by the mean of both call orders in each of six runs of
    ``bench/bench_scoring_ab.py`` (9.6–10.4 ms by median with, 9.8–14.4 ms without: steadier
    too). Nothing is asked on AMD's Zen cores (``_prefetch.wanted``): on the `AMD EPYC` machine
    of the same day ``topsis`` took 2.9 ms longer with."""
    m, n = X.shape
    start = X.ctypes.data
    fetch(start + 8 * n * min(i + AHEAD, m), start + 8 * n * min(i + AHEAD + CHUNK, m))


@njit(cache=True, fastmath=FAST)
def stats_block(X, lo, hi, squares, high, low):  # pragma: no cover - compiled
    """Rows ``lo:hi``: the sum of squares, the maximum and the minimum of each column."""
    n = X.shape[1]
    for j in range(n):
        squares[j] = 0.0
        high[j] = -np.inf
        low[j] = np.inf
    for i0 in range(lo, hi, CHUNK):
        fetch_rows(X, i0)
        for i in range(i0, min(i0 + CHUNK, hi)):
            for j in range(n):
                x = X[i, j]
                squares[j] += x * x
                high[j] = max(high[j], x)
                low[j] = min(low[j], x)


@njit(parallel=True, cache=True, fastmath=FAST)
def stats(X):  # pragma: no cover - compiled
    """Per column: the sum of squares, the maximum and the minimum (blocks summed in order, so
    the result does not depend on which thread took which block). NaN shows in the squares."""
    m, n = X.shape
    blocks = (m + BLOCK - 1) // BLOCK
    squares = np.empty((blocks, n))
    high = np.empty((blocks, n))
    low = np.empty((blocks, n))
    for b in numba.prange(blocks):
        stats_block(X, b * BLOCK, min(m, b * BLOCK + BLOCK), squares[b], high[b], low[b])
    total = np.zeros(n)
    top = np.full(n, -np.inf)
    bottom = np.full(n, np.inf)
    for b in range(blocks):
        for j in range(n):
            total[j] += squares[b, j]
            top[j] = max(top[j], high[b, j])
            bottom[j] = min(bottom[j], low[b, j])
    return total, top, bottom


@njit(parallel=True, cache=True, fastmath=FAST)
def distances(X, best, worst, scale2, d_best, d_worst, score):  # pragma: no cover - compiled
    """Per row: D⁺ = sqrt(Σ_j scale2_j (x_ij − best_j)²), D⁻ likewise with ``worst``, and the
    score D⁻ / (D⁺ + D⁻) (0.5 when both are 0). ``d_best`` and ``d_worst`` may be empty: then
    only the score is written. Returns whether every distance is finite."""
    m, n = X.shape
    keep = d_best.size > 0
    blocks = (m + BLOCK - 1) // BLOCK
    finite = np.ones(blocks, dtype=np.bool_)
    for b in numba.prange(blocks):
        ok = True
        hi = min(m, b * BLOCK + BLOCK)
        for i0 in range(b * BLOCK, hi, CHUNK):
            fetch_rows(X, i0)
            for i in range(i0, min(i0 + CHUNK, hi)):
                plus = 0.0
                minus = 0.0
                for j in range(n):
                    x = X[i, j]
                    d = x - best[j]
                    e = x - worst[j]
                    plus += scale2[j] * (d * d)
                    minus += scale2[j] * (e * e)
                ok = ok and np.isfinite(plus) and np.isfinite(minus)
                plus = np.sqrt(plus)
                minus = np.sqrt(minus)
                total = plus + minus
                score[i] = minus / total if total > 0 else 0.5
                if keep:
                    d_best[i] = plus
                    d_worst[i] = minus
        finite[b] = ok
    return finite.all()


def run(function, *args):
    """``function`` with the blocks handed out one at a time as threads come free (as the AQI
    kernel: on a shared machine a thread waiting for a core does not hold the others up)."""
    previous = numba.set_parallel_chunksize(1)
    try:
        return function(*args)
    finally:
        numba.set_parallel_chunksize(previous)
