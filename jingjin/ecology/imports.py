"""Imports of the ecology registers from Excel (.xlsx) or CSV, all or nothing.

The first row holds the headers (Chinese as the template writes them, or English; any order;
unknown columns are refused so that a typo does not drop data silently); each further row is one
record, found by its code: a new code adds a record (the plan office only), a known code changes
it (the plan office, or a unit user of the record's county — not its code, county or source).
The sections' file has one column per year of targets, ``2025年目标`` (or ``target 2025``), holding
the target class (Ⅰ … Ⅴ, 劣Ⅴ, or 1 … 6); an empty cell leaves that year as it is.

:func:`validate` reads the whole file and lists every problem with its row, column letter and
header, in the UI's language, writing nothing; :func:`register_import` then writes every row
through the services (each with its audit row) in one transaction — or, on any error, nothing.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.bounds import BoundError, parse_date
from jingjin.core.limits import (
    CellProblem,
    LimitError,
    bounded_rows,
    cell_text,
    check_upload,
    column_letter,
    truncated,
)
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    may_change_ecology_record,
    may_import_ecology_registers,
    may_manage_ecology_registers,
)
from jingjin.core.texts import text_problem
from jingjin.ecology import services
from jingjin.ecology.choices import WaterClass
from jingjin.ecology.models import PollutionSource
from jingjin.ecology.registers import ZH_NAMES, Column, Register

TARGET_HEADER = re.compile(r"^\s*(?:(\d{4})\s*年?\s*目标|target\s*(\d{4}))\s*$", re.IGNORECASE)
#: the water classes 1 … 6 as the export writes them
ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
#: names of the water classes in a target cell
CLASS_NAMES = {
    **{name: i for i, name in enumerate(ROMAN, start=1)},
    **{name: i for i, name in enumerate(("I", "II", "III", "IV", "V", "劣V"), start=1)},
    **{str(i): i for i in WaterClass.values},
}
TRUE = {"是", "yes", "true", "1", "y", "√"}
FALSE = {"否", "no", "false", "0", "n", ""}


#: one problem of a file: its row (1 = the header row) and column, or 0 / "" for the file
RowError = CellProblem


class RegisterFileError(ValueError):
    """A file that cannot be imported; ``errors`` lists every problem with its place."""

    def __init__(self, errors: list[RowError]):
        self.total = len(errors)
        self.errors = truncated(errors, lambda more: RowError(0, "", "", more))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Row:
    """One checked row: its number, the record it changes (None: a new one), its values."""

    number: int
    record: Any
    data: dict[str, Any]
    targets: dict[int, int] = field(default_factory=dict)


def read_rows(raw: bytes, filename: str) -> list[tuple[Any, ...]]:
    """The rows of an uploaded .xlsx or .csv (UTF-8 or GB18030), within the import limits."""
    workbook = filename.lower().endswith(".xlsx")
    try:
        check_upload(raw, workbook=workbook)
        if workbook:
            from openpyxl import load_workbook

            try:
                sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
            except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
                raise RegisterFileError(
                    [RowError(0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
                ) from exc
            return list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet.title))
        if not filename.lower().endswith(".csv"):
            raise RegisterFileError(
                [RowError(0, "", "", _("Upload an Excel workbook (.xlsx) or a CSV file."))]
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        return list(bounded_rows(csv.reader(io.StringIO(text)), sheet="CSV"))
    except LimitError as exc:
        raise RegisterFileError([RowError(0, "", "", str(exc))]) from exc


def _parse(column: Column, value: Any, units: dict[str, Unit], sources: dict[str, Any]) -> Any:
    """The model value of a cell of ``column``; ``ValueError`` with the message otherwise."""
    text = cell_text(value)
    if text == "":
        if column.required:
            raise ValueError(_("is required"))
        return "" if column.kind == "text" else None
    if column.kind == "choice":
        assert column.choices is not None
        for choice_value, label in column.choices.choices:
            if text in (choice_value, str(label)) or ZH_NAMES.get(text) == choice_value:
                return choice_value
        allowed = "、".join(k for k, v in ZH_NAMES.items() if v in column.choices.values)
        raise ValueError(_("%(value)s is not one of: %(allowed)s") % {"value": text[:40], "allowed": allowed})
    if column.kind == "decimal":
        assert column.bound is not None
        try:
            return column.bound.parse(value if isinstance(value, int | float | Decimal) else text)
        except BoundError as exc:
            raise ValueError(str(exc)) from exc
    if column.kind == "date":
        try:
            return parse_date(value if isinstance(value, date | datetime) else text)
        except BoundError as exc:
            raise ValueError(str(exc)) from exc
    if column.kind == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("write 是 or 否, not %(value)s") % {"value": text[:40]})
    if column.kind == "county":
        unit = units.get(text)
        if unit is None:
            raise ValueError(_("no unit with the code or name %(value)s") % {"value": text[:60]})
        return unit
    if column.kind == "source":
        source = sources.get(text)
        if source is None:
            raise ValueError(_("no pollution source with the code %(value)s") % {"value": text[:60]})
        return source
    problem = text_problem(text, label=column.zh, max_length=None)
    if problem is not None:
        raise ValueError(problem)
    return text


def _header(register: Register, cells: tuple[Any, ...], errors: list[RowError]) -> dict[int, Any]:
    """Column index → the Column it holds (or a target year, an int)."""
    found: dict[int, Any] = {}
    for index, cell in enumerate(cells):
        name = cell_text(cell)
        if not name:
            continue
        target = TARGET_HEADER.match(name) if register.has_targets else None
        column = next(
            (col for col in register.columns if name in col.headers or name.lower() in col.headers), None
        )
        if target:
            found[index] = int(target.group(1) or target.group(2))
        elif column is not None and column not in found.values():
            found[index] = column
        else:
            errors.append(RowError(1, column_letter(index), name, _("unknown or repeated column")))
    for column in register.columns:
        if column.required and column not in found.values():
            errors.append(
                RowError(1, "", column.zh, _("the column %(header)s is missing") % {"header": column.zh})
            )
    return found


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        units[unit.code] = unit
        units.setdefault(unit.name_zh, unit)
    return units


def _row_permission(register: Register, user: Any, record: Any, data: dict[str, Any]) -> str | None:
    if may_manage_ecology_registers(user):
        return None
    if record is None:
        return _("only the plan office may add a record (code %(code)s is new)") % {"code": data.get("code")}
    if not may_change_ecology_record(user, record):
        return _("you may not change %(code)s (not of your county)") % {"code": record.code}
    for name in register.locked:
        if name in data and getattr(record, name) != data[name]:
            return _("only the plan office may change the %(field)s") % {
                "field": record._meta.get_field(name).verbose_name
            }
    return None


def _check_row(register: Register, row: Row, columns: dict[int, Any], errors: list[RowError]) -> None:
    """The model's own checks (ranges, lengths, dates) on the row's values, each error placed."""
    candidate: Any = copy.copy(row.record) if row.record is not None else register.model()
    for name, value in row.data.items():
        setattr(candidate, name, value)
    if not getattr(candidate, "name_en", ""):
        candidate.name_en = candidate.name_zh
    try:
        candidate.full_clean(validate_unique=False)
    except ValidationError as exc:
        where = {col.field: (index, col) for index, col in columns.items() if isinstance(col, Column)}
        for name, messages in exc.message_dict.items():
            index, col = where.get(name, (None, None))
            header = col.zh if col is not None else name
            letter = column_letter(index) if index is not None else ""
            errors.extend(RowError(row.number, letter, header, message) for message in messages)


def _read_row(
    register: Register,
    number: int,
    cells: tuple[Any, ...],
    columns: dict[int, Any],
    units: dict[str, Unit],
    sources: dict[str, Any],
) -> tuple[dict[str, Any], dict[int, int], list[RowError]]:
    data: dict[str, Any] = {}
    targets: dict[int, int] = {}
    errors: list[RowError] = []
    for index, column in columns.items():
        value = cells[index] if index < len(cells) else None
        if isinstance(column, int):
            text = cell_text(value).replace(" ", "")
            if text and text not in CLASS_NAMES:
                errors.append(
                    RowError(
                        number, column_letter(index), f"{column}年目标", _("not a water class Ⅰ–Ⅴ or 劣Ⅴ")
                    )
                )
            elif text:
                targets[column] = CLASS_NAMES[text]
            continue
        try:
            parsed = _parse(column, value, units, sources)
        except ValueError as exc:
            errors.append(RowError(number, column_letter(index), column.zh, str(exc)))
            continue
        model_field: Any = register.model._meta.get_field(column.field)
        if parsed is None and not model_field.null:
            continue  # an empty cell of a field with a default keeps the record's value (or the default)
        data[column.field] = parsed
    return data, targets, errors


def validate(*, register: Register, user: Any, raw: bytes, filename: str) -> list[Row]:
    """Every row of the file, checked; :class:`RegisterFileError` listing every problem otherwise."""
    if not may_import_ecology_registers(user):
        raise PermissionDenied(_("You may not import into the ecology registers."))
    rows = read_rows(raw, filename)
    errors: list[RowError] = []
    if not rows:
        raise RegisterFileError([RowError(0, "", "", _("The file is empty."))])
    columns = _header(register, rows[0], errors)
    if errors:
        raise RegisterFileError(errors)
    units = _units()
    has_source = any(col.kind == "source" for col in register.columns)
    sources = {s.code: s for s in PollutionSource.objects.select_related("county")} if has_source else {}
    existing = {r.code: r for r in register.model.objects.all()}  # type: ignore[attr-defined]
    seen: dict[str, int] = {}
    checked: list[Row] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell_text(cell) for cell in cells):
            continue
        data, targets, row_errors = _read_row(register, number, cells, columns, units, sources)
        errors.extend(row_errors)
        code = data.get("code")
        if row_errors or not code:
            continue
        if code in seen:
            errors.append(
                RowError(
                    number,
                    "",
                    "",
                    _("code %(code)s is already in row %(row)d") % {"code": code, "row": seen[code]},
                )
            )
            continue
        seen[code] = number
        row = Row(number, existing.get(code), data, targets)
        problem = _row_permission(register, user, row.record, data)
        if problem is not None:
            errors.append(RowError(number, "", "", problem))
            continue
        _check_row(register, row, columns, errors)
        checked.append(row)
    if errors:
        raise RegisterFileError(errors)
    if not checked:
        raise RegisterFileError([RowError(0, "", "", _("The file has no rows to import."))])
    return checked


@transaction.atomic
def register_import(*, register: Register, user: Any, raw: bytes, filename: str) -> dict[str, int]:
    """Import the file: every row written through the services, or nothing. Returns the counts
    ``created`` and ``updated``."""
    rows = validate(register=register, user=user, raw=raw, filename=filename)
    counts = {"created": 0, "updated": 0}
    for row in rows:
        try:
            if row.record is None:
                services.record_create(
                    model=register.model, actor=user, data=row.data, targets=row.targets, source="import"
                )
                counts["created"] += 1
            else:
                services.record_update(
                    record=row.record, actor=user, data=row.data, targets=row.targets, source="import"
                )
                counts["updated"] += 1
        except ValidationError as exc:
            raise RegisterFileError([RowError(row.number, "", "", "; ".join(exc.messages))]) from exc
    return counts


# --------------------------------------------------------------------------------------------
# The template and the export: the same columns, Chinese headers (core/exports writes every cell)


def _cell(record: Any, column: Column) -> Any:
    value = getattr(record, column.field)
    if column.kind == "choice":
        zh = {v: k for k, v in ZH_NAMES.items()}
        return zh.get(value, value)
    if column.kind in {"county", "source"}:
        return value.code if value is not None else None
    if column.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    return value


def register_workbook(*, register: Register, records: Any = None) -> bytes:
    """The register's workbook: the header row, then one row per record (none: the template,
    with a sheet 说明 naming each column's values)."""
    from openpyxl import Workbook

    from jingjin.core.exports import append_row, xlsx_bytes

    book = Workbook()
    sheet = book.active
    sheet.title = str(register.slug)
    years: list[int] = []
    if register.has_targets:
        from jingjin.ecology.models import SectionTarget

        years = (
            sorted(set(SectionTarget.objects.values_list("year", flat=True))) if records is not None else []
        )
    append_row(sheet, [col.zh for col in register.columns] + [f"{year}年目标" for year in years])
    for record in records or []:
        targets = {t.year: t.target_class for t in record.targets.all()} if years else {}
        append_row(
            sheet,
            [_cell(record, col) for col in register.columns]
            + [ROMAN[targets[y] - 1] if y in targets else None for y in years],
        )
    if records is None:
        about = book.create_sheet("说明")
        append_row(about, ["列 Column", "英文 English", "必填 Required", "取值 Values"])
        for col in register.columns:
            values = "、".join(k for k, v in ZH_NAMES.items() if col.choices and v in col.choices.values)
            if col.kind == "bool":
                values = "是 / 否"
            elif col.kind == "date":
                values = "YYYY-MM-DD"
            elif col.kind == "county":
                values = _("unit code or Chinese name")
            append_row(about, [col.zh, col.en, "是" if col.required else "", values])
        if register.has_targets:
            append_row(about, ["2025年目标 …", "target 2025 …", "", "Ⅰ、Ⅱ、Ⅲ、Ⅳ、Ⅴ、劣Ⅴ"])
    return xlsx_bytes(book)
