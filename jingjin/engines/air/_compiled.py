"""The numba code of the AQI kernel (see :mod:`jingjin.engines.air.kernel`, which imports this
module on first use). Every function mirrors one of the numpy reference path in ``index``."""

# mypy: ignore-errors

from __future__ import annotations

import numba
import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from jingjin.engines._prefetch import fetch
from jingjin.engines.air.kernel import BEYOND, MISSING, NO_IAQI, Tables

#: Rows per block: a block's sub-indices (at most 8 × 32 KiB) stay in the core's cache between the
#: loops, and each input column is read in runs of 128 KiB, long enough for the hardware
#: prefetcher (the blocks alternate between threads; with 4,096 rows, runs of 32 KiB, ``aqi()``
#: took 10–20 % longer: ``bench/bench_air_parts.py``, section 7).
BLOCK = 16384

#: Rows that the loops after the look-ups (the maximum, the bit sets, the level) take at a time:
#: every slot's codes of that many rows, their maximum and bit sets stay in the core's first-level
#: cache from one slot's loop to the next. Against loops over the whole block the kernel took
#: 0.1–0.7 ms less on 2,000,000 rows in every case (spans of 512 to 4,096 rows alike;
#: ``bench/bench_air_kernel_ab.py``'s method, `Intel Xeon`, LLVM ``emeraldrapids``, 2026-12-08).
SPAN = 1024

#: A block settles its rows with a special code one by one (:func:`settle_few`) where they are at
#: most one in ``DENSE``, all at once (:func:`settle_all`) where more (read when called). Columns
#: with 10 % of their values null (half the rows with a gap): 11–21 ms less on 2,000,000 rows
#: all at once; 1 % (7 % of the rows): 0.3–1.7 ms more, hence one in ten
#: (``bench/bench_air_ab.py --missing``, `AMD EPYC`, 2026-12-07).
DENSE = 10

#: The look-up loops go through a column in chunks of ``CHUNK`` rows and before each ask for the
#: column's rows ``AHEAD`` rows on (:func:`fetch_ahead`).
CHUNK = 256
AHEAD = 512


@njit(cache=True)
def fetch_ahead(column, r0):  # pragma: no cover - compiled
    """Ask for the rows of ``column`` (8-byte values) in the chunk ``AHEAD`` rows after the one
    at row ``r0`` (:mod:`jingjin.engines._prefetch`): without, ``aqi()`` waited on memory for
    most of its time on the `Intel Xeon` machine of 2026-12-07 (the sampled instructions: its
    loads of the columns); with, it took 2.0–2.7 ms less (14–20 %) in every case of
    ``bench/bench_air_ab.py``, float and integer columns (same machine, 09:57 UTC, mean of both
    orders). Fetching the next column's block instead, or also the lines the loops write, was
    no faster. Nothing is asked on AMD's Zen cores (``_prefetch.wanted``): on the `AMD EPYC`
    machine of the same day ``aqi()`` on float columns took 1.2–2.2 ms longer with."""
    address = column.ctypes.data
    fetch(address + 8 * min(r0 + AHEAD, column.size), address + 8 * min(r0 + AHEAD + CHUNK, column.size))


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


#: A code of :func:`rare` only: the value is negative or infinite (counted, then read as missing).
INVALID = -3


@njit(cache=True)
def rare(v: float, s: int, std2026: bool, t: Tables) -> int:  # pragma: no cover - compiled
    """The IAQI code of a value the fast loops leave out: missing, invalid, above the table,
    a near tie of GB/T 8170, or (HJ 633-2012) a value with two or more decimals."""
    if np.isnan(v):
        return MISSING
    if not v >= 0.0 or v == np.inf:
        return INVALID
    return sub_index(v, s, std2026, t)


#: The table index :func:`float_block`'s first loop writes for a value it leaves to :func:`rare`
#: (``index._kernel_tables`` checks that every table's top is below it).
UNSETTLED = 65535


