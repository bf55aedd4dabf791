"""Import of the commission's key-project workbook (重点项目库导入): one sheet, one row per project.

The headers are the commission's (Chinese) or their English names, in any order; a column
``2024年计划投资（万元）`` (``Planned investment 2024 (10,000 yuan)``) gives the yearly planned
investment of the year in its header, and there may be several. :func:`validate` reads the whole
file and lists every problem with its row, column letter and header in the UI's language, writing
nothing; :func:`project_import` then creates the projects whose code is new and updates the others
in one transaction through :mod:`jingjin.projects.services` (each audited) — or, on any error,
writes nothing. The plan office imports (:func:`jingjin.core.permissions.may_add_projects`).

An empty cell of an updated project clears a text, a date, the county or the park, but leaves
its state, English name and yearly plans as they are; a missing column leaves the field alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.bounds import BoundError, parse_date
from jingjin.core.limits import CellProblem, LimitError, bounded_rows, check_upload, column_letter, truncated
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_add_projects
from jingjin.core.texts import text_problem
from jingjin.plans.models import Task
from jingjin.projects import services
from jingjin.projects.choices import ProjectCategory, ProjectLevel, ProjectState
from jingjin.projects.models import INVESTMENT, KeyProject


@dataclass(frozen=True)
class Column:
    """A column of the workbook: the field it fills, its Chinese and its English header."""

    key: str
    zh: str
    en: str
    required: bool = False


COLUMNS = (
    Column("code", "项目编码", "Project code", True),
    Column("name_zh", "项目名称", "Project name", True),
    Column("name_en", "英文名称", "English name"),
    Column("level", "级别", "Level", True),
    Column("category", "类别", "Category", True),
    Column("owner_unit", "业主单位", "Owning unit", True),
    Column("county", "县区", "County / district"),
    Column("park", "园区", "Park"),
    Column("industry", "行业", "Industry"),
    Column("total_investment", "总投资（万元）", "Total investment (10,000 yuan)", True),
    Column("start", "开工时间", "Start"),
    Column("end", "竣工时间", "End"),
    Column("leader", "责任领导", "Responsible leader"),
    Column("team", "工作专班", "Working team"),
    Column("plan_document", "实施方案", "Plan document"),
    Column("timeline", "时间表", "Timeline"),
    Column("support_measures", "支持措施", "Support measures"),
    Column("state", "状态", "State"),
    Column("tasks", "关联任务", "Plan tasks"),
)
TEXT_KEYS = (
    "name_zh",
    "name_en",
    "industry",
    "leader",
    "team",
    "plan_document",
    "timeline",
    "support_measures",
)
YEAR_ZH = re.compile(r"^(\d{4})年?计划投资\(万元\)$")
YEAR_EN = re.compile(r"^plannedinvestment(\d{4})\(10,?000yuan\)$")
#: the extra names a level, a category or a state may have in the commission's sheets
ALIASES = {
    "level": {"省重点": "provincial", "市重点": "city", "县重点": "county", "区重点": "county"},
    "category": {
        "产业": "industry",
        "产业项目": "industry",
        "工业": "industry",
        "基础设施": "infrastructure",
        "基础设施项目": "infrastructure",
        "社会事业": "social",
        "民生": "social",
        "社会民生": "social",
        "生态": "ecology",
        "生态环保": "ecology",
    },
    "state": {
        "储备": "reserve",
        "前期": "preparation",
        "在建": "construction",
        "竣工": "completed",
        "投产": "production",
    },
}
#: the names a message offers
HINTS = {
    "level": "省重点、市重点、县重点",
    "category": "产业、基础设施、社会事业、生态",
    "state": "储备、前期、在建、竣工、投产",
}
CHOICES = {"level": ProjectLevel, "category": ProjectCategory, "state": ProjectState}
TASK_SEPARATORS = re.compile(r"[,，;；、\s]+")


def _norm(header: Any) -> str:
    text = "" if header is None else str(header)
    text = text.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    return text.strip().lower()


def header_text(column: Column, *, chinese: bool) -> str:
    return column.zh if chinese else column.en


def year_header(year: int, *, chinese: bool) -> str:
    return f"{year}年计划投资（万元）" if chinese else f"Planned investment {year} (10,000 yuan)"


#: one problem of the file with its place (row 0: the whole file)
ImportProblem = CellProblem


class ImportFileError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem (at most the import limit)."""

    def __init__(self, errors: list[ImportProblem]):
        self.total = len(errors)
        self.errors = truncated(errors, lambda text: ImportProblem(0, "", "", text))
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass
class ProjectRow:
    """A checked row: the project's fields, yearly plans and (when the column is there) tasks."""

    row: int
    code: str
    data: dict[str, Any]
    year_plans: dict[int, Any] = field(default_factory=dict)
    state: str = ""
    tasks: list[Task] | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _open(raw: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        check_upload(raw, workbook=True)
    except LimitError as exc:
        raise ImportFileError([ImportProblem(0, "", "", str(exc))]) from exc
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise ImportFileError(
            [ImportProblem(0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc


def _headers(
    row: tuple[Any, ...], errors: list[ImportProblem]
) -> tuple[dict[str, int], dict[int, int], list[str]]:
    """Field key → column index, year → column index, and the header texts."""
    texts = [_text(v) for v in row]
    names = [_norm(v) for v in texts]
    found: dict[str, int] = {}
    years: dict[int, int] = {}
    for index, name in enumerate(names):
        match = YEAR_ZH.match(name) or YEAR_EN.match(name)
        if match:
            years[int(match.group(1))] = index
            continue
        for column in COLUMNS:
            if name in (_norm(column.zh), _norm(column.en), column.key) and column.key not in found:
                found[column.key] = index
    for column in COLUMNS:
        if column.required and column.key not in found:
            errors.append(
                ImportProblem(
                    1, "", column.zh, _("the column %(header)s is missing.") % {"header": column.zh}
                )
            )
    return found, years, texts


class _Lookups:
    """The units and tasks a file names, read once."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            for key in (unit.code, unit.name_zh, unit.name_en):
                if key:
                    self.units.setdefault(key.strip().lower(), unit)
        self.tasks = {t.code: t for t in Task.objects.only("pk", "code")}
        self.existing = {p.code: p for p in KeyProject.objects.all()}


def _choice(key: str, value: str) -> str | None:
    choices = CHOICES[key]
    text = value.strip()
    if text in choices.values:
        return text
    if text in ALIASES[key]:
        return ALIASES[key][text]
    for choice_value, label in choices.choices:
        if text.lower() in (str(label).lower(), _(str(label)).lower()):
            return str(choice_value)
    return None


def _day(value: Any) -> date:
    """A date from a cell: a date, ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY-MM``, ``YYYY.MM`` or
    ``YYYY年M月`` (a month: its first day)."""
    if isinstance(value, datetime | date):
        return parse_date(value)
    text = _text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?", text)
    if match:
        try:
            return parse_date(
                date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)).isoformat()
            )
        except ValueError:
            pass
    return parse_date(text)


def _cell_value(key: str, raw: Any, lookups: _Lookups) -> tuple[Any, str | None]:
    """The field value of one cell, or the message of why it is wrong."""
    text = _text(raw)
    if key in ("level", "category", "state"):
        if not text:
            return "", None if key == "state" else _("required.")
        chosen = _choice(key, text)
        hint = _("%(value)s is not one of %(choices)s.") % {"value": text, "choices": HINTS[key]}
        return chosen, None if chosen else hint
    if key in ("owner_unit", "county", "park"):
        if not text:
            return None, _("required.") if key == "owner_unit" else None
        unit = lookups.units.get(text.lower())
        return unit, None if unit else _("no unit has the code or name %(value)s.") % {"value": text}
    if key == "total_investment":
        try:
            return INVESTMENT.parse(raw if raw not in (None, "") else None), None
        except BoundError as exc:
            return None, str(exc.message)
    if key in ("start", "end"):
        if not text:
            return None, None
        try:
            return _day(raw), None
        except BoundError as exc:
            return None, str(exc.message)
    if key == "tasks":
        codes = [c for c in TASK_SEPARATORS.split(text) if c]
        missing = [c for c in codes if c not in lookups.tasks]
        if missing:
            return None, _("no plan task has the code %(codes)s.") % {"codes": "、".join(missing)}
        return [lookups.tasks[c] for c in codes], None
    field_ = KeyProject._meta.get_field(key)
    problem = text_problem(
        text, label=getattr(field_, "verbose_name", key), max_length=getattr(field_, "max_length", None)
    )
    return text, problem


def _read_row(
    number: int,
    values: tuple[Any, ...],
    columns: dict[str, int],
    years: dict[int, int],
    headers: list[str],
    lookups: _Lookups,
    errors: list[ImportProblem],
) -> ProjectRow | None:
    def cell(index: int | None) -> Any:
        return values[index] if index is not None and index < len(values) else None

    def place(index: int, message: str) -> None:
        errors.append(ImportProblem(number, column_letter(index), headers[index], message))

    before = len(errors)
    data: dict[str, Any] = {}
    state = ""
    tasks: list[Task] | None = None
    for key, index in columns.items():
        value, problem = _cell_value(key, cell(index), lookups)
        if problem:
            place(index, problem)
        elif key == "state":
            state = value
        elif key == "tasks":
            tasks = value
        elif key != "code":
            data[key] = value
    code = _text(cell(columns.get("code")))
    if "code" in columns:
        problem = text_problem(code, label=KeyProject._meta.get_field("code").verbose_name, max_length=64)
        if not code or problem:
            place(columns["code"], problem or _("required."))
        elif services.code_problem(code):
            place(columns["code"], str(services.code_problem(code)))
    if not data.get("name_en") and data.get("name_zh") and code not in lookups.existing:
        data["name_en"] = data["name_zh"]
    elif "name_en" in data and not data["name_en"]:
        data.pop("name_en")
    if data.get("start") and data.get("end") and data["end"] < data["start"]:
        place(columns["end"], _("The end lies before the start."))
    plans: dict[int, Any] = {}
    for year, index in years.items():
        raw = cell(index)
        if _text(raw) == "":
            continue
        try:
            plans[year] = INVESTMENT.parse(raw)
        except BoundError as exc:
            place(index, str(exc.message))
    if len(errors) > before:
        return None
    return ProjectRow(row=number, code=code, data=data, year_plans=plans, state=state, tasks=tasks)


def validate(*, user: Any, raw: bytes) -> list[ProjectRow]:
    """Read and check the whole file; return its rows or raise :class:`ImportFileError` listing
    every problem with its row and column. Writes nothing."""
    if not may_add_projects(user):
        raise PermissionDenied(_("Only the plan office may import key projects."))
    workbook = _open(raw)
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise ImportFileError([ImportProblem(0, "", "", _("The workbook has no sheet."))])
    try:
        rows = list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet.title))
    except LimitError as exc:
        raise ImportFileError([ImportProblem(0, "", "", str(exc))]) from exc
    errors: list[ImportProblem] = []
    columns, years, headers = _headers(rows[0] if rows else (), errors)
    if errors:
        raise ImportFileError(errors)
    lookups = _Lookups()
    found: dict[str, ProjectRow] = {}
    for number, values in enumerate(rows[1:], start=2):
        if all(_text(v) == "" for v in values):
            continue
        row = _read_row(number, values, columns, years, headers, lookups, errors)
        if row is None:
            continue
        if row.code in found:
            errors.append(
                ImportProblem(
                    number,
                    column_letter(columns["code"]),
                    headers[columns["code"]],
                    _("the code %(code)s appears again (first in row %(row)d).")
                    % {"code": row.code, "row": found[row.code].row},
                )
            )
            continue
        found[row.code] = row
    if not found and not errors:
        errors.append(ImportProblem(0, "", "", _("The sheet has no project rows.")))
    if errors:
        raise ImportFileError(errors)
    return list(found.values())


def _write_row(actor: Any, row: ProjectRow, existing: KeyProject | None, source: str) -> None:
    if existing is None:
        data = dict(row.data)
        if row.tasks is not None:
            data["tasks"] = row.tasks
        services.project_create(
            actor=actor,
            data={"code": row.code, **data, "state": row.state or ProjectState.RESERVE},
            year_plans=row.year_plans,
            source=source,
        )
        return
    data = {k: v for k, v in row.data.items() if v is not None or k in ("county", "park", "start", "end")}
    if row.tasks is not None:
        data["tasks"] = row.tasks
    services.project_update(actor=actor, project=existing, data=data, source=source)
    if row.year_plans:
        services.project_set_year_plans(actor=actor, project=existing, plans=row.year_plans, source=source)
    if row.state:
        services.project_move_state(actor=actor, project=existing, state=row.state, source=source)


def project_import(*, actor: Any, raw: bytes, source: str = "web") -> ImportResult:
    """Check the whole file (:func:`validate`), then create or update every project by its code
    in one transaction, each write audited; on any error nothing is written."""
    rows = validate(user=actor, raw=raw)
    result = ImportResult()
    errors: list[ImportProblem] = []
    with transaction.atomic():
        existing = {p.code: p for p in KeyProject.objects.filter(code__in=[r.code for r in rows])}
        for row in rows:
            try:
                _write_row(actor, row, existing.get(row.code), source)
            except ValidationError as exc:
                messages = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                for name, texts in messages:
                    header = next((c.zh for c in COLUMNS if c.key == name), "")
                    errors.extend(ImportProblem(row.row, "", header, f"{header} {t}".strip()) for t in texts)
                continue
            if row.code in existing:
                result.updated += 1
            else:
                result.created += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFileError(errors)
    return result
