"""From hourly to daily to annual air quality values (GB 3095, HJ 663).

* Daily values (日均值) per station: means of the hourly values of SO2, NO2, PM10, PM2.5 and
  CO with at least 20 hourly values (GB 3095-2012 Table 4); O3 daily maximum 1-h value
  (same 20-hour rule, an interpretation); O3 daily maximum 8-h moving mean (日最大8小时滑动
  平均) over the 17 windows ending 08:00 … 24:00 of the natural day, each window needing at
  least 6 hourly values, the day needing at least 14 valid windows — or fewer when the
  maximum is above the 160 µg/m³ limit (HJ 663-2013 §6.1.2).
* City values: the mean over the city's stations of their valid daily values.
* Annual evaluation (HJ 663-2013): annual means of SO2, NO2, PM10, PM2.5; CO 95th percentile
  of the daily means; O3 90th percentile of the daily max 8-h means; compared with the
  GB 3095 Grade II limits; comprehensive index Σ C_i/S_i (综合指数); good-day ratio 优良天数比率.

Percentile (HJ 663-2013 Appendix A): sort the n values X(1) ≤ … ≤ X(n);
k = 1 + (n − 1)·p/100, s = ⌊k⌋, X_p = X(s) + (X(s+1) − X(s))·(k − s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

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
from jingjin.engines.air.index import _dates, aqi_with_counts
from jingjin.engines.air.standards import STANDARDS
from jingjin.engines.tables import air_gb3095 as limits
from jingjin.engines.tables.air_hj633 import INDICATORS

#: Hourly input columns (µg/m³, CO mg/m³) and the daily column each gives.
HOURLY_MEANS: Final = {
    "so2_1h": "so2_24h",
    "no2_1h": "no2_24h",
    "pm10_1h": "pm10_24h",
    "pm25_1h": "pm25_24h",
    "co_1h": "co_24h",
}
HOURLY_COLUMNS: Final = (*HOURLY_MEANS, "o3_1h")
DAILY_COLUMNS: Final = ("so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_1h", "o3_8h")

#: Annual statistics: name → (daily column, statistic, percentile or None).
ANNUAL_STATISTICS: Final = {
    "so2": ("so2_24h", "so2_annual_mean", None),
    "no2": ("no2_24h", "no2_annual_mean", None),
    "pm10": ("pm10_24h", "pm10_annual_mean", None),
    "pm25": ("pm25_24h", "pm25_annual_mean", None),
    "co": ("co_24h", "co_24h_p95", 95.0),
    "o3": ("o3_8h", "o3_8h_p90", 90.0),
}


def percentile(values: npt.ArrayLike, p: float) -> float:
    """Percentile by HJ 663-2013 Appendix A (see module notes); NaN values are ignored.

    Equal to numpy's ``linear`` method. Returns NaN for no values.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return float("nan")
    k = 1 + (n - 1) * p / 100
    s = int(np.floor(k))
    if s >= n:
        return float(x[-1])
    return float(x[s - 1] + (x[s] - x[s - 1]) * (k - s))


def _times(frame: pl.DataFrame, column: str) -> pl.Series:
    if column not in frame.columns:
        raise InvalidInputError(
            f"time column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
        )
    if frame[column].dtype == pl.Date:
        raise InvalidInputError(f"column {column}: hourly data need a date and hour, found dates only")
    return parse_times(frame[column], column)


def _o3_8h_daily_max(
    group: npt.NDArray[np.int64], hour: npt.NDArray[np.int64], o3: FloatArray, groups: int
) -> FloatArray:
    """Daily max 8-h moving mean per group (station-day) from hourly O3 (see module notes)."""
    grid = np.full((groups, 24), np.nan)
    grid[group, hour] = o3
    valid = ~np.isnan(grid)
    filled = np.where(valid, grid, 0.0)
    zero = np.zeros((groups, 1))
    sums = np.concatenate([zero, np.cumsum(filled, axis=1)], axis=1)
    counts = np.concatenate([zero, np.cumsum(valid, axis=1)], axis=1)
    window_sum = sums[:, 8:25] - sums[:, 0:17]  # windows of hours h-7..h for h = 7..23
    window_count = counts[:, 8:25] - counts[:, 0:17]
    good = window_count >= limits.MIN_HOURS_PER_8H
    means = np.where(good, window_sum / np.maximum(window_count, 1), -np.inf)
    best = means.max(axis=1)
    n_good = good.sum(axis=1)
    ok = (n_good >= limits.MIN_WINDOWS_PER_DAY) | ((n_good > 0) & (best > limits.O3_8H_LIMIT))
    return np.where(ok, best, np.nan)


