"""Reads of evaluations (评价): the evaluation jobs a user sees, the first rows of an upload or a
result, and a result converted for download (CSV and XLSX written by :mod:`jingjin.core.exports`)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import QuerySet

from jingjin.evaluations.options import EVALUATIONS
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job
from jingjin.jobs.selectors import job_list

PREVIEW_ROWS = 10
RESULT_ROWS = 100
FORMATS = ("csv", "xlsx", "parquet")
#: the most data rows one sheet of a workbook holds (1,048,576 rows with the header)
XLSX_MAX_ROWS = 1_048_575
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def evaluation_list(*, user: Any, kind: str = "") -> QuerySet[Job]:
    """The evaluation jobs ``user`` sees (``core.permissions.visible_jobs``), newest first."""
    jobs = job_list(user=user).filter(kind__in=list(EVALUATIONS))
    return jobs.filter(kind=kind) if kind else jobs


def evaluation_get(*, user: Any, pk: int) -> Job | None:
    """One evaluation job the user sees, or None."""
    return evaluation_list(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class Preview:
    """The first rows of a table for a page: column names and rows of display texts."""

    columns: list[str]
    rows: list[list[str]]
    total: int | None = None


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def _preview(frame: pl.DataFrame, total: int | None) -> Preview:
    return Preview(
        columns=list(frame.columns),
        rows=[[_display(v) for v in row] for row in frame.iter_rows()],
        total=total,
    )


def input_preview(job: Job, rows: int = PREVIEW_ROWS) -> Preview | None:
    """The first ``rows`` rows of the uploaded table (None when it cannot be read: the job's error
    says why)."""
    if not job.input_file:
        return None
    from jingjin.commands._io import TableError, read_table

    try:
        frame = read_table(job.input_file.path, n_rows=rows)
    except TableError:  # a file the engine refuses: the job's error names the problem
        return None
    return _preview(frame, None)


def result_preview(job: Job, rows: int = RESULT_ROWS) -> Preview | None:
    """The first ``rows`` rows of a done evaluation's result, and the number of rows."""
    if job.state != JobState.DONE or not job.result_file:
        return None
    try:
        lazy = pl.scan_parquet(job.result_file.path)
        total = int(lazy.select(pl.len()).collect().item())
        return _preview(lazy.head(rows).collect(), total)
    except (OSError, pl.exceptions.PolarsError):
        return None


class ResultTooLarge(ValueError):
    """The result does not fit the asked format (a workbook's sheet holds at most 1,048,575 rows)."""


def result_download(job: Job, fmt: str) -> tuple[bytes | Path, str, str]:
    """The result of a done evaluation in ``fmt`` (csv, xlsx or parquet): the bytes (or, for
    Parquet, the stored file), the file name and the content type."""
    from jingjin.core.exports import frame_to_csv, frame_to_xlsx

    path = Path(job.result_file.path)
    stem = path.stem
    if fmt == "parquet":
        return path, path.name, CONTENT_TYPES[fmt]
    frame = pl.read_parquet(path)
    buffer = io.BytesIO()
    if fmt == "csv":
        frame_to_csv(frame, buffer)
        return buffer.getvalue(), f"{stem}.csv", CONTENT_TYPES[fmt]
    if frame.height > XLSX_MAX_ROWS:
        raise ResultTooLarge(frame.height)
    frame_to_xlsx(frame, buffer)
    return buffer.getvalue(), f"{stem}.xlsx", CONTENT_TYPES[fmt]
