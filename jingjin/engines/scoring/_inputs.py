"""Input checks shared by the scoring, land and allocation engines.

Rows in messages are *data rows counted from 1 below the header* (data row 1 is the first
row under the column names, spreadsheet row 2).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from jingjin.engines.errors import InputError, rows_text

ROWS_NOTE = "data rows counted from 1 below the header"

__all__ = ["ROWS_NOTE", "InputError", "check_ids", "flag_column", "numeric_column", "rows_text"]


def numeric_column(
    frame: pl.DataFrame,
    column: str,
    *,
    allow_null: bool = False,
    minimum: float | None = None,
    positive: bool = False,
) -> np.ndarray:
    """Column ``column`` of ``frame`` as a float64 array; NaN where the cell is empty.

    Raises :class:`InputError` naming the column and rows when the column is missing, a
    cell is not a number, a cell is empty (unless ``allow_null``), below ``minimum`` or,
    with ``positive``, zero or below (a zero denominator).
    """
    if column not in frame.columns:
        raise InputError(f"missing column '{column}' (the input has: {', '.join(frame.columns)})")
    series = frame.get_column(column)
    if series.dtype == pl.Boolean:
        series = series.cast(pl.Float64)
    elif not series.dtype.is_numeric():
        if series.dtype == pl.String:
            series = series.str.strip_chars()
            series = (
                series.to_frame(column)
                .select(pl.when(pl.col(column) == "").then(None).otherwise(pl.col(column)))
                .to_series()
            )
        converted = series.cast(pl.Float64, strict=False)
        bad = converted.is_null() & series.is_not_null()
        if bad.any():
            raise InputError(f"column '{column}': not a number in {rows_text(bad.to_numpy())}")
        series = converted
    values = series.cast(pl.Float64).to_numpy(allow_copy=True)
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if not allow_null and missing.any():
        raise InputError(f"column '{column}': empty value in {rows_text(missing)}")
    if np.isinf(values).any():
        raise InputError(f"column '{column}': infinite value in {rows_text(np.isinf(values))}")
    if minimum is not None:
        low = values < minimum
        if low.any():
            raise InputError(f"column '{column}': negative value in {rows_text(low)}")
    if positive:
        zero = values == 0
        if zero.any():
            raise InputError(f"column '{column}': zero denominator (value 0) in {rows_text(zero)}")
        low = values < 0
        if low.any():
            raise InputError(f"column '{column}': negative value in {rows_text(low)}")
    return values


def flag_column(frame: pl.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise InputError(f"missing column '{column}'")
    series = frame.get_column(column)
    if series.dtype == pl.Boolean:
        return series.fill_null(False).to_numpy().astype(bool)
    if series.dtype.is_numeric():
        return np.nan_to_num(series.cast(pl.Float64).to_numpy(), nan=0.0) != 0
    text = series.cast(pl.String).str.strip_chars().str.to_lowercase()
    truthy = text.is_in(["1", "true", "yes", "y", "是", "x"]).fill_null(False)
    falsy = text.is_in(["0", "false", "no", "n", "否", ""]).fill_null(True)
    bad = ~(truthy | falsy)
    if bad.any():
        raise InputError(f"column '{column}': expected yes/no (1/0) in {rows_text(bad.to_numpy())}")
    return truthy.to_numpy().astype(bool)


def check_ids(frame: pl.DataFrame, column: str) -> None:
    """The id column must exist, be filled and hold no repeated value."""
    if column not in frame.columns:
        raise InputError(f"missing column '{column}' (the input has: {', '.join(frame.columns)})")
    ids = frame.get_column(column)
    empty = ids.is_null()
    if ids.dtype == pl.String:
        empty = empty | (ids.str.strip_chars().str.len_bytes() == 0).fill_null(False)
    if empty.any():
        raise InputError(f"column '{column}': empty id in {rows_text(empty.to_numpy())}")
    if ids.n_unique() < ids.len():
        repeated = ids.is_duplicated()
        first = ids.filter(repeated)[0]
        raise InputError(
            f"column '{column}': repeated ids (the first is '{first}') in {rows_text(repeated.to_numpy())}"
        )
