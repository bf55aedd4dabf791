"""Writes of the air monitoring data (HackSoft-style services): the import of hourly station data,
the daily evaluation it triggers, and the yearly good-day targets. Each leaves an audit row.

The import is all or nothing: the whole file is checked (:mod:`jingjin.ecology.air_imports`)
before anything is written; then, in one transaction, new station-hours are inserted in bulk
(PostgreSQL ``COPY``, SQLite ``executemany`` of tuples; in the order of the table's key), changed
ones are updated with their old values kept as :class:`StationHourRevision` rows (on PostgreSQL
through a staging table, :func:`air_bulk.merge_postgresql`), and the days touched are evaluated
again (:func:`air_days_evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jingjin.core.permissions import PermissionDenied, may_import_station_data, may_set_air_targets
from jingjin.core.services import audit_change
from jingjin.ecology import air_bulk, air_imports
from jingjin.ecology.air_models import POLLUTANTS, AirImportBatch, AirYearTarget, StationDay, StationHour
from jingjin.ecology.models import Station
from jingjin.engines import air as engine

HOUR_COLUMNS = ("station_id", "day", "hour", *POLLUTANTS, "batch_id")
DAY_COLUMNS = (
    "station_id",
    "date",
    "hours",
    "so2_24h",
    "no2_24h",
    "pm10_24h",
    "pm25_24h",
    "co_24h",
    "o3_1h",
    "o3_8h",
    "aqi",
    "level",
    "category",
    "primary_pollutants",
    "complete",
    "standard",
)
DAILY = ("so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_1h", "o3_8h")
CHUNK = 500


_bulk_insert = air_bulk.bulk_insert
_table = air_bulk.table


def _existing(station_ids: list[int], first: date, last: date) -> pl.DataFrame:
    """The stored station-hours of these stations between the two days."""
    schema = {"id": pl.Int64, **air_bulk.HOUR_SCHEMA, "batch_id": pl.Int64}
    query = StationHour.objects.filter(station_id__in=station_ids, day__gte=first, day__lte=last)
    return air_bulk.query_frame(query, schema)


# --------------------------------------------------------------------------------------------
# The import


@dataclass(frozen=True)
class ImportResult:
    batch: AirImportBatch
    days_evaluated: int


def _stations_for(actor: Any, *, all_: bool = False) -> dict[str, Station]:
    stations = {s.code: s for s in Station.objects.all()}
    if all_ or actor is None:
        return stations
    return {code: s for code, s in stations.items() if may_import_station_data(actor, s)}


def _changed(joined: pl.DataFrame) -> pl.Series:
    """Rows whose stored values differ from the file's (null-aware)."""
    differ = [pl.col(p).ne_missing(pl.col(f"{p}_old")) for p in POLLUTANTS]
    return joined.select(pl.any_horizontal(differ)).to_series()


def station_data_import(
    *,
    actor: Any,
    frame: pl.DataFrame,
    file_name: str,
    source: str = "web",
    is_synthetic: bool = False,
    progress: Any = None,
) -> ImportResult:
    """Import a platform export's frame (see :mod:`air_imports`): all or nothing, revisions kept,
    duplicates and gaps counted, the days touched evaluated again. Raises
    :class:`air_imports.AirFileError` naming rows and columns, or ``PermissionDenied``."""
    stations = _stations_for(actor, all_=actor is None)
    if actor is not None and not stations:
        raise PermissionDenied(f"{actor} may import no station's data")
    table = air_imports.parse(frame, known_stations=set(stations))
    ids = pl.DataFrame(
        {"station": list(stations), "station_id": [s.pk for s in stations.values()]},
        schema={"station": pl.String, "station_id": pl.Int64},
    )
    # in the order of the table's key (day, station, hour): the index is appended to, not scattered
    data = table.frame.join(ids, on="station", how="left").drop("station").sort("day", "station_id", "hour")
    first, last = data["day"].min(), data["day"].max()
    assert isinstance(first, date) and isinstance(last, date)
    if progress:
        progress(30, _("Checked %(rows)d rows; writing") % {"rows": table.rows})
    with transaction.atomic():
        batch = AirImportBatch.objects.create(
            file_name=file_name[:255],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            rows=table.rows,
            duplicates=table.duplicates,
            first_day=first,
            last_day=last,
            is_synthetic=is_synthetic,
        )
        station_ids = data["station_id"].unique().sort().to_list()
        air_bulk.lock_stations(station_ids)
        written = _write_hours(data, station_ids, first, last, batch)
        # the stored hours of these stations and days now: the file's, and the old ones it left out
        gaps = len(station_ids) * air_imports.hours_in(first, last) - data.height - written.kept.height
        batch.new = written.new
        batch.revised = written.revised
        batch.unchanged = data.height - written.new - written.revised
        batch.gaps = gaps
        batch.details = {
            "layout": table.layout,
            "stations": len(station_ids),
            "duplicate_examples": table.duplicate_examples,
            "gap_examples": _gap_examples(station_ids, first, last) if gaps else [],
        }
        batch.save()
        audit_change(actor=actor, obj=batch, before=None, source=source)
        if progress:
            progress(60, _("Evaluating %(days)d days") % {"days": len(written.touched)})
        known = pl.concat([data.select(data.columns), written.kept.select(data.columns).cast(data.schema)])
        days = air_days_evaluate(written.touched, known=known)
    return ImportResult(batch=batch, days_evaluated=days)


