"""Hourly → daily → annual: GB 3095 / HJ 663 validity rules, percentiles, good-day ratio, index."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from jingjin.engines.air import InvalidInputError, annual, daily, good_day_ratio, percentile


def hours(day: date, values: dict[int, float], column: str = "o3_1h", station: str = "A") -> list[dict]:
    start = datetime(day.year, day.month, day.day)
    return [{"station": station, "time": start + timedelta(hours=h), column: v} for h, v in values.items()]


def test_daily_mean_needs_20_hourly_values():
    rows = hours(date(2025, 1, 1), {h: float(h) for h in range(24)}, "so2_1h")
    rows += hours(date(2025, 1, 2), dict.fromkeys(range(19), 10.0), "so2_1h")
    rows += hours(date(2025, 1, 3), dict.fromkeys(range(20), 10.0), "so2_1h")
    out = daily(pl.DataFrame(rows), station_column="station", time_column="time")
    assert out["date"].to_list() == [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)]
    assert out["so2_24h"].to_list() == [11.5, None, 10.0]
    assert out["hours"].to_list() == [24, 19, 20]


def test_missing_hours_do_not_count():
    values = {h: (None if h < 5 else 10.0) for h in range(24)}  # 19 valid values
    out = daily(
        pl.DataFrame(hours(date(2025, 1, 1), values, "pm25_1h")), station_column="station", time_column="time"
    )
    assert out["pm25_24h"].to_list() == [None]


def test_o3_daily_max_8h_over_the_windows_of_the_natural_day():
    # The day before ends with 800 at 20–23 h; the day starts with 800 at 0–3 h.
    rows = hours(date(2025, 7, 1), {h: (800.0 if h >= 20 else 0.0) for h in range(24)})
    rows += hours(date(2025, 7, 2), {h: (800.0 if h <= 3 else 0.0) for h in range(24)})
    out = daily(pl.DataFrame(rows), station_column="station", time_column="time")
    # 1 July: window 16–23 h holds four 800s → 400. 2 July: window 0–7 h holds four → 400
    # (a window across midnight, 20 h–3 h, would give 800 and is not one of the day's windows).
    assert out["o3_8h"].to_list() == [400.0, 400.0]
    assert out["o3_1h"].to_list() == [800.0, 800.0]


def test_o3_8h_window_needs_6_hours_and_the_day_14_windows():
    # Hours 0–12 only: windows ending at 7–14 h have ≥ 6 values (8 windows < 14).
    low = hours(date(2025, 7, 1), dict.fromkeys(range(13), 100.0))
    out = daily(pl.DataFrame(low), station_column="station", time_column="time")
    assert out["o3_8h"].to_list() == [None]
    # The same with values over the 160 limit is valid all the same.
    high = hours(date(2025, 7, 1), dict.fromkeys(range(13), 200.0))
    out = daily(pl.DataFrame(high), station_column="station", time_column="time")
    assert out["o3_8h"].to_list() == [200.0]
    # Hours 0–19 (20 values): windows ending 7–21 h are valid (15 windows ≥ 14).
    enough = hours(date(2025, 7, 1), dict.fromkeys(range(20), 100.0))
    out = daily(pl.DataFrame(enough), station_column="station", time_column="time")
    assert out["o3_8h"].to_list() == [100.0]
    # A window with 5 values is not valid: only hours 0–4 (5 values) → no window at all.
    five = hours(date(2025, 7, 1), dict.fromkeys(range(5), 500.0))
    out = daily(pl.DataFrame(five), station_column="station", time_column="time")
    assert out["o3_8h"].to_list() == [None]


def test_o3_8h_mean_of_the_valid_hours_in_a_window():
    # Hours 0–23 at 100 except hour 23 at 260 and hour 22 missing: window 16–23 h has 7
    # values (6·100 + 260)/7 = 122.857…; the others are 100.
    values = dict.fromkeys(range(24), 100.0)
    values[22] = None
    values[23] = 260.0
    out = daily(pl.DataFrame(hours(date(2025, 7, 1), values)), station_column="station", time_column="time")
    assert out["o3_8h"][0] == pytest.approx(860 / 7)


def test_city_values_are_the_mean_over_stations():
    rows = hours(date(2025, 1, 1), dict.fromkeys(range(24), 10.0), "no2_1h", "A")
    rows += hours(date(2025, 1, 1), dict.fromkeys(range(24), 30.0), "no2_1h", "B")
    rows += hours(date(2025, 1, 1), dict.fromkeys(range(10), 99.0), "no2_1h", "C")  # not valid
    frame = pl.DataFrame(rows).with_columns(pl.lit("Suining").alias("city"))
    out = daily(frame, station_column="station", time_column="time", city_column="city")
    assert out.columns == ["city", "date", "stations", "no2_24h"]
    assert out["no2_24h"].to_list() == [20.0]
    assert out["stations"].to_list() == [3]


def test_hour_label_end_moves_midnight_to_the_day_before():
    start = datetime(2025, 1, 1, 1)
    rows = [{"station": "A", "time": start + timedelta(hours=h), "co_1h": 1.0} for h in range(24)]
    out = daily(pl.DataFrame(rows), station_column="station", time_column="time", hour_label="end")
    assert out["date"].to_list() == [date(2025, 1, 1)]
    assert out["co_24h"].to_list() == [1.0]
    out = daily(pl.DataFrame(rows), station_column="station", time_column="time")
    assert out["co_24h"].to_list() == [1.0, None]


def test_daily_rejects_duplicate_hours_and_bad_times():
    rows = hours(date(2025, 1, 1), {0: 1.0, 1: 1.0}, "so2_1h") * 2
    with pytest.raises(InvalidInputError, match=r"more than once.*data rows 1, 2, 3, 4"):
        daily(pl.DataFrame(rows), station_column="station", time_column="time")
    frame = pl.DataFrame({"station": ["A", "A"], "time": ["2025-01-01 00:00", "soon"], "so2_1h": [1.0, 2.0]})
    with pytest.raises(
        InvalidInputError, match=r"column time: missing or unreadable date/time in data row 2\b"
    ):
        daily(frame, station_column="station", time_column="time")


def test_percentile_by_the_hj663_formula():
    # k = 1 + (10 − 1)·0.95 = 9.55, s = 9: X = 9 + (10 − 9)·0.55 = 9.55.
    assert percentile(np.arange(1.0, 11.0), 95) == pytest.approx(9.55)
    # k = 1 + 364·0.9 = 328.6 on 1 … 365: 328.6.
    assert percentile(np.arange(1.0, 366.0), 90) == pytest.approx(328.6)
    assert percentile([4.0], 95) == 4.0
    assert math.isnan(percentile([], 95))
    assert percentile([3.0, np.nan, 1.0], 50) == 2.0


def test_good_day_ratio():
    assert good_day_ratio([50, 100, 101, np.nan]) == pytest.approx(200 / 3)
    assert math.isnan(good_day_ratio([np.nan]))


def year_of_days(year: int, **columns) -> pl.DataFrame:
    days = pl.date_range(date(year, 1, 1), date(year, 12, 31), eager=True)
    n = days.len()
    data = {"date": days}
    for name, value in columns.items():
        data[name] = value(np.arange(1, n + 1)) if callable(value) else np.full(n, float(value))
    return pl.DataFrame(data)


def test_annual_evaluation_worked_example():
    frame = year_of_days(
        2025, so2_24h=6, no2_24h=20, pm10_24h=35, pm25_24h=17.5, co_24h=2, o3_8h=lambda i: i.astype(float)
    )
    out = annual(frame)
    row = out.row(0, named=True)
    assert row["year"] == 2025
    assert row["limits"] == "GB3095-2012"
    assert row["so2_annual_mean"] == 6 and row["so2_annual_mean_limit"] == 60
    assert row["pm10_annual_mean_limit"] == 70 and row["pm25_annual_mean_limit"] == 35
    assert row["co_24h_p95"] == 2 and row["co_24h_p95_limit"] == 4
    assert row["o3_8h_p90"] == pytest.approx(328.6)
    assert row["o3_8h_p90_exceeds"] is True and row["pm25_annual_mean_exceeds"] is False
    # Σ C/S = 6/60 + 20/40 + 35/70 + 17.5/35 + 2/4 + 328.6/160 = 4.15375.
    assert row["comprehensive_index"] == pytest.approx(4.15375)
    assert row["so2_annual_mean_valid"] is True and row["so2_annual_mean_days"] == 365
    assert row["compliant"] is False
    # O3 8-h ≤ 160 (IAQI ≤ 100) on days 1–160: 160 good days of 365.
    assert row["aqi_days"] == 365 and row["good_days"] == 160
    assert row["good_day_ratio"] == pytest.approx(100 * 160 / 365)


def test_annual_validity_needs_324_days_and_27_per_month():
    frame = year_of_days(2025, so2_24h=6)
    feb_short = frame.filter(~((pl.col("date").dt.month() == 2) & (pl.col("date").dt.day() > 24)))
    assert annual(feb_short)["so2_annual_mean_valid"].to_list() == [False]  # 24 days in February
    feb_25 = frame.filter(~((pl.col("date").dt.month() == 2) & (pl.col("date").dt.day() > 25)))
    assert annual(feb_25)["so2_annual_mean_valid"].to_list() == [True]
    march_26 = frame.filter(~((pl.col("date").dt.month() == 3) & (pl.col("date").dt.day() > 26)))
    assert annual(march_26)["so2_annual_mean_valid"].to_list() == [False]


def test_annual_limits_follow_the_year_and_groups():
    frame = pl.concat(
        [
            year_of_days(2025, pm10_24h=65).with_columns(pl.lit("A").alias("site")),
            year_of_days(2026, pm10_24h=65).with_columns(pl.lit("A").alias("site")),
        ]
    )
    out = annual(frame, group_column="site")
    assert out["site"].to_list() == ["A", "A"]
    assert out["limits"].to_list() == ["GB3095-2012", "GB3095-2026-transition"]
    assert out["pm10_annual_mean_limit"].to_list() == [70, 60]
    assert out["pm10_annual_mean_exceeds"].to_list() == [False, True]
    assert out["comprehensive_index"].to_list() == [None, None]


def test_annual_good_days_count_incomplete_days_only_above_100():
    frame = pl.DataFrame(
        {
            "date": [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)],
            "so2_24h": [10.0, None, None],
            "pm25_24h": [10.0, 10.0, 200.0],
        }
    )
    out = annual(frame)
    # Day 2 misses SO2 with AQI ≤ 100: not a valid day. Day 3 is over 100: valid, not good.
    assert out["aqi_days"].to_list() == [2]
    assert out["good_days"].to_list() == [1]
