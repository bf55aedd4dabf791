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
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from jingjin.engines.air._input import (
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
Report = Literal["daily", "hourly"]
STANDARDS: Final = ("HJ633-2012", "HJ633-2026")
REPORTS: Final = ("daily", "hourly")

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


class _Scratch:
    """Work arrays reused across the columns of one chunk (fresh large arrays cost page faults)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._index: Int32Array | None = None
        self._floats: FloatArray | None = None

    def index(self) -> Int32Array:
        if self._index is None:
            self._index = np.empty(self.n, dtype=np.intp)
        return self._index

    def floats(self) -> FloatArray:
        if self._floats is None:
            self._floats = np.empty(self.n, dtype=np.float64)
        return self._floats


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
    values: FloatArray, indicator: str, scratch: _Scratch | None = None
) -> tuple[Int32Array, int]:
    """Concentrations rounded by GB/T 8170 (HJ 633-2026 §4.2.2), as integers of 10⁻ᵈ units."""
    decimals = tables.DECIMALS_2026[indicator]
    top = _TABLES["HJ633-2026"][indicator][-1] * 10**decimals
    out = scratch.index() if scratch is not None else None
    if decimals == 0:
        # Ties x.5 are exact binary numbers: rint (ties to even) is GB/T 8170 exactly.
        return _clip_indices(values, top, out), decimals
    t = np.multiply(values, float(10**decimals), out=scratch.floats() if scratch is not None else None)
    index = _clip_indices(t, top, out)
    # Possible ties (…5 at the dropped digit) are not exact in binary: settle them on the decimals.
    with np.errstate(invalid="ignore"):
        np.subtract(t, index, out=t)  # t is our own work array from here on
        np.abs(t, out=t)
        near = t > 0.5 - 1e-6
    rows = np.flatnonzero(near)
    if rows.size:
        exact = round_gbt8170(scale(values[rows]), decimals)
        index[rows] = np.minimum(exact.units // 10 ** (_DIGITS - decimals), top + 1)
    return index, decimals


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
    """IAQI of one indicator: ``value`` (int16; −1 where none); ``beyond`` the table's top
    and ``special`` (HJ 633-2012 notes 2/3 apply) as masks, None when no row is."""

    value: Int16Array
    beyond: BoolArray | None
    special: BoolArray | None


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


def _sub_index(
    values: FloatArray, indicator: str, standard: Standard, scratch: _Scratch | None = None
) -> SubIndex:
    if standard == "HJ633-2026":
        found: tuple[Int32Array, int] | None = _indices_2026(values, indicator, scratch)
    else:
        found = _indices_exact(values, indicator, standard)
    if found is None:
        value = _sub_index_exact(values, indicator, standard)
    else:
        index, decimals = found
        value = _lookup(standard, indicator, decimals).take(index)
    if value.size == 0:
        return SubIndex(value, None, None)
    beyond = special = None
    if value.max() == _BEYOND:
        beyond = value == _BEYOND
        np.minimum(value, 500, out=value)
    if value.min() == _NO_IAQI:
        special = value == _NO_IAQI
        np.maximum(value, _MISSING, out=value)
    return SubIndex(value, beyond, special)


def iaqi(values: npt.ArrayLike, *, indicator: str, standard: Standard) -> FloatArray:
    """Individual air quality index IAQI (空气质量分指数) of one indicator, rounded up.

    Parameters
    ----------
    values : array of concentrations, µg/m³ (CO mg/m³); NaN for missing.
    indicator : a column name of :data:`COLUMNS` with a table in ``standard``.
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
    sub = _sub_index(c, indicator, std)
    return np.where(sub.value < 0, np.nan, sub.value.astype(np.float64))


@dataclass
class _Result:
    iaqi: dict[str, Int16Array]
    aqi: Int16Array
    beyond: CodeArray
    primary: CodeArray
    exceeding: CodeArray
    complete: BoolArray


def _bits(mask: BoolArray, name: str) -> CodeArray:
    """The column's bit where ``mask`` is true, else 0 (uint16)."""
    return np.multiply(mask.view(np.uint8), np.uint16(_BIT[name]), dtype=np.uint16)


def _compute(values: Mapping[str, FloatArray], standard: Standard, report: Report, n: int) -> _Result:
    """Sub-indices, AQI and pollutant bit sets for one standard over ``n`` rows."""
    indicators = tables.INDICATORS[(standard, report)]
    subs: dict[str, Int16Array] = {}
    beyond = np.zeros(n, dtype=np.uint16)
    special: dict[str, BoolArray] = {}
    scratch = _Scratch(n)
    for name in indicators:
        if name not in values:
            continue
        sub = _sub_index(values[name], name, standard, scratch)
        subs[name] = sub.value
        if sub.beyond is not None:
            beyond |= _bits(sub.beyond, name)
        if sub.special is not None:
            special[name] = sub.special
    # Rows covered per indicator; None: every row.
    covered: dict[str, BoolArray | None] = {
        name: (None if not value.size or value.min() >= 0 else value >= 0) for name, value in subs.items()
    }
    if standard == "HJ633-2012":
        # Note (3): O3 8-h above 800 → the O3 sub-index comes from the 1-h value.
        if "o3_8h" in special and covered["o3_8h"] is not None:
            o3_1h = subs.get("o3_1h")
            has_1h = o3_1h >= 0 if o3_1h is not None else np.zeros(n, dtype=np.bool_)
            covered["o3_8h"] = covered["o3_8h"] | (special["o3_8h"] & has_1h)
        # Note (2): SO2 1-h above 800 → the SO2 sub-index comes from the 24-h value.
        if report == "hourly" and "so2_1h" in special:
            fallback = special["so2_1h"]
            if "so2_24h" in values:
                sub = _sub_index(values["so2_24h"], "so2_24h", standard)
                subs["so2_24h"] = np.where(fallback, sub.value, _MISSING).astype(np.int16)
                if sub.beyond is not None:
                    beyond |= _bits(fallback & sub.beyond, "so2_24h")
                so2 = covered["so2_1h"]
                if so2 is not None:
                    covered["so2_1h"] = so2 | (fallback & (sub.value >= 0))
    best = np.full(n, _MISSING, dtype=np.int16)
    for value in subs.values():
        np.maximum(best, value, out=best)
    primary = np.zeros(n, dtype=np.uint16)
    exceeding = np.zeros(n, dtype=np.uint16)
    flags = np.empty(n, dtype=np.bool_)
    bits = np.empty(n, dtype=np.uint16)
    for name, value in subs.items():
        np.equal(value, best, out=flags)
        np.multiply(flags.view(np.uint8), np.uint16(_BIT[name]), out=bits)
        primary |= bits
        if standard == "HJ633-2012":
            np.greater(value, 100, out=flags)
            np.multiply(flags.view(np.uint8), np.uint16(_BIT[name]), out=bits)
            exceeding |= bits
    np.greater(best, 50, out=flags)
    primary *= flags.view(np.uint8)
    if any(name not in subs for name in indicators):
        complete = np.zeros(n, dtype=np.bool_)
    else:
        complete = np.ones(n, dtype=np.bool_)
        for name in indicators:
            part = covered[name]
            if part is not None:
                complete &= part
    return _Result(subs, best, beyond, primary, exceeding, complete)


#: Rows per chunk above which :func:`_compute` runs on several threads (numpy releases the GIL).
_PARALLEL_ROWS: Final = 1 << 18


def _workers(n: int) -> int:
    """Threads worth using for ``n`` rows: one per CPU (at most 8) for large inputs, else 1."""
    if n < 2 * _PARALLEL_ROWS:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _compute_chunked(values: Mapping[str, FloatArray], standard: Standard, report: Report, n: int) -> _Result:
    """:func:`_compute` on row chunks in threads, one per CPU, joined in row order."""
    workers = _workers(n)
    if workers < 2:
        return _compute(values, standard, report, n)
    bounds = np.linspace(0, n, workers + 1).astype(int)
    chunks = [
        ({name: v[lo:hi] for name, v in values.items()}, hi - lo) for lo, hi in itertools.pairwise(bounds)
    ]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda chunk: _compute(chunk[0], standard, report, chunk[1]), chunks))
    names = list(dict.fromkeys(name for p in parts for name in p.iaqi))
    return _Result(
        {
            name: np.concatenate(
                [p.iaqi.get(name, np.full(p.aqi.size, _MISSING, dtype=np.int16)) for p in parts]
            )
            for name in names
        },
        np.concatenate([p.aqi for p in parts]),
        np.concatenate([p.beyond for p in parts]),
        np.concatenate([p.primary for p in parts]),
        np.concatenate([p.exceeding for p in parts]),
        np.concatenate([p.complete for p in parts]),
    )


