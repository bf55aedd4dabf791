"""The numba code of the water classification kernel (see :mod:`jingjin.engines.water_kernel`,
which imports this module on first use). Every function mirrors a step of the numpy reference
path in :mod:`jingjin.engines.water`: ``parameter_class``, the worst class, the limiting items,
``multiple_hundredths`` and the ``;``-joined texts."""

# mypy: ignore-errors

from __future__ import annotations

import numba
import numpy as np
from numba import njit

#: Rows per block handed to one thread.
BLOCK = 8192
#: Comparison codes of the items (``water_gb3838.LIMITS``).
LE, GE, RANGE = 0, 1, 2
_SCALE = 1.0e6
_CLIP = 1.0e9


@njit(cache=True)
def scaled(c):  # pragma: no cover - compiled
    """``air.index.scale`` of one value (finite, not negative): millionths and whether exact."""
    c = min(c, _CLIP)
    x = c * _SCALE
    nearest = np.rint(x)
    if nearest / _SCALE == c:
        return np.int64(nearest), True
    below = np.floor(x)
    if below / _SCALE > c:
        below -= 1.0
    if (below + 1.0) / _SCALE < c:
        below += 1.0
    return np.int64(below), False


@njit(cache=True)
def item_class(c, kind, bounds):  # pragma: no cover - compiled
    """``water.parameter_class`` of one value: 1–6, 0 when missing (NaN)."""
    if np.isnan(c):
        return 0
    if kind == RANGE:
        return 1 if c >= bounds[0] and c <= bounds[1] else 6
    k = 1
    if kind == GE:
        for j in range(5):
            k += bounds[j] > c
    else:
        for j in range(5):
            k += bounds[j] < c
    return k


@njit(cache=True)
def le_block(column, on_lake, river, lakes, cls):  # pragma: no cover - compiled
    """:func:`item_class` of a block of one ``value ≤ limit`` item, without branches (the
    compiler vectorises it): 1 + the number of limits below the value, 0 where missing."""
    r0, r1, r2, r3, r4 = river[0], river[1], river[2], river[3], river[4]
    same = True
    for j in range(5):
        same = same and lakes[j] == river[j]
    if same:
        for r in range(column.size):
            c = column[r]
            k = 1 + (c > r0) + (c > r1) + (c > r2) + (c > r3) + (c > r4)
            cls[r] = k if c == c else 0
        return
    l0, l1, l2, l3, l4 = lakes[0], lakes[1], lakes[2], lakes[3], lakes[4]
    for r in range(column.size):
        c = column[r]
        if on_lake[r]:
            k = 1 + (c > l0) + (c > l1) + (c > l2) + (c > l3) + (c > l4)
        else:
            k = 1 + (c > r0) + (c > r1) + (c > r2) + (c > r3) + (c > r4)
        cls[r] = k if c == c else 0


@njit(cache=True)
def hundredths(units, s):  # pragma: no cover - compiled
    """``water.multiple_hundredths`` of one exact value: (C − S)/S in hundredths, ties to even."""
    numerator = 100 * (units - s)
    quotient = numerator // s
    remainder = numerator - quotient * s
    twice = 2 * remainder
    if twice > s or (twice == s and quotient % 2 == 1):
        quotient += 1
    return quotient


@njit(cache=True)
def digits(value):  # pragma: no cover - compiled
    """Number of decimal digits of a non-negative integer."""
    count = 1
    while value >= 10:
        value //= 10
        count += 1
    return count


@njit(cache=True)
def classify_block(
    columns,
    lake,
    kinds,
    river_bounds,
    lake_bounds,
    lake_only,
    deciding,
    multiple,
    tn,
    worst_out,
    assessed_out,
    limiting_out,
    exceeding_out,
    inexact_out,
    tn_out,
    lo,
    hi,
):  # pragma: no cover - compiled
    """Rows ``lo:hi``: each item's class (river or lake column by ``lake``), the worst class of
    the deciding items, how many were assessed, the limiting and the exceeding items as bit
    sets, whether an exceeding value has more than 6 decimals (settled by the caller), and the
    class of TN (``tn`` ≥ 0: its item) for the ``class_tn`` column.

    Item by item over the block (one column at a time: the block's classes stay in the cache)."""
    m = kinds.size  # the columns after the items are padding
    w = hi - lo
    classes = np.empty((m, w), dtype=np.int8)
    worst = worst_out[lo:hi]
    assessed = assessed_out[lo:hi]
    limiting = limiting_out[lo:hi]
    exceeding = exceeding_out[lo:hi]
    inexact = inexact_out[lo:hi]
    on_lake = lake[lo:hi]
    worst[:] = 0
    assessed[:] = 0
    limiting[:] = 0
    exceeding[:] = 0
    inexact[:] = False
    for k in range(m):
        column = columns[k][lo:hi]
        cls = classes[k]
        kind = kinds[k]
        river = river_bounds[k]
        lakes = lake_bounds[k]
        only = lake_only[k]
        if kind == LE and not only:
            le_block(column, on_lake, river, lakes, cls)
        else:
            for r in range(w):
                if only and not on_lake[r]:
                    cls[r] = 0
                else:
                    cls[r] = item_class(column[r], kind, lakes if on_lake[r] else river)
        if deciding[k]:
            for r in range(w):
                c = cls[r]
                assessed[r] += c > 0
                worst[r] = max(worst[r], c)
    for k in range(m):
        if not deciding[k]:
            continue
        bit = np.int64(1) << k
        cls = classes[k]
        for r in range(w):
            if cls[r] == worst[r] and worst[r] > 1:
                limiting[r] |= bit
        if multiple[k]:
            column = columns[k][lo:hi]
            for r in range(w):
                if cls[r] > 3:
                    exceeding[r] |= bit
                    if not scaled(column[r])[1]:
                        inexact[r] = True
    if tn >= 0:
        tn_out[lo:hi] = classes[tn]


