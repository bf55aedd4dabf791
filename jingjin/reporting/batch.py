"""Batch reporting (批量报送): one Excel file with all of a unit's monthly reports for a period.

A unit downloads the template of a period (:func:`jingjin.reporting.batch_template.template`):
a sheet of reports, one row per task its unit owes a report for (the due tasks it may change),
with the last completion, and a sheet of indicator actuals, one row per numeric indicator of those
tasks. It fills in the white
cells and uploads the file. :func:`validate` reads the whole file and lists every problem with its
sheet, spreadsheet row, column letter and header, in the UI's language, without writing
anything; :func:`batch_import` then saves every filled-in row as a draft (and submits it when
asked) in one transaction through :func:`~jingjin.reporting.services.report_save_draft` and
:func:`~jingjin.reporting.services.report_submit`, each with its audit row — or, on any error
(including one the services raise), writes nothing.

Rows whose input cells are all empty are left out: a unit may report some tasks from the file
and others in the form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.core.bounds import PLAN_NUMBER
from jingjin.core.limits import LimitError, bounded_rows, check_workbook, column_letter
from jingjin.core.permissions import PermissionDenied, can_fill_reports, restrict
from jingjin.core.texts import text_problem
from jingjin.plans.models import Indicator, Task
from jingjin.reporting import selectors, services
from jingjin.reporting.choices import EDITABLE_STATES, ReportStatus
from jingjin.reporting.models import PROGRESS_MAX, REASON_MAX, TEXT_MAX, Report, ReportingPeriod
from jingjin.reporting.prefill import known_for_indicators

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the largest template the upload reads (bytes)
MAX_FILE_SIZE = 20 * 1024 * 1024
#: the first size an indicator actual may not have (as the report form and the API: core.bounds)
MAX_ABS_VALUE = PLAN_NUMBER.limit


@dataclass(frozen=True)
class Column:
    """A column of a sheet of the template: its key, its header, its width; ``editable`` cells are
    white and unlocked, the others grey and locked."""

    key: str
    label: Promise
    width: int
    editable: bool
    max_length: int | None = None


REPORT_COLUMNS = (
    Column("task", gettext_lazy("Task code"), 14, False),
    Column("name", gettext_lazy("Task"), 36, False),
    Column("last_pct", gettext_lazy("Last completion (%)"), 12, False),
    Column("completion_pct", gettext_lazy("Completion (%)"), 12, True),
    Column("milestone_reached", gettext_lazy("Milestone reached"), 12, True),
    Column("progress", gettext_lazy("Progress this month"), 48, True, PROGRESS_MAX),
    Column("next_plan", gettext_lazy("Plan for next month"), 36, True, TEXT_MAX),
    Column("problems", gettext_lazy("Problems"), 30, True, TEXT_MAX),
    Column("support_needed", gettext_lazy("Support needed"), 30, True, TEXT_MAX),
)
VALUE_COLUMNS = (
    Column("task", gettext_lazy("Task code"), 14, False),
    Column("indicator", gettext_lazy("Indicator code"), 18, False),
    Column("name", gettext_lazy("Indicator"), 36, False),
    Column("unit", gettext_lazy("Unit"), 10, False),
    Column("last_value", gettext_lazy("Last value"), 14, False),
    Column("value", gettext_lazy("Actual value"), 14, True),
    Column("source", gettext_lazy("Source"), 40, False),
)
#: the reason a report with a lower completion than the task's approved one carries — a column of
#: the template when the report services take it (``regression_reason`` in ``REPORT_FIELDS``)
REASON_COLUMN = Column(
    "regression_reason", gettext_lazy("Reason for a lower completion"), 30, True, REASON_MAX
)


def report_columns() -> tuple[Column, ...]:
    """The columns of the reports sheet."""
    if REASON_COLUMN.key in services.REPORT_FIELDS:
        return (*REPORT_COLUMNS, REASON_COLUMN)
    return REPORT_COLUMNS


def input_keys() -> tuple[str, ...]:
    """The report fields a row fills in."""
    return tuple(c.key for c in report_columns() if c.editable)


REPORTS_SHEET = gettext_lazy("Reports")
VALUES_SHEET = gettext_lazy("Indicator actuals")
ABOUT_SHEET = gettext_lazy("About")


@dataclass(frozen=True)
class BatchError:
    """One problem of an uploaded file, with its place (row and column 0 when the whole sheet or
    file is meant)."""

    sheet: str
    row: int
    column: str
    header: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Sheet %(sheet)s, row %(row)d, column %(column)s (%(header)s): %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.row:
            return _("Sheet %(sheet)s, row %(row)d: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.sheet:
            return _("Sheet %(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
            "text": str(self),
        }


class BatchFileError(ValueError):
    """An uploaded file that cannot be imported; ``errors`` lists every problem with its place."""

    def __init__(self, errors: list[BatchError]):
        from jingjin.core.limits import truncated

        # a page lists at most JINGJIN_IMPORT_MAX_ERRORS of them, then how many more
        self.total = len(errors)
        self.errors = errors = truncated(errors, lambda more: BatchError("", 0, "", "", more))
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class BatchRow:
    """One filled-in report of the file, checked."""

    task: Task
    row: int
    data: dict[str, Any]
    values: dict[int, Decimal | None] = field(default_factory=dict)
    value_rows: dict[int, int] = field(default_factory=dict)


@dataclass
class BatchSummary:
    created: int = 0
    updated: int = 0
    submitted: int = 0
    skipped: int = 0

    @property
    def saved(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "submitted": self.submitted,
            "skipped": self.skipped,
        }


# --------------------------------------------------------------------------------------------
# What a unit reports


def due_tasks(*, user: Any, period: ReportingPeriod) -> list[Task]:
    """The tasks ``user``'s unit owes a report for in ``period`` (those of
    :func:`jingjin.reporting.lists.my_rows`), in plan order."""
    tasks = restrict(user, "change", selectors.tasks_due(period=period))
    return list(
        tasks.select_related("lead_unit").order_by(
            "measure__action__position", "measure__position", "position", "code"
        )
    )


# --------------------------------------------------------------------------------------------
# Reading and checking


def _labels(column: Column) -> set[str]:
    """The header of a column in every language of the UI, and its key."""
    names = {column.key.lower()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(column.label).strip().lower())
    return names


def _sheet_names(label: Promise) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label)[:31])
    return names


def _find_sheet(workbook: Any, label: Promise, position: int) -> Any:
    names = _sheet_names(label)
    for name in workbook.sheetnames:
        if name in names:
            return workbook[name]
    return workbook.worksheets[position] if len(workbook.worksheets) > position else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _yes_no(value: Any) -> bool | None:
    """True / False for the answers a user may type, None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text(value).lower()
    yes = {"yes", "y", "true", "1", "是", "√", "✓"}
    no = {"no", "n", "false", "0", "否", "×"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(_("Yes").lower())
            no.add(_("No").lower())
    if text in yes:
        return True
    if text in no or text == "":
        return False
    return None


def _number(value: Any) -> Decimal | None:
    """The number of a cell (int, float or a numeric text, a trailing % allowed); None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
    else:
        text = _text(value).replace(",", "").rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def _header_map(
    rows: list[tuple[Any, ...]], columns: tuple[Column, ...], sheet: str, errors: list[BatchError]
) -> dict[str, int]:
    """Column key → index, from the header row; a missing column is an error."""
    header = [_text(v).lower() for v in (rows[0] if rows else ())]
    found: dict[str, int] = {}
    for column in columns:
        names = _labels(column)
        index = next((i for i, h in enumerate(header) if h in names), None)
        if index is None:
            optional = column.key == REASON_COLUMN.key  # templates made before it was a column
            if (column.editable and not optional) or column.key in ("task", "indicator"):
                errors.append(
                    BatchError(
                        sheet,
                        1,
                        "",
                        str(column.label),
                        _("the column %(header)s is missing.") % {"header": column.label},
                    )
                )
        else:
            found[column.key] = index
    return found


def _cell(values: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def validate(*, user: Any, period: ReportingPeriod, raw: bytes, submit: bool = False) -> list[BatchRow]:
    """Read and check a whole uploaded template; return the filled-in rows, or raise
    :class:`BatchFileError` listing every problem with its place. Writes nothing."""
    if not can_fill_reports(user):
        raise PermissionDenied(_("Only reporters and county users fill in reports."))
    workbook = _open_workbook(raw)
    errors: list[BatchError] = []
    _check_stated_period(workbook, period, errors)
    sheet = _find_sheet(workbook, REPORTS_SHEET, 0)
    if sheet is None:
        raise BatchFileError([BatchError(str(REPORTS_SHEET), 0, "", "", _("the sheet is missing."))])
    sheet_name = sheet.title
    try:
        rows = list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet_name))
    except LimitError as exc:
        raise BatchFileError([BatchError(sheet_name, 0, "", "", str(exc))]) from exc
    all_columns = report_columns()
    columns = _header_map(rows, all_columns, sheet_name, errors)
    header_of = {c.key: str(c.label) for c in all_columns}

    def place(row: int, key: str, message: str) -> BatchError:
        index = columns.get(key)
        return BatchError(
            sheet_name,
            row,
            column_letter(index) if index is not None else "",
            header_of.get(key, key),
            message,
        )

    tasks = {t.code: t for t in due_tasks(user=user, period=period)}
    existing = {r.task_id: r for r in Report.objects.filter(task__in=tasks.values(), period=period)}
    found: dict[str, BatchRow] = {}
    if "task" in columns:
        for number, values in enumerate(rows[1:], start=2):
            inputs = {key: _cell(values, columns.get(key)) for key in input_keys()}
            if all(_text(v) == "" for v in inputs.values()):
                continue
            code = _text(_cell(values, columns["task"]))
            problem = _row_task_problem(user, period, code, tasks, found, existing)
            if problem is not None:
                errors.append(place(number, "task", problem))
                continue
            data = _row_data(number, inputs, all_columns, place, errors, submit=submit)
            found[code] = BatchRow(task=tasks[code], row=number, data=data)
    _read_values(workbook, tasks, found, existing, errors, period)
    if errors:
        raise BatchFileError(errors)
    return list(found.values())


def _open_workbook(raw: bytes) -> Any:
    """The uploaded workbook, read-only — after its size and its unzipped size are checked (a zip
    bomb is refused before anything is inflated); :class:`BatchFileError` otherwise."""
    from openpyxl import load_workbook

    if len(raw) > MAX_FILE_SIZE:
        message = _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_SIZE // 2**20}
        raise BatchFileError([BatchError("", 0, "", "", message)])
    try:
        check_workbook(raw)
    except LimitError as exc:
        raise BatchFileError([BatchError("", 0, "", "", str(exc))]) from exc
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise BatchFileError(
            [BatchError("", 0, "", "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc


def _check_stated_period(workbook: Any, period: ReportingPeriod, errors: list[BatchError]) -> None:
    """The "About" sheet names the template's period: it must be ``period``."""
    about = _find_sheet(workbook, ABOUT_SHEET, 2)
    if about is None:
        return
    for row in about.iter_rows(min_row=1, max_row=5, values_only=True):
        if row and _text(_cell(row, 0)) in {str(s) for s in _sheet_names(gettext_lazy("Period"))}:
            stated = _text(_cell(row, 1))
            if stated and stated != period.code:
                message = _(
                    "This file is the template of %(file)s, not of %(period)s: "
                    "download the template of %(period)s."
                ) % {"file": stated, "period": period.code}
                errors.append(BatchError(about.title, 0, "", "", message))


def _row_task_problem(
    user: Any,
    period: ReportingPeriod,
    code: str,
    tasks: dict[str, Task],
    found: dict[str, BatchRow],
    existing: dict[int, Report],
) -> str | None:
    """Why a row's task code cannot be reported from this file (None: it can)."""
    if not code:
        return _("give the task code.")
    task = tasks.get(code)
    if task is None:
        return _task_problem(user, code, period)
    if code in found:
        return _("the task %(code)s appears again (first in row %(row)d).") % {
            "code": code,
            "row": found[code].row,
        }
    report = existing.get(task.pk)
    if report is not None and report.status not in EDITABLE_STATES:
        return _("the report of %(code)s for %(period)s is %(state)s and can no longer be changed.") % {
            "code": code,
            "period": period.code,
            "state": ReportStatus(report.status).label,
        }
    return None


def _row_data(
    number: int,
    inputs: dict[str, Any],
    all_columns: tuple[Column, ...],
    place: Any,
    errors: list[BatchError],
    *,
    submit: bool,
) -> dict[str, Any]:
    """The report fields of one row, each checked; a problem goes to ``errors`` with its place."""
    data: dict[str, Any] = {}
    raw_pct = inputs["completion_pct"]
    if _text(raw_pct) == "":
        data["completion_pct"] = None
    else:
        number_pct = _number(raw_pct)
        if number_pct is None or number_pct != number_pct.to_integral_value() or not 0 <= number_pct <= 100:
            message = _("%(value)s is not a whole number from 0 to 100.") % {"value": _text(raw_pct)}
            errors.append(place(number, "completion_pct", message))
        else:
            data["completion_pct"] = int(number_pct)
    reached = _yes_no(inputs["milestone_reached"])
    if reached is None:
        message = _("%(value)s: write %(yes)s or %(no)s.") % {
            "value": _text(inputs["milestone_reached"]),
            "yes": _("Yes"),
            "no": _("No"),
        }
        errors.append(place(number, "milestone_reached", message))
    else:
        data["milestone_reached"] = reached
    for column in all_columns:
        if column.max_length is None:
            continue
        text = _text(inputs[column.key])
        problem = text_problem(text, label=column.label, max_length=column.max_length)
        if problem is not None:
            errors.append(place(number, column.key, problem))
        else:
            data[column.key] = text
    if submit:
        if not data.get("progress", "x").strip():
            errors.append(place(number, "progress", _("Describe this month's progress.")))
        if data.get("completion_pct", 0) is None and data.get("milestone_reached") is False:
            message = _("Give the completion percentage or tick the reached milestone.")
            errors.append(place(number, "completion_pct", message))
    return data


def _task_problem(user: Any, code: str, period: ReportingPeriod) -> str:
    """Why a task code of the file is not one the unit reports on this month."""
    task = Task.objects.filter(code=code).first()
    if task is None:
        return _("there is no task %(code)s.") % {"code": code}
    if not restrict(user, "change", Task.objects.filter(pk=task.pk)).exists():
        return _("the task %(code)s belongs to another unit.") % {"code": code}
    return _("the task %(code)s owes no report for %(period)s.") % {"code": code, "period": period.code}


class _Numeric(dict[str, Indicator]):
    """The numeric indicators of the tasks by code, with the codes of those whose figure the
    system holds (``held``, :mod:`jingjin.reporting.prefill`)."""

    held: set[str]


def _typed_indicators(tasks: dict[str, Task], period: ReportingPeriod) -> _Numeric:
    numeric = _Numeric(
        (i.code, i)
        for i in Indicator.objects.filter(
            task__in=tasks.values(), direction__in=services.NUMERIC_DIRECTIONS
        ).select_related("task")
    )
    known = known_for_indicators([i.pk for i in numeric.values()], year=period.year, month=period.month)
    numeric.held = {code for code, i in numeric.items() if i.pk in known}
    return numeric


def _read_values(
    workbook: Any,
    tasks: dict[str, Task],
    found: dict[str, BatchRow],
    existing: dict[int, Report],
    errors: list[BatchError],
    period: ReportingPeriod,
) -> None:
    """Check the sheet of indicator actuals and add each value to its task's row; the rows of
    figures the system holds (:mod:`jingjin.reporting.prefill`) are read only and skipped."""
    sheet = _find_sheet(workbook, VALUES_SHEET, 1)
    if sheet is None:
        return
    sheet_name = sheet.title
    rows = list(sheet.iter_rows(values_only=True))
    columns = _header_map(rows, VALUE_COLUMNS, sheet_name, errors)
    if "task" not in columns or "indicator" not in columns or "value" not in columns:
        return
    header_of = {c.key: str(c.label) for c in VALUE_COLUMNS}

    def place(row: int, key: str, message: str) -> BatchError:
        return BatchError(sheet_name, row, column_letter(columns[key]), header_of[key], message)

    numeric = _typed_indicators(tasks, period)
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        raw = _cell(values, columns["value"])
        if _text(raw) == "" or _text(_cell(values, columns["indicator"])) in numeric.held:
            continue  # empty, or a figure the system holds: the services store it (never asked twice)
        code = _text(_cell(values, columns["task"]))
        indicator_code = _text(_cell(values, columns["indicator"]))
        indicator = numeric.get(indicator_code)
        if indicator is None:
            errors.append(
                place(
                    number,
                    "indicator",
                    _("%(code)s is not a numeric indicator of your unit's tasks due this month.")
                    % {"code": indicator_code or "—"},
                )
            )
            continue
        if code and code != indicator.task.code:
            errors.append(
                place(
                    number,
                    "task",
                    _("the indicator %(indicator)s belongs to the task %(code)s.")
                    % {"indicator": indicator_code, "code": indicator.task.code},
                )
            )
            continue
        if indicator_code in seen:
            errors.append(
                place(
                    number,
                    "indicator",
                    _("the indicator %(code)s appears again (first in row %(row)d).")
                    % {"code": indicator_code, "row": seen[indicator_code]},
                )
            )
            continue
        seen[indicator_code] = number
        value = _number(raw)
        if value is None or abs(value) >= MAX_ABS_VALUE:
            errors.append(
                place(number, "value", _("%(value)s is not a number within ±10¹⁴.") % {"value": _text(raw)})
            )
            continue
        task = indicator.task
        row = found.get(task.code)
        if row is None:
            report = existing.get(task.pk)
            if report is not None and report.status not in EDITABLE_STATES:
                errors.append(
                    place(
                        number,
                        "value",
                        _("the report of %(code)s for this month is %(state)s and can no longer be changed.")
                        % {"code": task.code, "state": ReportStatus(report.status).label},
                    )
                )
                continue
            row = found[task.code] = BatchRow(task=task, row=0, data={})
        row.values[indicator.pk] = value
        row.value_rows[indicator.pk] = number


# --------------------------------------------------------------------------------------------
# Writing


def batch_import(
    *, actor: Any, period: ReportingPeriod, raw: bytes, submit: bool = False, source: str = "batch"
) -> BatchSummary:
    """Check the whole file (:func:`validate`), then save every filled-in row as a draft — and
    submit it when ``submit`` — in one transaction through the report services, each audited.
    Raises :class:`BatchFileError` and writes nothing when any row is wrong."""
    rows = validate(user=actor, period=period, raw=raw, submit=submit)
    summary = BatchSummary()
    errors: list[BatchError] = []
    sheet = str(REPORTS_SHEET)[:31]
    with transaction.atomic():
        existing = set(
            Report.objects.filter(period=period, task__in=[r.task for r in rows]).values_list(
                "task_id", flat=True
            )
        )
        for row in rows:
            try:
                report = services.report_save_draft(
                    actor=actor,
                    task=row.task,
                    period=period,
                    data=row.data,
                    indicator_values=dict(row.values),
                    source=source,
                )
                if submit:
                    services.report_submit(actor=actor, report=report, source=source)
            except ValidationError as exc:
                errors.extend(_service_errors(sheet, row, exc))
                continue
            except services.WorkflowError as exc:
                errors.append(BatchError(sheet, row.row, "", "", str(exc)))
                continue
            if row.task.pk in existing:
                summary.updated += 1
            else:
                summary.created += 1
            summary.submitted += int(submit)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise BatchFileError(errors)
    return summary


def _service_errors(sheet: str, row: BatchRow, exc: ValidationError) -> list[BatchError]:
    """A service's refusal of one row, placed at the row and, when it names a field, its column."""
    out: list[BatchError] = []
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for name, messages in items:
        columns = report_columns()
        index = next((i for i, c in enumerate(columns) if c.key == name), None)
        for message in messages:
            if index is not None:
                out.append(
                    BatchError(sheet, row.row, column_letter(index), str(columns[index].label), message)
                )
            elif name == "indicator_values" and row.value_rows:
                first = min(row.value_rows.values())
                out.append(BatchError(str(VALUES_SHEET)[:31], first, "", "", message))
            else:
                out.append(BatchError(sheet, row.row, "", "", message))
    return out
