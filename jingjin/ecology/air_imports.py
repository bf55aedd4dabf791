"""Reading the monitoring platforms' hourly exports (小时数据) into one checked, columnar table.

Two layouts, told apart by their header (names match case-insensitively):

* the national platform's (CNEMC) export: ``stationcode``, ``timepoint`` — the hour's **end**, as
  the platform labels it (01:00 is the hour 00:00–01:00) — and ``so2_1h no2_1h co_1h o3_1h
  pm10_1h pm25_1h`` (other columns such as ``area``, ``pub_aqi``, ``pm25_24h`` are ignored);
* a simple long layout: ``station``, ``time`` — the hour's **start** — and ``so2 no2 pm10 pm25 co o3``.

Concentrations are µg/m³ (CO mg/m³); an empty cell, ``-``, ``—`` or ``NA`` is a missing value.
Every bad cell is reported with its row (the file's line, the header being row 1) and column, and
nothing is imported then (:class:`AirFileError`). Rows repeating a station and hour are counted as
duplicates and the last one wins. The reading is columnar (polars): a year of 200 stations is one
frame, never Python objects per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from jingjin.core.limits import truncated
from jingjin.ecology.air_models import POLLUTANTS

#: the layouts: station column, time column, whether the time is the hour's end, pollutant columns
LAYOUTS: dict[str, tuple[str, str, bool, dict[str, str]]] = {
    "cnemc": ("stationcode", "timepoint", True, {p: f"{p}_1h" for p in POLLUTANTS}),
    "long": ("station", "time", False, {p: p for p in POLLUTANTS}),
}
#: the largest value taken (µg/m³; CO mg/m³) — far above any real hour, below typing slips
MAX_VALUE = {
    "so2": 10_000.0,
    "no2": 10_000.0,
    "pm10": 10_000.0,
    "pm25": 10_000.0,
    "co": 1_000.0,
    "o3": 10_000.0,
}
MISSING = ("", "-", "—", "--", "NA", "N/A", "NaN", "nan", "null", "NULL")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
MAX_EXAMPLES = 20


class AirFileError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem with its row and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class HourlyTable:
    """A checked file: ``frame`` has ``station`` (code), ``day``, ``hour`` and the six pollutants,
    one row per station-hour (the last of any duplicates); ``rows`` the data rows read;
    ``duplicates`` the rows that repeated a station-hour, with up to 20 examples."""

    frame: pl.DataFrame
    rows: int
    layout: str
    duplicates: int = 0
    duplicate_examples: list[str] = field(default_factory=list)


def read_file(path: str | Path, *, name: str = "") -> pl.DataFrame:
    """The file's first sheet or its CSV text as a frame (the command line's reader)."""
    from jingjin.commands._io import TableError, read_table

    try:
        return read_table(path)
    except TableError as exc:
        raise AirFileError([str(exc).replace(str(path), name or Path(path).name)]) from exc


def _layout(columns: list[str]) -> tuple[str, dict[str, str]]:
    """The layout of a header and the file's own name of each column it needs."""
    lower = {c.strip().lower(): c for c in columns}
    for layout, (station, time, _end, pollutants) in LAYOUTS.items():
        if station in lower and time in lower:
            wanted = {"station": station, "time": time, **pollutants}
            found = {key: lower[col] for key, col in wanted.items() if col in lower}
            if not any(p in found for p in POLLUTANTS):
                raise AirFileError(
                    [
                        _("No pollutant column: give any of %(columns)s.")
                        % {"columns": ", ".join(pollutants.values())}
                    ]
                )
            return layout, found
    raise AirFileError(
        [
            _(
                "The header names neither the platform's columns (stationcode, timepoint, pm25_1h …) "
                "nor the long layout's (station, time, pm25 …)."
            )
        ]
    )


def _text(series: pl.Series) -> pl.Series:
    """A column as stripped text, missing markers as null."""
    text = series.cast(pl.String, strict=False).str.strip_chars()
    return text.set(text.is_in(list(MISSING)).fill_null(False), None)


def _times(series: pl.Series) -> pl.Series:
    """Times from text or from a workbook's date-times (null where not a time)."""
    if series.dtype == pl.Datetime or isinstance(series.dtype, pl.Datetime):
        return series.cast(pl.Datetime("us"))
    text = _text(series)
    given = text.is_not_null().sum()
    result: pl.Series | None = None
    for fmt in TIME_FORMATS:  # most files use one format: one pass, the others only if needed
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        result = parsed if result is None else result.fill_null(parsed)
        if result.is_not_null().sum() == given:
            break
    assert result is not None
    return result


def _rows(mask: pl.Series) -> list[int]:
    """File rows (header = row 1) where ``mask`` holds."""
    return [i + 2 for i in mask.arg_true().to_list()]