def _enum(texts: Sequence[str], index: npt.NDArray[Any], name: str) -> pl.Series:
    """An Enum column of ``texts[index]`` (a constant column without a gather when possible)."""
    categories = list(dict.fromkeys(texts))
    kinds = pl.Series(name, categories, dtype=pl.Enum(categories))
    if index.size and int(index.min()) == int(index.max()):
        return (
            kinds.new_from_index(int(index[0]), index.size)
            if len(categories) > 1
            else kinds.new_from_index(0, index.size)
        )
    return kinds.gather(pl.Series(index.astype(np.uint32, copy=False)))


@functools.cache
def _combinations() -> pl.Series:
    """Every ``;``-joined set of column names, indexed by its bit set (an Enum of 4,096)."""
    texts = [";".join(c for c in COLUMNS if code & _BIT[c]) for code in range(1 << len(COLUMNS))]
    return pl.Series(texts, dtype=pl.Enum(texts))


def _names(codes: CodeArray, name: str) -> pl.Series:
    """``;``-joined column names for each bit set (empty text for none), as an Enum column."""
    kinds = _combinations().alias(name)
    if codes.size == 0 or int(codes.max()) == 0:
        return kinds.new_from_index(0, codes.size)
    return kinds.gather(pl.Series(codes.astype(np.uint32)))


