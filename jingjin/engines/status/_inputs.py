"""Helpers shared by the status engine's modules: date columns, required columns, tolerance.

Dates are whole days, handled as float64 days since 1970-01-01 with NaN for a missing date.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from jingjin.engines.scoring import InputError, rows_text

_EPS = 1e-9  # float tolerance at thresholds, in the unit compared (points, %, indicator units)


# --------------------------------------------------------------------------------------------
# Dates


def _days(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as float64, NaN for NaT / None."""
    dates = np.asarray(values, dtype="datetime64[D]")
    days = dates.astype(np.int64).astype(np.float64)
    days[np.isnat(dates)] = np.nan
    return days


def _date_column(frame: pl.DataFrame, column: str) -> np.ndarray:
    """Column ``column`` as days since 1970-01-01 (float64, NaN when empty)."""
    if column not in frame.columns:
        raise InputError(f"missing column '{column}' (the input has: {', '.join(frame.columns)})")
    series = frame.get_column(column)
    if series.dtype == pl.String:
        parsed = series.str.strip_chars().str.to_date(strict=False)
        bad = parsed.is_null() & series.is_not_null() & (series.str.strip_chars() != "")
        if bad.any():
            raise InputError(f"column '{column}': not a date (YYYY-MM-DD) in {rows_text(bad.to_numpy())}")
        series = parsed
    elif isinstance(series.dtype, pl.Datetime):
        series = series.cast(pl.Date)
    elif series.dtype != pl.Date:
        raise InputError(f"column '{column}': expected dates, got {series.dtype}")
    return np.asarray(series.to_physical().cast(pl.Float64).to_numpy(), dtype=np.float64)


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: missing column '{missing[0]}' (the input has: {', '.join(frame.columns)})")
