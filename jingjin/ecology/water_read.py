"""Reading an upload of monthly section samples into checked rows (no writes).

Two layouts, told apart by the header:

* **platform** — the national surface-water platform's table (国家地表水水质自动监测实时数据发布系统):
  断面名称, 监测时间, then the items by their Chinese names (pH, 溶解氧, 高锰酸盐指数, 氨氮, 总磷,
  总氮 …); ``--`` is a missing value. Readings of a section in one month (the platform publishes
  every four hours) are averaged into the month's sample.
* **long** — one row per section and month: ``section`` (code), ``year``, ``month`` (or
  ``period`` = ``2026-03``), then any of the parameter columns by their engine names
  (``ph do codmn cod bod5 nh3_n tp tn …``) or Chinese names.

All problems are collected with their place as every import of the platform names it
(:class:`jingjin.core.limits.CellProblem`): the row as the spreadsheet numbers it (the header is
row 1, the first data row 2), the column's letter and its header; the import stores nothing unless
there are none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.bounds import Number, text_problem, whole_number, year_problem
from jingjin.core.limits import (
    CellProblem,
    LimitError,
    bounded_rows,
    cell_text,
    check_upload,
    column_letter,
    file_problem,
)
from jingjin.ecology.water_models import SAMPLE_PARAMETERS, VALUE_DIGITS, VALUE_PLACES

VALUE = Number(VALUE_DIGITS, VALUE_PLACES, minimum=0)
PH_MAX = Decimal(14)
MISSING = {"", "--", "-", "—", "na", "n/a", "null"}

#: Chinese (and the platform's) names of the parameters → the engine's names
ALIASES: dict[str, str] = {
    "ph": "ph",
    "ph值": "ph",
    "溶解氧": "do",
    "高锰酸盐指数": "codmn",
    "化学需氧量": "cod",
    "五日生化需氧量": "bod5",
    "氨氮": "nh3_n",
    "总磷": "tp",
    "总氮": "tn",
    "铜": "cu",
    "锌": "zn",
    "氟化物": "f",
    "硒": "se",
    "砷": "as",
    "汞": "hg",
    "镉": "cd",
    "六价铬": "cr6",
    "铅": "pb",
    "氰化物": "cn",
    "挥发酚": "phenol",
    "石油类": "petroleum",
    "阴离子表面活性剂": "las",
    "硫化物": "sulfide",
}
SECTION_NAMES = {"section", "断面", "断面编码", "断面代码", "断面名称", "section_code"}
TIME_NAMES = {"time", "监测时间", "时间", "采样时间"}
YEAR_NAMES = {"year", "年份", "年"}
MONTH_NAMES = {"month", "月份", "月"}
PERIOD_NAMES = {"period", "年月"}


@dataclass
class Reading:
    """The checked content of an upload: each (section key, year, month) with its values."""

    layout: str
    rows: int = 0
    #: (section key, year, month) → {parameter: [values]} (several readings on the platform layout)
    samples: dict[tuple[str, int, int], dict[str, list[Decimal]]] = field(default_factory=dict)
    #: the first row (as the spreadsheet numbers it) of each sample (for messages)
    first_row: dict[tuple[str, int, int], int] = field(default_factory=dict)
    #: long layout: a section-month given again (row, first row, same values?)
    duplicates: list[tuple[int, int, bool]] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    #: the section column's letter and header (for the problems of a sample's section)
    section_column: tuple[str, str] = ("", "")

    def section_problem(self, row: int, message: str) -> None:
        """A problem of the section named in ``row``."""
        self.problems.append(CellProblem(row, *self.section_column, message))

    def means(self, key: tuple[str, int, int]) -> dict[str, Decimal | None]:
        """The sample's value of each parameter (the mean of its readings, 6 decimals)."""
        values = self.samples[key]
        out: dict[str, Decimal | None] = dict.fromkeys(SAMPLE_PARAMETERS)
        for name, numbers in values.items():
            if numbers:
                mean = sum(numbers, Decimal(0)) / len(numbers)
                out[name] = mean.quantize(Decimal(1).scaleb(-VALUE_PLACES))
        return out


def table_rows(raw: bytes, name: str) -> list[tuple[Any, ...]]:
    """The rows of a CSV (UTF-8 or GB18030) or Excel upload, header first (LimitError if too big)."""
    workbook = name.lower().endswith((".xlsx", ".xls", ".xlsm"))
    check_upload(raw, workbook=workbook)
    if workbook:
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0)
            cells = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # a broken workbook: the reader's own errors vary
            raise LimitError(_("The file is not a readable Excel workbook.")) from exc
        return list(bounded_rows(cells, sheet=sheet.name))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(bounded_rows(csv.reader(io.StringIO(text, newline="")), sheet="CSV"))
    raise LimitError(_("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as .xlsx."))


def _header(cells: tuple[Any, ...]) -> list[str]:
    return [str(c or "").strip() for c in cells]


def _key(name: str) -> str:
    lowered = name.strip().lower()
    lowered = re.sub(r"\s*[(（].*[)）]\s*$", "", lowered)  # 溶解氧(mg/L) → 溶解氧
    lowered = re.sub(r"_shown$", "", lowered)  # the parsed platform snapshot's columns
    return lowered


