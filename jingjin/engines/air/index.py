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

This module is the public API (:func:`aqi`, :func:`iaqi`) and the choice of the path; the
standards, columns, exact scaling and look-up tables are in :mod:`jingjin.engines.air.standards`,
the numpy reference path in :mod:`jingjin.engines.air.reference`, the compiled kernel in
:mod:`jingjin.engines.air.kernel`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from jingjin.engines.air import kernel
from jingjin.engines.air._buffers import enum_buffer, validity
from jingjin.engines.air._input import (
    FloatArray,
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
from jingjin.engines.air.reference import (
    _arrays,
    _compute_numpy,
    _Result,
    _sub_index,
    _UncheckedInvalid,
    _workers,
)
from jingjin.engines.air.standards import (
    _BIT,
    _HOURLY_REPORTS,
    _LEVELS,
    _LOOKUP_DECIMALS,
    _MISSING,
    _SCALE,
    _TABLES,
    COLUMNS,
    STANDARDS,
    BoolArray,
    HourLabel,
    Int16Array,
    Report,
    Standard,
    _check_hour_label,
    _check_report,
    _check_standard,
    _lookup,
)
from jingjin.engines.tables import air_hj633 as tables


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


def _compute(
    values: Mapping[str, npt.NDArray[Any]],
    standard: Standard,
    report: Report,
    n: int,
    unchecked: Collection[str] = (),
    masks: Mapping[str, tuple[npt.NDArray[np.uint8], int]] | None = None,
) -> _Result:
    """Sub-indices, AQI, level and pollutant bit sets for one standard over ``n`` rows.

    By the compiled kernel (:mod:`jingjin.engines.air.kernel`) when numba is there and
    :data:`KERNEL` is ``"numba"``, else by the numpy reference path (float columns only).
    ``masks``: the validity bits of columns whose arrays are polars' values buffers
    (:func:`_read`), for the kernel only.
    """
    if KERNEL == "numba" and kernel.available():
        return _compute_kernel(values, standard, report, n, masks or {})
    assert not masks, "columns read with their validity bits are for the compiled kernel"
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


def _float_tops(standard: Standard, tops: npt.NDArray[np.int64], decimals: npt.NDArray[np.int64]) -> Any:
    """The tops of the tables the kernel's float loop indexes: tenths under HJ 633-2012, the
    GB/T 8170 decimals of each column under HJ 633-2026."""
    if standard == "HJ633-2026":
        return np.take_along_axis(tops, decimals[:, None], axis=1)
    return tops[:, 1]


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
    lut = np.concatenate(parts).astype(np.int16)
    steps = np.diff(_LEVELS[:501])
    level_tops = np.full(kernel.LEVEL_TOPS, np.iinfo(np.int16).max, dtype=np.int16)  # never passed
    found_tops = np.flatnonzero(steps)  # the AQI a with level(a + 1) > level(a)
    level_tops[: found_tops.size] = found_tops[: kernel.LEVEL_TOPS]
    # The kernel relies on these: a looked-up code is a sub-index (never a special code), a
    # table index is below uint16's 65,535 (``UNSETTLED`` of the float loop), the level is 1
    # at AQI 0 and goes up by one at each level's top (at most ``LEVEL_TOPS`` of them), up to
    # the number of categories and colours (it writes the level less one as their codes), and
    # every set of columns' bits is a code of :func:`_combinations` (the kernel writes them into
    # its Enum columns unchecked).
    if (
        (lut.size and (lut.min() < 0 or lut.max() > 500))
        or _float_tops(standard, tops, decimals).max(initial=0) >= 65535
        or _LEVELS[0] != 1
        or steps.min() < 0
        or steps.max() > 1
        or found_tops.size > kernel.LEVEL_TOPS
        or _LEVELS[500]
        > min(_level_kinds(2).cat.get_categories().len(), _level_kinds(3).cat.get_categories().len())
        or int(np.bitwise_or.reduce(bits)) >= _combinations().len()
    ):
        raise AssertionError("the AQI tables do not have the shape the compiled kernel assumes")
    return kernel.Tables(
        lut,
        offsets,
        tops,
        breakpoints,
        counts,
        above,
        decimals,
        bits,
        np.asarray(tables.IAQI_STEPS, dtype=np.int64),
        level_tops,
    )


def _compute_kernel(
    values: Mapping[str, npt.NDArray[Any]],
    standard: Standard,
    report: Report,
    n: int,
    masks: Mapping[str, tuple[npt.NDArray[np.uint8], int]],
) -> _Result:
    """:func:`_compute` by the compiled kernel: one pass over the rows, every indicator at once.

    Raises :class:`_UncheckedInvalid` when a value is negative or infinite (only columns that
    skipped the input check can have one).
    """
    indicators = tables.INDICATORS[(standard, report)]
    names, standin = _slots(values, standard, report)
    count = len(names) - (1 if standin else 0)
    # The kernel writes every result in full: no zeroing; one allocation for the row results.
    subs = np.empty((max(len(names), 1), n), dtype=np.int16)
    best, level, complete = _arrays(n, [np.int16, np.int8, np.bool_])
    arrays: dict[str, npt.NDArray[Any]] = {"best": best, "level": level, "complete": complete}
    # The bit sets are written straight into their Enum columns where polars gives them. HJ
    # 633-2026 names no exceeding pollutants: the kernel gets no array for them, the result a
    # read-only view of one zero (filling 4 MB of zeros on 2,000,000 rows took 0.3 ms).
    columns: dict[str, pl.Series] = {}
    kernel_arrays: dict[str, npt.NDArray[Any]] = {}
    for key in ("primary", "exceeding", "beyond"):
        if key == "exceeding" and standard == "HJ633-2026":
            arrays[key] = np.broadcast_to(np.uint16(0), (n,))
            kernel_arrays[key] = np.empty(0, dtype=np.uint16)
            continue
        made = enum_buffer(_combinations(), n)
        if made is None:
            arrays[key] = np.zeros(n, dtype=np.uint16)
        else:
            columns[key], arrays[key] = made
    # The category and colour codes too, both or neither (else they are made from the levels).
    category, colour = enum_buffer(_level_kinds(2), n), enum_buffer(_level_kinds(3), n)
    codes: dict[str, npt.NDArray[Any]] = {}
    if category is not None and colour is not None:
        (columns["category"], codes["category"]), (columns["colour"], codes["colour"]) = category, colour
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
        out={"subs": subs, **arrays, **kernel_arrays, **codes},
        masks=[masks.get(name) for name in names],
    )
    if out.invalid:
        raise _UncheckedInvalid
    found: set[str] = set()
    if out.missing[:count].any() or standin or not names:
        found.add("gaps")
    # How many values each result column misses: none or all need no look at the column.
    missing = {name: int(out.missing[s]) for s, name in enumerate(names)} | {"aqi": out.no_aqi}
    if out.beyond_rows:
        found.add("beyond")
    if out.exceeding_rows:
        found.add("exceeding")
    iaqi_arrays = {name: subs[s] for s, name in enumerate(names)}
    return _Result(
        iaqi_arrays,
        arrays["best"],
        arrays["level"],
        arrays["beyond"],
        arrays["primary"],
        arrays["exceeding"],
        arrays["complete"],
        found,
        columns,
        missing,
        out.incomplete,
    )


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