def daily(
    hourly: pl.DataFrame | Mapping[str, Any],
    *,
    station_column: str,
    time_column: str,
    city_column: str | None = None,
    hour_label: Literal["start", "end"] = "start",
    invalid: InvalidPolicy = "raise",
) -> pl.DataFrame:
    """Daily values (日均值, 日最大8小时) per station, or per city as the mean over its stations.

    Parameters
    ----------
    hourly : hourly concentrations, columns any of ``so2_1h no2_1h pm10_1h pm25_1h co_1h
        o3_1h`` (µg/m³, CO mg/m³), with a station and a time column.
    station_column, time_column : names of those columns; the time is the hour's start
        (``hour_label="start"``) or its end (``"end"``: 01:00 is the hour 00:00–01:00 and
        00:00 belongs to the day before).
    city_column : when given, the result is one row per city and day: the mean over the
        stations with a valid daily value, and ``stations`` the number of stations.
    invalid : as in :func:`jingjin.engines.air.aqi`.

    Returns
    -------
    DataFrame sorted by station (or city) and date: the group column(s), ``date``,
    ``hours`` (hourly rows), then ``so2_24h no2_24h pm10_24h pm25_24h co_24h`` (means of
    ≥ 20 hourly values), ``o3_1h`` (daily max, ≥ 20 hourly values), ``o3_8h`` (daily max 8-h
    moving mean) for the pollutants in the input; null where not valid.
    """
    frame = as_frame(hourly)
    for column in (station_column, time_column, *([city_column] if city_column else [])):
        if column not in frame.columns:
            raise InvalidInputError(
                f"column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
            )
    mapping = match_columns(frame.columns, HOURLY_COLUMNS)
    if not mapping:
        raise InvalidInputError(f"none of the hourly columns {' '.join(HOURLY_COLUMNS)} is in the input")
    times = _times(frame, time_column)
    if hour_label == "end":
        times = times.dt.offset_by("-1h")
    problems = Problems()
    values = {
        name: numeric(frame[mapping[name]], mapping[name], problems)
        for name in HOURLY_COLUMNS
        if name in mapping
    }
    finish(problems, invalid, values)

    keys = [station_column] if city_column is None else [city_column, station_column]
    work = frame.select(keys).with_columns(
        times.dt.date().alias("__date"),
        times.dt.hour().cast(pl.Int64).alias("__hour"),
        *(pl.Series(f"__{name}", v).fill_nan(None) for name, v in values.items()),
    )
    duplicated = np.flatnonzero(work.select([*keys, "__date", "__hour"]).is_duplicated().to_numpy())
    if duplicated.size:
        raise InvalidInputError(
            f"the same station and hour appear more than once (columns {station_column}, {time_column}) "
            f"in {describe_rows(duplicated)}"
        )
    group_id = work.select(pl.struct([*keys, "__date"]).rank("dense").cast(pl.Int64) - 1).to_series()
    work = work.with_columns(group_id.alias("__group"))
    aggregations: list[pl.Expr] = [pl.len().alias("hours")]
    for name, out in HOURLY_MEANS.items():
        if name in values:
            col = pl.col(f"__{name}")
            aggregations.append(
                pl.when(col.count() >= limits.MIN_HOURS_PER_DAY).then(col.mean()).otherwise(None).alias(out)
            )
    if "o3_1h" in values:
        col = pl.col("__o3_1h")
        aggregations.append(
            pl.when(col.count() >= limits.MIN_HOURS_PER_DAY).then(col.max()).otherwise(None).alias("o3_1h")
        )
    result = work.group_by("__group", *keys, "__date").agg(aggregations).sort("__group")
    if "o3_1h" in values:
        o3 = _o3_8h_daily_max(
            work["__group"].to_numpy(),
            work["__hour"].to_numpy(),
            work["__o3_1h"].fill_null(float("nan")).to_numpy(),
            result.height,
        )
        result = result.with_columns(pl.Series("o3_8h", o3).fill_nan(None))
    result = result.drop("__group").rename({"__date": "date"}).sort([*keys, "date"])
    if city_column is None:
        return result
    present = [c for c in DAILY_COLUMNS if c in result.columns]
    return (
        result.group_by(city_column, "date")
        .agg(pl.col(station_column).n_unique().alias("stations"), *(pl.col(c).mean() for c in present))
        .sort(city_column, "date")
    )


