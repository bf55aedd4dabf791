"""Import of recorded figures from Excel (记录指标导入), all or nothing, and its template.

One sheet; the first row holds the headers (Chinese or English, any order): 指标键 / key,
单位代码 / unit code, 月份 / period (``YYYY-MM``; a date cell counts as its month), 数值 / value,
and optionally 单位名称 / unit name (read as a reminder, not checked against the unit).
:func:`template_xlsx` gives such a workbook for a key and month, one row per unit the key
applies to (the peer sets of the schemes that read it, else every unit), the recorded value
filled in where there is one.

:func:`validate` lists every problem with its row, column letter and header: an unknown unit, an
unknown key (neither read by a scheme nor recorded before — a typing error would otherwise make
a figure nobody reads), a bad month, an empty, non-finite or out-of-range value (a key a bonus or
deduction rule counts takes whole numbers ≥ 0), the same key, unit and month twice, a control
character. :func:`figures_import` writes nothing unless there is none, then records every row
through :func:`jingjin.assessment.scheme_services.figures_record_many` (audited) in one
transaction. Who may import: who may record a figure (the plan office).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.assessment import office_selectors as selectors
from jingjin.assessment import scheme_services as services
from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.core.limits import (
    CellProblem,
    ImportFileError,
    cell_text,
    column_letter,
    problems_raise,
    unique_rows,
    workbook_rows,
)
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_assessment_schemes
from jingjin.core.texts import text_problem
from jingjin.reporting.services import period_get_or_create, period_parse

#: (key, Chinese header, English headers, required, longest text)
COLUMNS: tuple[tuple[str, str, tuple[str, ...], bool, int], ...] = (
    ("key", "指标键", ("key",), True, 40),
    ("unit", "单位代码", ("unit code", "unit"), True, 64),
    ("unit_name", "单位名称", ("unit name",), False, 300),
    ("period", "月份", ("period", "month"), True, 7),
    ("value", "数值", ("value",), True, 40),
)
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
#: the range of a recorded value (as on the form)
LOW, HIGH = -1e9, 1e9
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class FigureRow:
    number: int
    key: str
    unit: Unit
    period: str
    value: float


def template_xlsx(*, key: str, period: str) -> bytes:
    """The import workbook of ``key`` for the month ``period`` (``YYYY-MM``): one row per unit the
    key applies to, with its recorded value where there is one. Texts go through the export
    helper, so a unit name that starts like a formula stays text."""
    from openpyxl import Workbook

    year, month = period_parse(period)
    values = selectors.figure_values(key, year, month)
    book = Workbook()
    sheet = book.active
    sheet.title = "记录指标"
    append_row(sheet, [zh for _key, zh, _en, _req, _len in COLUMNS])
    for unit in selectors.figure_units(key):
        append_row(sheet, [key, unit.code, unit.name, period, values.get(unit.pk)])
    return xlsx_bytes(book)


def _headers(row: tuple[Any, ...]) -> dict[str, int]:
    names = {name: key for key, zh, en, _req, _len in COLUMNS for name in (zh, key, *en)}
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        key = names.get(cell_text(value).lower())
        if key is not None and key not in found:
            found[key] = index
    return found


def validate(raw: bytes) -> list[FigureRow]:
    """The rows of the workbook, or :class:`ImportFileError` with every problem."""
    rows = workbook_rows(raw)
    if not rows:
        raise ImportFileError([CellProblem(0, "", "", _("The workbook is empty."))])
    columns = _headers(rows[0])
    missing = [zh for key, zh, _en, required, _len in COLUMNS if required and key not in columns]
    if missing:
        message = _("Missing columns: %(names)s") % {"names": ", ".join(missing)}
        raise ImportFileError([CellProblem(1, "", "", message)])
    headers = [cell_text(v) for v in rows[0]]
    context = {
        "units": {u.code: u for u in Unit.objects.all()},
        "keys": {key for key, _used in selectors.figure_keys()},
        "counts": selectors.count_keys(),
    }
    problems: list[CellProblem] = []
    unit = columns["unit"]
    result = unique_rows(
        rows,
        lambda number, row: _row(number, row, columns, headers, context, problems),
        lambda parsed: (parsed.key, parsed.unit.pk, parsed.period),
        column=unit,
        header=headers[unit],
        duplicate=lambda first: _("The same key, unit and month as row %(row)d.") % {"row": first},
        problems=problems,
    )
    problems_raise(problems, result)
    return result


def _row(
    number: int,
    row: tuple[Any, ...],
    columns: dict[str, int],
    headers: list[str],
    context: dict[str, Any],
    problems: list[CellProblem],
) -> FigureRow | None:
    """One data row checked cell by cell (every problem of the row listed)."""
    start = len(problems)
    cells: dict[str, Any] = {}
    for key, _zh, _en, required, longest in COLUMNS:
        index = columns.get(key)
        if index is None:
            continue
        raw = row[index] if index < len(row) else None
        cells[key], problem = _cell(
            key, raw, header=headers[index], required=required, longest=longest, context=context
        )
        if problem is None and key == "value":
            problem = _count_problem(cells.get("key"), cells[key], context["counts"])
        if problem is not None:
            problems.append(CellProblem(number, column_letter(index), headers[index], problem))
    if len(problems) > start:
        return None
    return FigureRow(number, cells["key"], cells["unit"], cells["period"], cells["value"])


def _cell(key: str, raw: Any, *, header: str, required: bool, longest: int, context: dict[str, Any]) -> Any:
    """The value of a cell of the column ``key`` and the problem with it (None: fine)."""
    if key == "period" and isinstance(raw, datetime | date):
        raw = f"{raw.year:04d}-{raw.month:02d}"  # a month typed into Excel becomes a date
    text = cell_text(raw)
    problem = text_problem(text, label=header, max_length=longest) if isinstance(raw, str) else None
    if problem is not None:
        return None, problem
    if not text:
        return None, _("This cell is required.") if required else None
    if key == "key":
        if not KEY.match(text):
            return None, _("A key is small letters, digits and _, starting with a letter.")
        if text not in context["keys"]:
            return None, _("Unknown key %(key)s: no scheme reads it and it was never recorded.") % {
                "key": text
            }
        return text, None
    if key == "unit":
        units = context["units"]
        unit = units.get(text) or next((u for code, u in units.items() if code.lower() == text.lower()), None)
        return unit, None if unit else _("No unit has the code %(code)s.") % {"code": text}
    if key == "period":
        try:
            period_parse(text)
        except ValidationError as exc:
            return None, " ".join(exc.messages)
        return text, None
    if key == "value":
        return _number(raw)
    return text, None


def _number(raw: Any) -> tuple[float | None, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, _("Enter a number.")
    try:
        number = float(raw.replace(",", "").strip()) if isinstance(raw, str) else float(raw)
    except ValueError:
        return None, _("Enter a number.")
    if not math.isfinite(number):
        return None, _("Enter a finite number.")
    if not LOW <= number <= HIGH:
        return None, _("Enter a number from %(low)s to %(high)s.") % {
            "low": f"{LOW:,.0f}",
            "high": f"{HIGH:,.0f}",
        }
    return number, None


def _count_problem(key: str | None, value: float | None, counts: set[str]) -> str | None:
    if key in counts and value is not None and (value < 0 or value != int(value)):
        return _("This key counts events (a bonus or deduction rule): enter a whole number ≥ 0.")
    return None


def figures_import(*, actor: Any, raw: bytes, source: str = "import") -> dict[str, int]:
    """Validate the workbook and record its figures (all or nothing): the counts created,
    changed and unchanged."""
    if actor is not None and not may_manage_assessment_schemes(actor):
        raise PermissionDenied(_("Only the plan office records figures and defines pay schemes."))
    rows = validate(raw)
    with transaction.atomic():
        periods = {}
        for code in sorted({r.period for r in rows}):
            year, month = period_parse(code)
            periods[code] = period_get_or_create(year=year, month=month)
        return services.figures_record_many(
            actor=actor,
            figures=[(r.key, r.unit, periods[r.period], r.value) for r in rows],
            source=source,
        )
