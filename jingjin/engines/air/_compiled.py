"""The numba code of the AQI kernel (see :mod:`jingjin.engines.air.kernel`, which imports this
module on first use). Every function mirrors one of the numpy reference path in ``index``."""

# mypy: ignore-errors

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from jingjin.engines.air.kernel import BEYOND, MISSING, NO_IAQI, Tables

#: Rows per block: a block's sub-indices stay in the cache between the two loops.
BLOCK = 4096


@njit(cache=True)
def scaled(c: float) -> tuple[int, bool]:  # pragma: no cover - compiled
    """``standards.scale`` of one value: millionths and whether they are exact."""
    c = min(c, 1.0e9)
    x = c * 1.0e6
    nearest = np.rint(x)
    if nearest / 1.0e6 == c:
        return int(nearest), True
    below = np.floor(x)
    if below / 1.0e6 > c:
        below -= 1.0
    if (below + 1.0) / 1.0e6 < c:
        below += 1.0
    return int(below), False


@njit(cache=True)
def gbt8170(units: int, exact: bool, decimals: int) -> int:  # pragma: no cover - compiled
    """``standards.round_gbt8170`` of one value, as millionths."""
    step = 10 ** (6 - decimals)
    quotient = units // step
    remainder = units - quotient * step
    half = step // 2
    up = remainder > half or (remainder == half and quotient % 2 == 1) if exact else remainder >= half
    return (quotient + (1 if up else 0)) * step


@njit(cache=True)
def ceil_exact(units: int, exact: bool, s: int, t: Tables) -> int:  # pragma: no cover
    """``reference._sub_index_exact`` of one value in millionths (not missing)."""
    count = t.counts[s]
    top = t.breakpoints[s, count - 1]
    if units > top or (units == top and not exact):
        return t.above[s]
    j = 0
    while j < count - 2 and t.breakpoints[s, j + 1] <= units:
        j += 1
    bp_lo = t.breakpoints[s, j]
    width = t.steps[j + 1] - t.steps[j]
    numerator = width * (units - bp_lo)
    denominator = t.breakpoints[s, j + 1] - bp_lo
    if exact or units == top:
        return t.steps[j] + (numerator + denominator - 1) // denominator
    return t.steps[j] + numerator // denominator + 1


@njit(cache=True)
def lookup(index: float, s: int, d: int, t: Tables) -> int:  # pragma: no cover - compiled
    if index > t.tops[s, d]:
        return t.above[s]
    return t.lut[t.offsets[s, d] + int(index)]


