"""Reading the registers' import files (Excel ``.xlsx`` or CSV) and naming each bad cell.

An import reads the first sheet (or the CSV) under the limits of :mod:`jingjin.core.limits`,
finds its columns by their Chinese or English label (or the key), and reports every bad cell as a
:class:`~jingjin.core.limits.CellProblem`, as every import of the platform names it: the row (as the
spreadsheet numbers it, the header being row 1), the column's letter and its header in the file,
in the UI's language. The callers validate the whole file before they write anything.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.bounds import Number, text_problem
from jingjin.core.limits import (
    CellProblem,
    LimitError,
    bounded_rows,
    cell_text,
    check_size,
    check_workbook,
    column_letter,
    file_problem,
    truncated,
)

#: what separates the codes in one cell (leading industries, chain links): 、 , ， ; ； or spaces
CODE_SEPARATORS = re.compile(r"[、,，;；\s]+")
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class Column:
    """One column of an import: its key, its Chinese label (the template's header, the name an
    error gives) and its English label (accepted too), whether it is required."""

    key: str
    zh: str
    en: str
    required: bool = False

    @property
    def label(self) -> str:
        return self.zh

    def names(self) -> set[str]:
        return {_norm(self.zh), _norm(self.en), _norm(self.key)}


class ImportFailed(ValueError):
    """The file has errors; nothing was written. ``errors`` lists them (at most
    ``JINGJIN_IMPORT_MAX_ERRORS``, then a line counting the rest)."""

    def __init__(self, errors: list[CellProblem]):
        self.errors = truncated(errors, file_problem)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


def problem(row: int, at: int | None, header: Sequence[Any], message: str) -> CellProblem:
    """A bad cell of ``row`` (as the spreadsheet numbers it) in the column at index ``at`` of the
    ``header`` row (None: the row as a whole)."""
    if at is None:
        return CellProblem(row, "", "", message)
    return CellProblem(row, column_letter(at), cell_text(cell(header, at)), message)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


def read_rows(
    raw: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_cells: int | None = None,
) -> list[tuple[Any, ...]]:
    """The rows (the header first) of an ``.xlsx`` or ``.csv`` file, within the import limits.
    Raises :class:`ImportFailed` for a file that cannot be read or is too large."""
    try:
        check_size(raw, max_bytes=max_bytes)
        name = filename.lower()
        if name.endswith(".xlsx"):
            check_workbook(raw)
            cells = _xlsx_cells(raw)
        elif name.endswith(".csv"):
            cells = list(csv.reader(io.StringIO(_decode(raw))))
        else:
            raise ImportFailed([file_problem(_("Upload an Excel (.xlsx) or CSV (.csv) file."))])
        return list(bounded_rows(cells, sheet=filename, max_rows=max_rows, max_cells=max_cells))
    except LimitError as exc:
        raise ImportFailed([file_problem(str(exc))]) from exc


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed([file_problem(_("The CSV file is neither UTF-8 nor GB18030 text."))])


def _xlsx_cells(raw: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0)
        return [list(row) for row in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # the reader raises many kinds for a file that is no workbook
        raise ImportFailed([file_problem(_("The file cannot be read as an Excel workbook."))]) from exc


def header_map(header: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """The index of each known column in the header row; :class:`ImportFailed` when a required
    column is missing or a column appears twice."""
    found: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        text = _norm(str(cell or ""))
        for column in columns:
            if text and text in column.names():
                if column.key in found:
                    errors.append(problem(1, index, header, _("the column appears twice")))
                found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            missing = _("the column %(name)s is missing") % {"name": column.label}
            errors.append(problem(1, None, header, missing))
    if errors:
        raise ImportFailed(errors)
    return found


def cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def text(value: Any, *, max_length: int) -> tuple[str, str | None]:
    """A cell as a trimmed text, and the problem with it (too long, a control character) or None."""
    if value is None:
        return "", None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    problem = text_problem(result, max_length=max_length)
    return result, (problem.translated() if problem is not None else None)


def number(value: Any, bound: Number) -> tuple[Decimal | None, str | None]:
    """A cell as a number of ``bound`` (None when empty), and the problem with it or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    fast = _plain_number(value, bound)
    if fast is not None:
        return fast, None
    problem = bound.problem(value)
    if problem is not None:
        return None, problem.translated()
    return bound.parse(value), None


_STEPS: dict[Number, tuple[Decimal, Decimal]] = {}


def _plain_number(value: Any, bound: Number) -> Decimal | None:
    """``bound.parse(value)`` for a plain number within the bound, without building the messages
    of the errors it does not have (a firm file has hundreds of thousands of numbers); None when
    the value needs :meth:`Number.parse` to say what is wrong with it."""
    if bound not in _STEPS:
        _STEPS[bound] = (Decimal(1).scaleb(-bound.decimal_places), bound.limit)
    step, limit = _STEPS[bound]
    try:
        if isinstance(value, str):
            number = Decimal(value.replace(",", "").strip())
        elif isinstance(value, float) and math.isfinite(value):
            number = Decimal(repr(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            number = Decimal(value)
        else:
            return None
        if not number.is_finite() or abs(number) >= limit:
            return None
        number = number.quantize(step)
    except (InvalidOperation, ValueError):
        return None
    if abs(number) >= limit or (bound.positive and number <= 0):
        return None
    if bound.minimum is not None and number < bound.minimum:
        return None
    return number


def codes(value: Any) -> list[str]:
    """The codes of a cell separated by 、 , ， ; ； or spaces."""
    if value is None:
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [c for c in CODE_SEPARATORS.split(str(value).strip()) if c]


def yes_no(value: Any) -> bool | None:
    """是/否, yes/no, 1/0, true/false, ✓ (None: not one of them)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    word = str(value if value is not None else "").strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def choice(value: Any, labels: dict[str, str]) -> str | None:
    """The choice value whose value or label (any case) is the cell; None when none is."""
    word = _norm(str(value if value is not None else ""))
    return labels.get(word)


def choice_labels(choices: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised value, English label and Chinese label → choice value, for :func:`choice`."""
    from django.utils import translation

    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[_norm(value)] = value
        table[_norm(str(label))] = value
        with translation.override("zh-hans"):
            table[_norm(str(label))] = value
    for word, value in (extra or {}).items():
        table[_norm(word)] = value
    return table


def template_xlsx(columns: Sequence[Column], example: Sequence[Any] = ()) -> bytes:
    """A template workbook: the header row of ``columns`` (Chinese and English), then one example row."""
    from openpyxl import Workbook

    from jingjin.core.exports import append_row, xlsx_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    append_row(sheet, [c.label for c in columns])
    if example:
        append_row(sheet, list(example))
    return xlsx_bytes(workbook)
