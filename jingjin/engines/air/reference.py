"""The numpy reference path of the AQI (:func:`_compute_numpy`) and the sub-index of one column
(:func:`_sub_index`, for :func:`~jingjin.engines.air.index.iaqi`).

The compiled kernel (:mod:`jingjin.engines.air.kernel`) computes the same; tests check that the
two agree. Works block by block (:data:`_PARALLEL_ROWS` rows) with work arrays reused from block
to block, the blocks shared among threads (numpy releases the GIL).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from jingjin.engines.air._input import (
    INF_BITS,
    FloatArray,
)
from jingjin.engines.air.standards import (
    _BEYOND,
    _BIT,
    _DIGITS,
    _HOURLY_REPORTS,
    _LEVELS,
    _LOOKUP_DECIMALS,
    _MISSING,
    _NO_IAQI,
    _SCALE,
    _TABLES,
    BoolArray,
    CodeArray,
    Int16Array,
    Int32Array,
    Report,
    Standard,
    _ceil_iaqi,
    _lookup,
    round_gbt8170,
    scale,
)
from jingjin.engines.tables import air_hj633 as tables

#: Above this a float does not fit an int64 index; such values are clipped first.
_INDEX_LIMIT: Final = 2.0**62


#: Rows per block, the unit of work that threads share out. The AQI is computed block by block
#: with work arrays reused from block to block (fresh large arrays cost page faults, and a
#: block's arrays stay in the cache); blocks are large enough that numpy's cost per call and
#: the threads' handing over of the GIL stay small (2¹⁷ was fastest on the benchmark machine).
_PARALLEL_ROWS: Final = 1 << 17


#: Adding 1.5·2⁵² to a float 0 ≤ t < 2⁵¹ rounds it to a whole number, ties to even (IEEE 754
#: round to nearest even, as ``rint``: GB/T 8170 for ties that are exact in binary), and the
#: bits of the sum minus the bits of the constant are that whole number: rounding and
#: conversion to an index in two cheap passes.
_ROUNDER: Final = 1.5 * 2.0**52


_ROUNDER_BITS: Final = int(np.float64(_ROUNDER).view(np.int64))


_ROUNDER_LIMIT: Final = 2.0**51  # larger values are clipped to the table's top + 1 first


@dataclass(frozen=True)
class _Scratch:
    """Work arrays of one thread, reused from block to block (see :data:`_PARALLEL_ROWS`)."""

    floats: FloatArray
    rounded: FloatArray
    index: Int32Array
    flags: BoolArray
    bits: CodeArray

    @classmethod
    def make(cls, n: int) -> _Scratch:
        return cls(
            np.empty(n, dtype=np.float64),
            np.empty(n, dtype=np.float64),
            np.empty(n, dtype=np.intp),
            np.empty(n, dtype=np.bool_),
            np.empty(n, dtype=np.uint16),
        )

    def head(self, n: int) -> _Scratch:
        """The first ``n`` rows of each work array (for a last, shorter block)."""
        if n == self.index.size:
            return self
        return _Scratch(self.floats[:n], self.rounded[:n], self.index[:n], self.flags[:n], self.bits[:n])


def _clip_indices(t: FloatArray, top: int, out: Int32Array | None = None) -> Int32Array:
    """``rint(t)`` as indices in −1 … top + 1 (NaN → −1, above → top + 1)."""
    peak = t.max() if t.size else 0.0  # NaN when a value is missing
    if not peak <= _INDEX_LIMIT and np.fmax.reduce(t) > _INDEX_LIMIT:
        t = np.minimum(t, top + 1)  # keeps NaN; avoids integer overflow of huge values
    index = np.empty(t.shape, dtype=np.intp) if out is None else out
    with np.errstate(invalid="ignore"):
        np.rint(t, out=index, casting="unsafe")
    if not peak <= top:  # missing or above: bring into the table's index range
        np.clip(index, -1, top + 1, out=index)
    return index


def _indices_2026(
    values: FloatArray, indicator: str, scratch: _Scratch
) -> tuple[Int32Array, BoolArray | None, bool]:
    """Concentrations of a block rounded by GB/T 8170 (HJ 633-2026 §4.2.2), as table indices.

    Returns the indices (integers of 10⁻ᵈ units, in ``scratch``; values above the table give
    indices above its top, NaN rows garbage), the missing rows (None when none) and whether
    a value may be above the table.
    """
    decimals = tables.DECIMALS_2026[indicator]
    factor = 10**decimals
    top = _TABLES["HJ633-2026"][indicator][-1] * factor
    peak_bits = values.view(np.uint64).max()
    missing: BoolArray | None = None
    if peak_bits < INF_BITS:  # no NaN: the largest bits are the largest value
        peak = float(peak_bits.view(np.float64)) * factor
    else:  # NaN (or −0.0) in the block
        nan = np.isnan(values)
        missing = nan if nan.any() else None
        peak = float(np.fmax.reduce(values)) * factor  # NaN when every value is
    t = values if decimals == 0 else np.multiply(values, float(factor), out=scratch.floats)
    if not peak < _ROUNDER_LIMIT:
        t = np.minimum(t, float(top + 1), out=scratch.floats)  # keeps NaN
    index = scratch.index
    rounded = np.add(t, _ROUNDER, out=index.view(np.float64))  # in the index's memory
    near: BoolArray | None = None
    if decimals:
        # Possible ties (…5 at the dropped digit) are not exact in binary: settle them on the decimals.
        error = np.subtract(t, np.subtract(rounded, _ROUNDER, out=scratch.rounded), out=scratch.rounded)
        if not (np.fmax.reduce(error) < 0.5 - 1e-6 and np.fmin.reduce(error) > 1e-6 - 0.5):
            near = np.greater(np.abs(error, out=error), 0.5 - 1e-6, out=scratch.flags)
    np.subtract(index, _ROUNDER_BITS, out=index)
    if near is not None and near.any():
        rows = np.flatnonzero(near)
        exact = round_gbt8170(scale(values[rows]), decimals)
        index[rows] = np.minimum(exact.units // 10 ** (_DIGITS - decimals), top + 1)
    return index, missing, missing is not None or not peak <= top


def _indices_exact(values: FloatArray, indicator: str, standard: Standard) -> tuple[Int32Array, int] | None:
    """Integer indices when every value has at most 2 decimals (as written); else None."""
    top_value = _TABLES[standard][indicator][-1]
    missing = np.isnan(values)
    for decimals in _LOOKUP_DECIMALS:
        factor = float(10**decimals)
        t = values * factor if decimals else values
        nearest = np.rint(t)
        same = nearest == t if decimals == 0 else (nearest / factor) == values
        if bool((same | missing).all()):
            return _clip_indices(nearest, top_value * 10**decimals), decimals
    return None


@dataclass(frozen=True)
class SubIndex:
    """What :func:`_fill_sub_index` found in a block: the rows above the table's top
    (``beyond``) and where HJ 633-2012 notes 2/3 apply (``special``), None when no row is;
    ``gaps``: some row has no sub-index."""

    beyond: BoolArray | None
    special: BoolArray | None
    gaps: bool


def _sub_index_exact(values: FloatArray, indicator: str, standard: Standard) -> Int16Array:
    """IAQI by exact rational arithmetic on millionths (values with many decimals)."""
    table = _TABLES[standard][indicator]
    missing = np.isnan(values)
    scaled = scale(values)
    if standard == "HJ633-2026":
        scaled = round_gbt8170(scaled, tables.DECIMALS_2026[indicator])
    top = table[-1] * _SCALE
    above = (scaled.units > top) | ((scaled.units == top) & ~scaled.exact)
    value = _ceil_iaqi(scaled, table)
    code = int(_lookup(standard, indicator, 0)[-2])
    value = np.where(above, code, value)
    return np.where(missing, _MISSING, value).astype(np.int16)


class _UncheckedInvalid(Exception):
    """A column read without the input check (see :func:`aqi_with_counts`) has an invalid value."""


def _check_block(values: FloatArray) -> None:
    """The input check of :func:`numeric` on a block: raise :class:`_UncheckedInvalid` when a
    value is negative or infinite (NaN and −0.0 pass)."""
    if values.view(np.uint64).max() >= INF_BITS and (
        np.fmax.reduce(values) == np.inf or np.fmin.reduce(values) < 0
    ):
        raise _UncheckedInvalid


def _fill_sub_index(
    values: FloatArray,
    indicator: str,
    standard: Standard,
    out: Int16Array,
    scratch: _Scratch,
    checked: bool = True,
) -> SubIndex:
    """IAQI of one indicator for a block of rows, written into ``out`` (−1 where none).

    ``checked=False``: the values have not been through the input check; check the block first.
    """
    if not checked:
        _check_block(values)
    if standard == "HJ633-2026":
        index, missing, high = _indices_2026(values, indicator, scratch)
        # Without the last entry (the missing code), every index above the table clips to "above".
        lookup = _lookup(standard, indicator, tables.DECIMALS_2026[indicator])[:-1]
        np.take(lookup, index, out=out, mode="clip")
        if missing is not None:
            np.copyto(out, _MISSING, where=missing)
    else:
        found = _indices_exact(values, indicator, standard)
        if found is None:
            out[:] = _sub_index_exact(values, indicator, standard)
        else:
            exact_index, decimals = found  # −1 … top + 1: "wrap" takes −1 as the last entry
            np.take(_lookup(standard, indicator, decimals), exact_index, out=out, mode="wrap")
        high = True
    if not high:
        return SubIndex(None, None, False)
    beyond = special = None
    if out.max() == _BEYOND:
        beyond = out == _BEYOND
        np.minimum(out, 500, out=out)
    low = out.min()
    if low == _NO_IAQI:
        special = out == _NO_IAQI
        np.maximum(out, _MISSING, out=out)
    return SubIndex(beyond, special, bool(low < 0))


def _sub_index(values: FloatArray, indicator: str, standard: Standard) -> Int16Array:
    """IAQI of one indicator over a whole column (int16; −1 where none), block by block."""
    value = np.empty(values.size, dtype=np.int16)
    scratch = _Scratch.make(min(values.size, _PARALLEL_ROWS))
    for lo in range(0, values.size, _PARALLEL_ROWS):
        hi = min(lo + _PARALLEL_ROWS, values.size)
        _fill_sub_index(values[lo:hi], indicator, standard, value[lo:hi], scratch.head(hi - lo))
    return value


@dataclass
class _Result:
    """The arrays of :func:`_compute`; ``found`` names the bit sets (``beyond``, ``exceeding``)
    that are not zero everywhere, and ``gaps`` when a sub-index or the AQI may be missing."""

    iaqi: dict[str, Int16Array]
    aqi: Int16Array
    level: npt.NDArray[np.int8]
    beyond: CodeArray
    primary: CodeArray
    exceeding: CodeArray
    complete: BoolArray
    found: set[str] = field(default_factory=set)
    #: Enum columns (polars Series) whose codes are the bit-set arrays of the same name,
    #: written in place (see ``index.enum_buffer``); the others are built from the arrays.
    columns: dict[str, Any] = field(default_factory=dict)
    #: How many values are missing in each result column where that is known (sub-indices by
    #: name, ``aqi``); the others are looked at.
    missing: dict[str, int] = field(default_factory=dict)
    #: How many rows are incomplete, where that is known (the kernel counts them).
    incomplete: int | None = None


def _arrays(n: int, dtypes: Sequence[type[np.generic]]) -> list[npt.NDArray[Any]]:
    """Uninitialised arrays of ``n`` rows, one per dtype, carved out of a single allocation.

    One large allocation is mapped with huge pages (numpy advises them from 4 MiB up): far
    fewer page faults, which are costly, than a fresh allocation per result column.
    """
    sizes = [np.dtype(dtype).itemsize * n for dtype in dtypes]
    starts = np.cumsum([0, *(-(-size // 64) * 64 for size in sizes)])  # 64-byte aligned
    buffer = np.empty(int(starts[-1]), dtype=np.uint8)
    return [
        buffer[start : start + size].view(dtype)
        for start, size, dtype in zip(starts, sizes, dtypes, strict=False)
    ]


def _bits(mask: BoolArray, name: str) -> CodeArray:
    """The column's bit where ``mask`` is true, else 0 (uint16)."""
    return np.multiply(mask.view(np.uint8), np.uint16(_BIT[name]), dtype=np.uint16)