_EnumSpec = tuple[str, pl.Series, npt.NDArray[Any] | pl.Series | int]


def _enum_columns(n: int, columns: Sequence[_EnumSpec]) -> list[pl.Series | pl.Expr]:
    """Enum columns ``kinds[codes]`` of ``n`` rows for each (name, kinds, codes).

    An int for codes gives a constant (an expression: see :func:`_attach`); a Series is the
    column already made (by :func:`enum_buffer`); codes that are mostly 0 (the beyond-the-scale
    pollutants, say) ``kinds[0]`` with the few other rows put in place; the rest are gathered by
    polars, in parallel.
    """
    found: dict[str, pl.Series | pl.Expr] = {}
    dense = []
    for name, kinds, codes in columns:
        if isinstance(codes, pl.Series):
            found[name] = codes.alias(name)
        elif isinstance(codes, int):
            found[name] = pl.lit(kinds.slice(codes, 1)).first().alias(name)
        elif np.count_nonzero(codes) * 16 < n:
            rows = np.flatnonzero(codes != 0)  # via bools: numpy is ~7x slower on uint16 itself
            found[name] = kinds.alias(name).new_from_index(0, n).scatter(rows, kinds.gather(codes[rows]))
        else:
            dense.append((name, kinds, codes))
    if dense:
        gathered = pl.DataFrame([pl.Series(name, codes) for name, _, codes in dense]).select(
            pl.lit(kinds).gather(pl.col(name)).alias(name) for name, kinds, _ in dense
        )
        found.update((name, gathered[name]) for name, _, _ in dense)
    return [found[name] for name, _, _ in columns]


