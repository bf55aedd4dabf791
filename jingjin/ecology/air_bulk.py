"""Bulk SQL of the air data (no ORM objects): frames written with PostgreSQL ``COPY`` or SQLite's
``executemany``, query results read column by column into frames, and the PostgreSQL merge of an
import into stored station-hours (:func:`merge_postgresql`).

The merge, for a file whose station-hours are partly stored already: the file is copied into a
temporary table (no index, no WAL), one full join with the stored hours of its stations and days
finds what is new, what changed and what the file left out, and a few set statements write it —
instead of fetching every stored hour into Python and updating changed ones row by row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import connection

from jingjin.ecology.air_models import POLLUTANTS, StationHour, StationHourRevision

#: the stored hours as read for an evaluation
HOUR_SCHEMA: dict[str, Any] = {
    "station_id": pl.Int64,
    "day": pl.Date,
    "hour": pl.Int16,
    **dict.fromkeys(POLLUTANTS, pl.Float64),
}
STAGING = "ecology_air_import_staging"
CHANGES = "ecology_air_import_changes"


def table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _copy(name: str, columns: tuple[str, ...], frame: pl.DataFrame) -> None:
    """``COPY`` ``frame`` into the (quoted) table ``name`` as CSV (PostgreSQL)."""
    buffer = io.BytesIO()
    frame.select(columns).write_csv(buffer, include_header=False, null_value="")
    sql = f"COPY {name} ({_names(columns)}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def bulk_insert(model: Any, columns: tuple[str, ...], frame: pl.DataFrame) -> None:
    """Insert ``frame`` (its columns named as ``columns``) into ``model``'s table: PostgreSQL by
    ``COPY … FROM STDIN`` of CSV, other databases by ``executemany`` of tuples."""
    if frame.height == 0:
        return
    if connection.vendor == "postgresql":
        _copy(table(model), columns, frame)
        return
    frame = frame.select(columns)
    names = _names(columns)
    text = frame.with_columns(pl.col(pl.Date).cast(pl.String))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the driver's own cursor: no per-row wrapping
            marks = ", ".join(["?"] * len(columns))
            sql = f"INSERT INTO {table(model)} ({names}) VALUES ({marks})"  # noqa: S608 - model names
            cursor.cursor.executemany(sql, text.iter_rows())
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table(model)} ({names}) VALUES ({marks})", text.rows())  # noqa: S608 - names from the models


def rows_frame(sql: str, params: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``sql`` in the columns of ``schema`` as a frame, taken column by column (no
    model objects, no per-row conversion — SQLite's dates come as text and are parsed once)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    series = []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        if dtype == pl.Date and values and isinstance(values[0], str):
            series.append(pl.Series(name, values, dtype=pl.String).str.to_date())
        else:
            series.append(pl.Series(name, values, dtype=dtype))
    return pl.DataFrame(series)


def query_frame(query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``query`` (a queryset) in the columns of ``schema`` as a frame."""
    sql, params = query.values_list(*schema).query.sql_with_params()
    return rows_frame(sql, params, schema)


def lock_stations(station_ids: list[int]) -> None:
    """Hold these stations against deletion until the transaction ends: the lock the hours'
    foreign key took row by row, once (SQLite's writer holds the whole database anyway)."""
    if connection.vendor != "postgresql":
        return
    from jingjin.ecology.models import Station

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table(Station)} WHERE id = ANY(%s) FOR KEY SHARE", [station_ids])  # noqa: S608 - model name


# --------------------------------------------------------------------------------------------
# The merge on PostgreSQL


@dataclass(frozen=True)
class Merge:
    new: int
    revised: int
    #: days with a new or a changed hour
    touched: list[date]
    #: stored hours of the file's stations and days that the file did not have (HOUR_SCHEMA)
    kept: pl.DataFrame