@njit(parallel=True, cache=True)
def classify_kernel(
    columns,
    lake,
    kinds,
    river_bounds,
    lake_bounds,
    lake_only,
    deciding,
    multiple,
    tn,
    worst_out,
    assessed_out,
    limiting_out,
    exceeding_out,
    inexact_out,
    tn_out,
):  # pragma: no cover - compiled
    """:func:`classify_block` over every row, the blocks shared out among numba's threads."""
    n = worst_out.size
    blocks = (n + BLOCK - 1) // BLOCK
    for b in numba.prange(blocks):
        classify_block(
            columns,
            lake,
            kinds,
            river_bounds,
            lake_bounds,
            lake_only,
            deciding,
            multiple,
            tn,
            worst_out,
            assessed_out,
            limiting_out,
            exceeding_out,
            inexact_out,
            tn_out,
            b * BLOCK,
            min(b * BLOCK + BLOCK, n),
        )


@njit(cache=True)
def names_block(code, names, name_ends, offsets, out, lo, measure):  # pragma: no cover - compiled
    """:func:`text_block` without numbers: row by row over the set bits (no column is read)."""
    for r in range(code.size):
        bits = code[r]
        at = offsets[lo + r]
        length = 0
        k = 0
        while bits != 0:
            if bits & 1:
                start = name_ends[k - 1] if k > 0 else 0
                end = name_ends[k]
                if length > 0:
                    if not measure:
                        out[at] = 59  # ;
                        at += 1
                    length += 1
                if not measure:
                    for j in range(start, end):
                        out[at] = names[j]
                        at += 1
                length += end - start
            bits >>= 1
            k += 1
        if measure:
            offsets[lo + r + 1] = length


@njit(cache=True)
def text_block(
    bits,
    names,
    name_ends,
    numbers,
    columns,
    lake,
    limits3,
    fixed,
    fixed_row,
    offsets,
    out,
    lo,
    hi,
):  # pragma: no cover - compiled
    """Rows ``lo:hi`` of a ``;``-joined text column: for each set bit ``k`` of the row, item name
    ``k`` (and with ``numbers`` ``:multiple``, the exceedance multiple in hundredths written with
    two decimals). With ``out`` empty only the lengths are written (into ``offsets[r + 1]``);
    else the bytes from ``offsets[r]``. Item by item over the block, as :func:`classify_block`."""
    measure = out.size == 0
    w = hi - lo
    code = bits[lo:hi]
    if not numbers:
        names_block(code, names, name_ends, offsets, out, lo, measure)
        return
    cursor = np.zeros(w, dtype=np.int64)
    if not measure:
        cursor[:] = offsets[lo:hi]
    for k in range(len(name_ends)):
        bit = np.int64(1) << k
        start = name_ends[k - 1] if k > 0 else 0
        end = name_ends[k]
        column = columns[k][lo:hi] if numbers else columns[0][lo:lo]
        limit_river = limits3[0, k]
        limit_lake = limits3[1, k]
        for r in range(w):
            if not code[r] & bit:
                continue
            value = np.int64(0)
            width = 0
            if numbers:
                row = fixed_row[lo + r]
                if row >= 0:
                    value = fixed[row, k]
                else:
                    value = hundredths(scaled(column[r])[0], limit_lake if lake[lo + r] else limit_river)
                width = digits(value // 100)
            separator = code[r] & (bit - 1) != 0
            if measure:
                cursor[r] += (end - start) + separator + (width + 4 if numbers else 0)
                continue
            at = cursor[r]
            if separator:
                out[at] = 59  # ;
                at += 1
            for j in range(start, end):
                out[at] = names[j]
                at += 1
            if numbers:
                out[at] = 58  # :
                whole = value // 100
                for j in range(width, 0, -1):
                    out[at + j] = 48 + whole % 10
                    whole //= 10
                at += width + 1
                out[at] = 46  # .
                out[at + 1] = 48 + (value % 100) // 10
                out[at + 2] = 48 + value % 10
                at += 3
            cursor[r] = at
    if measure:
        offsets[lo + 1 : hi + 1] = cursor


@njit(parallel=True, cache=True)
def text_kernel(
    bits,
    names,
    name_ends,
    numbers,
    columns,
    lake,
    limits3,
    fixed,
    fixed_row,
    offsets,
    out,
):  # pragma: no cover - compiled
    """:func:`text_block` over every row, the blocks shared out among numba's threads."""
    n = bits.size
    blocks = (n + BLOCK - 1) // BLOCK
    for b in numba.prange(blocks):
        text_block(
            bits,
            names,
            name_ends,
            numbers,
            columns,
            lake,
            limits3,
            fixed,
            fixed_row,
            offsets,
            out,
            b * BLOCK,
            min(b * BLOCK + BLOCK, n),
        )


def run(function, *args):
    """``function`` with the blocks handed out one at a time as threads come free (as the AQI
    kernel: on a shared machine a thread waiting for a core does not hold the others up)."""
    previous = numba.set_parallel_chunksize(1)
    try:
        return function(*args)
    finally:
        numba.set_parallel_chunksize(previous)
