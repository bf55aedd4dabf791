"""Reads of monthly reporting: due tasks, my reports, the review queue and the period overview.

Status lights come from the status engine (:mod:`jingjin.engines.status`): the expected
progress at the end of the period, linear over the task window, against the completion %
reported for that period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.core.choices import Role
from jingjin.core.permissions import restrict, role_of
from jingjin.engines.status import Status, task_status
from jingjin.plans.models import Task
from jingjin.reporting.choices import REPORTED_STATES, REVIEW_STATES, ReportStatus
from jingjin.reporting.models import Report, ReportingPeriod

#: the state of a due task without any report
MISSING = "missing"

#: status light → (label, Bootstrap colour)
LIGHTS: dict[int, tuple[Promise, str]] = {
    Status.UNKNOWN: (_("unknown"), "secondary"),
    Status.DONE: (_("done"), "primary"),
    Status.ON_TRACK: (_("on track"), "success"),
    Status.BEHIND: (_("behind"), "warning"),
    Status.FAR_BEHIND: (_("far behind"), "danger"),
    Status.OVERDUE: (_("overdue"), "danger"),
}

#: report state → Bootstrap colour
STATE_COLOURS = {
    MISSING: "dark",
    ReportStatus.DRAFT: "secondary",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.RESUBMITTED: "info",
    ReportStatus.RETURNED: "warning",
    ReportStatus.APPROVED: "success",
}


@dataclass
class ReportRow:
    """One due task of a period with its report (or none), lateness and status light."""

    task: Task
    report: Report | None
    state: str
    late: bool
    expected_pct: float | None
    light: int

    @property
    def missing(self) -> bool:
        return self.report is None

    @property
    def state_label(self) -> Any:
        return _("missing") if self.report is None else self.report.get_status_display()

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS.get(self.state, "secondary")

    @property
    def light_label(self) -> Any:
        return LIGHTS[self.light][0]

    @property
    def light_colour(self) -> str:
        return LIGHTS[self.light][1]


def tasks_due(*, period: ReportingPeriod) -> QuerySet[Task]:
    """Tasks that owe a report for ``period``: a lead unit, and a window that overlaps the month —
    or a window that ended before it while no earlier report said 100 % (an overdue task keeps
    reporting until it is done). Tasks without dates are due every month."""
    finished = Report.objects.filter(
        task=OuterRef("pk"),
        period_index__lt=period.index,
        status__in=REPORTED_STATES,
        completion_pct__gte=100,
    )
    starts = Q(start__isnull=True) | Q(start__lte=period.last_day)
    runs = Q(end__isnull=True) | Q(end__gte=period.first_day) | ~Exists(finished)
    return Task.objects.filter(lead_unit__isnull=False).filter(starts & runs)


def latest_reported(
    task_ids: Iterable[int], *, up_to: ReportingPeriod | None = None
) -> dict[int, tuple[int, str]]:
    """Task id → (completion %, period code) of each task's latest *reported* report (submitted,
    resubmitted or approved, with a completion %) up to and including ``up_to`` (default: any).

    Tasks without such a report are left out. One query (an index seek per task)."""
    ids = list(task_ids)
    if not ids:
        return {}
    latest = Report.objects.filter(
        task=OuterRef("pk"), status__in=REPORTED_STATES, completion_pct__isnull=False
    )
    if up_to is not None:
        latest = latest.filter(period_index__lte=up_to.index)
    latest = latest.order_by("-period_index")
    rows = (
        Task.objects.filter(pk__in=ids)
        .annotate(
            latest_pct=Subquery(latest.values("completion_pct")[:1]),
            latest_index=Subquery(latest.values("period_index")[:1]),
        )
        .filter(latest_pct__isnull=False)
        .values_list("pk", "latest_pct", "latest_index")
    )
    return {pk: (pct, f"{index // 12:04d}-{index % 12 + 1:02d}") for pk, pct, index in rows}


def is_late(report: Report | None, period: ReportingPeriod, as_of: date) -> bool:
    """Late: first submitted after the deadline, or not submitted and the deadline has passed."""
    submitted = report.first_submitted_at if report is not None else None
    if submitted is not None:
        return timezone.localdate(submitted) > period.deadline
    return as_of > period.deadline


def report_rows(
    *, period: ReportingPeriod, tasks: QuerySet[Task], as_of: date | None = None
) -> list[ReportRow]:
    """A :class:`ReportRow` for each task of ``tasks`` (already limited to due tasks), in plan order."""
    as_of = as_of or timezone.localdate()
    task_list = list(
        tasks.select_related("lead_unit", "measure__action__plan").order_by(
            "measure__action__plan__code",
            "measure__action__position",
            "measure__position",
            "position",
            "code",
        )
    )
    reports = {
        r.task_id: r
        for r in Report.objects.filter(period=period, task__in=[t.pk for t in task_list]).select_related(
            "period", "submitted_by", "reviewed_by"
        )
    }
    lights = _lights(task_list, reports, period)
    rows = []
    for task in task_list:
        report = reports.get(task.pk)
        expected, light = lights.get(task.pk, (None, Status.UNKNOWN))
        rows.append(
            ReportRow(
                task=task,
                report=report,
                state=report.status if report is not None else MISSING,
                late=is_late(report, period, as_of),
                expected_pct=expected,
                light=light,
            )
        )
    return rows


def _lights(
    tasks: list[Task], reports: dict[int, Report], period: ReportingPeriod
) -> dict[int, tuple[float | None, int]]:
    """Expected % at the end of the period and the status code of every task (one engine call)."""
    if not tasks:
        return {}
    frame = pl.DataFrame(
        {
            "task_id": [t.pk for t in tasks],
            "start": [t.start for t in tasks],
            "end": [t.end for t in tasks],
            "reported_pct": [
                float(reports[t.pk].completion_pct)  # type: ignore[arg-type]
                if t.pk in reports and reports[t.pk].completion_pct is not None
                else None
                for t in tasks
            ],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    result = task_status(frame, as_of=period.last_day)
    return {
        int(task_id): (expected, int(code))
        for task_id, expected, code in result.select("task_id", "expected_pct", "status").iter_rows()
    }


def my_rows(*, user: Any, period: ReportingPeriod, as_of: date | None = None) -> list[ReportRow]:
    """The due tasks the user's unit reports on (its own and its sub-units')."""
    tasks = restrict(user, "change", tasks_due(period=period))
    return report_rows(period=period, tasks=tasks, as_of=as_of)


def overview_rows(*, user: Any, period: ReportingPeriod, as_of: date | None = None) -> list[ReportRow]:
    """Every due task of the period (for the plan office and leaders; empty for anyone else)."""
    if role_of(user) not in (Role.PLAN_OFFICE, Role.LEADER):
        return []
    return report_rows(period=period, tasks=tasks_due(period=period), as_of=as_of)


def overview_counts(rows: list[ReportRow]) -> dict[str, int]:
    """How many rows are in each state, late, and how many in each light."""
    counts: dict[str, int] = {"total": len(rows), "late": sum(r.late for r in rows)}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
        key = f"light_{row.light}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def review_queue(*, user: Any) -> QuerySet[Report]:
    """Submitted reports the user may approve or return, oldest submission first."""
    role = role_of(user)
    reports = Report.objects.filter(status__in=REVIEW_STATES)
    if role == Role.PLAN_OFFICE:
        pass
    elif role == Role.APPROVER:
        reports = restrict(user, "change", reports)
    else:
        return Report.objects.none()
    return reports.select_related("task__lead_unit", "period", "submitted_by").order_by("submitted_at", "pk")


def report_list(
    *, user: Any, period: ReportingPeriod | None = None, unit: str = "", status: str = ""
) -> QuerySet[Report]:
    """Reports the user may see (every signed-in user with a role), filtered."""
    reports = restrict(user, "view", Report.objects.all())
    if period is not None:
        reports = reports.filter(period=period)
    if unit:
        reports = reports.filter(task__lead_unit__code=unit)
    if status:
        reports = reports.filter(status=status)
    return reports.select_related(
        "task__lead_unit", "period", "submitted_by", "reviewed_by"
    ).prefetch_related("indicator_values__indicator", "evidence", "continuity_items")


def previous_report(*, report: Report) -> Report | None:
    """The same task's report of the month before."""
    period = report.period
    year, month = (period.year - 1, 12) if period.month == 1 else (period.year, period.month - 1)
    return Report.objects.filter(task_id=report.task_id, period__year=year, period__month=month).first()


def period_choices(*, today: date, first: tuple[int, int] = (2021, 9)) -> list[str]:
    """Month codes from ``today``'s month back to the first reporting month (newest first)."""
    year, month = today.year, today.month
    out: list[str] = []
    while (year, month) >= first and len(out) < 600:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out