@njit(cache=True)
def mark(flag, found, r):  # pragma: no cover - compiled
    """Add row ``r`` of the block to the rows with a special code (``found[0]`` of them, from
    ``found[1]`` on), once (``flag``)."""
    if not flag[r]:
        flag[r] = True
        found[0] += 1
        found[found[0]] = r


@njit(cache=True)
def word(mask, at):  # pragma: no cover - compiled
    """The validity bits of the 64 rows from bit ``at`` of ``mask`` (polars' bitmap: bit ``i % 8``
    of byte ``i // 8`` set when row ``i`` has a value), row ``at`` in the lowest bit; bits past
    the bitmap's end are 1."""
    q, shift = at >> 3, np.uint64(at & 7)
    bits = np.uint64(0)
    if q + 9 <= mask.size:  # the nine bytes the 64 bits can span (the compiler joins the loads)
        for k in range(8):
            bits |= np.uint64(mask[q + k]) << np.uint64(8 * k)
        high = np.uint64(mask[q + 8])
    else:
        for k in range(8):
            byte = np.uint64(mask[q + k]) if q + k < mask.size else np.uint64(0xFF)
            bits |= byte << np.uint64(8 * k)
        high = np.uint64(mask[q + 8]) if q + 8 < mask.size else np.uint64(0xFF)
    if shift:
        bits = (bits >> shift) | (high << (np.uint64(64) - shift))
    return bits


@njit(cache=True)
def nulls(column, mask, at, out, flag, found, listed):  # pragma: no cover - compiled
    """The rows of a column's block without a value (``mask`` from bit ``at``: polars' validity
    bits; nothing where ``at`` < 0), after the look-up loops read the block's values as they
    are: whatever stands in a null's place. Where ``listed``, each is coded :data:`MISSING` in
    ``out`` and added to ``found`` (:func:`mark`). Returns how many of them the loops counted
    invalid (a negative or infinite value in a null's place), to take off. The bits are read 64
    at a time (:func:`word`), and only the rows without a value are visited."""
    undo = 0
    if at < 0:
        return undo
    m = column.size
    for j in range(0, m, 64):
        gaps = ~word(mask, at + j)  # a bit for each row without a value
        if m - j < 64:
            gaps &= (np.uint64(1) << np.uint64(m - j)) - np.uint64(1)
        while gaps:
            r = j + np.int64(trailing_zeros(gaps))
            gaps &= gaps - np.uint64(1)
            v = column[r]
            undo += (v < 0) | (v == np.inf)
            if listed:
                out[r] = MISSING
                mark(flag, found, r)
    return undo