def _with_nulls(series: pl.Series, missing: BoolArray | None) -> pl.Series:
    if missing is None or not missing.any():
        return series
    return (
        pl.select(pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(pl.lit(series)))
        .to_series()
        .alias(series.name)
    )


def _int_series(name: str, values: Int16Array, gaps: bool = True, missing: int | None = None) -> pl.Series:
    """An integer column, null where ``values`` < 0 (only looked for when ``gaps``; ``missing``:
    how many are, where known)."""
    if missing == values.size and missing:  # repeated from one null: no buffer to fill
        return pl.Series(name, [None], dtype=pl.Series(values[:0]).dtype).new_from_index(0, missing)
    series = pl.Series(name, values)
    if not gaps or not values.size or (missing == 0 if missing is not None else values.min() >= 0):
        return series
    # The nulls by polars' own comparison, in one pass: quicker than a numpy mask of the negative
    # codes that polars then packs into bits and applies.
    return pl.select(pl.when(pl.lit(series) >= 0).then(pl.lit(series))).to_series().alias(name)


def _complete(result: _Result, n: int) -> pl.Series | pl.Expr:
    """The ``complete`` column: one value where the kernel counted every row or none
    incomplete (no Boolean array of ``n`` to pack into bits), else the rows' values."""
    if result.incomplete in (0, n) and n:
        return pl.lit(result.incomplete == 0).alias("complete")
    return pl.Series("complete", result.complete, dtype=pl.Boolean)


def _name(column: pl.Series | pl.Expr) -> str:
    return column.name if isinstance(column, pl.Series) else column.meta.output_name()


