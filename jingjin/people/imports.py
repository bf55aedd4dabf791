"""Import of the talent pool from Excel (人才库导入) and its export, masked per role.

One sheet, one row per talent; headers in Chinese or English, any order. :func:`validate` reads
the whole file and lists every problem with its row, column letter and header (all-or-nothing);
:func:`talent_import` then creates the new codes and updates the others through
:func:`jingjin.people.services.talent_save` (each audited) in one transaction, or writes nothing.
The managers (personnel officers, the plan office) import.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import permissions as P
from jingjin.core.bounds import BoundError, parse_date
from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.core.limits import CellProblem, LimitError, bounded_rows, check_upload, column_letter, truncated
from jingjin.core.models import Unit
from jingjin.core.texts import text_problem
from jingjin.people import selectors, services
from jingjin.people.choices import TalentCategory
from jingjin.people.models import Talent, TalentTeam


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    max_length: int = 200


COLUMNS = (
    Column("code", "编号", "Code", True, 32),
    Column("name", "姓名", "Name", True, 100),
    Column("category", "类别", "Category", True),
    Column("unit", "单位", "Unit", True),
    Column("title", "职务职称", "Title or position"),
    Column("field", "领域", "Field"),
    Column("team", "团队编号", "Team code"),
    Column("recognised_on", "认定日期", "Recognised on"),
    Column("id_number", "身份证号", "ID number", max_length=18),
    Column("phone", "电话", "Phone", max_length=20),
    Column("birth_date", "出生日期", "Birth date"),
)
DATES = {"recognised_on", "birth_date"}
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


class ImportFileError(Exception):
    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()


def _rows(raw: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        check_upload(raw, workbook=True)
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except LimitError as exc:
        raise ImportFileError([CellProblem(0, "", "", str(exc))]) from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise ImportFileError(
            [CellProblem(0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    sheet = book.worksheets[0]
    try:
        return list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet.title))
    except LimitError as exc:
        raise ImportFileError([CellProblem(0, "", "", str(exc))]) from exc


def _category(text: str) -> str | None:
    for value, label in TalentCategory.choices:
        if text in (value, str(label), _(str(label))):
            return str(value)
    zh = {
        "行业领军人才": "leading",
        "领军人才": "leading",
        "优秀人才": "outstanding",
        "优秀年轻干部": "young_cadre",
        "年轻干部": "young_cadre",
        "乡村人才": "rural",
        "农村实用人才": "rural",
    }
    return zh.get(text)


def _cell(
    key: str, text: str, units: dict[str, Unit], teams: dict[str, TalentTeam]
) -> tuple[Any, str | None]:
    if key in DATES:
        try:
            return (parse_date(text) if text else None), None
        except BoundError as exc:
            return None, str(exc)
    if key == "category":
        value = _category(text)
        return value, None if value else _("unknown category %(value)s.") % {"value": text}
    if key == "unit":
        unit = units.get(text.lower())
        return unit, None if unit else _("unknown unit %(value)s.") % {"value": text}
    if key == "team":
        team = teams.get(text) if text else None
        return team, None if team or not text else _("unknown team %(value)s.") % {"value": text}
    if key == "phone" and text and not PHONE.match(text):
        return None, _("not a phone number.")
    return text, None


def validate(raw: bytes) -> list[dict[str, Any]]:
    """The rows of the file as talent data; raises :class:`ImportFileError` listing every problem."""
    rows = _rows(raw)
    if not rows:
        raise ImportFileError([CellProblem(0, "", "", _("The file has no rows."))])
    norm = [_text(v).lower() for v in rows[0]]
    found = {c.key: norm.index(n) for c in COLUMNS for n in (c.zh.lower(), c.en.lower()) if n in norm}
    problems = [
        CellProblem(1, "", c.zh, _("the column %(header)s is missing.") % {"header": c.zh})
        for c in COLUMNS
        if c.required and c.key not in found
    ]
    if problems:
        raise ImportFileError(problems)
    units = {k.strip().lower(): u for u in Unit.objects.all() for k in (u.code, u.name_zh, u.name_en) if k}
    teams = {t.code: t for t in TalentTeam.objects.all()}
    out, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(_text(v) for v in row):
            continue
        data: dict[str, Any] = {}
        for column in COLUMNS:
            if column.key not in found:
                continue
            index = found[column.key]
            text = _text(row[index]) if index < len(row) else ""
            where = (number, column_letter(index), column.zh)
            problem = text_problem(text, label=column.zh, max_length=column.max_length)
            if problem is None and column.required and not text:
                problem = _("this cell is empty.")
            value = None
            if problem is None:
                value, problem = _cell(column.key, text, units, teams)
            if problem is not None:
                problems.append(CellProblem(*where, str(problem)))
            data[column.key] = value
        if data.get("code") in seen:
            problems.append(
                CellProblem(number, column_letter(found["code"]), "编号", _("the code appears twice."))
            )
        seen.add(data.get("code"))
        out.append(data)
    if problems:
        raise ImportFileError(truncated(problems, lambda text: CellProblem(0, "", "", text)))
    return out


@transaction.atomic
def talent_import(*, actor: Any, raw: bytes, source: str = "import") -> dict[str, int]:
    """Import the file (managers): all rows or none. Returns counts of created and updated."""
    if actor is not None and not P.manages_people(actor):
        raise P.PermissionDenied("import talents")
    rows = validate(raw)
    existing = {t.code: t for t in Talent.objects.filter(code__in=[r["code"] for r in rows])}
    counts = {"created": 0, "updated": 0}
    for number, data in enumerate(rows, start=2):
        talent = existing.get(data["code"])
        clean = {
            k: ("" if v is None and k in {"title", "field", "id_number", "phone"} else v)
            for k, v in data.items()
        }
        try:
            services.talent_save(actor=actor, data=clean, talent=talent, source=source)
        except ValidationError as exc:
            raise ImportFileError([CellProblem(number, "", "", " ".join(exc.messages))]) from exc
        counts["updated" if talent else "created"] += 1
    return counts


def talents_xlsx(user: Any) -> bytes:
    """The talents ``user`` sees, their personal fields as ``user`` may see them (masked)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "talents"
    append_row(sheet, [c.zh for c in COLUMNS])
    for t in selectors.talents_for(user).order_by("code"):
        personal = selectors.personal_fields(user, t)
        append_row(
            sheet,
            [
                t.code,
                t.name,
                t.get_category_display(),
                t.unit.code,
                t.title,
                t.field,
                t.team.code if t.team else "",
                t.recognised_on.isoformat() if t.recognised_on else "",
                personal["id_number"],
                personal["phone"],
                personal["birth_date"],
            ],
        )
    return xlsx_bytes(book)