def _compute_block(
    values: Mapping[str, FloatArray],
    standard: Standard,
    report: Report,
    result: _Result,
    lo: int,
    hi: int,
    scratch: _Scratch,
    unchecked: Collection[str],
) -> None:
    """Sub-indices, AQI, level and pollutant bit sets of rows ``lo:hi``, written into ``result``.

    The indicators in ``unchecked`` have not been through the input check: each block is checked
    as it is read (:class:`_UncheckedInvalid`).
    """
    indicators = tables.INDICATORS[(standard, report)]
    work = scratch.head(hi - lo)
    subs: dict[str, Int16Array] = {}
    # Rows covered per indicator; None: every row.
    covered: dict[str, BoolArray | None] = {}
    special: dict[str, BoolArray] = {}
    beyond = result.beyond[lo:hi]  # zeros
    for name in indicators:
        if name not in values:
            continue
        value = subs[name] = result.iaqi[name][lo:hi]
        found = _fill_sub_index(values[name][lo:hi], name, standard, value, work, name not in unchecked)
        covered[name] = value >= 0 if found.gaps else None
        if found.gaps:
            result.found.add("gaps")
        if found.beyond is not None:
            beyond |= _bits(found.beyond, name)
            result.found.add("beyond")
        if found.special is not None:
            special[name] = found.special
    if standard == "HJ633-2012":
        # Note (3): O3 8-h above 800 → the O3 sub-index comes from the 1-h value.
        o3_8h = covered.get("o3_8h")
        if "o3_8h" in special and o3_8h is not None:
            o3_1h = subs.get("o3_1h")
            has_1h = o3_1h >= 0 if o3_1h is not None else np.zeros(hi - lo, dtype=np.bool_)
            covered["o3_8h"] = o3_8h | (special["o3_8h"] & has_1h)
        # Note (2): SO2 1-h above 800 → the SO2 sub-index comes from the 24-h value.
        if report in _HOURLY_REPORTS and "so2_24h" in result.iaqi:
            if "so2_24h" in unchecked:  # read only where it stands in: checked in full here
                _check_block(values["so2_24h"][lo:hi])
            stand_in = subs["so2_24h"] = result.iaqi["so2_24h"][lo:hi]
            result.found.add("gaps")
            fallback = special.get("so2_1h")
            if fallback is None:
                stand_in.fill(_MISSING)
            else:
                found = _fill_sub_index(values["so2_24h"][lo:hi], "so2_24h", standard, stand_in, work)
                np.copyto(stand_in, _MISSING, where=~fallback)
                if found.beyond is not None:
                    beyond |= _bits(fallback & found.beyond, "so2_24h")
                    result.found.add("beyond")
                so2 = covered["so2_1h"]
                if so2 is not None:
                    covered["so2_1h"] = so2 | (fallback & (stand_in >= 0))
    _aqi_and_pollutants(result, lo, hi, standard, indicators, subs, covered, work)


