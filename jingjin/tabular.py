"""Reading and writing tables for the command line: ``.csv``, ``.parquet`` and ``.xlsx``.

The format is chosen by the file's extension. Every column of the input is kept, in its
order, so that commands can add their results beside the user's own columns. Excel files
are read with python-calamine (fast, no formula evaluation) and written with openpyxl.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

SUPPORTED = (".csv", ".parquet", ".xlsx")


class TableError(ValueError):
    """The file cannot be read or written as a table; the message says why."""


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TableError(
            f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}"
        )
    return suffix


def _excel_frame(rows: list[list[Any]], path: Path) -> pl.DataFrame:
    if not rows:
        raise TableError(f"{path}: the first sheet is empty")
    header = [str(h).strip() for h in rows[0]]
    seen: set[str] = set()
    for col, name in enumerate(header, start=1):
        if not name:
            raise TableError(f"{path}: column {col} of the header row is empty")
        if name in seen:
            raise TableError(f"{path}: column '{name}' appears twice in the header row")
        seen.add(name)
    body = rows[1:]
    columns: dict[str, list[object]] = {name: [] for name in header}
    for row in body:
        for name, index in zip(header, range(len(header)), strict=True):
            value = row[index] if index < len(row) else None
            columns[name].append(None if value == "" else value)
    series = []
    for name, values in columns.items():
        try:
            series.append(pl.Series(name, values, strict=False))
        except (TypeError, pl.exceptions.PolarsError):
            series.append(pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String))
    return pl.DataFrame(series)


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a whole table; raise :class:`TableError` with a readable message on failure."""
    path = Path(path)
    suffix = _suffix(path)
    if not path.exists():
        raise TableError(f"{path}: no such file")
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=None, try_parse_dates=False)
        if suffix == ".parquet":
            return pl.read_parquet(path)
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        return _excel_frame(sheet.to_python(skip_empty_area=False), path)
    except TableError:
        raise
    except Exception as exc:  # the readers raise many kinds; the user needs the message
        raise TableError(f"{path}: cannot be read as {suffix[1:]}: {exc}") from exc


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` in the format its extension names."""
    path = Path(path)
    suffix = _suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    else:
        from jingjin.core.exports import frame_to_xlsx

        frame_to_xlsx(frame, path)  # texts never become formulas