def _with_nulls(series: pl.Series, missing: BoolArray | None) -> pl.Series:
    if missing is None or not missing.any():
        return series
    return (
        pl.select(pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(pl.lit(series)))
        .to_series()
        .alias(series.name)
    )


def _int_series(name: str, values: Int16Array) -> pl.Series:
    series = pl.Series(name, values)
    return _with_nulls(series, values < 0 if values.size and values.min() < 0 else None)


#: Level (1–6) for every AQI 0 … 500 and 0 for missing (index −1).
_LEVELS: Final = np.concatenate(
    [np.searchsorted(np.array([row[0] for row in tables.LEVELS[:-1]]), np.arange(501), side="left") + 1, [0]]
).astype(np.int8)


#: Index into the six categories for every AQI 0 … 500 (0 for missing, index −1).
_CATEGORY_INDEX: Final = np.maximum(_LEVELS.astype(np.int64) - 1, 0).astype(np.uint32)


def levels(aqi_values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """AQI level 1–6 (HJ 633-2012 Table 2; HJ 633-2026 Table 1); 0 where the AQI is missing (< 0).

    Level 1: 0–50 (2026: 1–50), 2: 51–100, 3: 101–150, 4: 151–200, 5: 201–300, 6: > 300.
    """
    a = np.asarray(aqi_values, dtype=np.int64)
    return _LEVELS.take(np.clip(a, -1, 500))


def _dates(frame: pl.DataFrame, column: str) -> pl.Series:
    """Dates of a time column (date, datetime or ISO text); errors name the rows."""
    if column not in frame.columns:
        raise InvalidInputError(
            f"time column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
        )
    return parse_times(frame[column], column).dt.date()


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
    report : ``"daily"`` (日报) or ``"hourly"`` (实时报). Indicators per report:
        2012 daily so2/no2/pm10/pm25/co 24-h, o3 1-h and 8-h daily maxima; 2012 hourly
        so2/no2/co/o3 1-h, o3 8-h, pm10/pm25 24-h moving means (so2_24h stands in when SO2
        1-h > 800); 2026 daily so2/no2/pm10/pm25/co 24-h and o3 8-h; 2026 hourly the six 1-h
        values (PM on the daily breakpoints).
    time_column : the date/time column, needed with ``standard="auto"``.
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
    return aqi_with_counts(data, standard=standard, report=report, time_column=time_column, invalid=invalid)[
        0
    ]


def aqi_with_counts(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    standard: str,
    report: str,
    time_column: str | None = None,
    invalid: InvalidPolicy = "raise",
) -> tuple[pl.DataFrame, dict[str, int]]:
    """:func:`aqi`, also returning the number of invalid cells marked missing per column."""
    rep = _check_report(report)
    frame = as_frame(data)
    n = frame.height
    if standard == "auto":
        if time_column is None:
            raise InvalidInputError(
                "standard 'auto' needs a time column (--time-column) to pick the standard by date"
            )
        which = standard_for_dates(_dates(frame, time_column), time_column)
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
        if std_name == "HJ633-2012" and rep == "hourly":
            counting.add("so2_24h")
    problems = Problems()
    values: dict[str, FloatArray] = {}
    wanted = [name for name in COLUMNS if name in mapping and name in counting]
    with ThreadPoolExecutor(max_workers=_workers(n)) as pool:
        arrays = pool.map(lambda name: numeric(frame[mapping[name]], mapping[name], problems), wanted)
        values.update(zip(wanted, arrays, strict=True))
    counts = problems.counts()
    finish(problems, invalid, values)

    iaqi_out: dict[str, Int16Array] = {}
    if len(used) <= 1:
        result = _compute_chunked(values, used[0] if used else "HJ633-2026", rep, n)  # type: ignore[arg-type]
        iaqi_out.update(result.iaqi)
        best, beyond, primary = result.aqi, result.beyond, result.primary
        exceeding, complete = result.exceeding, result.complete
    else:
        assert which is not None
        best = np.full(n, _MISSING, dtype=np.int16)
        beyond = np.zeros(n, dtype=np.uint16)
        primary = np.zeros(n, dtype=np.uint16)
        exceeding = np.zeros(n, dtype=np.uint16)
        complete = np.zeros(n, dtype=np.bool_)
        for k, std_name in enumerate(STANDARDS):
            rows = which == k
            part = {name: v[rows] for name, v in values.items()}
            result = _compute_chunked(part, std_name, rep, int(rows.sum()))  # type: ignore[arg-type]
            for name, sub in result.iaqi.items():
                iaqi_out.setdefault(name, np.full(n, _MISSING, dtype=np.int16))[rows] = sub
            best[rows] = result.aqi
            beyond[rows] = result.beyond
            primary[rows] = result.primary
            exceeding[rows] = result.exceeding
            complete[rows] = result.complete

    for name in values:
        iaqi_out.setdefault(name, np.full(n, _MISSING, dtype=np.int16))
    missing_aqi = best < 0 if n and best.min() < 0 else None
    level = _LEVELS.take(best)
    category_index = _CATEGORY_INDEX.take(best)
    added = [_int_series(f"iaqi_{name}", iaqi_out[name]) for name in COLUMNS if name in iaqi_out]
    with ThreadPoolExecutor(max_workers=_workers(n)) as pool:
        category = pool.submit(_enum, [row[2] for row in tables.LEVELS], category_index, "category")
        colour = pool.submit(_enum, [row[3] for row in tables.LEVELS], category_index, "colour")
        names = [
            pool.submit(_names, codes, name)
            for codes, name in (
                (primary, "primary_pollutants"),
                (exceeding, "exceeding_pollutants"),
                (beyond, "beyond_scale"),
            )
        ]
        added += [
            _int_series("aqi", best),
            _with_nulls(pl.Series("level", level), missing_aqi),
            _with_nulls(category.result(), missing_aqi),
            _with_nulls(colour.result(), missing_aqi),
            *(future.result() for future in names),
            pl.Series("complete", complete, dtype=pl.Boolean),
            _enum(
                list(STANDARDS),
                which if which is not None else np.full(n, STANDARDS.index(used[0]), dtype=np.uint8),
                "standard",
            ),
        ]
    clash = [s.name for s in added if s.name in frame.columns]
    if clash:
        raise InvalidInputError(
            f"the input already has result column(s) {', '.join(clash)}; rename or drop them"
        )
    return frame.hstack(added), counts
