"""The Excel template of batch reporting (批量报送): what a unit downloads for a period and fills in.

One sheet of reports, one row per task the unit owes a report for (the due tasks it may change),
with the last completion; one sheet of indicator actuals, one row per numeric indicator of those
tasks; an "About" sheet. The reading side — checking an upload and saving it — is
:mod:`jingjin.reporting.batch`, which defines the columns both sides share.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.exports import write_cell
from jingjin.core.limits import column_letter
from jingjin.plans.models import Indicator, Task
from jingjin.reporting import services
from jingjin.reporting.batch import (
    ABOUT_SHEET,
    REASON_COLUMN,
    REPORTS_SHEET,
    VALUE_COLUMNS,
    VALUES_SHEET,
    Column,
    due_tasks,
    report_columns,
)
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.prefill import known_for_indicators

#: the fill of the cells a unit does not fill in
GREY = "E7E6E6"


def _numeric(tasks: list[Task]) -> list[Indicator]:
    return list(
        Indicator.objects.filter(task__in=tasks, direction__in=services.NUMERIC_DIRECTIONS)
        .select_related("task")
        .order_by(
            "task__measure__action__position", "task__measure__position", "task__position", "position", "code"
        )
    )


def _last_reports(tasks: list[Task], period: ReportingPeriod) -> dict[int, Report]:
    """Each task's latest report before ``period``."""
    latest: dict[int, Report] = {}
    for report in (
        Report.objects.filter(task__in=tasks, period_index__lt=period.index)
        .order_by("task_id", "-period_index")
        .prefetch_related("indicator_values")
    ):
        latest.setdefault(report.task_id, report)
    return latest


def template(*, user: Any, period: ReportingPeriod) -> bytes:
    """The Excel template of ``period`` for ``user``'s unit, in the active language; this month's
    drafts and returned reports already filled in, submitted and approved ones shown and locked."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    tasks = due_tasks(user=user, period=period)
    indicators = _numeric(tasks)
    last = _last_reports(tasks, period)
    current = (  # a month not stored yet (a page view stores none) has no reports
        {
            r.task_id: r
            for r in Report.objects.filter(task__in=tasks, period=period).prefetch_related("indicator_values")
        }
        if period.pk is not None
        else {}
    )
    grey = PatternFill("solid", fgColor=GREY)
    bold = Font(bold=True)
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    yes, no = _("Yes"), _("No")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(REPORTS_SHEET)[:31]

    def header(target: Any, columns: tuple[Column, ...]) -> None:
        for index, column in enumerate(columns):
            cell = write_cell(target.cell(row=1, column=index + 1), str(column.label))
            cell.font = bold
            cell.fill = grey
            target.column_dimensions[column_letter(index)].width = column.width
        target.freeze_panes = "C2"
        target.protection.sheet = True
        target.protection.formatRows = False
        target.protection.formatColumns = False

    def fill_row(
        target: Any, row: int, columns: tuple[Column, ...], values: dict[str, Any], locked: bool
    ) -> None:
        for index, column in enumerate(columns):
            cell = write_cell(target.cell(row=row, column=index + 1), values.get(column.key))
            cell.alignment = wrap
            if column.editable and not locked:
                cell.protection = unlocked
            else:
                cell.fill = grey

    columns = report_columns()
    header(sheet, columns)
    for number, task in enumerate(tasks, start=2):
        report = current.get(task.pk)
        previous = last.get(task.pk)
        values: dict[str, Any] = {
            "task": task.code,
            "name": task.name,
            "last_pct": previous.completion_pct if previous is not None else None,
        }
        if report is not None:
            values.update(
                completion_pct=report.completion_pct,
                milestone_reached=yes if report.milestone_reached else no,
                progress=report.progress,
                next_plan=report.next_plan,
                problems=report.problems,
                support_needed=report.support_needed,
            )
        if report is not None and REASON_COLUMN in columns:
            values[REASON_COLUMN.key] = getattr(report, REASON_COLUMN.key, "")
        fill_row(sheet, number, columns, values, report is not None and not report.is_editable)
    last_row = max(len(tasks) + 1, 2)
    choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    choice.error = _("Choose %(yes)s or %(no)s.") % {"yes": yes, "no": no}
    choice.add(f"E2:E{last_row}")
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    percent.error = _("A whole number from 0 to 100.")
    percent.add(f"D2:D{last_row}")
    sheet.add_data_validation(choice)
    sheet.add_data_validation(percent)

    values_sheet = workbook.create_sheet(str(VALUES_SHEET)[:31])
    header(values_sheet, VALUE_COLUMNS)
    known = known_for_indicators([i.pk for i in indicators], year=period.year, month=period.month)
    for number, indicator in enumerate(indicators, start=2):
        figure = known.get(indicator.pk)
        report = current.get(indicator.task_id)
        previous = last.get(indicator.task_id)
        previous_value = (
            next((v.value for v in previous.indicator_values.all() if v.indicator_id == indicator.pk), None)
            if previous is not None
            else None
        )
        value = (
            next((v.value for v in report.indicator_values.all() if v.indicator_id == indicator.pk), None)
            if report is not None
            else None
        )
        shown = figure.value if figure is not None else value
        fill_row(
            values_sheet,
            number,
            VALUE_COLUMNS,
            {
                "task": indicator.task.code,
                "indicator": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "last_value": float(previous_value) if previous_value is not None else None,
                "value": float(shown) if shown is not None else None,
                "source": figure.label if figure is not None else "",
            },
            (report is not None and not report.is_editable) or figure is not None,
        )

    about = workbook.create_sheet(str(ABOUT_SHEET)[:31])
    lines = [
        (_("Period"), period.code),
        (_("Unit"), _unit_name(user)),
        (
            _("How to fill in"),
            _("Fill in the white cells; grey cells are read only. Rows left empty are not reported."),
        ),
        (
            "",
            _("Milestone reached: %(yes)s or %(no)s. Completion: a whole number from 0 to 100.")
            % {"yes": yes, "no": no},
        ),
        (
            "",
            _(
                "Upload the file on the batch reporting page of the same period; "
                "nothing is saved if any cell is wrong."
            ),
        ),
    ]
    for label, text in lines:
        row = about.max_row + 1 if about["A1"].value is not None else 1
        write_cell(about.cell(row=row, column=1), str(label)).font = bold
        write_cell(about.cell(row=row, column=2), str(text))
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unit_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    unit = getattr(profile, "unit", None) if profile is not None else None
    return str(unit.name) if unit is not None else ""