@njit(cache=True)
def float_block(column, s, std2026, t, out, flag, found, pend, mask, at):  # pragma: no cover - compiled
    """Sub-index codes of a float column's block (a view, as ``out``); returns the number of
    invalid values (negative or infinite: read as missing). The rows with a special code
    (missing, no IAQI, above the table) are added to ``found`` (:func:`mark`). Codes as
    :func:`sub_index`.

    A value takes the table look-up when it is not negative, within the table, and its
    10⁻ᵈ multiple is settled by rounding: exactly under HJ 633-2012 (at most one decimal: the
    table of tenths, which holds a whole number's IAQI at its tenfold), any under HJ 633-2026
    with no decimals (``rint`` is GB/T 8170 on a whole-number scale), no near tie with decimals.
    Three loops: the first only computes each value's table index (or :data:`UNSETTLED`) into
    ``out`` (as uint16) — no look-up and no branch, so the compiler runs it on vectors — in
    chunks that ask for the rows ahead (:func:`fetch_ahead`); the
    second looks the indices up and lists the rows it leaves in ``pend`` (scratch of the
    block's size); the third settles those rows, and only those, by :func:`rare` (a scan of the
    block for them cost a pass over it for each column with one: with 1 % missing values,
    every column of every block). Then the rows without a value (:func:`nulls`).
    """
    d = t.decimals[s] if std2026 else 1
    lut, top, factor = t.lut[t.offsets[s, d] :], float(t.tops[s, d]), 10.0**d
    index = out.view(np.uint16)
    left = float(UNSETTLED)
    tie = 0.5 - 1e-6 if d else 0.5  # HJ 633-2026: the distance to the nearest step taken as settled
    for r0 in range(0, column.size, CHUNK):
        # Views from 0 (an index ``r0 + r`` would keep the compiler from vectorising the loop).
        values, indices = column[r0 : r0 + CHUNK], index[r0 : r0 + CHUNK]
        fetch_ahead(column, r0)
        if std2026:
            for r in range(values.size):
                v = values[r]
                x = v * factor
                x0 = np.rint(x)
                fast = (v >= 0.0) & (x0 <= top) & (abs(x - x0) <= tie)
                indices[r] = np.uint16(x0 if fast else left)
        else:
            for r in range(values.size):
                v = values[r]
                x0 = np.rint(v * factor)
                fast = (v >= 0.0) & (x0 <= top) & (x0 / factor == v)
                indices[r] = np.uint16(x0 if fast else left)
    pending = 0
    unsettled = np.uint16(UNSETTLED)
    for r in range(column.size):
        k = index[r]
        if k != unsettled:
            out[r] = lut[k]
        else:
            pend[pending] = r
            pending += 1
    bad = 0
    for j in range(pending):
        r = pend[j]
        v = column[r]
        code = MISSING if np.isnan(v) else rare(v, s, std2026, t)  # a missing value: no call
        bad += code == INVALID
        if (code < 0) | (code == BEYOND):
            mark(flag, found, r)
        out[r] = MISSING if code == INVALID else code
    return bad - nulls(column, mask, at, out, flag, found, True)


#: The code :func:`int_block`'s look-up loop writes for a value it leaves to the loop after it
#: (negative, or above the table): no sub-index or special code is this low.
ODD = np.int16(-32768)