def _aqi_and_pollutants(
    result: _Result,
    lo: int,
    hi: int,
    standard: Standard,
    indicators: Sequence[str],
    subs: Mapping[str, Int16Array],
    covered: Mapping[str, BoolArray | None],
    work: _Scratch,
) -> None:
    """From a block's sub-indices (``subs``) and the rows each covers (``covered``, None: every
    row): the AQI, the primary (AQI > 50) and, under HJ 633-2012, exceeding pollutants as bit
    sets, the level and whether the row is complete, written into rows ``lo:hi`` of ``result``."""
    best = result.aqi[lo:hi]
    best.fill(_MISSING)
    for value in subs.values():
        np.maximum(best, value, out=best)
    # Primary (and 2012 exceeding) pollutants as bit sets: one bit per column.
    primary = result.primary[lo:hi]
    primary.fill(0)
    exceeding = result.exceeding[lo:hi] if standard == "HJ633-2012" else None  # zeros
    flags, bits = work.flags, work.bits
    for name, value in subs.items():
        bit = np.uint16(_BIT[name])
        np.equal(value, best, out=flags)
        np.multiply(flags.view(np.uint8), bit, out=bits)
        np.bitwise_or(primary, bits, out=primary)
        if exceeding is not None:
            np.greater(value, 100, out=flags)
            np.multiply(flags.view(np.uint8), bit, out=bits)
            np.bitwise_or(exceeding, bits, out=exceeding)
    np.greater(best, 50, out=flags)
    np.multiply(primary, flags.view(np.uint8), out=primary)
    if exceeding is not None and exceeding.any():
        result.found.add("exceeding")
    np.copyto(work.index, best)
    np.take(_LEVELS, work.index, out=result.level[lo:hi], mode="wrap")  # AQI −1 → level 0
    complete = result.complete[lo:hi]
    if any(name not in subs for name in indicators):
        complete.fill(False)
    else:
        complete.fill(True)
        for name in indicators:
            part = covered[name]
            if part is not None:
                complete &= part