def _cell_errors(frame: pl.DataFrame, found: dict[str, str]) -> tuple[dict[str, pl.Series], list[str]]:
    """The pollutant columns as floats, and an error for each bad cell."""
    errors: list[str] = []
    values: dict[str, pl.Series] = {}
    for pollutant in POLLUTANTS:
        if pollutant not in found:
            values[pollutant] = pl.Series(pollutant, [None] * frame.height, dtype=pl.Float64)
            continue
        column = found[pollutant]
        raw = frame[column]
        if raw.dtype.is_numeric() or raw.dtype == pl.Null:  # read as numbers: no text to check
            number = raw.cast(pl.Float64)
            text = number.cast(pl.String)
        else:
            text = _text(raw)
            number = text.cast(pl.Float64, strict=False)
        bad = (text.is_not_null() & number.is_null()) | number.is_nan().fill_null(False)
        bad = bad | number.is_infinite().fill_null(False)
        for row in _rows(bad):
            errors.append(
                _("Row %(row)d, column %(column)s: %(value)s is not a number.")
                % {"row": row, "column": column, "value": repr(text[row - 2])[:40]}
            )
        out = ((number < 0) | (number > MAX_VALUE[pollutant])).fill_null(False) & ~bad
        for row in _rows(out):
            errors.append(
                _("Row %(row)d, column %(column)s: %(value)s is outside 0 – %(max)s.")
                % {
                    "row": row,
                    "column": column,
                    "value": number[row - 2],
                    "max": f"{MAX_VALUE[pollutant]:,.0f}",
                }
            )
        values[pollutant] = number.set(bad, None).alias(pollutant)
    return values, errors


def parse(frame: pl.DataFrame, *, known_stations: set[str] | None = None) -> HourlyTable:
    """Check a file's frame whole and give its station-hours (see the module notes); raises
    :class:`AirFileError` listing every bad cell (the first 200, then a count)."""
    if frame.height == 0:
        raise AirFileError([_("The file has no data rows.")])
    layout, found = _layout(frame.columns)
    hour_end = LAYOUTS[layout][2]
    station = _text(frame[found["station"]])
    times = _times(frame[found["time"]])
    values, errors = _cell_errors(frame, found)
    for row in _rows(station.is_null()):
        errors.append(
            _("Row %(row)d, column %(column)s: the station code is empty.")
            % {"row": row, "column": found["station"]}
        )
    if known_stations is not None:
        unknown = station.is_not_null() & ~station.is_in(list(known_stations))
        for row in _rows(unknown):
            errors.append(
                _(
                    "Row %(row)d, column %(column)s: %(code)s is not a station of the register "
                    "(or not one you may import)."
                )
                % {"row": row, "column": found["station"], "code": station[row - 2]}
            )
    bad_time = (
        times.is_null()
        | (times.dt.minute() != 0).fill_null(False)
        | (times.dt.second() != 0).fill_null(False)
    )
    for row in _rows(bad_time):
        errors.append(
            _("Row %(row)d, column %(column)s: %(value)s is not a whole hour such as 2026-03-01 13:00.")
            % {"row": row, "column": found["time"], "value": repr(frame[found["time"]][row - 2])[:40]}
        )
    if errors:
        raise AirFileError(truncated(errors, lambda more: more))
    start = times.dt.offset_by("-1h") if hour_end else times
    table = pl.DataFrame(
        {
            "station": station,
            "day": start.dt.date(),
            "hour": start.dt.hour().cast(pl.Int16),
            **values,
        }
    ).with_row_index("__row")
    keys = ["station", "day", "hour"]
    repeated = table.filter(table.select(keys).is_duplicated())
    examples: list[str] = []
    duplicates = 0
    if repeated.height:
        duplicates = repeated.height - repeated.select(keys).n_unique()
        groups = repeated.group_by(keys, maintain_order=True).agg(pl.col("__row")).head(MAX_EXAMPLES)
        for group in groups.iter_rows():
            examples.append(
                _("%(station)s %(day)s %(hour)02d:00 in rows %(rows)s")
                % {
                    "station": group[0],
                    "day": group[1],
                    "hour": group[2],
                    "rows": ", ".join(str(r + 2) for r in group[3]),
                }
            )
        table = table.unique(subset=keys, keep="last", maintain_order=True)
    return HourlyTable(
        frame=table.drop("__row").sort(keys),
        rows=frame.height,
        layout=layout,
        duplicates=duplicates,
        duplicate_examples=examples,
    )


def hours_in(first: date, last: date) -> int:
    """Hours from the start of ``first`` to the end of ``last``."""
    return ((last - first).days + 1) * 24


def as_plain(value: Any) -> Any:
    """A JSON-ready value (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value