def read(rows: list[tuple[Any, ...]]) -> Reading:
    """Check the rows (header first) and gather the samples; problems are collected, not raised."""
    if not any(str(c or "").strip() for row in rows for c in row):  # no row, or blank ones only
        reading = Reading(layout="long")
        reading.problems.append(file_problem(_("the file is empty")))
        return reading
    header = _header(rows[0])
    keys = [_key(h) for h in header]
    columns = {k: i for i, k in enumerate(keys) if k}
    platform = any(k in columns for k in TIME_NAMES)
    reading = Reading(layout="platform" if platform else "long")
    params = {i: ALIASES.get(k, k) for i, k in enumerate(keys) if ALIASES.get(k, k) in SAMPLE_PARAMETERS}
    section_at = next((columns[k] for k in SECTION_NAMES if k in columns), None)
    if section_at is None:
        reading.problems.append(
            CellProblem(1, "", "", _("the header has no section column (section / 断面名称)"))
        )
    if not params:
        reading.problems.append(
            CellProblem(1, "", "", _("the header has no parameter column (ph, do, codmn, nh3_n, tp …)"))
        )
    dated = any(k in columns for k in (*TIME_NAMES, *PERIOD_NAMES))
    if not dated and not (any(k in columns for k in YEAR_NAMES) and any(k in columns for k in MONTH_NAMES)):
        reading.problems.append(CellProblem(1, "", "", _("the file has no year and month columns")))
    if reading.problems:
        return reading
    assert section_at is not None
    reading.section_column = (column_letter(section_at), header[section_at])
    for number, cells in enumerate(rows[1:], start=2):  # the header is row 1
        if not any(str(c or "").strip() for c in cells):
            continue
        reading.rows += 1
        _read_row(reading, number, cells, header, columns, section_at, params)
    return reading


def _cell(cells: tuple[Any, ...], index: int | None) -> Any:
    return cells[index] if index is not None and index < len(cells) else None


def _problem(reading: Reading, number: int, at: int, header: list[str], message: str) -> None:
    """A problem of the cell of row ``number`` (as the spreadsheet numbers it) in column ``at``."""
    reading.problems.append(CellProblem(number, column_letter(at), header[at], message))


def _when(
    reading: Reading, number: int, cells: tuple[Any, ...], header: list[str], columns: dict[str, int]
) -> tuple[int, int] | None:
    """The (year, month) of a row, or None after recording the problem (the file has a time or
    period column, or a year and a month column: :func:`read` checks)."""
    time_at = next((columns[k] for k in TIME_NAMES if k in columns), None)
    period_at = next((columns[k] for k in PERIOD_NAMES if k in columns), None)
    if time_at is not None or period_at is not None:
        at = time_at if time_at is not None else period_at
        assert at is not None
        value = _cell(cells, at)
        text = value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()
        match = re.match(r"^(\d{4})[-/年.](\d{1,2})", text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            _problem(reading, number, at, header, _("not a date or month: %s") % text[:40])
            return None
        year, month = int(match.group(1)), int(match.group(2))
        year_at = at
    else:
        year_at = next(columns[k] for k in YEAR_NAMES if k in columns)
        month_at = next(columns[k] for k in MONTH_NAMES if k in columns)
        whole_year, whole_month = whole_number(_cell(cells, year_at)), whole_number(_cell(cells, month_at))
        if whole_year is None:
            _problem(reading, number, year_at, header, _("year and month must be whole numbers"))
            return None
        if whole_month is None:
            _problem(reading, number, month_at, header, _("year and month must be whole numbers"))
            return None
        year, month = whole_year, whole_month
        if not 1 <= month <= 12:
            _problem(reading, number, month_at, header, _("the month must be 1 to 12"))
            return None
    problem = year_problem(year)
    if problem is not None:
        _problem(reading, number, year_at, header, str(problem))
        return None
    return year, month


def _value(reading: Reading, number: int, at: int, header: list[str], name: str, cell: Any) -> Decimal | None:
    text = "" if cell is None else str(cell).strip()
    if text.lower() in MISSING:
        return None
    try:
        value = VALUE.parse(cell if isinstance(cell, int | float) else text)
    except ValueError as exc:
        _problem(reading, number, at, header, str(getattr(exc, "message", exc)))
        return None
    if name == "ph" and value > PH_MAX:
        _problem(reading, number, at, header, _("pH must be 0 to 14, not %s") % text)
        return None
    return value


def _read_row(
    reading: Reading,
    number: int,
    cells: tuple[Any, ...],
    header: list[str],
    columns: dict[str, int],
    section_at: int,
    params: dict[int, str],
) -> None:
    section = cell_text(_cell(cells, section_at))
    problem = text_problem(section, max_length=100)
    if not section or problem is not None:
        reading.section_problem(number, str(problem or _("the section is empty")))
        return
    when = _when(reading, number, cells, header, columns)
    values = {name: _value(reading, number, i, header, name, _cell(cells, i)) for i, name in params.items()}
    if when is None:
        return
    key = (section, *when)
    given = {k: v for k, v in values.items() if v is not None}
    if key in reading.samples and reading.layout == "long":
        first = reading.first_row[key]
        same = {k: v[0] for k, v in reading.samples[key].items() if v} == given
        reading.duplicates.append((number, first, same))
        if not same:
            reading.section_problem(
                number,
                _("section %(section)s, %(year)s-%(month)02d is also in row %(first)s with other values")
                % {"section": section, "year": when[0], "month": when[1], "first": first},
            )
        return
    reading.first_row.setdefault(key, number)
    sample = reading.samples.setdefault(key, {})
    for name, value in given.items():
        sample.setdefault(name, []).append(value)
