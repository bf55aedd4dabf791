"""Reads of the air monitoring data: a year's daily results of a station or the city, the running
good-day ratio against the year's target, monthly trends and the annual HJ 663 figures.

Every page reads a year as a few queries, whatever the number of stations: the daily rows of the
one station (or the city) shown, the target, the list of stations.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from jingjin.ecology.air_models import AirImportBatch, AirYearTarget, StationDay
from jingjin.ecology.models import Station
from jingjin.engines import air as engine

#: the six AQI levels' colours (HJ 633-2012 Table 2 / Appendix A; HJ 633-2026 Table 1 keeps them)
LEVEL_COLOURS = ("#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023")
DAY_FIELDS = ("date", "aqi", "level", "complete", "pm25_24h", "o3_8h", "primary_pollutants", "standard")


@dataclass(frozen=True)
class GoodDayProgress:
    """The running good-day ratio (优良天数比率) of a year against its target.

    ``needed`` = ⌈target × days in the year⌉ − good days so far (never below 0);
    ``impossible`` when more good days are needed than days are left after the last day with a
    result (``last_day``)."""

    year: int
    target: Decimal | None
    days_in_year: int
    valid_days: int
    good_days: int
    ratio: float | None
    last_day: date | None
    days_left: int
    needed: int | None
    impossible: bool


def good_day_progress(
    year: int, days: list[tuple[date, int | None, bool]], target: Decimal | None
) -> GoodDayProgress:
    """The progress of ``year`` from its daily results ``(date, AQI, complete)``: a day counts
    when its AQI is valid — every indicator present, or AQI > 100 (HJ 633-2026 §5.3.1) — and is
    good when its AQI ≤ 100 (HJ 633 levels 1–2)."""
    days_in_year = 366 if calendar.isleap(year) else 365
    valid = [(d, aqi) for d, aqi, complete in days if aqi is not None and (complete or aqi > 100)]
    good = sum(1 for _, aqi in valid if aqi <= 100)
    last = max((d for d, _, _ in days), default=None)
    days_left = (date(year, 12, 31) - last).days if last else days_in_year
    needed = None
    if target is not None:
        needed = max(0, math.ceil(Decimal(target) * days_in_year / 100) - good)
    return GoodDayProgress(
        year=year,
        target=target,
        days_in_year=days_in_year,
        valid_days=len(valid),
        good_days=good,
        ratio=100.0 * good / len(valid) if valid else None,
        last_day=last,
        days_left=days_left,
        needed=needed,
        impossible=needed is not None and needed > days_left,
    )


def year_days(station: Station | None, year: int) -> list[dict[str, Any]]:
    """The daily results of a station (None: the city) in ``year``, by date (one query)."""
    query = StationDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    query = query.filter(station=station) if station is not None else query.filter(station__isnull=True)
    return list(query.order_by("date").values(*DAY_FIELDS))


def target_of(year: int) -> Decimal | None:
    target = AirYearTarget.objects.filter(year=year).values_list("good_day_ratio", flat=True).first()
    return Decimal(target) if target is not None else None


def years_with_data() -> list[int]:
    """The years that have city results, newest first."""
    dates = StationDay.objects.filter(station__isnull=True).dates("date", "year", order="DESC")
    return [d.year for d in dates]


def calendar_data(days: list[dict[str, Any]]) -> list[list[Any]]:
    """The ECharts calendar points: ``[ISO date, AQI, level]``."""
    return [[d["date"].isoformat(), d["aqi"], d["level"]] for d in days if d["aqi"] is not None]


def monthly_trends(days: list[dict[str, Any]], year: int) -> dict[str, list[Any]]:
    """Per month of ``year``: the PM2.5 mean of the daily means and the 90th percentile of the
    daily maximum 8-h O3 means (HJ 663's percentile), rounded to one decimal (None: no data)."""
    months = list(range(1, 13))
    pm25: list[float | None] = []
    o3: list[float | None] = []
    frame = pl.DataFrame(
        {
            "month": [d["date"].month for d in days],
            "pm25": [d["pm25_24h"] for d in days],
            "o3": [d["o3_8h"] for d in days],
        },
        schema={"month": pl.Int64, "pm25": pl.Float64, "o3": pl.Float64},
    )
    for month in months:
        rows = frame.filter(pl.col("month") == month)
        values = rows["pm25"].drop_nulls()
        pm25.append(round(float(values.mean()), 1) if values.len() else None)  # type: ignore[arg-type]
        ozone = rows["o3"].drop_nulls().to_numpy()
        o3.append(round(engine.percentile(ozone, 90.0), 1) if ozone.size else None)
    return {"months": [f"{year}-{m:02d}" for m in months], "pm25": pm25, "o3_8h_p90": o3}


def annual_figures(days: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The year's HJ 663 figures from its daily results (the engine's ``annual``): PM2.5 annual
    mean, O3-8h 90th percentile, good-day ratio, whether each statistic has enough days."""
    rows = [d for d in days if d["pm25_24h"] is not None or d["o3_8h"] is not None]
    if not rows:
        return None
    frame = pl.DataFrame(
        {
            "date": [d["date"] for d in rows],
            "pm25_24h": [d["pm25_24h"] for d in rows],
            "o3_8h": [d["o3_8h"] for d in rows],
        },
        schema={"date": pl.Date, "pm25_24h": pl.Float64, "o3_8h": pl.Float64},
    )
    result = engine.annual(frame).row(0, named=True)
    return {
        "limits": result["limits"],
        "pm25": result["pm25_annual_mean"],
        "pm25_days": result["pm25_annual_mean_days"],
        "pm25_valid": result["pm25_annual_mean_valid"],
        "pm25_limit": result["pm25_annual_mean_limit"],
        "o3": result["o3_8h_p90"],
        "o3_days": result["o3_8h_p90_days"],
        "o3_valid": result["o3_8h_p90_valid"],
        "o3_limit": result["o3_8h_p90_limit"],
    }


def city_good_day_ratio(year: int) -> float | None:
    """The city's good-day ratio (%) of ``year`` so far — the figure a plan indicator can follow."""
    days = year_days(None, year)
    return good_day_progress(year, [(d["date"], d["aqi"], d["complete"]) for d in days], None).ratio


def recent_batches(limit: int = 10) -> list[AirImportBatch]:
    return list(AirImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])


def days_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