def _write_hours(
    data: pl.DataFrame, station_ids: list[int], first: date, last: date, batch: AirImportBatch
) -> air_bulk.Merge:
    """Write the file's station-hours (``data``, in the key's order) over the stored ones of its
    stations and days: a first load copied straight in, otherwise merged (changed hours revised)."""
    stored = StationHour.objects.filter(station_id__in=station_ids, day__gte=first, day__lte=last)
    if not stored.exists():
        _bulk_insert(StationHour, HOUR_COLUMNS, data.with_columns(pl.lit(batch.pk).alias("batch_id")))
        empty = pl.DataFrame(schema=air_bulk.HOUR_SCHEMA)
        return air_bulk.Merge(data.height, 0, data["day"].unique().sort().to_list(), empty)
    if connection.vendor == "postgresql":
        return air_bulk.merge_postgresql(data, station_ids, first, last, batch.pk)
    old = _existing(station_ids, first, last)
    joined = data.join(
        old.rename({p: f"{p}_old" for p in POLLUTANTS}).rename({"batch_id": "old_batch_id"}),
        on=["station_id", "day", "hour"],
        how="left",
    )
    is_new = joined["id"].is_null()
    in_store = joined.filter(~is_new)
    changed = in_store.filter(_changed(in_store))
    new = joined.filter(is_new).with_columns(pl.lit(batch.pk).alias("batch_id"))
    _bulk_insert(StationHour, HOUR_COLUMNS, new)
    _revise(changed, batch)
    touched = pl.concat([new.select("day"), changed.select("day")])["day"].unique().sort().to_list()
    kept = old.join(data, on=["station_id", "day", "hour"], how="anti").select(list(air_bulk.HOUR_SCHEMA))
    return air_bulk.Merge(new.height, changed.height, touched, kept)


def _revise(changed: pl.DataFrame, batch: AirImportBatch) -> None:
    """Keep the old values of changed station-hours, then write the new ones."""
    if changed.height == 0:
        return
    from jingjin.ecology.air_models import StationHourRevision

    revisions = changed.select(
        "station_id",
        "day",
        "hour",
        *(pl.col(f"{p}_old").alias(p) for p in POLLUTANTS),
        pl.col("old_batch_id"),
        pl.lit(batch.pk).alias("batch_id"),
    )
    _bulk_insert(
        StationHourRevision, ("station_id", "day", "hour", *POLLUTANTS, "old_batch_id", "batch_id"), revisions
    )
    sets = ", ".join(f"{connection.ops.quote_name(p)} = %s" for p in (*POLLUTANTS, "batch_id"))
    rows = changed.select(*POLLUTANTS, pl.lit(batch.pk), "id").rows()
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_table(StationHour)} SET {sets} WHERE id = %s", rows)  # noqa: S608 - names from the model


def _gap_examples(station_ids: list[int], first: date, last: date) -> list[str]:
    """Up to 20 stations with missing hours in the range, with how many each misses."""
    from django.db.models import Count

    expected = air_imports.hours_in(first, last)
    counts = dict(
        StationHour.objects.filter(station_id__in=station_ids, day__gte=first, day__lte=last)
        .values_list("station_id")
        .annotate(n=Count("id"))
        .values_list("station_id", "n")
    )
    codes = dict(Station.objects.filter(pk__in=station_ids).values_list("pk", "code"))
    missing = sorted(((expected - counts.get(pk, 0), codes[pk]) for pk in station_ids), reverse=True)
    return [
        _("%(station)s: %(n)d hours missing") % {"station": code, "n": n} for n, code in missing[:20] if n > 0
    ]


def import_file(
    *, actor: Any, path: str | Path, file_name: str, source: str = "web", progress: Any = None
) -> ImportResult:
    """Read a file (CSV or workbook) and import it (:func:`station_data_import`)."""
    frame = air_imports.read_file(path, name=file_name)
    if progress:
        progress(15, _("Read %(rows)d rows; checking") % {"rows": frame.height})
    return station_data_import(
        actor=actor, frame=frame, file_name=file_name, source=source, progress=progress
    )


# --------------------------------------------------------------------------------------------
# The daily evaluation


