"""Turning user columns into validated float arrays, with row- and column-naming errors.

Shared by the air and water engines. Rows in messages are counted as a spreadsheet user
counts them: data row 1 is the first row under the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from jingjin.engines.errors import MISSING_TEXTS as MISSING_TEXTS
from jingjin.engines.errors import InputError
from jingjin.engines.errors import describe_rows as describe_rows

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
InvalidPolicy = Literal["raise", "skip"]

#: The bits of +inf read as uint64. A float's bits read so are below these iff it is finite
#: and not negative (−0.0, NaN and the infinities are above): one ``max`` tells a clean column.
INF_BITS = int(np.float64(np.inf).view(np.uint64))

_DUPLICATED = re.compile(r"^(?P<name>.+)_duplicated_\d+$")


#: The engines' one input error (:class:`jingjin.engines.errors.InputError`) by its air/water name.
InvalidInputError = InputError


@dataclass
class Problems:
    """Invalid cells found while reading columns, by column and reason."""

    found: dict[tuple[str, str], npt.NDArray[np.int64]] = field(default_factory=dict)

    def add(self, column: str, reason: str, rows: npt.NDArray[np.int64]) -> None:
        if rows.size:
            key = (column, reason)
            old = self.found.get(key)
            self.found[key] = rows if old is None else np.union1d(old, rows)

    @property
    def count(self) -> int:
        return int(sum(rows.size for rows in self.found.values()))

    def counts(self) -> dict[str, int]:
        """Number of invalid cells per column."""
        out: dict[str, int] = {}
        for (column, _), rows in self.found.items():
            out[column] = out.get(column, 0) + int(rows.size)
        return out

    def message(self) -> str:
        ordered = sorted(self.found.items(), key=lambda item: int(item[1][0]))
        parts = [f"column {column}: {reason} in {describe_rows(rows)}" for (column, reason), rows in ordered]
        return "; ".join(parts) + " (rows counted from 1 = the first data row under the header)"


def _series(name: str, values: Any) -> pl.Series:
    if isinstance(values, pl.Series):
        return values.alias(name)
    if isinstance(values, np.ndarray) and values.dtype != object:
        return pl.Series(name, values)
    return pl.Series(name, list(values), strict=False)


def as_frame(data: pl.DataFrame | Mapping[str, Any]) -> pl.DataFrame:
    """A polars DataFrame from a DataFrame or a mapping of column name to array."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pl.DataFrame([_series(str(name), values) for name, values in data.items()])
    raise TypeError("data must be a polars DataFrame or a mapping of column name to array")


def match_columns(columns: Iterable[str], known: Sequence[str]) -> dict[str, str]:
    """Map each known name to the input column that gives it.

    Input names match case-insensitively after trimming spaces. A known name given by two
    columns (``SO2_24h`` and ``so2_24h``, or a repeated CSV header that polars renamed
    ``so2_24h_duplicated_0``) is an error.
    """
    known_set = set(known)
    found: dict[str, list[tuple[int, str]]] = {}
    for position, column in enumerate(columns, start=1):
        key = column.strip().lower()
        dup = _DUPLICATED.match(key)
        if dup and dup.group("name") in known_set:
            key = dup.group("name")
        if key in known_set:
            found.setdefault(key, []).append((position, column))
    twice = {k: v for k, v in found.items() if len(v) > 1}
    if twice:
        listed = "; ".join(
            f"{k} is given by columns {', '.join(str(pos) for pos, _ in v)} of the header"
            for k, v in twice.items()
        )
        raise InvalidInputError(f"a column is given twice: {listed}")
    return {k: v[0][1] for k, v in found.items()}