@njit(cache=True)
def int_block(column, s, std2026, t, out, flag, found, mask, at):  # pragma: no cover - compiled
    """:func:`float_block` for an integer column: a whole number is its own 10⁻ᵈ multiple
    times 10ᵈ, so every value within the table is a look-up; above it, the table's code. The
    look-up loop only looks up, in chunks that ask for the rows ahead (:func:`fetch_ahead`),
    and writes :data:`ODD` for a value outside the table; a loop over the block's codes finds
    whether there is one, and only then a third settles those (negative: invalid, read as
    missing; above: the table's code). Then the rows without a value (:func:`nulls`).

    With the rare values settled in the look-up loop itself (a call in its body), the compiler
    kept the loop's pointers on the stack, reloading them for every value: ``aqi()`` on integer
    columns took 0.4–1.8 ms longer on 2,000,000 rows in each of the four integer cases, by the
    mean of both call orders (``bench/bench_air_ab.py --against b93d7f7``, `AMD EPYC` Zen 4,
    LLVM ``znver4``, 2026-12-08); the float cases are unchanged."""
    d = t.decimals[s] if std2026 else 0
    lut = t.lut[t.offsets[s, d] :]
    scale = np.uint64(10**d)
    most = np.uint64(t.tops[s, d] // 10**d)  # the largest whole number within the table
    for r0 in range(0, column.size, CHUNK):
        values, codes = column[r0 : r0 + CHUNK], out[r0 : r0 + CHUNK]
        fetch_ahead(column, r0)
        for r in range(values.size):
            v = np.uint64(values[r])  # a negative value is above every table as unsigned
            codes[r] = lut[v * scale] if v <= most else ODD
    odd = 0
    for r in range(out.size):
        odd += out[r] == ODD
    bad = 0
    if odd:
        above = t.above[s]
        for r in range(out.size):
            if out[r] == ODD:
                if column[r] < 0:
                    bad += 1
                    mark(flag, found, r)
                    out[r] = MISSING
                else:
                    if (above < 0) | (above == BEYOND):
                        mark(flag, found, r)
                    out[r] = above
    return bad - nulls(column, mask, at, out, flag, found, True)


@njit(cache=True)
def settle(
    subs, count, last, standin, so2_1h, o3_8h, o3_1h, t, lo, found, complete, beyond, best, missing
):  # pragma: no cover - compiled
    """Completeness, the beyond-the-scale bits and the AQI of the block's rows (from ``lo``)
    listed in ``found`` (:func:`mark`): those with a missing value, a value with no IAQI or one
    above its table (codes as :func:`sub_index`), into ``complete`` (set to ``all_present``),
    ``beyond`` (zeros as it comes, written only here) and ``best`` as :func:`block` starts them;
    the codes become values (above the table → 500, no IAQI → missing). Adds each slot's
    number of negative codes (missing sub-indices) in those rows to ``missing``; returns how
    many of those rows are beyond the scale and how many incomplete. The other rows' codes are
    all sub-indices: they are few, so a row is settled at a time."""
    none = np.int16(MISSING)
    top = np.int16(500)
    beyond_rows = 0
    incomplete = 0
    for k in range(found[0]):
        r = found[k + 1]
        row = lo + r
        # Completeness, on the codes as found: every indicator has a sub-index (or its note's
        # stand-in has one).
        whole = complete[r]
        for s in range(count):
            c = subs[s][row]
            fallback = -1
            if s == so2_1h and standin >= 0:
                fallback = standin
            elif s == o3_8h and o3_1h >= 0:
                fallback = o3_1h
            if fallback >= 0:
                whole &= (c >= 0) | ((c == NO_IAQI) & (subs[fallback][row] >= 0))
            else:
                whole &= c >= 0
        complete[r] = whole
        incomplete += not whole
        # Codes to values: above the table → 500 flagged, no IAQI → missing; then the maximum.
        bits = np.uint16(0)
        most = none
        for s in range(last):
            c = subs[s][row]
            if c == BEYOND:
                bits |= np.uint16(t.bits[s])
            if c < 0:
                missing[s] += 1
            c = min(max(c, none), top)
            subs[s][row] = c
            most = max(most, c)
        if bits:
            beyond[r] = bits
            beyond_rows += 1
        best[r] = most
    return beyond_rows, incomplete


@njit(cache=True)
def settle_few(
    subs, slots, t, lo, hi, all_present, found, complete, beyond, best, missing
):  # pragma: no cover
    """The block's rows (``lo:hi``) where few have a special code: the plain maximum of every
    row, then those listed in ``found`` one by one (:func:`settle`). Arguments and result as
    :func:`settle_all`.

    In a row without a special code every code is a sub-index (0 … 500): complete if every
    indicator of the report is read, nothing beyond the scale, the AQI the plain maximum. Its
    SO2 1-h has an IAQI, so the SO2 24-h stand-in (if any) is missing and left out."""
    count, last, standin, so2_1h, o3_8h, o3_1h = slots
    m = hi - lo
    for c0 in range(0, m, SPAN):  # a span at a time (see SPAN)
        peak = best[c0 : min(c0 + SPAN, m)]
        for s in range(count):
            sub = subs[s][lo + c0 : lo + c0 + peak.size]
            for r in range(peak.size):
                peak[r] = max(peak[r], sub[r])
    if standin >= 0:
        missing[standin] += m - found[0]  # the listed rows' stand-in is counted by settle
    beyond_rows, incomplete = 0, 0 if all_present else m
    if found[0]:
        beyond_rows, settled = settle(
            subs, count, last, standin, so2_1h, o3_8h, o3_1h, t, lo, found, complete, beyond, best, missing
        )
        incomplete += settled if all_present else 0
    return beyond_rows, incomplete


@njit(cache=True)
def settle_all(subs, slots, t, lo, hi, all_present, complete, beyond, best, missing):  # pragma: no cover
    """:func:`settle` for every row of the block (``lo:hi``) at once, in loops over the block that
    the compiler vectorises instead of a row at a time: quicker where more than one row in
    :data:`DENSE` has a special code (a column with gaps, say). ``slots``: ``count``, ``last``
    and the slots of the stand-in, SO2 1-h, O3 8-h and O3 1-h. ``best`` arrives as missing and
    ``complete`` as ``all_present``. Returns the rows beyond the scale and the incomplete rows."""
    count, last, standin, so2_1h, o3_8h, o3_1h = slots
    m = hi - lo
    if all_present:  # completeness, on the codes as found (see settle)
        for s in range(count):
            codes = subs[s][lo:hi]
            fallback = standin if s == so2_1h else (o3_1h if s == o3_8h else -1)
            if fallback >= 0:
                other = subs[fallback][lo:hi]
                for r in range(m):
                    complete[r] &= (codes[r] >= 0) | ((codes[r] == NO_IAQI) & (other[r] >= 0))
            else:
                for r in range(m):
                    complete[r] &= codes[r] >= 0
    # Codes to values (above the table → 500 flagged, no IAQI → missing), then the maximum.
    none, top, zero = np.int16(MISSING), np.int16(500), np.uint16(0)
    for s in range(last):
        codes = subs[s][lo:hi]
        bit = np.uint16(t.bits[s])
        gone = 0
        for r in range(m):
            c = codes[r]
            gone += c < 0
            beyond[r] |= bit if c == BEYOND else zero
            c = min(max(c, none), top)
            codes[r] = c
            best[r] = max(best[r], c)
        missing[s] += gone
    beyond_rows = 0
    incomplete = 0
    for r in range(m):
        beyond_rows += beyond[r] != zero
        incomplete += not complete[r]
    return beyond_rows, incomplete


@njit(cache=True)
def stand_in(
    floats, ints, is_int, masks, mask_at, standin, so2_1h, std2026, t, subs, lo, hi, flag, found
):  # pragma: no cover
    """The SO2 24-h stand-in's codes in rows ``lo:hi``: its sub-index where SO2 1-h is above 800
    (HJ 633-2012 note 2, real-time reports), else missing. SO2 1-h without an IAQI is a special
    code, so only the rows listed in ``found`` (:func:`mark`) are looked at. Returns the number
    of invalid stand-in values (negative or infinite: left missing) in all the rows, so that the
    column needs no input check of its own (``aqi_with_counts`` defers it as the indicators).
    A row without a value (its bit of ``masks[standin]``, :func:`word`) is missing."""
    stand = subs[standin][lo:hi]
    stand[:] = MISSING
    bad = 0
    mask, at = masks[standin], mask_at[standin] + lo if mask_at[standin] >= 0 else -1
    if is_int[standin]:
        whole = ints[standin][lo:hi]
        for r in range(hi - lo):
            bad += whole[r] < 0
        bad -= nulls(whole, mask, at, stand, flag, found, False)
    else:
        column = floats[standin][lo:hi]
        for r in range(hi - lo):
            v = column[r]
            bad += (v < 0.0) | (v == np.inf)
        bad -= nulls(column, mask, at, stand, flag, found, False)
    if so2_1h >= 0:
        so2 = subs[so2_1h][lo:hi]
        for k in range(found[0]):
            r = found[k + 1]
            if so2[r] == NO_IAQI and (at < 0 or word(mask, at + r) & np.uint64(1)):  # it has a value
                v = float(ints[standin][lo + r]) if is_int[standin] else floats[standin][lo + r]
                if v >= 0.0 and v != np.inf:  # else invalid, counted above
                    stand[r] = sub_index(v, standin, std2026, t)
    return bad


@njit(cache=True)
def finish(
    subs, last, lo, best, primary, exceeding, std2026, t, level, category_out, colour_out
):  # pragma: no cover - compiled
    """The block's (from row ``lo`` of ``subs``; the other arrays are the block's views) primary
    (AQI above 50: the slots with the largest sub-index) and exceeding (HJ 633-2012: above 100;
    ``exceeding`` empty under HJ 633-2026) pollutants as bit sets, the level (0 for a missing
    AQI, then one more for each level top passed: five tops, padded by
    ``index._kernel_tables``) and the category and colour codes (the level less one; a missing
    AQI as level 1, its row nulled afterwards; not written where ``category_out`` is empty).
    :data:`SPAN` rows at a time, each a short loop that the compiler vectorises. Returns the rows
    with an exceeding pollutant and the rows without an AQI.

    The level is a sum of 16-bit selects, and the codes and the count of rows without an AQI
    loops of their own. The loops before (over the whole block, the level a sum of comparisons,
    the codes and the count in its loop) made the kernel 0.5–2.2 ms slower on 2,000,000 rows in
    every case of two runs (``bench/bench_air_kernel_ab.py --against 415cc35``, same machine and
    day as :data:`SPAN`), of which the spans 0.1–0.7 ms."""
    zero, fifty, hundred = np.uint16(0), np.int16(50), np.int16(100)
    t0, t1, t2, t3, t4 = t.level_tops[0], t.level_tops[1], t.level_tops[2], t.level_tops[3], t.level_tops[4]
    nil, one = np.int16(0), np.int16(1)
    exceeding_rows = 0
    no_aqi = 0
    for c0 in range(0, best.size, SPAN):
        c1 = min(c0 + SPAN, best.size)
        peak, first = best[c0:c1], primary[c0:c1]
        m = peak.size
        for s in range(last):
            sub = subs[s][lo + c0 : lo + c1]
            bit = np.uint16(t.bits[s])
            if std2026:  # HJ 633-2026 names no exceeding pollutants
                for r in range(m):
                    b = peak[r]
                    first[r] |= bit if (sub[r] == b) & (b > fifty) else zero
            else:
                over = exceeding[c0:c1]
                for r in range(m):
                    c = sub[r]
                    b = peak[r]
                    first[r] |= bit if (c == b) & (b > fifty) else zero
                    over[r] |= bit if c > hundred else zero
        grade = level[c0:c1]
        for r in range(m):
            b = peak[r]
            grade[r] = np.int8(
                (one if b >= nil else nil)
                + (one if b > t0 else nil)
                + (one if b > t1 else nil)
                + (one if b > t2 else nil)
                + (one if b > t3 else nil)
                + (one if b > t4 else nil)
            )
        if category_out.size:
            category, colour = category_out[lo + c0 : lo + c1], colour_out[lo + c0 : lo + c1]
            for r in range(m):
                k = grade[r]
                category[r] = np.uint8(k - np.int8(1) if k > np.int8(0) else np.int8(0))
            for r in range(m):
                colour[r] = category[r]
        for r in range(m):
            no_aqi += grade[r] == np.int8(0)
    for r in range(exceeding.size):
        exceeding_rows += exceeding[r] != zero
    return exceeding_rows, no_aqi


@njit(cache=True)
def block(
    floats,
    ints,
    is_int,
    masks,
    mask_at,
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
    category_out,
    colour_out,
    lo,
    hi,
    dense,
    stats,
):  # pragma: no cover - compiled
    """Rows ``lo:hi`` (one block, in the cache): each indicator's sub-index codes, the SO2
    24-h stand-in, the maximum and the rows with a special code (one by one,
    :func:`settle_few`, or all at once where more than one in ``dense``, :func:`settle_all`),
    the bit sets and the level (:func:`finish`), each but the settling a short loop that the
    compiler vectorises; counts into ``stats`` (invalid values, rows beyond the scale, rows with
    an exceeding pollutant, rows without an AQI, incomplete rows, then each slot's missing
    sub-indices, the stand-in's included). The primary, exceeding and beyond-the-scale bit sets
    arrive as zeros: only set bits are written. A slot with a mask (``mask_at`` ≥ 0: the bit of
    row 0 in ``masks[slot]``, polars' validity bits) is missing in its rows without a value."""
    last = count + (1 if standin >= 0 else 0)
    bad = 0
    # The rows with a special code: how many, then which (each once: ``flag``).
    flag = np.zeros(hi - lo, dtype=np.bool_)
    found = np.empty(hi - lo + 1, dtype=np.int64)  # only the count needs a start
    found[0] = 0
    pend = np.empty(hi - lo, dtype=np.int32)  # a float column's rows left to :func:`rare`
    for s in range(count):
        at = mask_at[s] + lo if mask_at[s] >= 0 else -1  # the block's first bit in the column's mask
        if is_int[s]:
            bad += int_block(ints[s][lo:hi], s, std2026, t, subs[s][lo:hi], flag, found, masks[s], at)
        else:
            column = floats[s][lo:hi]
            bad += float_block(column, s, std2026, t, subs[s][lo:hi], flag, found, pend, masks[s], at)
    if standin >= 0:
        bad += stand_in(
            floats, ints, is_int, masks, mask_at, standin, so2_1h, std2026, t, subs, lo, hi, flag, found
        )
    # Views of the block indexed from 0, so that the compiler vectorises the loops below.
    m = hi - lo
    complete = complete_out[lo:hi]
    beyond = beyond_out[lo:hi]
    best = best_out[lo:hi]
    primary = primary_out[lo:hi]
    exceeding = exceeding_out[lo:lo] if std2026 else exceeding_out[lo:hi]  # 2026: none, not written
    complete[:] = all_present
    best[:] = MISSING
    slots = (count, last, standin, so2_1h, o3_8h, o3_1h)
    if found[0] * dense > m:  # many rows with a special code (columns with gaps): all at once
        beyond_rows, incomplete = settle_all(
            subs, slots, t, lo, hi, all_present, complete, beyond, best, stats[5:]
        )
    else:
        beyond_rows, incomplete = settle_few(
            subs, slots, t, lo, hi, all_present, found, complete, beyond, best, stats[5:]
        )
    exceeding_rows, no_aqi = finish(
        subs, last, lo, best, primary, exceeding, std2026, t, level_out[lo:hi], category_out, colour_out
    )
    stats[0] = bad
    stats[1] = beyond_rows
    stats[2] = exceeding_rows
    stats[3] = no_aqi
    stats[4] = incomplete


@njit(parallel=True, cache=True)
def kernel(
    floats,
    ints,
    is_int,
    masks,
    mask_at,
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
    category_out,
    colour_out,
    rows,
    dense,
):  # pragma: no cover - compiled
    """The rows block by block (``rows`` to a block), the blocks shared out among numba's
    threads; returns the counts of :func:`block` summed: invalid values, rows beyond the scale,
    rows exceeding, rows without an AQI, incomplete rows, then each slot's missing sub-indices."""
    n = best_out.size
    blocks = (n + rows - 1) // rows
    stats = np.zeros((blocks, 5 + len(subs)), dtype=np.int64)
    for b in numba.prange(blocks):
        block(
            floats,
            ints,
            is_int,
            masks,
            mask_at,
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
            category_out,
            colour_out,
            b * rows,
            min(b * rows + rows, n),
            dense,
            stats[b],
        )
    return stats.sum(axis=0)


def run(*args):
    """:func:`kernel` in blocks of :data:`BLOCK` rows (read when called), handed out one at a
    time as threads come free (not split in equal halves up front): on a shared machine a thread
    that waits for a core does not hold the others up."""
    previous = numba.set_parallel_chunksize(1)
    try:
        return kernel(*args, BLOCK, DENSE)
    finally:
        numba.set_parallel_chunksize(previous)