def _hours_of(days: list[date], *, known: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every stored station-hour of these days. ``known``: the stored hours of some stations,
    already in memory (an import's): only the other stations' hours are read."""
    schema: dict[str, Any] = {
        "station_id": pl.Int64,
        "day": pl.Date,
        "hour": pl.Int16,
        **dict.fromkeys(POLLUTANTS, pl.Float64),
    }
    first, last = days[0], days[-1]
    query = StationHour.objects.filter(day__gte=first, day__lte=last)
    if len(days) < (last - first).days + 1 and len(days) <= CHUNK:
        query = query.filter(day__in=days)
    others: list[int] | None = None
    if known is not None:  # only the other stations' hours, by their ids (no query if there are none)
        known_ids = known["station_id"].unique().to_list()
        others = list(Station.objects.exclude(pk__in=known_ids).values_list("pk", flat=True))
        query = query.filter(station_id__in=others)
    frame = air_bulk.query_frame(query, schema) if others != [] else pl.DataFrame(schema=schema)
    if known is not None:
        frame = pl.concat([frame, known.select(list(schema)).cast(schema)])  # type: ignore[arg-type]
    return frame.filter(pl.col("day").is_in(days))


def evaluate_hours(hours: pl.DataFrame, city_ids: set[int]) -> pl.DataFrame:
    """Daily results per station and for the city (``station_id`` null) from station-hours
    (``station_id day hour`` and the six pollutants): the engine's daily values (GB 3095 / HJ 663
    validity), the city's as the mean over its stations' valid values, then the daily AQI by the
    standard in force on each day (``standard="auto"``)."""
    timed = hours.select(
        "station_id",
        (pl.col("day").cast(pl.Datetime("us")) + pl.duration(hours=pl.col("hour"))).alias("time"),
        *(pl.col(p).alias(f"{p}_1h") for p in POLLUTANTS),
    )
    daily = engine.daily(timed, station_column="station_id", time_column="time")
    daily = daily.with_columns(pl.col("hours").cast(pl.Int64), pl.col("station_id").cast(pl.Int64))
    city = (
        daily.filter(pl.col("station_id").is_in(list(city_ids)))
        .group_by("date")
        .agg(
            pl.col("station_id").n_unique().cast(pl.Int64).alias("hours"), *(pl.col(c).mean() for c in DAILY)
        )
        .with_columns(pl.lit(None, dtype=pl.Int64).alias("station_id"))
    )
    both = pl.concat(
        [
            daily.select("station_id", "date", "hours", *DAILY),
            city.select("station_id", "date", "hours", *DAILY),
        ]
    )
    indexed = engine.aqi(both, standard="auto", report="daily", time_column="date")
    return indexed.select(
        "station_id",
        "date",
        "hours",
        *DAILY,
        "aqi",
        "level",
        pl.col("category").cast(pl.String),
        pl.col("primary_pollutants").cast(pl.String).fill_null(""),
        "complete",
        pl.col("standard").cast(pl.String),
    ).with_columns(pl.col("category").fill_null(""))


def air_days_evaluate(days: list[date], *, known: pl.DataFrame | None = None) -> int:
    """Evaluate these days again for every station and the city, replacing their daily results
    (the evaluation job after an import: only the days it touched). ``known``: the stored hours
    of some stations on these days, in memory (see :func:`_hours_of`). Returns the days evaluated."""
    if not days:
        return 0
    days = sorted(set(days))
    hours = _hours_of(days, known=known)
    city_ids = set(Station.objects.filter(counts_for_city=True).values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(days), CHUNK):
            StationDay.objects.filter(date__in=days[start : start + CHUNK]).delete()
        if hours.height:
            _bulk_insert(StationDay, DAY_COLUMNS, evaluate_hours(hours, city_ids))
    from jingjin.ecology.feeds import feeds_refresh

    feeds_refresh(years={day.year for day in days})  # indicators fed by the good-day ratio
    return len(days)


def air_year_evaluate(*, actor: Any, year: int, source: str = "web") -> int:
    """Evaluate every day of a year again (after a station's city flag changed); the plan office."""
    if not may_set_air_targets(actor):
        raise PermissionDenied(f"{actor} may not evaluate the air data again")
    days = list(
        StationHour.objects.filter(day__year=year).values_list("day", flat=True).distinct().order_by("day")
    )
    return air_days_evaluate(days)


# --------------------------------------------------------------------------------------------
# Targets


@transaction.atomic
def air_target_set(*, actor: Any, year: int, good_day_ratio: Decimal, source: str = "web") -> AirYearTarget:
    """Set the city's good-day ratio target (%) of ``year`` (the plan office)."""
    if not may_set_air_targets(actor):
        raise PermissionDenied(f"{actor} may not set the air targets")
    target = AirYearTarget.objects.filter(year=year).first()
    before = target.snapshot() if target else None
    if target is None:
        target = AirYearTarget(year=year, good_day_ratio=good_day_ratio)
    target.good_day_ratio = good_day_ratio
    target.full_clean()
    target.save()
    audit_change(actor=actor, obj=target, before=before, source=source)
    return target