def _staging(data: pl.DataFrame) -> None:
    values = ", ".join(f"{p} double precision" for p in POLLUTANTS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}, {CHANGES}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (station_id bigint NOT NULL, day date NOT NULL, "
            f"hour smallint NOT NULL, {values}) ON COMMIT DROP"
        )
        _copy(STAGING, ("station_id", "day", "hour", *POLLUTANTS), data)
        cursor.execute(f"ANALYZE {STAGING}")


def merge_postgresql(
    data: pl.DataFrame, station_ids: list[int], first: date, last: date, batch_id: int
) -> Merge:
    """Write ``data`` (the file's station-hours, ``HOUR_SCHEMA``) over the stored hours of its
    stations between ``first`` and ``last``: new ones inserted, changed ones updated with their old
    values kept as revisions of ``batch_id``."""
    _staging(data)
    hours = table(StationHour)
    new_values = ", ".join(f"s.{p}" for p in POLLUTANTS)
    old_values = ", ".join(f"h.{p} AS {p}_old" for p in POLLUTANTS)
    differ = f"({', '.join(f'h.{p}' for p in POLLUTANTS)}) IS DISTINCT FROM ({new_values})"
    columns = ", ".join(POLLUTANTS)
    with connection.cursor() as cursor:
        # one full join: new (no stored hour), changed (values differ), kept (not in the file)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CHANGES} ON COMMIT DROP AS "  # noqa: S608 - names from the models
            "SELECT h.id, s.station_id IS NOT NULL AS in_file, "
            "coalesce(s.station_id, h.station_id) AS station_id, coalesce(s.day, h.day) AS day, "
            f"coalesce(s.hour, h.hour) AS hour, {new_values}, {old_values}, h.batch_id AS old_batch_id "
            f"FROM {STAGING} s FULL JOIN (SELECT * FROM {hours} WHERE station_id = ANY(%s) "
            "AND day BETWEEN %s AND %s) h ON h.day = s.day AND h.station_id = s.station_id "
            f"AND h.hour = s.hour WHERE h.id IS NULL OR s.station_id IS NULL OR {differ}",
            [station_ids, first, last],
        )
        cursor.execute(
            f"INSERT INTO {table(StationHourRevision)} (station_id, day, hour, {columns}, "  # noqa: S608
            f"old_batch_id, batch_id) SELECT station_id, day, hour, "
            f"{', '.join(f'{p}_old' for p in POLLUTANTS)}, old_batch_id, %s FROM {CHANGES} "
            "WHERE in_file AND id IS NOT NULL",
            [batch_id],
        )
        revised = cursor.rowcount
        sets = ", ".join(f"{p} = c.{p}" for p in POLLUTANTS)
        cursor.execute(
            f"UPDATE {hours} h SET {sets}, batch_id = %s FROM {CHANGES} c "  # noqa: S608
            "WHERE c.in_file AND h.id = c.id",
            [batch_id],
        )
        cursor.execute(
            f"INSERT INTO {hours} (station_id, day, hour, {columns}, batch_id) "  # noqa: S608
            f"SELECT station_id, day, hour, {columns}, %s FROM {CHANGES} WHERE id IS NULL "
            "ORDER BY day, station_id, hour",
            [batch_id],
        )
        new = cursor.rowcount
        cursor.execute(f"SELECT DISTINCT day FROM {CHANGES} WHERE in_file ORDER BY day")  # noqa: S608
        touched = [row[0] for row in cursor.fetchall()]
    kept = rows_frame(
        f"SELECT station_id, day, hour, {', '.join(f'{p}_old' for p in POLLUTANTS)} "  # noqa: S608
        f"FROM {CHANGES} WHERE NOT in_file",
        [],
        HOUR_SCHEMA,
    )
    with connection.cursor() as cursor:  # not left to the commit: an outer transaction may import again
        cursor.execute(f"DROP TABLE {STAGING}, {CHANGES}")
    return Merge(new=new, revised=revised, touched=touched, kept=kept)
