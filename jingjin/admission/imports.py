"""Imports of the admission registers and of the actual figures of admitted projects, from Excel
(.xlsx, read with python-calamine) or CSV, all or nothing.

The first row holds the headers (Chinese as the templates write them, or English; any order;
unknown columns are refused). :func:`validate` reads the whole file and lists every problem with
its row, column letter and header in the UI's language, writing nothing; :func:`register_import`
then writes every row through the services (each audited) in one transaction — or nothing.

Registers: ``catalogue`` (code, name, class, version, industry), ``zoning`` (code, name, county,
type, prohibited, restricted — codes separated by 、 , ; or spaces), ``thresholds`` (park,
industry — empty or ``*`` for any — and the six thresholds), ``actuals`` (application, stage and
the four actual figures: the commitment re-check of each row).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.admission import services
from jingjin.admission.choices import CatalogueClass, RecheckStage, ZoningType
from jingjin.admission.models import FIGURE, Application, CatalogueEntry, LandThreshold, ZoningUnit
from jingjin.core.bounds import BoundError, parse_year
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
    may_check_admission_application,
    may_manage_admission_registers,
)
from jingjin.core.texts import text_problem
from jingjin.parks.models import Industry, Park

FIGURES = ("investment_intensity", "output_per_mu", "tax_per_mu", "energy_per_output")
SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    required: bool = True


COLUMNS: dict[str, tuple[Column, ...]] = {
    "catalogue": (
        Column("code", "目录代码"), Column("name", "名称"), Column("klass", "类别"),
        Column("version", "版本年份"), Column("industry", "产业代码", False),
    ),
    "zoning": (
        Column("code", "单元编码"), Column("name", "单元名称"), Column("county", "县区代码"),
        Column("unit_type", "单元类型"), Column("prohibited", "禁止类", False),
        Column("restricted", "限制类", False),
    ),
    "thresholds": (
        Column("park", "园区代码", False), Column("industry", "产业代码", False),
        *(Column(c, zh, False) for c, zh in (
            ("min_investment_intensity", "投资强度下限"), ("min_output_per_mu", "亩均产出下限"),
            ("min_tax_per_mu", "亩均税收下限"), ("max_energy_per_output", "单位产出能耗上限"),
            ("plot_ratio_min", "容积率下限"), ("plot_ratio_max", "容积率上限"),
        )),
    ),
    "actuals": (
        Column("application", "申请编号"), Column("stage", "阶段"),
        *(Column(c, zh, False) for c, zh in (
            ("investment_intensity", "实际投资强度"), ("output_per_mu", "实际亩均产出"),
            ("tax_per_mu", "实际亩均税收"), ("energy_per_output", "实际单位产出能耗"),
        )),
    ),
}  # fmt: skip
KINDS = tuple(COLUMNS)
CLASS_NAMES = {
    **dict.fromkeys(("鼓励", "鼓励类"), "encouraged"),
    **dict.fromkeys(("允许", "允许类"), "permitted"),
    **dict.fromkeys(("限制", "限制类"), "restricted"),
    **dict.fromkeys(("淘汰", "淘汰类"), "eliminated"),
}
TYPE_NAMES = {
    **dict.fromkeys(("优先保护", "优先保护单元"), "priority"),
    **dict.fromkeys(("重点管控", "重点管控单元"), "key"),
    **dict.fromkeys(("一般管控", "一般管控单元"), "general"),
}
STAGE_NAMES = {"竣工": "completion", "达产": "full_production"}


class ImportFileError(ValueError):
    """A file that cannot be imported; ``errors`` lists every problem with its place."""

    def __init__(self, errors: list[CellProblem]):
        self.total = len(errors)
        self.errors = truncated(errors, lambda more: CellProblem(0, "", "", more))
        super().__init__("\n".join(str(e) for e in self.errors))


def read_rows(raw: bytes, filename: str) -> list[tuple[Any, ...]]:
    """The rows of an uploaded .xlsx (python-calamine, streamed) or .csv (UTF-8 or GB18030)."""
    workbook = filename.lower().endswith(".xlsx")
    try:
        check_upload(raw, workbook=workbook)
        if workbook:
            from python_calamine import CalamineWorkbook

            try:
                book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
                sheet = book.get_sheet_by_index(0)
            except Exception as exc:  # calamine raises many kinds for a file that is no workbook
                raise ImportFileError(
                    [CellProblem(0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
                ) from exc
            return list(bounded_rows(sheet.iter_rows(), sheet=sheet.name))
        if not filename.lower().endswith(".csv"):
            raise ImportFileError(
                [CellProblem(0, "", "", _("Upload an Excel workbook (.xlsx) or a CSV file."))]
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        return list(bounded_rows(csv.reader(io.StringIO(text)), sheet="CSV"))
    except LimitError as exc:
        raise ImportFileError([CellProblem(0, "", "", str(exc))]) from exc


class _Cells:
    """The cells of one row by column name, recording each problem with its place."""

    def __init__(
        self,
        number: int,
        row: tuple[Any, ...],
        index: dict[str, int],
        headers: dict[str, str],
        problems: list[Any],
    ):
        self.row_no, self.row, self.index, self.problems = number, row, index, problems
        self.headers = headers

    def raw(self, name: str) -> Any:
        i = self.index.get(name)
        return self.row[i] if i is not None and i < len(self.row) else None

    def fail(self, name: str, message: str) -> None:
        i = self.index[name]
        self.problems.append(CellProblem(self.row_no, column_letter(i), self.headers[name], message))

    def text(self, name: str, required: bool = False, max_length: int = 200) -> str:
        value = cell_text(self.raw(name))
        if name in self.index:
            if required and not value:
                self.fail(name, _("empty"))
            problem = text_problem(value, label=name, max_length=max_length)
            if problem:
                self.fail(name, problem)
        return value

    def choice(self, name: str, names: dict[str, str], values: list[str]) -> str:
        value = self.text(name, required=True)
        code = names.get(value, value.lower())
        if value and code not in values:
            self.fail(
                name,
                _("unknown value %(value)s (use %(choices)s)")
                % {"value": value, "choices": ", ".join(values)},
            )
        return code

    def number(self, name: str) -> Decimal | None:
        value = self.raw(name)
        if value is None or cell_text(value) == "":
            return None
        try:
            return FIGURE.parse(value)
        except BoundError as exc:
            self.fail(name, str(exc.message))
            return None

    def lookup(self, name: str, find: Callable[[str], Any], required: bool = True) -> Any:
        code = self.text(name, required=required)
        if not code or code == "*":
            return None
        found = find(code)
        if found is None:
            self.fail(name, _("unknown code %(code)s") % {"code": code})
        return found


def _header(rows: list[tuple[Any, ...]], kind: str) -> dict[str, int]:
    columns = COLUMNS[kind]
    names = {c.zh: c.name for c in columns} | {c.name: c.name for c in columns}
    index: dict[str, int] = {}
    problems = []
    header = rows[0] if rows else ()
    for i, cell in enumerate(header):
        name = names.get(cell_text(cell))
        if name is None:
            problems.append(CellProblem(1, column_letter(i), cell_text(cell), _("unknown column")))
        else:
            index[name] = i
    missing = [c.zh for c in columns if c.required and c.name not in index]
    if missing:
        problems.append(
            CellProblem(1, "", "", _("missing column(s): %(names)s") % {"names": ", ".join(missing)})
        )
    if problems:
        raise ImportFileError(problems)
    return index


def _row_data(kind: str, cells: _Cells) -> tuple[Any, dict[str, Any]]:
    """The record a row changes (None: a new one) and its values."""
    if kind == "catalogue":
        data: dict[str, Any] = {
            "code": cells.text("code", True, 32), "name": cells.text("name", True),
            "klass": cells.choice("klass", CLASS_NAMES, CatalogueClass.values),
            "industry": cells.lookup("industry", lambda c: Industry.objects.filter(code=c).first(), False),
        }  # fmt: skip
        try:
            data["version"] = parse_year(cells.raw("version"))
        except BoundError as exc:
            cells.fail("version", str(exc.message))
        record = CatalogueEntry.objects.filter(code=data["code"], version=data.get("version") or 0).first()
        return record, data
    if kind == "zoning":
        data = {
            "code": cells.text("code", True, 32), "name": cells.text("name", True),
            "county": cells.lookup("county", lambda c: Unit.objects.filter(code=c, kind="county").first()),
            "unit_type": cells.choice("unit_type", TYPE_NAMES, ZoningType.values),
            "prohibited": [c for c in SPLIT.split(cells.text("prohibited", max_length=2000)) if c],
            "restricted": [c for c in SPLIT.split(cells.text("restricted", max_length=2000)) if c],
        }  # fmt: skip
        return ZoningUnit.objects.filter(code=data["code"]).first(), data
    if kind == "thresholds":
        data = {
            "park": cells.lookup("park", lambda c: Park.objects.filter(unit__code=c).first(), False),
            "industry": cells.lookup("industry", lambda c: Industry.objects.filter(code=c).first(), False),
            **{c: cells.number(c) for c in LandThreshold.CHECKS},
        }
        return LandThreshold.objects.filter(park=data["park"], industry=data["industry"]).first(), data
    application = cells.lookup("application", lambda c: Application.objects.filter(code=c).first())
    data = {"application": application, "stage": cells.choice("stage", STAGE_NAMES, RecheckStage.values)}
    data |= {c: cells.number(c) for c in FIGURES}
    return application, data


def validate(*, kind: str, raw: bytes, filename: str) -> list[tuple[int, Any, dict[str, Any]]]:
    """Every row of the file checked: (row number, record, values); :class:`ImportFileError`
    listing every problem otherwise. Writes nothing."""
    if kind not in COLUMNS:
        raise ValueError(f"unknown register {kind!r}")
    rows = read_rows(raw, filename)
    index = _header(rows, kind)
    headers = {name: cell_text(rows[0][i]) for name, i in index.items()}
    problems: list[CellProblem] = []
    out = []
    keys: dict[Any, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell_text(v) for v in row):
            continue
        cells = _Cells(number, row, index, headers, problems)
        record, data = _row_data(kind, cells)
        key = (
            (data.get("code"), data.get("version"))
            if kind != "thresholds"
            else (data["park"], data["industry"])
        )
        if kind == "actuals":
            key = (data["application"], data["stage"])
        if key in keys:
            problems.append(CellProblem(number, "", "", _("repeats row %(row)d") % {"row": keys[key]}))
        keys[key] = number
        out.append((number, record, data))
    if not out and not problems:
        problems.append(CellProblem(0, "", "", _("The file has no data rows.")))
    if problems:
        raise ImportFileError(problems)
    return out


def register_import(*, actor: Any, kind: str, raw: bytes, filename: str, source: str = "web") -> int:
    """Import a register (or the actual figures) whole: every row written, or none. Returns the
    number of rows."""
    if kind != "actuals" and actor is not None and not may_manage_admission_registers(actor):
        raise PermissionDenied("only the plan office imports the admission registers")
    rows = validate(kind=kind, raw=raw, filename=filename)
    model = {"catalogue": CatalogueEntry, "zoning": ZoningUnit, "thresholds": LandThreshold}.get(kind)
    problems: list[CellProblem] = []
    with transaction.atomic():
        for number, record, data in rows:
            try:
                if model is None:
                    app = data.pop("application")
                    if actor is not None and not may_check_admission_application(actor, app):
                        raise PermissionDenied(app.code)
                    services.application_recheck(
                        actor=actor, application=app, stage=data.pop("stage"), actual=data, source=source
                    )
                else:
                    services.register_save(actor=actor, model=model, data=data, obj=record, source=source)
            except ValidationError as exc:
                problems.append(CellProblem(number, "", "", "; ".join(exc.messages)))
            except PermissionDenied:
                problems.append(CellProblem(number, "", "", _("you may not change this record")))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportFileError(problems)
    return len(rows)