def good_day_ratio(aqi_values: npt.ArrayLike) -> float:
    """优良天数比率 in %: days with AQI ≤ 100 over days with a valid AQI (NaN: not valid)."""
    a = np.asarray(aqi_values, dtype=np.float64)
    valid = ~np.isnan(a)
    if not valid.any():
        return float("nan")
    return float(100.0 * np.count_nonzero(a[valid] <= 100) / np.count_nonzero(valid))


def _all_indicators(indexed: pl.DataFrame) -> pl.Series:
    """Per row: every daily indicator of the row's standard that is in the file has a sub-index.

    Under HJ 633-2012 an O3 8-h value above 800 has no sub-index by rule (note 3) and counts
    as present.
    """
    checks: dict[str, list[pl.Expr]] = {}
    for standard in STANDARDS:
        exprs: list[pl.Expr] = []
        for name in INDICATORS[(standard, "daily")]:
            column = f"iaqi_{name}"
            if column not in indexed.columns:
                continue
            present = pl.col(column).is_not_null()
            if standard == "HJ633-2012" and name == "o3_8h":
                present = present | (pl.col("o3_8h") > 800).fill_null(False)
            exprs.append(present)
        checks[standard] = exprs or [pl.lit(True)]
    expr = (
        pl.when(pl.col("standard") == "HJ633-2026")
        .then(pl.all_horizontal(checks["HJ633-2026"]))
        .otherwise(pl.all_horizontal(checks["HJ633-2012"]))
    )
    return indexed.select(expr.alias("__full")).to_series()


def annual(
    daily_values: pl.DataFrame | Mapping[str, Any],
    *,
    date_column: str = "date",
    group_column: str | None = None,
    invalid: InvalidPolicy = "raise",
) -> pl.DataFrame:
    """Annual evaluation (HJ 663-2013) per group (station or city) and calendar year.

    Parameters
    ----------
    daily_values : daily values as made by :func:`daily`: ``date`` and any of
        ``so2_24h no2_24h pm10_24h pm25_24h co_24h o3_1h o3_8h`` (µg/m³, CO mg/m³).
    date_column : the date column. group_column : station or city column (None: one area).

    Returns
    -------
    One row per group and year: ``year``, ``limits`` (GB 3095 rule set), ``aqi_days``
    (days with a valid daily AQI: every indicator in the file present, or AQI > 100 —
    HJ 633-2026 §5.3.1), ``good_days`` (AQI ≤ 100), ``good_day_ratio`` (%); per statistic
    (``so2_annual_mean``, ``no2_annual_mean``, ``pm10_annual_mean``, ``pm25_annual_mean``,
    ``co_24h_p95``, ``o3_8h_p90``): the value, ``_days`` (daily values used), ``_valid``
    (≥ 324 days and ≥ 27 per month, February ≥ 25), ``_limit`` (Grade II), ``_index``
    (C/S) and ``_exceeds`` (C > S); ``comprehensive_index`` Σ C_i/S_i over the six (null
    when one is missing) and ``compliant`` (all six valid and within the limits).
    """
    frame = as_frame(daily_values)
    if group_column is not None and group_column not in frame.columns:
        raise InvalidInputError(f"group column {group_column!r} is not in the input")
    mapping = match_columns(frame.columns, DAILY_COLUMNS)
    if not mapping:
        raise InvalidInputError(f"none of the daily columns {' '.join(DAILY_COLUMNS)} is in the input")
    if date_column not in frame.columns:
        raise InvalidInputError(
            f"date column {date_column!r} is not in the input (columns: {', '.join(frame.columns)})"
        )
    dates = _dates(frame, date_column)
    problems = Problems()
    values = {
        name: numeric(frame[mapping[name]], mapping[name], problems)
        for name in DAILY_COLUMNS
        if name in mapping
    }
    finish(problems, invalid, values)
    daily_frame = pl.DataFrame(values).with_columns(pl.all().fill_nan(None))
    group = frame[group_column] if group_column else pl.Series([""] * frame.height)
    aggregations, stats = _annual_aggregations(values)
    result = (
        _days(daily_frame, dates, group).group_by("__group", "year").agg(aggregations).sort("__group", "year")
    )
    result = result.with_columns(
        pl.when(pl.col("aqi_days") > 0)
        .then(100.0 * pl.col("good_days") / pl.col("aqi_days"))
        .alias("good_day_ratio"),
        pl.col("year").map_elements(limits.rule_set, return_dtype=pl.String).alias("limits"),
    )
    result = _against_limits(result, values, stats)
    ordered = ["year", "limits", "aqi_days", "good_days", "good_day_ratio"]
    for stat in stats:
        ordered += [
            stat,
            f"{stat}_days",
            f"{stat}_valid",
            f"{stat}_limit",
            f"{stat}_index",
            f"{stat}_exceeds",
        ]
    ordered += ["comprehensive_index", "compliant"]
    if group_column:
        return result.select(pl.col("__group").alias(group_column), *ordered)
    return result.select(ordered)


