"""Resource limits of every import: file size, a workbook's unzipped size, rows, cells, errors shown.

A small Excel file can cost a lot: a workbook is a zip of XML, so 2 MB can unzip to gigabytes
(a "zip bomb"), and one cell far out (XFD1048576) makes a reader pad every row to 16,384 cells and
yield a million rows. Every import (plan, statistics, report batch, evaluation uploads) therefore

1. refuses a file larger than ``JINGJIN_IMPORT_MAX_BYTES`` before reading it;
2. for a workbook, reads the zip's directory (no decompression) and refuses it when the members'
   declared sizes add up to more than ``JINGJIN_IMPORT_MAX_UNZIPPED`` — Python's zip reader never
   inflates a member beyond its declared size, so that bounds what openpyxl can inflate;
3. reads rows through :func:`bounded_rows`, which stops at ``JINGJIN_IMPORT_MAX_ROWS`` rows or
   ``JINGJIN_IMPORT_MAX_CELLS`` cells (blank padding counted);
4. shows at most ``JINGJIN_IMPORT_MAX_ERRORS`` errors, then "… and 12,345 more errors"
   (:func:`truncated`).

A file larger than ``JINGJIN_IMPORT_JOB_BYTES`` (but within ``JINGJIN_IMPORT_MAX_BYTES``) is not
imported while the request waits: the page (or the API) queues it as a background job
(:func:`in_background`), whose error text lists the rows and columns (:func:`error_text`).

Each check raises :class:`LimitError` with a message in the UI's language; the callers turn it into
their own error type (a row error, a plan error) so that the page or the API shows it as usual.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext

T = TypeVar("T")

MB = 1024 * 1024
DEFAULTS = {
    "JINGJIN_IMPORT_MAX_BYTES": 20 * MB,
    "JINGJIN_IMPORT_MAX_UNZIPPED": 50 * MB,
    "JINGJIN_IMPORT_MAX_ROWS": 50_000,
    "JINGJIN_IMPORT_MAX_CELLS": 300_000,
    "JINGJIN_IMPORT_MAX_ERRORS": 200,
    # a larger import runs as a background job instead of holding the request
    "JINGJIN_IMPORT_JOB_BYTES": 1 * MB,
    # evaluations (jobs on large tables) take larger files than the imports
    "JINGJIN_EVALUATION_MAX_BYTES": 200 * MB,
    "JINGJIN_EVALUATION_MAX_UNZIPPED": 1024 * MB,
}
#: a workbook has a few dozen members; thousands are a crafted file
MAX_MEMBERS = 10_000


class LimitError(ValueError):
    """A file beyond one of the import limits; ``str(exc)`` is the message for the user."""


def limit(name: str) -> int:
    """The limit ``name`` (a key of :data:`DEFAULTS`) from the settings; the command line's plan
    reading runs without Django's settings: then from the environment variable, else the default."""
    if not settings.configured:
        return int(os.environ.get(name) or DEFAULTS[name])
    return int(getattr(settings, name, DEFAULTS[name]))


def _(message: str) -> str:
    """``message`` in the UI's language (as it is without Django's settings: see :func:`limit`)."""
    return gettext(message) if settings.configured else message


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def check_size(raw: bytes | int, *, max_bytes: int | None = None) -> None:
    """Refuse a file larger than ``max_bytes`` (default ``JINGJIN_IMPORT_MAX_BYTES``)."""
    size = raw if isinstance(raw, int) else len(raw)
    most = limit("JINGJIN_IMPORT_MAX_BYTES") if max_bytes is None else max_bytes
    if size > most:
        raise LimitError(
            _("The file has %(size)s MB; an import takes at most %(max)s MB.")
            % {"size": _mb(size), "max": _mb(most)}
        )


