"""Import of the village collective incomes (村集体经济收入) from Excel, all or nothing.

One sheet; the first row holds the headers (Chinese or English, any order): 村代码 / village code,
年度 / year, then the six parts in 万元 (:data:`COLUMNS`). :func:`validate` lists every problem with
its row, column letter and header — an unknown village, a village outside the user's scope, a
year out of range, a number that is no finite number in range, a negative part (投资收益 may be a
loss), a village twice for a year — and :func:`incomes_import` writes nothing unless there is none,
then writes every row in one transaction (audited) and feeds the plan's indicators once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.core.bounds import BoundError, Number, parse_year
from jingjin.core.choices import UnitKind
from jingjin.core.limits import (
    CellProblem,
    ImportFileError,
    column_letter,
    problems_raise,
    unique_rows,
    workbook_rows,
)
from jingjin.core.models import Unit
from jingjin.core.permissions import may_enter_village_data
from jingjin.villages.economy_services import collective_income_write
from jingjin.villages.services import refresh_feeds

#: (key, Chinese header, English header)
COLUMNS = (
    ("village", "村代码", gettext_lazy("village code")),
    ("year", "年度", gettext_lazy("year")),
    ("business", "经营收入", gettext_lazy("business income")),
    ("contracting", "发包及上交收入", gettext_lazy("contracting and remitted income")),
    ("investment", "投资收益", gettext_lazy("investment income")),
    ("other_operating", "其他经营收入", gettext_lazy("other operating income")),
    ("subsidies", "补助收入", gettext_lazy("subsidies")),
    ("other", "其他收入", gettext_lazy("other income")),
)
REQUIRED = ("village", "year", "business", "contracting", "investment", "other_operating")
#: 万元 with two decimals, below 10¹⁰ 万元
AMOUNT = Number(14, 2)


@dataclass(frozen=True)
class IncomeRow:
    village: Unit
    year: int
    parts: dict[str, Decimal]


def _norm(value: Any) -> str:
    return "" if value is None else str(value).strip().lower()


def _headers(row: tuple[Any, ...]) -> tuple[dict[str, int], list[str]]:
    names: dict[str, str] = {}
    for key, zh, en in COLUMNS:
        names[zh.lower()] = key
        names[str(en).lower()] = key
        names[key] = key
    found: dict[str, int] = {}
    texts = [_norm(v) for v in row]
    for index, text in enumerate(texts):
        found_key = names.get(text)
        if found_key is not None and found_key not in found:
            found[found_key] = index
    return found, [str(v or "") for v in row]


def validate(*, user: Any, raw: bytes) -> list[IncomeRow]:
    """The rows of the workbook, or :class:`ImportFileError` with every problem."""
    rows = workbook_rows(raw)
    if not rows:
        raise ImportFileError([CellProblem(0, "", "", _("The workbook is empty."))])
    columns, headers = _headers(rows[0])
    missing = [zh for key, zh, _en in COLUMNS if key in REQUIRED and key not in columns]
    if missing:
        message = _("Missing columns: %(names)s") % {"names": ", ".join(missing)}
        raise ImportFileError([CellProblem(1, "", "", message)])
    villages = {u.code: u for u in Unit.objects.filter(kind=UnitKind.VILLAGE)}
    problems: list[CellProblem] = []
    result = unique_rows(
        rows,
        lambda number, row: _row(user, number, row, columns, headers, villages, problems),
        lambda parsed: (parsed.village.code, parsed.year),
        column=columns["village"],
        header=headers[columns["village"]],
        duplicate=lambda first: (
            _("The village appears twice for this year (also row %(row)d).") % {"row": first}
        ),
        problems=problems,
    )
    problems_raise(problems, result)
    return result


def _row(
    user: Any,
    number: int,
    row: tuple[Any, ...],
    columns: dict[str, int],
    headers: list[str],
    villages: dict[str, Unit],
    problems: list[CellProblem],
) -> IncomeRow | None:
    start = len(problems)

    def cell(key: str) -> Any:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    def problem(key: str, message: str) -> None:
        index = columns[key]
        problems.append(CellProblem(number, column_letter(index), headers[index], message))

    code = _norm(cell("village"))
    village = next((v for c, v in villages.items() if c.lower() == code), None) if code else None
    if village is None:
        problem("village", _("No village has the code %(code)s.") % {"code": str(cell("village") or "")[:60]})
    elif not may_enter_village_data(user, village):
        problem("village", _("You may not enter the data of this village."))
    year = 0
    try:
        year = parse_year(cell("year"))
    except BoundError as exc:
        problem("year", str(exc.message.translated()))
    parts: dict[str, Decimal] = {}
    for key, *_names in COLUMNS[2:]:
        if key not in columns or cell(key) in (None, ""):
            if key in REQUIRED:
                problem(key, _("This cell is required."))
            continue
        try:
            value = AMOUNT.parse(cell(key))
        except BoundError as exc:
            problem(key, str(exc.message.translated()))
            continue
        if value < 0 and key != "investment":
            problem(key, _("must not be negative"))
        parts[key] = value
    if len(problems) > start or village is None:
        return None
    return IncomeRow(village=village, year=year, parts=parts)


def incomes_import(*, actor: Any, raw: bytes, source: str = "import") -> int:
    """Validate the workbook and write its rows (all or nothing); returns the rows written."""
    rows = validate(user=actor, raw=raw)
    with transaction.atomic():
        for row in rows:
            collective_income_write(
                actor=actor,
                village=row.village,
                year=row.year,
                parts=row.parts,
                is_synthetic=False,
                source=source,
            )
    refresh_feeds({row.year for row in rows})
    return len(rows)
