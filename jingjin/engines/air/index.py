"""Individual and overall air quality index, IAQI and AQI (空气质量分指数 / 空气质量指数).

Standards: HJ 633-2012 (data before 2026-03-01) and HJ 633-2026 (from 2026-03-01). Tables in
:mod:`jingjin.engines.tables.air_hj633`.

Formula (HJ 633 eq. 1)::

    IAQI_P = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C_P − BP_Lo) + IAQI_Lo
    AQI    = max(IAQI_1, …, IAQI_n)                                (eq. 2)

both rounded **up** to an integer (HJ 633-2012 §6.2, HJ 633-2026 §4.2.6).

Exactness. A concentration is taken as the decimal number it was written as (the shortest
decimal that reads back as the same float). Columns whose values have at most 2 decimals (and
all HJ 633-2026 values, once rounded) are looked up in tables of the exact IAQI of every such
concentration; other values are held as integers in millionths and the IAQI is a ratio of
integers. Either way the ceiling is exact: CO 24-h 2.2 mg/m³ gives exactly 55 (floating
point gives 55.000000000000007 → 56). Every
concentration where an IAQI is a whole number is a multiple of 0.01 (the IAQI steps are
50 or 100 wide and the breakpoints are integers), so a value with more than 6 decimals lies
strictly between two millionths that bracket no whole IAQI, and its ceiling is exact too.

Under HJ 633-2026 the concentrations are first rounded by GB/T 8170 (µg/m³ to integers,
CO to one decimal), ties to even at the dropped digit on the decimal as written
(2.45 → 2.4, 2.35 → 2.4, 35.5 → 36, 36.5 → 36).

Two real-time (hourly) reports. ``"hourly"`` is HJ 633-2012 §5.1.3 as written: the PM
sub-indices come from the 24-h moving means and the O3 8-h moving mean counts too.
``"realtime"`` is what the national platform (全国城市空气质量实时发布平台) publishes: under
HJ 633-2012 the IAQI of PM10 and PM2.5 from their 1-h concentrations on the 24-h breakpoints
and no O3 8-h term (measured: it reproduces every one of 2,937 published station-hours, the
literal reading few of them); under HJ 633-2026 both are the standard's real-time report.
The platform labels an hour by its end (``hour_label="end"``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from jingjin.engines.air import kernel
from jingjin.engines.air._input import (
    INF_BITS,
    FloatArray,
    IntArray,
    InvalidInputError,
    InvalidPolicy,
    Problems,
    as_frame,
    describe_rows,
    finish,
    match_columns,
    numeric,
    parse_times,
)
from jingjin.engines.tables import air_hj633 as tables

Standard = Literal["HJ633-2012", "HJ633-2026"]
Report = Literal["daily", "hourly", "realtime"]
HourLabel = Literal["start", "end"]
STANDARDS: Final = ("HJ633-2012", "HJ633-2026")
REPORTS: Final = ("daily", "hourly", "realtime")
HOUR_LABELS: Final = ("start", "end")
#: Reports of one hour (实时报): their time may name the hour's start or its end.
_HOURLY_REPORTS: Final = ("hourly", "realtime")

#: Every concentration column the engine knows, in output order (µg/m³; CO mg/m³).
COLUMNS: Final = (
    "so2_24h",
    "so2_1h",
    "no2_24h",
    "no2_1h",
    "pm10_24h",
    "pm10_1h",
    "pm25_24h",
    "pm25_1h",
    "co_24h",
    "co_1h",
    "o3_1h",
    "o3_8h",
)
_BIT: Final = {name: 1 << i for i, name in enumerate(COLUMNS)}

#: Millionths: concentrations are held as integers of 10⁻⁶ units.
_DIGITS: Final = 6
_SCALE: Final = 10**_DIGITS
#: Concentrations are clipped here before scaling (int64 safety); far above every table.
_CLIP: Final = 1.0e9

_TABLES: Final[dict[str, dict[str, tuple[int, ...]]]] = {
    "HJ633-2012": tables.HJ633_2012,
    "HJ633-2026": tables.HJ633_2026,
}

#: Names of the columns added by :func:`aqi`, after the ``iaqi_<column>`` ones.
RESULT_COLUMNS: Final = (
    "aqi",
    "level",
    "category",
    "colour",
    "primary_pollutants",
    "exceeding_pollutants",
    "beyond_scale",
    "complete",
    "standard",
)


def _check_standard(standard: str) -> Standard:
    if standard not in STANDARDS:
        raise ValueError(f"standard must be one of {', '.join(STANDARDS)}, not {standard!r}")
    return standard  # type: ignore[return-value]


def _check_report(report: str) -> Report:
    if report not in REPORTS:
        raise ValueError(f"report must be one of {', '.join(REPORTS)}, not {report!r}")
    return report  # type: ignore[return-value]


def _check_hour_label(hour_label: str, report: Report) -> HourLabel:
    if hour_label not in HOUR_LABELS:
        raise ValueError(f"hour_label must be one of {', '.join(HOUR_LABELS)}, not {hour_label!r}")
    if hour_label == "end" and report not in _HOURLY_REPORTS:
        raise InvalidInputError(
            f"hour label 'end' applies to hourly and realtime reports; a {report} report is dated by its day"
        )
    return hour_label  # type: ignore[return-value]


@dataclass(frozen=True)
class Scaled:
    """Concentrations as integers of millionths.

    ``exact`` rows equal ``units / 10⁶`` exactly (as decimals); the other rows lie strictly
    between ``units / 10⁶`` and ``(units + 1) / 10⁶``.
    """

    units: IntArray
    exact: npt.NDArray[np.bool_]


def scale(values: FloatArray) -> Scaled:
    """Hold finite, non-negative concentrations exactly as millionths (see module notes).

    NaN is read as 0; callers mask missing values themselves.
    """
    c = np.nan_to_num(np.minimum(values, _CLIP), nan=0.0)
    x = c * _SCALE
    nearest = np.rint(x)
    exact = (nearest / _SCALE) == c
    if exact.all():
        return Scaled(nearest.astype(np.int64), exact)
    below = np.floor(x)
    below = np.where(below / _SCALE > c, below - 1, below)
    below = np.where((below + 1) / _SCALE < c, below + 1, below)
    return Scaled(np.where(exact, nearest, below).astype(np.int64), exact)


def round_gbt8170(values: Scaled, decimals: int) -> Scaled:
    """Round to ``decimals`` decimals by GB/T 8170 (数值修约规则): ties to even at the dropped digit.

    Works on the decimal value, so 2.45 → 2.4 and 2.35 → 2.4 (binary ``round`` gets 2.45
    wrong: the float is 2.4500000000000002). The result is exact.
    """
    step = 10 ** (_DIGITS - decimals)
    quotient, remainder = np.divmod(values.units, step)
    half = step // 2
    tie_up = (remainder > half) | ((remainder == half) & (quotient % 2 == 1))
    up = np.where(values.exact, tie_up, remainder >= half)
    return Scaled((quotient + up) * step, np.ones(values.units.shape, dtype=np.bool_))


def _ceil_iaqi(values: Scaled, breakpoints: tuple[int, ...]) -> IntArray:
    """Rounded-up IAQI on the table ``breakpoints`` for values within the table (exact)."""
    bp = np.asarray(breakpoints, dtype=np.int64) * _SCALE
    steps = np.asarray(tables.IAQI_STEPS[: len(breakpoints)], dtype=np.int64)
    units = np.minimum(values.units, bp[-1])
    j = np.clip(np.searchsorted(bp, units, side="right") - 1, 0, len(bp) - 2)
    bp_lo = bp[j]
    i_lo = steps[j]
    width = steps[j + 1] - i_lo
    numerator = width * (units - bp_lo)
    denominator = bp[j + 1] - bp_lo
    exact_ceiling = -((-numerator) // denominator)
    inexact_ceiling = numerator // denominator + 1
    return i_lo + np.where(values.exact | (units == bp[-1]), exact_ceiling, inexact_ceiling)


#: Codes in the lookup tables and sub-index arrays.
_MISSING: Final = -1
_NO_IAQI: Final = -2  # HJ 633-2012 notes 2 and 3: SO2 1-h / O3 8-h above 800, no IAQI
_BEYOND: Final = 501  # above the top of the table: IAQI 500, flagged
#: Lookup tables serve values with at most this many decimals (HJ 633-2012 data).
_LOOKUP_DECIMALS: Final = (0, 1, 2)

Int16Array = npt.NDArray[np.int16]
Int32Array = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.uint16]


@functools.cache
def _lookup(standard: Standard, indicator: str, decimals: int) -> Int16Array:
    """IAQI of every concentration k·10⁻ᵈ from 0 to the top of the table (exact, rounded up).

    Two more entries follow: the code for "above the top" (500 flagged, or the special
    rule of SO2 1-h / O3 8-h) at index top + 1, and :data:`_MISSING` last (index −1).
    """
    table = _TABLES[standard][indicator]
    top = table[-1] * 10**decimals
    units = np.arange(top + 1, dtype=np.int64) * 10 ** (_DIGITS - decimals)
    values = _ceil_iaqi(Scaled(units, np.ones(units.shape, dtype=np.bool_)), table)
    above = _BEYOND
    if indicator in ("so2_1h", "o3_8h") and len(table) < len(tables.IAQI_STEPS):
        # HJ 633-2026 notes b and c; HJ 633-2012 notes 2 and 3.
        above = (200 if indicator == "so2_1h" else 300) if standard == "HJ633-2026" else _NO_IAQI
    return np.concatenate([values, [above, _MISSING]]).astype(np.int16)


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


def iaqi(values: npt.ArrayLike, *, indicator: str, standard: Standard) -> FloatArray:
    """Individual air quality index IAQI (空气质量分指数) of one indicator, rounded up.

    Parameters
    ----------
    values : array of concentrations, µg/m³ (CO mg/m³); NaN for missing.
    indicator : a column name of :data:`COLUMNS` with a table in ``standard``.
        ``pm10_1h``/``pm25_1h`` under HJ 633-2012 use the 24-h breakpoints, as the national
        platform's real-time AQI does (the standard's text gives them no IAQI).
    standard : ``"HJ633-2012"`` or ``"HJ633-2026"``.

    Returns
    -------
    float array of whole numbers: IAQI per HJ 633 eq. 1 with ceiling; 500 above the top of
    the table (``beyond the scale``); NaN for missing values and, under HJ 633-2012, for
    SO2 1-h and O3 8-h above 800 (no IAQI is computed: notes 2 and 3). Under HJ 633-2026
    SO2 1-h above 800 counts 200 (note b) and O3 8-h above 800 counts 300 (note c).
    """
    std = _check_standard(standard)
    if indicator not in _TABLES[std]:
        raise ValueError(f"{std} has no breakpoints for {indicator!r}")
    c = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if (c < 0).any() or np.isinf(c).any():
        raise InvalidInputError(f"{indicator}: concentrations must be finite and not negative")
    value = _sub_index(c.ravel(), indicator, std).reshape(c.shape)
    return np.where(value < 0, np.nan, value.astype(np.float64))


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


def _compute(
    values: Mapping[str, npt.NDArray[Any]],
    standard: Standard,
    report: Report,
    n: int,
    unchecked: Collection[str] = (),
) -> _Result:
    """Sub-indices, AQI, level and pollutant bit sets for one standard over ``n`` rows.

    By the compiled kernel (:mod:`jingjin.engines.air.kernel`) when numba is there and
    :data:`KERNEL` is ``"numba"``, else by the numpy reference path (float columns only).
    """
    if KERNEL == "numba" and kernel.available():
        return _compute_kernel(values, standard, report, n)
    floats = {name: v if v.dtype == np.float64 else v.astype(np.float64) for name, v in values.items()}
    return _compute_numpy(floats, standard, report, n, unchecked)


#: Which path computes the AQI: ``"numba"`` (the compiled kernel, default) or ``"numpy"``
#: (the reference). Tests and the benchmark set it to compare the two.
KERNEL: str = os.environ.get("JINGJIN_AQI_KERNEL", "numba")


def _slots(values: Collection[str], standard: Standard, report: Report) -> tuple[list[str], bool]:
    """The kernel's slots: the report's indicators in ``values``, then the SO2 24-h stand-in."""
    names = [name for name in tables.INDICATORS[(standard, report)] if name in values]
    standin = standard == "HJ633-2012" and report in _HOURLY_REPORTS and "so2_24h" in values
    return ([*names, "so2_24h"] if standin else names), standin


@functools.cache
def _kernel_tables(standard: Standard, names: tuple[str, ...]) -> kernel.Tables:
    """The reference path's lookup tables and breakpoints for the kernel's slots ``names``."""
    slots = kernel.SLOTS
    parts: list[Int16Array] = []
    offsets = np.zeros((slots, 3), dtype=np.int64)
    tops = np.full((slots, 3), -1, dtype=np.int64)
    breakpoints = np.zeros((slots, len(tables.IAQI_STEPS)), dtype=np.int64)
    counts = np.zeros(slots, dtype=np.int64)
    above = np.zeros(slots, dtype=np.int64)
    decimals = np.zeros(slots, dtype=np.int64)
    bits = np.zeros(slots, dtype=np.int64)
    start = 0
    for s, name in enumerate(names):
        table = _TABLES[standard][name]
        wanted = (tables.DECIMALS_2026[name],) if standard == "HJ633-2026" else _LOOKUP_DECIMALS
        for d in wanted:
            lookup = _lookup(standard, name, d)[:-2]
            offsets[s, d], tops[s, d] = start, lookup.size - 1
            parts.append(lookup)
            start += lookup.size
        breakpoints[s, : len(table)] = np.asarray(table, dtype=np.int64) * _SCALE
        counts[s] = len(table)
        above[s] = int(_lookup(standard, name, 0)[-2])
        decimals[s] = tables.DECIMALS_2026[name]
        bits[s] = _BIT[name]
    return kernel.Tables(
        np.concatenate(parts).astype(np.int16),
        offsets,
        tops,
        breakpoints,
        counts,
        above,
        decimals,
        bits,
        np.asarray(tables.IAQI_STEPS, dtype=np.int64),
        np.concatenate([[0], _LEVELS[:501]]).astype(np.int8),  # by AQI + 1: −1 → 0
    )


def _compute_kernel(
    values: Mapping[str, npt.NDArray[Any]], standard: Standard, report: Report, n: int
) -> _Result:
    """:func:`_compute` by the compiled kernel: one pass over the rows, every indicator at once.

    Raises :class:`_UncheckedInvalid` when a value is negative or infinite (only columns that
    skipped the input check can have one).
    """
    indicators = tables.INDICATORS[(standard, report)]
    names, standin = _slots(values, standard, report)
    count = len(names) - (1 if standin else 0)
    subs, best, primary, level, complete = (
        np.empty((max(len(names), 1), n), dtype=np.int16),
        *_arrays(n, [np.int16, np.uint16, np.int8, np.bool_]),
    )
    beyond, exceeding = np.zeros(n, dtype=np.uint16), np.zeros(n, dtype=np.uint16)
    out = kernel.run(
        [values[name] for name in names],
        _kernel_tables(standard, tuple(names)),
        n=n,
        count=count,
        standin=count if standin else -1,
        so2_1h=names.index("so2_1h") if "so2_1h" in names[:count] else -1,
        o3_8h=names.index("o3_8h") if "o3_8h" in names[:count] else -1,
        o3_1h=names.index("o3_1h") if "o3_1h" in names[:count] else -1,
        std2026=standard == "HJ633-2026",
        all_present=all(name in values for name in indicators),
        out={
            "subs": subs,
            "best": best,
            "level": level,
            "primary": primary,
            "exceeding": exceeding,
            "beyond": beyond,
            "complete": complete,
        },
    )
    if out.invalid:
        raise _UncheckedInvalid
    found: set[str] = set()
    if out.gaps or standin or not names:
        found.add("gaps")
    if out.beyond_rows:
        found.add("beyond")
    if out.exceeding_rows:
        found.add("exceeding")
    iaqi_arrays = {name: subs[s] for s, name in enumerate(names)}
    return _Result(iaqi_arrays, best, level, beyond, primary, exceeding, complete, found)


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


@functools.cache
def _combinations() -> pl.Series:
    """Every ``;``-joined set of column names, indexed by its bit set (an Enum of 4,096)."""
    texts = [";".join(c for c in COLUMNS if code & _BIT[c]) for code in range(1 << len(COLUMNS))]
    return pl.Series(texts, dtype=pl.Enum(texts))


@functools.cache
def _level_kinds(field: int) -> pl.Series:
    """Category (``field`` 2) or colour (3) of levels 0 … 6 as an Enum; level 0 (missing AQI,
    nulled afterwards) gets the first."""
    texts = [str(row[field]) for row in tables.LEVELS]
    return pl.Series([texts[0], *texts], dtype=pl.Enum(texts))


@functools.cache
def _standard_kinds() -> pl.Series:
    return pl.Series(list(STANDARDS), dtype=pl.Enum(list(STANDARDS)))


_EnumSpec = tuple[str, pl.Series, npt.NDArray[Any] | int]


def _enum_columns(n: int, columns: Sequence[_EnumSpec]) -> list[pl.Series]:
    """Enum columns ``kinds[codes]`` of ``n`` rows for each (name, kinds, codes).

    An int for codes gives a constant column; the others are gathered by polars, in parallel.
    """
    gathered = [pl.Series(name, codes) for name, _, codes in columns if not isinstance(codes, int)]
    found = pl.DataFrame(gathered).select(
        pl.lit(kinds).gather(pl.col(name)).alias(name)
        for name, kinds, codes in columns
        if not isinstance(codes, int)
    )
    return [
        kinds.alias(name).new_from_index(codes, n) if isinstance(codes, int) else found[name]
        for name, kinds, codes in columns
    ]


def _with_nulls(series: pl.Series, missing: BoolArray | None) -> pl.Series:
    if missing is None or not missing.any():
        return series
    return (
        pl.select(pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(pl.lit(series)))
        .to_series()
        .alias(series.name)
    )


def _int_series(name: str, values: Int16Array, gaps: bool = True) -> pl.Series:
    """An integer column, null where ``values`` < 0 (only looked for when ``gaps``)."""
    series = pl.Series(name, values)
    return _with_nulls(series, values < 0 if gaps and values.size and values.min() < 0 else None)


#: Level (1–6) for every AQI 0 … 500 and 0 for missing (index −1).
_LEVELS: Final = np.concatenate(
    [np.searchsorted(np.array([row[0] for row in tables.LEVELS[:-1]]), np.arange(501), side="left") + 1, [0]]
).astype(np.int8)


def levels(aqi_values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """AQI level 1–6 (HJ 633-2012 Table 2; HJ 633-2026 Table 1); 0 where the AQI is missing (< 0).

    Level 1: 0–50 (2026: 1–50), 2: 51–100, 3: 101–150, 4: 151–200, 5: 201–300, 6: > 300.
    """
    a = np.asarray(aqi_values, dtype=np.int64)
    return _LEVELS.take(np.clip(a, -1, 500))


def _dates(frame: pl.DataFrame, column: str, hour_label: HourLabel = "start") -> pl.Series:
    """Dates of a time column (date, datetime or ISO text); errors name the rows.

    With ``hour_label="end"`` a time names the end of its hour and the date is that of the
    hour's start: 2026-03-01 00:00 is the hour 23:00–24:00 of 2026-02-28, and 01:00 the
    hour 00:00–01:00 of 2026-03-01.
    """
    if column not in frame.columns:
        raise InvalidInputError(
            f"time column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
        )
    times = parse_times(frame[column], column)
    if hour_label == "end":
        times = times.dt.offset_by("-1h")
    return times.dt.date()


def standard_for_dates(dates: pl.Series, column: str = "time") -> npt.NDArray[np.int64]:
    """Index into :data:`STANDARDS` per row: HJ 633-2012 before 2026-03-01, HJ 633-2026 from it.

    Dates before 2016-01-01 (HJ 633-2012 in force nationwide) are outside both standards
    and raise :class:`InvalidInputError`.
    """
    start_2012 = pl.Series([tables.START_2012]).str.to_date()[0]
    start_2026 = pl.Series([tables.START_2026]).str.to_date()[0]
    early = np.flatnonzero((dates < start_2012).to_numpy())
    if early.size:
        raise InvalidInputError(
            f"column {column}: date before {tables.START_2012}, outside every AQI standard's range "
            f"(HJ 633-2012 in force from {tables.START_2012}) in {describe_rows(early)}"
        )
    return (dates >= start_2026).to_numpy().astype(np.int64)


def aqi(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    standard: str,
    report: str,
    time_column: str | None = None,
    hour_label: str = "start",
    invalid: InvalidPolicy = "raise",
) -> pl.DataFrame:
    """Air quality index (空气质量指数) with sub-indices, level, category and pollutants.

    Parameters
    ----------
    data : polars DataFrame, or mapping of column name to array. Concentration columns
        (any subset, µg/m³, CO mg/m³): ``so2_24h so2_1h no2_24h no2_1h pm10_24h pm10_1h
        pm25_24h pm25_1h co_24h co_1h o3_1h o3_8h``. Names match case-insensitively.
        Other columns are carried through unchanged.
    standard : ``"HJ633-2012"``, ``"HJ633-2026"`` or ``"auto"`` (by the date in
        ``time_column``: 2012 rules before 2026-03-01, 2026 rules from it).
    report : ``"daily"`` (日报), ``"hourly"`` (实时报 as the standard's text has it) or
        ``"realtime"`` (实时报 as the national platform publishes it). Indicators per report:
        2012 daily so2/no2/pm10/pm25/co 24-h, o3 1-h and 8-h daily maxima; 2012 hourly
        so2/no2/co/o3 1-h, o3 8-h, pm10/pm25 24-h moving means (so2_24h stands in when SO2
        1-h > 800); 2012 realtime the six 1-h values so2/no2/co/o3/pm10/pm25, PM on the
        24-h breakpoints, no O3 8-h term (the platform's convention, measured on its
        published data; so2_24h stands in as in hourly); 2026 daily so2/no2/pm10/pm25/co
        24-h and o3 8-h; 2026 hourly and realtime the six 1-h values (PM on the daily
        breakpoints, §4.2.3–§4.2.4).
    time_column : the date/time column, needed with ``standard="auto"``.
    hour_label : for hourly and realtime reports, whether a time names the hour's
        ``"start"`` (default) or its ``"end"`` (the platform's labels: 01:00 is the hour
        00:00–01:00). ``standard="auto"`` decides by the hour's start, so the hour labelled
        2026-03-01 01:00 by its end is the first under HJ 633-2026 and the one labelled
        2026-03-01 00:00 the last under HJ 633-2012. ``"end"`` with a daily report is an
        :class:`InvalidInputError`.
    invalid : ``"raise"`` (default) raises :class:`InvalidInputError` naming columns and
        1-based data rows for negative, infinite or non-numeric concentrations; ``"skip"``
        marks those cells missing.

    Returns
    -------
    DataFrame: the input columns in order, then ``iaqi_<column>`` (Int64) for each column
    that counts, ``aqi`` (Int64, max of the IAQI, HJ 633 eq. 2), ``level`` (1–6),
    ``category`` (优 … 严重污染), ``colour`` (颜色), ``primary_pollutants`` (AQI > 50: the
    columns with the largest IAQI, ties all listed, ``;``-joined), ``exceeding_pollutants``
    (IAQI > 100, HJ 633-2012 only), ``beyond_scale`` (columns above the top of their table,
    IAQI set to 500), ``complete`` (every indicator of the report has a sub-index),
    ``standard``. Missing values leave their IAQI empty; the AQI is the max of the rest.
    The number of invalid cells skipped is in ``frame.invalid_counts`` (see
    :func:`aqi_with_counts`).
    """
    return aqi_with_counts(
        data,
        standard=standard,
        report=report,
        time_column=time_column,
        hour_label=hour_label,
        invalid=invalid,
    )[0]


#: Integer column types the kernel reads without a float copy (at most 64 bits, so exact as int64).
_KERNEL_INTS: Final = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _read(
    frame: pl.DataFrame, mapping: Mapping[str, str], wanted: Sequence[str], deferred: Collection[str]
) -> tuple[dict[str, FloatArray], Problems]:
    """Float arrays of the ``wanted`` columns, checked (:func:`numeric`) but for ``deferred``."""
    problems = Problems()

    def read(name: str) -> FloatArray:
        series = frame[mapping[name]]
        return series.to_numpy() if name in deferred else numeric(series, mapping[name], problems)

    with ThreadPoolExecutor(max_workers=_workers(frame.height)) as pool:
        return dict(zip(wanted, pool.map(read, wanted), strict=True)), problems


def aqi_with_counts(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    standard: str,
    report: str,
    time_column: str | None = None,
    hour_label: str = "start",
    invalid: InvalidPolicy = "raise",
) -> tuple[pl.DataFrame, dict[str, int]]:
    """:func:`aqi`, also returning the number of invalid cells marked missing per column."""
    rep = _check_report(report)
    label = _check_hour_label(hour_label, rep)
    frame = as_frame(data)
    n = frame.height
    if standard == "auto":
        if time_column is None:
            raise InvalidInputError(
                "standard 'auto' needs a time column (--time-column) to pick the standard by date"
            )
        which = standard_for_dates(_dates(frame, time_column, label), time_column)
        used = [s for k, s in enumerate(STANDARDS) if (which == k).any()]
    else:
        std = _check_standard(standard)
        which = None
        used = [std]
    mapping = match_columns(frame.columns, COLUMNS)
    if not mapping:
        raise InvalidInputError(
            f"none of the known concentration columns is in the input (known: {' '.join(COLUMNS)}; "
            f"found: {', '.join(frame.columns) or 'no columns'})"
        )
    counting: set[str] = set()
    for std_name in used or list(STANDARDS):
        counting.update(tables.INDICATORS[(std_name, rep)])
        if std_name == "HJ633-2012" and rep in _HOURLY_REPORTS:
            counting.add("so2_24h")
    wanted = [name for name in COLUMNS if name in mapping and name in counting]
    # Float columns without nulls that the computation reads in full (one standard, one of its
    # indicators) are checked block by block as it reads them: one pass less over the input.
    # On an invalid value, or when another column has one, every column is checked first.
    # The compiled kernel also reads integer columns as they are (no float copy).
    compiled = KERNEL == "numba" and kernel.available()
    deferred = {
        name
        for name in wanted
        if len(used) == 1
        and name in tables.INDICATORS[(used[0], rep)]
        and (
            frame[mapping[name]].dtype == pl.Float64
            or (compiled and frame[mapping[name]].dtype in _KERNEL_INTS)
        )
        and frame[mapping[name]].null_count() == 0
    }
    values, problems = _read(frame, mapping, wanted, deferred)
    if problems.found and deferred:
        deferred = set()
        values, problems = _read(frame, mapping, wanted, deferred)
    counts = problems.counts()
    finish(problems, invalid, values)

    iaqi_out: dict[str, Int16Array] = {}
    if len(used) <= 1:
        std_used: Standard = used[0] if used else "HJ633-2026"  # type: ignore[assignment]
        try:
            result = _compute(values, std_used, rep, n, deferred)
        except _UncheckedInvalid:
            values, problems = _read(frame, mapping, wanted, set())
            counts = problems.counts()
            finish(problems, invalid, values)
            result = _compute(values, std_used, rep, n)
        iaqi_out.update(result.iaqi)
        best, level, beyond, primary = result.aqi, result.level, result.beyond, result.primary
        exceeding, complete, found = result.exceeding, result.complete, result.found
    else:
        assert which is not None
        best = np.full(n, _MISSING, dtype=np.int16)
        level = np.zeros(n, dtype=np.int8)
        beyond = np.zeros(n, dtype=np.uint16)
        primary = np.zeros(n, dtype=np.uint16)
        exceeding = np.zeros(n, dtype=np.uint16)
        complete = np.zeros(n, dtype=np.bool_)
        found = {"gaps"}  # rows of the other standard are missing in each part
        for k, std_name in enumerate(STANDARDS):
            rows = which == k
            part = {name: v[rows] for name, v in values.items()}
            result = _compute(part, std_name, rep, int(rows.sum()))  # type: ignore[arg-type]
            for name, sub in result.iaqi.items():
                iaqi_out.setdefault(name, np.full(n, _MISSING, dtype=np.int16))[rows] = sub
            best[rows] = result.aqi
            level[rows] = result.level
            beyond[rows] = result.beyond
            primary[rows] = result.primary
            exceeding[rows] = result.exceeding
            complete[rows] = result.complete
            found |= result.found

    gaps = "gaps" in found or any(name not in iaqi_out for name in values)
    for name in values:
        iaqi_out.setdefault(name, np.full(n, _MISSING, dtype=np.int16))
    missing_aqi = best < 0 if gaps and n and best.min() < 0 else None
    added = [_int_series(f"iaqi_{name}", iaqi_out[name], gaps) for name in COLUMNS if name in iaqi_out]
    category, colour, *names, standard_column = _enum_columns(
        n,
        [
            ("category", _level_kinds(2), level.view(np.uint8)),
            ("colour", _level_kinds(3), level.view(np.uint8)),
            ("primary_pollutants", _combinations(), primary),
            ("exceeding_pollutants", _combinations(), exceeding if "exceeding" in found else 0),
            ("beyond_scale", _combinations(), beyond if "beyond" in found else 0),
            ("standard", _standard_kinds(), which if which is not None else STANDARDS.index(used[0])),
        ],
    )
    added += [
        _int_series("aqi", best, gaps),
        _with_nulls(pl.Series("level", level), missing_aqi),
        _with_nulls(category, missing_aqi),
        _with_nulls(colour, missing_aqi),
        *names,
        pl.Series("complete", complete, dtype=pl.Boolean),
        standard_column,
    ]
    clash = [s.name for s in added if s.name in frame.columns]
    if clash:
        raise InvalidInputError(
            f"the input already has result column(s) {', '.join(clash)}; rename or drop them"
        )
    return frame.hstack(added), counts