def _attach(frame: pl.DataFrame, added: Sequence[pl.Series | pl.Expr]) -> pl.DataFrame:
    """``frame`` with the ``added`` columns after its own, in order. An expression (one value on
    every row) becomes a constant column of polars, which holds the value once instead of a
    buffer of every row (writing 2–4 MB each on 2,000,000 rows)."""
    if all(isinstance(column, pl.Series) for column in added):
        return frame.hstack(added)  # type: ignore[arg-type]
    return frame.with_columns(added)


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
    DataFrame: the input columns in order, then ``iaqi_<column>`` (Int16) for each column
    that counts, ``aqi`` (Int16, max of the IAQI, HJ 633 eq. 2), ``level`` (Int8, 1–6),
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
    frame: pl.DataFrame,
    mapping: Mapping[str, str],
    wanted: Sequence[str],
    deferred: Collection[str],
    compiled: bool = False,
) -> tuple[dict[str, FloatArray], Problems, dict[str, tuple[npt.NDArray[np.uint8], int]]]:
    """Float arrays of the ``wanted`` columns, checked (:func:`numeric`) but for ``deferred``;
    and the masks of the deferred columns with nulls (:func:`validity`: their arrays are the
    values buffers, for the compiled kernel only). For the ``compiled`` kernel an integer
    column without nulls is checked in place (one pass for its minimum) and read as it is,
    without a float copy."""
    problems = Problems()
    masks: dict[str, tuple[npt.NDArray[np.uint8], int]] = {}

    def read(name: str) -> FloatArray:
        series = frame[mapping[name]]
        if name in deferred:
            found = validity(series) if compiled and series.null_count() else None
            if found is None:
                return series.to_numpy()
            masks[name] = found[1:]
            return found[0]
        if compiled and series.dtype in _KERNEL_INTS and series.null_count() == 0:
            view = series.to_numpy()
            if view.size and view.min() >= 0:
                return view
        return numeric(series, mapping[name], problems)

    checked = [name for name in wanted if name not in deferred]
    if len(checked) < 2 or _workers(frame.height) == 1:  # the deferred are views: no threads
        return {name: read(name) for name in wanted}, problems, masks
    with ThreadPoolExecutor(max_workers=_workers(frame.height)) as pool:
        return dict(zip(wanted, pool.map(read, wanted), strict=True)), problems, masks


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
    which, used = _standards_used(frame, standard, rep, label, time_column)
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
    # indicators or SO2 24-h where it stands in for SO2 1-h) are checked block by block as it
    # reads them: one pass less over the input. On an invalid value, or when another column has
    # one, every column is checked first. The compiled kernel also reads integer columns as
    # they are (no float copy), and columns with nulls with their validity bits (no copy with
    # NaN for the nulls).
    compiled = KERNEL == "numba" and kernel.available()
    deferred = {
        name
        for name in wanted
        if len(used) == 1  # then ``wanted`` holds only what the one standard reads
        and (
            frame[mapping[name]].dtype == pl.Float64
            or (compiled and frame[mapping[name]].dtype in _KERNEL_INTS)
        )
        and (compiled or frame[mapping[name]].null_count() == 0)
    }
    values, problems, masks = _read(frame, mapping, wanted, deferred, compiled)
    if problems.found and deferred:
        deferred = set()
        values, problems, masks = _read(frame, mapping, wanted, deferred, compiled)
    counts = problems.counts()
    finish(problems, invalid, values)

    if len(used) <= 1:
        std_used: Standard = used[0] if used else "HJ633-2026"  # type: ignore[assignment]
        try:
            result = _compute(values, std_used, rep, n, deferred, masks)
        except _UncheckedInvalid:
            values, problems, masks = _read(frame, mapping, wanted, set(), compiled)
            counts = problems.counts()
            finish(problems, invalid, values)
            result = _compute(values, std_used, rep, n)
    else:
        assert which is not None
        result = _compute_mixed(values, which, rep, n)
    standard_codes = which if which is not None else STANDARDS.index(used[0])
    added = _result_columns(result, list(values), standard_codes, n)
    clash = [_name(s) for s in added if _name(s) in frame.columns]
    if clash:
        raise InvalidInputError(
            f"the input already has result column(s) {', '.join(clash)}; rename or drop them"
        )
    return _attach(frame, added), counts


def _standards_used(
    frame: pl.DataFrame, standard: str, report: Report, label: HourLabel, time_column: str | None
) -> tuple[npt.NDArray[np.int64] | None, list[str]]:
    """The standard of each row (an index into :data:`STANDARDS`; None: ``standard`` for every
    row) and the standards that occur. ``"auto"`` decides by the date in ``time_column``."""
    if standard != "auto":
        return None, [_check_standard(standard)]
    if time_column is None:
        raise InvalidInputError(
            "standard 'auto' needs a time column (--time-column) to pick the standard by date"
        )
    which = standard_for_dates(_dates(frame, time_column, label), time_column)
    return which, [s for k, s in enumerate(STANDARDS) if (which == k).any()]