def numeric(
    series: pl.Series,
    column: str,
    problems: Problems,
    *,
    allow_negative: bool = False,
) -> FloatArray:
    """Float64 values of a column; missing cells are NaN; bad cells are recorded in ``problems``.

    Bad cells: text that is not a number, infinities, and (unless ``allow_negative``)
    negative values. Missing: null, NaN, empty text and the texts of :data:`MISSING_TEXTS`.
    """
    dtype = series.dtype
    if dtype == pl.Float64 and series.null_count() == 0:
        # Fast path: read the column in place; copy only when a cell must be changed.
        view = series.to_numpy()
        if view.size == 0:
            return np.array(view, dtype=np.float64)
        # One pass: as uint64, the bits of every finite float ≥ +0.0 are below those of +inf
        # (NaN, infinities and negative values, −0.0 too, are above: the checks below settle them).
        if not allow_negative and view.view(np.uint64).max() < INF_BITS:
            return view
        low, high = np.fmin.reduce(view), np.fmax.reduce(view)
        if (allow_negative or not low < 0) and np.isfinite(high) and (np.isfinite(low) or np.isnan(low)):
            return view
    if dtype.is_numeric():
        floats = series.cast(pl.Float64)
        if floats.null_count():
            # NaN for the nulls before leaving polars: ``to_numpy`` of a column with nulls takes a
            # slow path, several times the time of filling them and reading the column in place.
            floats = floats.fill_null(np.nan)
        values = floats.to_numpy()
        if values.size:  # nothing to mark (as on the fast path above): no copy, no more passes
            low, high = np.fmin.reduce(values), np.fmax.reduce(values)
            if (allow_negative or not low < 0) and not np.isinf(high) and not np.isinf(low):
                return values
    elif dtype == pl.String or dtype == pl.Categorical:
        text = series.cast(pl.String).str.strip_chars()
        missing = text.is_null() | text.str.to_lowercase().is_in(list(MISSING_TEXTS))
        parsed = text.cast(pl.Float64, strict=False)
        bad = (parsed.is_null() & ~missing).to_numpy()
        problems.add(column, "not a number", np.flatnonzero(bad).astype(np.int64))
        values = parsed.to_numpy()
    elif dtype == pl.Null:
        values = np.full(series.len(), np.nan)
    else:
        bad = series.is_not_null().to_numpy()
        problems.add(column, f"not a number ({dtype})", np.flatnonzero(bad).astype(np.int64))
        values = np.full(series.len(), np.nan)
    values = np.array(values, dtype=np.float64, copy=True)
    infinite = np.isinf(values)
    if infinite.any():
        problems.add(column, "infinite value", np.flatnonzero(infinite).astype(np.int64))
        values[infinite] = np.nan
    if not allow_negative:
        negative = values < 0
        if negative.any():
            problems.add(column, "negative value", np.flatnonzero(negative).astype(np.int64))
            values[negative] = np.nan
    return values


def finish(problems: Problems, invalid: InvalidPolicy, values: dict[str, FloatArray]) -> None:
    """Raise for recorded problems, or with ``invalid="skip"`` mark those cells missing."""
    if not problems.found:
        return
    if invalid == "raise":
        raise InvalidInputError(problems.message())
    for (column, _), rows in problems.found.items():
        if column in values:
            values[column][rows] = np.nan


_TIME_FORMATS = (
    None,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d%H",
    "%Y%m%d",
)


def parse_times(series: pl.Series, column: str) -> pl.Series:
    """Datetime (µs, naive, China local time) of a date/time column; bad cells name their rows.

    Accepts polars Date/Datetime and ISO-like text (``2026-03-01``, ``2026-03-01 13:00``,
    ``2026/03/01 13:00:00``, ``2026030113`` …). Time-zone-aware values are converted to
    Asia/Shanghai and the zone dropped.
    """
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        parsed = series
        if dtype.time_zone is not None:
            parsed = parsed.dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
        parsed = parsed.cast(pl.Datetime("us"))
    elif dtype == pl.Date:
        parsed = series.cast(pl.Datetime("us"))
    else:
        text = series.cast(pl.String).str.strip_chars()
        parsed = pl.Series(column, [None] * series.len(), dtype=pl.Datetime("us"))
        for fmt in _TIME_FORMATS:
            try:
                attempt = text.str.to_datetime(format=fmt, strict=False, time_unit="us")
            except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
                continue
            parsed = parsed.fill_null(attempt)
            if parsed.null_count() == 0:
                break
    bad = np.flatnonzero(parsed.is_null().to_numpy())
    if bad.size:
        raise InvalidInputError(f"column {column}: missing or unreadable date/time in {describe_rows(bad)}")
    return parsed


def invalid_counts(
    frame: pl.DataFrame, known: Sequence[str], *, allow_negative: Sequence[str] = ()
) -> dict[str, int]:
    """Invalid cells per input column among the ``known`` columns (what ``invalid="skip"`` marks missing)."""
    problems = Problems()
    for name, column in match_columns(frame.columns, known).items():
        numeric(frame[column], column, problems, allow_negative=name in allow_negative)
    return problems.counts()