@njit(cache=True)
def sub_index(v: float, s: int, std2026: bool, t: Tables) -> int:  # pragma: no cover - compiled
    """The IAQI code of one concentration (finite and not negative, or NaN)."""
    if np.isnan(v):
        return MISSING
    if std2026:
        d = t.decimals[s]
        if d == 0:
            return lookup(np.rint(v), s, 0, t)
        factor = 10.0**d
        x = v * factor
        if x > t.tops[s, d] + 1.0:
            return t.above[s]
        r = np.rint(x)
        if abs(x - r) > 0.5 - 1e-6:  # a possible tie: settle it on the decimals
            units, exact = scaled(v)
            return lookup(float(gbt8170(units, exact, d) // 10 ** (6 - d)), s, d, t)
        return lookup(r, s, d, t)
    r = np.rint(v)
    if r == v:
        return lookup(r, s, 0, t)
    r = np.rint(v * 10.0)
    if r / 10.0 == v:
        return lookup(r, s, 1, t)
    r = np.rint(v * 100.0)
    if r / 100.0 == v:
        return lookup(r, s, 2, t)
    units, exact = scaled(v)
    return ceil_exact(units, exact, s, t)


@njit(cache=True)
def column_block(column, lo, hi, s, std2026, t, subs):  # pragma: no cover - compiled
    """Sub-index codes of rows ``lo:hi`` of one column into ``subs[s]``; returns the number of
    invalid values (negative or infinite: read as missing). Codes as :func:`sub_index`.

    The common cases (a whole number, or under HJ 633-2026 a GB/T 8170 rounding without a
    near tie, within the table) take one test and a table look-up, with the table's numbers
    in local variables; the rest goes through :func:`sub_index`.
    """
    out = subs[s]
    lut = t.lut
    d = t.decimals[s] if std2026 else 0
    off = t.offsets[s, d]
    top = float(t.tops[s, d])
    factor = 10.0**d
    above = t.above[s]
    off1, top1 = t.offsets[s, 1], float(t.tops[s, 1])
    off2, top2 = t.offsets[s, 2], float(t.tops[s, 2])
    bad = 0
    for r in range(lo, hi):
        v = float(column[r])
        x = v * factor
        x0 = np.rint(x)
        if std2026:
            fast = v >= 0.0 and x0 <= top and abs(x - x0) <= 0.5 - 1e-6 if d else v >= 0.0 and x0 <= top
        else:
            fast = x0 == v and v >= 0.0 and x0 <= top
        if fast:
            out[r] = lut[off + int(x0)]
            continue
        if not v >= 0.0 or v == np.inf:
            bad += 0 if np.isnan(v) else 1
            out[r] = MISSING
            continue
        if not std2026:  # one or two decimals (HJ 633-2012 data: CO 0.9 mg/m³, PM 35.5 µg/m³)
            x1 = np.rint(v * 10.0)
            if x1 / 10.0 == v:
                out[r] = lut[off1 + int(x1)] if x1 <= top1 else above
                continue
            x2 = np.rint(v * 100.0)
            if x2 / 100.0 == v:
                out[r] = lut[off2 + int(x2)] if x2 <= top2 else above
                continue
        out[r] = sub_index(v, s, std2026, t)
    return bad


@njit(cache=True)
def block(
    floats,
    ints,
    is_int,
    count,
    standin,
    so2_1h,
    o3_8h,
    o3_1h,
    std2026,
    all_present,
    t,
    subs,
    best_out,
    level_out,
    primary_out,
    exceeding_out,
    beyond_out,
    complete_out,
    lo,
    hi,
    stats,
):  # pragma: no cover - compiled
    """Rows ``lo:hi`` (one block, in the cache): each indicator's sub-index codes, the SO2
    24-h stand-in, completeness, then the maximum, the bit sets and the level, each a short
    loop over the block that the compiler vectorises; counts into ``stats`` (invalid values,
    gaps, rows beyond the scale, rows with an exceeding pollutant)."""
    last = count + (1 if standin >= 0 else 0)
    bad = 0
    for s in range(count):
        if is_int[s]:
            bad += column_block(ints[s], lo, hi, s, std2026, t, subs)
        else:
            bad += column_block(floats[s], lo, hi, s, std2026, t, subs)
    # SO2 24-h stands in where SO2 1-h is above 800 (HJ 633-2012 note 2, real-time reports).
    if standin >= 0:
        stand = subs[standin]
        for r in range(lo, hi):
            stand[r] = MISSING
        if so2_1h >= 0:
            so2 = subs[so2_1h]
            for r in range(lo, hi):
                if so2[r] == NO_IAQI:
                    v = float(ints[standin][r]) if is_int[standin] else floats[standin][r]
                    if v < 0.0 or v == np.inf:
                        bad += 1
                    else:
                        stand[r] = sub_index(v, standin, std2026, t)
    # Completeness: every indicator has a sub-index (or its note's stand-in has one).
    complete = complete_out[lo:hi]
    complete[:] = all_present
    for s in range(count):
        sub = subs[s]
        fallback = -1
        if s == so2_1h and standin >= 0:
            fallback = standin
        elif s == o3_8h and o3_1h >= 0:
            fallback = o3_1h
        if fallback >= 0:
            other = subs[fallback]
            for r in range(lo, hi):
                c = sub[r]
                if c < 0 and not (c == NO_IAQI and other[r] >= 0):
                    complete[r - lo] = False
        else:
            for r in range(lo, hi):
                if sub[r] < 0:
                    complete[r - lo] = False
    # Codes to values: above the table → 500 flagged, no IAQI → missing; then the maximum,
    # the primary (AQI > 50: the largest sub-index) and exceeding (2012: above 100) pollutants.
    # int16 throughout, so that the compiler vectorises the loops.
    beyond = beyond_out[lo:hi]
    best = best_out[lo:hi]
    primary = primary_out[lo:hi]
    exceeding = exceeding_out[lo:hi]
    beyond[:] = 0
    best[:] = MISSING
    primary[:] = 0
    exceeding[:] = 0
    none = np.int16(MISSING)
    top = np.int16(500)
    flagged = np.int16(BEYOND)
    hundred = np.int16(100)
    zero = np.uint16(0)
    negative = 0
    for s in range(last):
        sub = subs[s, lo:hi]
        bit = np.uint16(t.bits[s])
        for r in range(hi - lo):
            c = sub[r]
            beyond[r] |= bit if c == flagged else zero
            negative += c < 0
            c = min(max(c, none), top)
            sub[r] = c
            best[r] = max(best[r], c)
    fifty = np.int16(50)
    for s in range(last):
        sub = subs[s, lo:hi]
        bit = np.uint16(t.bits[s])
        for r in range(hi - lo):
            c = sub[r]
            b = best[r]
            primary[r] |= bit if c == b and b > fifty else zero
            exceeding[r] |= bit if c > hundred else zero
    level = level_out[lo:hi]
    levels = t.levels
    beyond_rows = 0
    exceeding_rows = 0
    for r in range(hi - lo):
        level[r] = levels[best[r] + 1]
        beyond_rows += beyond[r] != 0
        exceeding_rows += exceeding[r] != 0
    if std2026:
        exceeding[:] = 0
        exceeding_rows = 0
    stats[0] = bad
    stats[1] = negative
    stats[2] = beyond_rows
    stats[3] = exceeding_rows


@njit(parallel=True, cache=True)
def kernel(
    floats,
    ints,
    is_int,
    count,
    standin,
    so2_1h,
    o3_8h,
    o3_1h,
    std2026,
    all_present,
    t,
    subs,
    best_out,
    level_out,
    primary_out,
    exceeding_out,
    beyond_out,
    complete_out,
):  # pragma: no cover - compiled
    """The rows block by block, the blocks shared out among numba's threads; returns the counts
    of :func:`block` summed: invalid values, gaps, rows beyond the scale, rows exceeding."""
    n = best_out.size
    blocks = (n + BLOCK - 1) // BLOCK
    stats = np.zeros((blocks, 4), dtype=np.int64)
    for b in numba.prange(blocks):
        block(
            floats,
            ints,
            is_int,
            count,
            standin,
            so2_1h,
            o3_8h,
            o3_1h,
            std2026,
            all_present,
            t,
            subs,
            best_out,
            level_out,
            primary_out,
            exceeding_out,
            beyond_out,
            complete_out,
            b * BLOCK,
            min(b * BLOCK + BLOCK, n),
            stats[b],
        )
    totals = stats.sum(axis=0)
    return totals[0], totals[1], totals[2], totals[3]


def run(*args):
    """:func:`kernel` with the blocks handed out one at a time as threads come free (not split
    in equal halves up front): on a shared machine a thread that waits for a core does not hold
    the others up."""
    previous = numba.set_parallel_chunksize(1)
    try:
        return kernel(*args)
    finally:
        numba.set_parallel_chunksize(previous)