def _workers(n: int) -> int:
    """Threads worth using for ``n`` rows: one per CPU (at most 8) from two blocks up, else 1."""
    if n < 2 * _PARALLEL_ROWS:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _compute_numpy(
    values: Mapping[str, FloatArray],
    standard: Standard,
    report: Report,
    n: int,
    unchecked: Collection[str] = (),
) -> _Result:
    """The numpy reference path of :func:`_compute`.

    Works block by block (:data:`_PARALLEL_ROWS` rows); the blocks are shared out among threads
    as they come free (numpy releases the GIL), each thread with its own work arrays, writing
    into the result arrays.
    """
    indicators = tables.INDICATORS[(standard, report)]
    names = [name for name in indicators if name in values]
    if standard == "HJ633-2012" and report in _HOURLY_REPORTS and "so2_24h" in values:
        names.append("so2_24h")  # stands in for SO2 1-h above 800 (note 2)
    *subs, best, primary, level, complete = _arrays(
        n, [*(np.int16 for _ in names), np.int16, np.uint16, np.int8, np.bool_]
    )
    # The bit sets of columns beyond the scale and of exceeding pollutants are mostly zero:
    # calloc'd pages cost nothing until written.
    beyond, exceeding = np.zeros(n, dtype=np.uint16), np.zeros(n, dtype=np.uint16)
    result = _Result(dict(zip(names, subs, strict=True)), best, level, beyond, primary, exceeding, complete)
    if not names:
        result.found.add("gaps")  # no sub-index: the AQI is missing
    block = _PARALLEL_ROWS
    starts = iter(range(0, n, block))  # shared: each thread takes the next block when it is free

    def run() -> None:
        scratch = _Scratch.make(min(n, block))
        for lo in starts:
            _compute_block(values, standard, report, result, lo, min(lo + block, n), scratch, unchecked)

    helpers = _workers(n) - 1  # this thread works too
    with ThreadPoolExecutor(max_workers=max(helpers, 1)) as pool:
        futures = [pool.submit(run) for _ in range(helpers)]
        run()
        for future in futures:
            future.result()
    return result