def _days(daily_frame: pl.DataFrame, dates: pl.Series, group: pl.Series) -> pl.DataFrame:
    """The daily values with their group, date, year, month, daily AQI and whether that AQI is
    valid (every indicator in the file present, or AQI > 100: HJ 633-2026 §5.3.1)."""
    indexed, _ = aqi_with_counts(
        daily_frame.with_columns(dates.alias("__date")),
        standard="auto",
        report="daily",
        time_column="__date",
    )
    full = _all_indicators(indexed)
    work = pl.DataFrame({"__group": group, "__date": dates}).with_columns(
        *daily_frame.get_columns(),
        indexed["aqi"].alias("__aqi"),
        full.alias("__full"),
    )
    return work.with_columns(
        pl.col("__date").dt.year().alias("year"),
        pl.col("__date").dt.month().alias("__month"),
        (pl.col("__aqi").is_not_null() & (pl.col("__full") | (pl.col("__aqi") > 100))).alias("__aqi_valid"),
    )


def _annual_aggregations(values: Mapping[str, Any]) -> tuple[list[pl.Expr], list[str]]:
    """Per group and year: the AQI days and good days, and for each statistic of
    :data:`ANNUAL_STATISTICS` whose column is in ``values`` the value, the days used and whether
    they suffice (HJ 663); with the names of those statistics."""
    aggregations: list[pl.Expr] = [
        pl.col("__aqi_valid").sum().alias("aqi_days"),
        (pl.col("__aqi_valid") & (pl.col("__aqi") <= 100)).sum().alias("good_days"),
    ]
    stats: list[str] = []
    for _key, (column, stat, p) in ANNUAL_STATISTICS.items():
        if column not in values:
            continue
        stats.append(stat)
        col = pl.col(column)
        value = col.mean() if p is None else col.quantile(p / 100, interpolation="linear")
        aggregations += [value.alias(stat), col.count().alias(f"{stat}_days")]
        month_counts = [
            (
                col.filter(pl.col("__month") == m).count()
                >= (limits.MIN_DAYS_FEBRUARY if m == 2 else limits.MIN_DAYS_PER_MONTH)
            )
            for m in range(1, 13)
        ]
        aggregations.append(
            ((col.count() >= limits.MIN_DAYS_PER_YEAR) & pl.all_horizontal(month_counts)).alias(
                f"{stat}_valid"
            )
        )
    return aggregations, stats


def _against_limits(result: pl.DataFrame, values: Mapping[str, Any], stats: list[str]) -> pl.DataFrame:
    """``result`` with each statistic's Grade II limit of the year's rule set, its index (C/S)
    and whether it exceeds; the comprehensive index and ``compliant`` (null and False unless
    every statistic is there)."""
    index_columns: list[str] = []
    for key, (column, stat, _p) in ANNUAL_STATISTICS.items():
        if column not in values:
            continue
        limit = pl.col("limits").replace_strict(
            {name: table[key] for name, table in limits.GRADE_II.items()}, return_dtype=pl.Float64
        )
        result = result.with_columns(
            limit.alias(f"{stat}_limit"),
            (pl.col(stat) / limit).alias(f"{stat}_index"),
            (pl.col(stat) > limit).alias(f"{stat}_exceeds"),
        )
        index_columns.append(f"{stat}_index")
    if len(index_columns) == len(ANNUAL_STATISTICS):
        result = result.with_columns(pl.sum_horizontal(index_columns).alias("comprehensive_index"))
        result = result.with_columns(
            pl.when(pl.any_horizontal([pl.col(c).is_null() for c in index_columns]))
            .then(None)
            .otherwise(pl.col("comprehensive_index"))
            .alias("comprehensive_index"),
            pl.all_horizontal(
                [pl.col(f"{s}_valid") & ~pl.col(f"{s}_exceeds").fill_null(True) for s in stats]
            ).alias("compliant"),
        )
    else:
        result = result.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("comprehensive_index"), pl.lit(False).alias("compliant")
        )
    return result