def check_workbook(source: bytes | Any, *, max_unzipped: int | None = None) -> None:
    """Refuse an ``.xlsx`` (bytes, a path or a file) whose zip members declare more than
    ``max_unzipped`` bytes in all (default ``JINGJIN_IMPORT_MAX_UNZIPPED``) or that has more than
    :data:`MAX_MEMBERS` members. Reads only the zip's directory. A file that is no zip passes: the
    workbook reader then says it is no workbook."""
    most = limit("JINGJIN_IMPORT_MAX_UNZIPPED") if max_unzipped is None else max_unzipped
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > MAX_MEMBERS:
        raise LimitError(
            _("The workbook has %(count)s parts; a workbook has at most %(max)s.")
            % {"count": f"{len(members):,}", "max": f"{MAX_MEMBERS:,}"}
        )
    unzipped = sum(member.file_size for member in members)
    if unzipped > most:
        raise LimitError(
            _(
                "The workbook unzips to %(size)s MB; an import takes at most %(max)s MB unzipped. "
                "Split it, or delete the empty rows and columns far below or right of the data."
            )
            % {"size": _mb(unzipped), "max": _mb(most)}
        )


def check_upload(raw: bytes, *, workbook: bool) -> None:
    """:func:`check_size`, and :func:`check_workbook` for a workbook."""
    check_size(raw)
    if workbook:
        check_workbook(raw)


