"""Demo air data (示例数据): a synthetic year of hourly concentrations for the demo's stations up to
the demo's as-of day, imported through the service (so evaluated like any import) and marked
synthetic. The numbers are made up — seeded, with plausible seasons (PM2.5 high in winter, O3 in
summer afternoons) — and describe no real station.

The registers' demo makes the city's stations; when there are none, four are made here
(``DEMO-A01`` … ``DEMO-A04``, 示例站点, marked synthetic).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from jingjin.ecology.air_models import POLLUTANTS

DEMO_CODES = tuple(f"DEMO-A{i:02d}" for i in range(1, 5))
DEMO_FILE = "示例小时数据-demo.csv"
DEMO_TARGET = Decimal("88.0")  # a synthetic target, shown until the plan office sets one
SEED = 20260301


def synthetic_hours(codes: list[str], first: date, last: date, *, seed: int = SEED) -> pl.DataFrame:
    """Hourly concentrations in the long layout (``station time so2 no2 pm10 pm25 co o3``; µg/m³,
    CO mg/m³) for every station and hour from ``first`` to ``last``: seasonal and daily cycles, a
    weather factor shared by the stations of a day, noise per station, about 0.5 % missing."""
    rng = np.random.default_rng(seed)
    days = (last - first).days + 1
    n_st = len(codes)
    day_index = np.arange(days)
    doy = np.array([(first + timedelta(days=int(d))).timetuple().tm_yday for d in day_index], dtype=float)
    weather = np.exp(rng.normal(0.0, 0.35, days))  # shared by the stations of a day
    hour = np.tile(np.arange(24), days * n_st)
    d = np.repeat(np.tile(day_index, n_st), 24)
    station = np.repeat(np.arange(n_st), days * 24)
    season = np.cos(2 * np.pi * (doy[d] - 15) / 365.25)  # 1 in mid-January, −1 in mid-July
    noise = np.exp(rng.normal(0.0, 0.18, d.size))
    bias = 1.0 + 0.08 * (station - n_st / 2) / max(n_st, 1)
    pm25 = (34 + 24 * season) * weather[d] * noise * bias
    sun = np.clip(np.sin(np.pi * (hour - 7) / 12), 0, None)
    o3 = (55 - 30 * season) * (0.45 + 1.1 * sun) * np.exp(rng.normal(0.0, 0.15, d.size))
    values = {
        "so2": 7 + 3 * season + rng.gamma(2.0, 1.0, d.size),
        "no2": (22 + 8 * season) * (1.2 - 0.5 * sun) * noise,
        "pm10": pm25 * (1.55 + 0.2 * rng.random(d.size)),
        "pm25": pm25,
        "co": (0.65 + 0.25 * season) * noise,
        "o3": o3,
    }
    frame = pl.DataFrame({"station": np.array(codes)[station]})
    start = pl.datetime(first.year, first.month, first.day)
    frame = frame.with_columns(
        (start + pl.duration(days=pl.lit(pl.Series(d)), hours=pl.lit(pl.Series(hour)))).alias("time"),
        *(pl.Series(name, np.round(v, 1 if name == "co" else 0)).alias(name) for name, v in values.items()),
    )
    missing = rng.random((len(POLLUTANTS), d.size)) < 0.005
    frame = frame.with_columns(
        pl.when(pl.Series(missing[i])).then(None).otherwise(pl.col(name)).alias(name)
        for i, name in enumerate(POLLUTANTS)
    )
    return frame.with_columns(pl.col("time").dt.strftime("%Y-%m-%d %H:%M"))


def demo_stations() -> list[Any]:
    """The demo's stations: the synthetic ones of the register, or four made here."""
    from jingjin.core.choices import UnitKind
    from jingjin.core.models import Unit
    from jingjin.ecology.models import Station

    stations = list(Station.objects.filter(is_synthetic=True, active=True).order_by("code"))
    if stations:
        return stations
    counties = list(Unit.objects.filter(kind=UnitKind.COUNTY).order_by("code")[:4])
    for i, code in enumerate(DEMO_CODES):
        station, _ = Station.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": f"示例站点{i + 1}",
                "name_en": f"Demo station {i + 1}",
                "level": "national" if i < 2 else "provincial",
                "county": counties[i % len(counties)] if counties else None,
                "is_synthetic": True,
            },
        )
        stations.append(station)
    return stations


def demo_air(*, today: date) -> dict[str, Any]:
    """Load the demo's hourly data (about a year up to the day before ``today``), evaluated, and
    the year's synthetic target; safe to run again (a second run finds the data there)."""
    from jingjin.ecology import air_services
    from jingjin.ecology.air_models import AirImportBatch, AirYearTarget

    stations = demo_stations()
    last = today - timedelta(days=1)
    first = date(last.year - 1, last.month, 1) + timedelta(days=31)
    first = first.replace(day=1)
    AirYearTarget.objects.get_or_create(
        year=today.year, defaults={"good_day_ratio": DEMO_TARGET, "is_synthetic": True}
    )
    done = AirImportBatch.objects.filter(is_synthetic=True, file_name=DEMO_FILE, last_day=last).first()
    if done is not None:
        return {"stations": len(stations), "rows": done.rows, "first_day": first, "last_day": last}
    frame = synthetic_hours([s.code for s in stations], first, last)
    result = air_services.station_data_import(
        actor=None, frame=frame, file_name=DEMO_FILE, source="demo", is_synthetic=True
    )
    return {"stations": len(stations), "rows": result.batch.rows, "first_day": first, "last_day": last}