def _compute_mixed(
    values: Mapping[str, FloatArray], which: npt.NDArray[np.int64], report: Report, n: int
) -> _Result:
    """:func:`_compute` over rows of both standards: each standard's rows computed apart and
    put back in place (``which``: the standard of each row, an index into :data:`STANDARDS`)."""
    result = _Result(
        {},
        np.full(n, _MISSING, dtype=np.int16),
        np.zeros(n, dtype=np.int8),
        np.zeros(n, dtype=np.uint16),
        np.zeros(n, dtype=np.uint16),
        np.zeros(n, dtype=np.uint16),
        np.zeros(n, dtype=np.bool_),
        {"gaps"},  # rows of the other standard are missing in each part
    )
    for k, std_name in enumerate(STANDARDS):
        rows = which == k
        part = {name: v[rows] for name, v in values.items()}
        found = _compute(part, std_name, report, int(rows.sum()))  # type: ignore[arg-type]
        for name, sub in found.iaqi.items():
            result.iaqi.setdefault(name, np.full(n, _MISSING, dtype=np.int16))[rows] = sub
        result.aqi[rows] = found.aqi
        result.level[rows] = found.level
        result.beyond[rows] = found.beyond
        result.primary[rows] = found.primary
        result.exceeding[rows] = found.exceeding
        result.complete[rows] = found.complete
        result.found |= found.found
    return result


def _level_columns(level: npt.NDArray[np.int8]) -> list[_EnumSpec]:
    """The category and colour columns of the levels (1 … 6; 0, a missing AQI, is nulled
    afterwards and reads as level 1 here): as Enum columns written in place where
    :func:`enum_buffer` gives them, else as codes for :func:`_enum_columns`."""
    n = level.size
    category, colour = enum_buffer(_level_kinds(2), n), enum_buffer(_level_kinds(3), n)
    if category is None or colour is None:
        return [
            ("category", _level_kinds(2), level.view(np.uint8)),
            ("colour", _level_kinds(3), level.view(np.uint8)),
        ]
    codes = category[1]
    np.clip(level.view(np.uint8), 1, len(tables.LEVELS), out=codes)  # clipped: never a code beyond the Enum
    codes -= 1
    colour[1][:] = codes
    return [("category", _level_kinds(2), category[0]), ("colour", _level_kinds(3), colour[0])]


def _result_columns(
    result: _Result, read: Sequence[str], standard_codes: npt.NDArray[np.int64] | int, n: int
) -> list[pl.Series | pl.Expr]:
    """The columns :func:`aqi` adds, from the computed arrays (``read``: the columns read;
    ``standard_codes``: the standard of each row, or one for every row); a column with one
    value on every row as an expression (:func:`_attach`)."""
    iaqi_out = dict(result.iaqi)
    best, level, found = result.aqi, result.level, result.found
    gaps = "gaps" in found or any(name not in iaqi_out for name in read)
    for name in read:
        if name not in iaqi_out:
            iaqi_out[name] = np.full(n, _MISSING, dtype=np.int16)
    known = result.missing
    no_aqi = known.get("aqi")
    missing_aqi = best < 0 if gaps and n and (best.min() < 0 if no_aqi is None else no_aqi > 0) else None
    added = [
        _int_series(f"iaqi_{name}", iaqi_out[name], gaps, known.get(name))
        for name in COLUMNS
        if name in iaqi_out
    ]
    made = result.columns
    levels: list[_EnumSpec] = (
        [("category", _level_kinds(2), made["category"]), ("colour", _level_kinds(3), made["colour"])]
        if "category" in made and "colour" in made
        else _level_columns(level)
    )
    category, colour, *names, standard_column = _enum_columns(
        n,
        [
            *levels,
            ("primary_pollutants", _combinations(), made.get("primary", result.primary)),
            (
                "exceeding_pollutants",
                _combinations(),
                made.get("exceeding", result.exceeding if "exceeding" in found else 0),
            ),
            ("beyond_scale", _combinations(), made.get("beyond", result.beyond if "beyond" in found else 0)),
            ("standard", _standard_kinds(), standard_codes),
        ],
    )
    assert isinstance(category, pl.Series) and isinstance(colour, pl.Series)  # codes, never one value
    return [
        *added,
        _int_series("aqi", best, gaps, no_aqi),
        _with_nulls(pl.Series("level", level), missing_aqi),
        _with_nulls(category, missing_aqi),
        _with_nulls(colour, missing_aqi),
        *names,
        _complete(result, n),
        standard_column,
    ]