def bounded_rows(
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "",
    max_rows: int | None = None,
    max_cells: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The rows of a sheet, raising :class:`LimitError` once there are more than ``max_rows`` rows
    or ``max_cells`` cells (every cell a reader yields, blank or not). Trailing blank cells of a row
    are dropped (a reader pads rows to the sheet's widest column)."""
    most_rows = limit("JINGJIN_IMPORT_MAX_ROWS") if max_rows is None else max_rows
    most_cells = limit("JINGJIN_IMPORT_MAX_CELLS") if max_cells is None else max_cells
    cells = 0
    for count, row in enumerate(rows, start=1):
        cells += len(row)
        if count > most_rows:
            raise LimitError(
                _("Sheet %(sheet)s has more than %(max)s rows; an import takes at most %(max)s.")
                % {"sheet": sheet, "max": f"{most_rows:,}"}
            )
        if cells > most_cells:
            raise LimitError(
                _(
                    "Sheet %(sheet)s has more than %(max)s cells (empty cells up to the last used row and "
                    "column count too); split it, or delete the empty rows and columns below and right of "
                    "the data."
                )
                % {"sheet": sheet, "max": f"{most_cells:,}"}
            )
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        yield tuple(row[:end])


def truncated(errors: list[T], more: Callable[[str], T], *, max_errors: int | None = None) -> list[T]:
    """The first ``max_errors`` errors (default ``JINGJIN_IMPORT_MAX_ERRORS``), then one made by
    ``more`` from the text "… and 12,345 more errors" when some were left out."""
    most = limit("JINGJIN_IMPORT_MAX_ERRORS") if max_errors is None else max_errors
    if len(errors) <= most:
        return errors
    left = len(errors) - most
    return [*errors[:most], more(_("… and %(count)s more errors") % {"count": f"{left:,}"})]


def cell_text(value: Any) -> str:
    """A cell of an uploaded table as trimmed text: empty for none, a whole number without the
    ".0" a workbook's numbers come with (a code 101 is read as 101.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of the column at 0-based ``index`` (0 → A, 26 → AA)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


@dataclass(frozen=True)
class CellProblem:
    """One problem of an uploaded table with its place: the row (0: the whole file), the column's
    letter (empty: the whole row) and header, and the message — what every import lists and names."""

    row: int
    column: str
    header: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, column %(column)s (%(header)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return str(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "header": self.header, "message": str(self.message)}


def file_problem(message: str) -> CellProblem:
    """A problem of the whole file (no row, no column)."""
    return CellProblem(0, "", "", message)


class ImportFileError(Exception):
    """The file cannot be imported: its problems, each with its place."""

    def __init__(self, problems: list[CellProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def workbook_rows(raw: bytes) -> list[tuple[Any, ...]]:
    """The rows of the first sheet of an uploaded .xlsx, within the import limits, or
    :class:`ImportFileError` naming why it cannot be read."""
    from openpyxl import load_workbook

    try:
        check_upload(raw, workbook=True)
    except LimitError as exc:
        raise ImportFileError([CellProblem(0, "", "", str(exc))]) from exc
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise ImportFileError(
            [CellProblem(0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    try:
        sheet = book.worksheets[0]
        return list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet.title))
    except LimitError as exc:
        raise ImportFileError([CellProblem(0, "", "", str(exc))]) from exc
    finally:
        book.close()


def unique_rows(
    rows: list[tuple[Any, ...]],
    parse: Callable[[int, tuple[Any, ...]], T | None],
    place: Callable[[T], Hashable],
    *,
    column: int,
    header: str,
    duplicate: Callable[[int], str],
    problems: list[CellProblem],
) -> list[T]:
    """The data rows under the header row of a workbook, each parsed by ``parse(number, row)``
    (None: it added its problems to ``problems``; blank rows skipped); a row with the ``place`` of
    an earlier row gets the problem ``duplicate(that row's number)`` in ``column`` instead. Then
    :func:`problems_raise`."""
    result: list[T] = []
    seen: dict[Hashable, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        parsed = parse(number, row)
        if parsed is None:
            continue
        key = place(parsed)
        if key in seen:
            problems.append(CellProblem(number, column_letter(column), header, duplicate(seen[key])))
            continue
        seen[key] = number
        result.append(parsed)
    return result


def problems_raise(problems: list[CellProblem], rows: list[Any]) -> None:
    """:class:`ImportFileError` with ``problems`` (at most the import limit, then a line counting
    the rest), or when the workbook had no data row; nothing when it can be imported."""
    if problems:
        raise ImportFileError(truncated(problems, file_problem))
    if not rows:
        raise ImportFileError([CellProblem(0, "", "", _("The workbook has no data row."))])


def in_background(size: int | None) -> bool:
    """Is an upload of ``size`` bytes imported as a background job? Yes when it is larger than
    ``JINGJIN_IMPORT_JOB_BYTES`` and not larger than ``JINGJIN_IMPORT_MAX_BYTES`` (a file beyond
    that is refused at once, in the request, as before)."""
    size = int(size or 0)
    return limit("JINGJIN_IMPORT_JOB_BYTES") < size <= limit("JINGJIN_IMPORT_MAX_BYTES")


#: the longest error text a job keeps (``jobs.services.job_fail`` cuts at 4,000 characters)
ERROR_TEXT_MAX = 3_800


def error_text(lines: Sequence[str], *, total: int | None = None, max_chars: int = ERROR_TEXT_MAX) -> str:
    """The errors of an import as one text, a line each, for a job's error: at most
    ``JINGJIN_IMPORT_MAX_ERRORS`` lines and ``max_chars`` characters, then "… and 12,345 more
    errors" counting every error left out — of ``total`` errors when ``lines`` holds only the first
    ones (an error list already cut by :func:`truncated`: its own count line is past the first
    ``JINGJIN_IMPORT_MAX_ERRORS`` lines, so it is dropped and counted anew)."""
    most = limit("JINGJIN_IMPORT_MAX_ERRORS")
    kept: list[str] = []
    used = 0
    for line in lines[:most]:
        line = " ".join(str(line).split())  # one line each, whatever the message held
        if used + len(line) + 1 > max_chars - 60:  # room for the count line
            break
        kept.append(line)
        used += len(line) + 1
    left = (len(lines) if total is None else max(total, len(lines))) - len(kept)
    if left > 0:
        kept.append(_("… and %(count)s more errors") % {"count": f"{left:,}"})
    return "\n".join(kept)
