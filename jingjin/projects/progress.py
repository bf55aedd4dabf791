"""Investment progress of the projects in the database, as of a month: the one place that reads
the plans, the reported year-to-date investment and the milestones and runs them through
:func:`jingjin.engines.projects.progress`. Lists, pages, rankings, roll-ups and exports use it.

The year-to-date investment of a project as of (year, month) is the ``investment_ytd`` of its latest
report of that year up to that month whose status counts as reported (submitted, resubmitted or
approved: :data:`jingjin.reporting.choices.REPORTED_STATES`); 0 when there is none.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from jingjin.engines import projects as engine
from jingjin.projects.choices import MILESTONE_ORDER
from jingjin.projects.models import KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.models import month_index

EPOCH = date(1970, 1, 1)


def thresholds() -> engine.Thresholds:
    """The lag-class thresholds of settings ``JINGJIN_PROJECT_LAG_THRESHOLDS`` (points of gap)."""
    configured: dict[str, float] = getattr(settings, "JINGJIN_PROJECT_LAG_THRESHOLDS", {})
    return engine.Thresholds(**configured)


@dataclass(frozen=True)
class ProgressTable:
    """The projects (in the order of ``ids``) with their plan, year-to-date and progress."""

    ids: np.ndarray
    planned: np.ndarray
    ytd: np.ndarray
    result: engine.Progress
    year: int
    month: int

    def row(self, project_id: int) -> dict[str, Any]:
        """One project's figures, for a page or an export (nan → None; lag as its class name)."""
        where = np.flatnonzero(self.ids == project_id)
        if where.size == 0:
            return {}
        i = int(where[0])
        return figures(self, i)

    def rows(self) -> dict[int, dict[str, Any]]:
        return {int(pid): figures(self, i) for i, pid in enumerate(self.ids)}


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def figures(table: ProgressTable, i: int) -> dict[str, Any]:
    r = table.result
    lag = int(r.lag[i])
    return {
        "planned": _number(table.planned[i]),
        "ytd": float(table.ytd[i]),
        "completion_pct": _number(r.completion_pct[i]),
        "elapsed_pct": float(r.elapsed_pct[i]),
        "gap": _number(r.gap[i]),
        "projected_pct": _number(r.projected_pct[i]),
        "delay_days": int(r.delay_days[i]),
        "lag": engine.LAG_CLASSES[lag] if lag >= 0 else None,
    }


def _day(value: date | None) -> int:
    return engine.UNKNOWN if value is None else (value - EPOCH).days


def _month(value: date | None) -> int:
    return engine.UNKNOWN if value is None else month_index(value.year, value.month)


def progress_table(projects: QuerySet[KeyProject], year: int, month: int) -> ProgressTable:
    """Progress of ``projects`` as of (year, month): four queries whatever their number."""
    first, last = month_index(year, 1), month_index(year, month)
    latest = (
        ProjectReport.objects.filter(
            project=OuterRef("pk"),
            period_index__gte=first,
            period_index__lte=last,
            status__in=REPORTED_STATES,
        )
        .order_by("-period_index")
        .values("investment_ytd")[:1]
    )
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")[:1]
    rows = list(
        projects.order_by("pk")
        .annotate(_ytd=Subquery(latest), _plan=Subquery(plan))
        .values_list("pk", "start", "end", "_ytd", "_plan")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    planned = np.array([np.nan if r[4] is None else float(r[4]) for r in rows], dtype=np.float64)
    ytd = np.array([0.0 if r[3] is None else float(r[3]) for r in rows], dtype=np.float64)
    position = {int(pid): i for i, pid in enumerate(ids)}
    k = len(MILESTONE_ORDER)
    planned_days = np.full((len(rows), k), engine.UNKNOWN, dtype=np.int64)
    actual_days = np.full((len(rows), k), engine.UNKNOWN, dtype=np.int64)
    column = {kind: j for j, kind in enumerate(MILESTONE_ORDER)}
    milestones = ProjectMilestone.objects.filter(project__in=projects.order_by().values("pk")).values_list(
        "project_id", "kind", "planned", "actual"
    )
    for project_id, kind, planned_on, actual_on in milestones:
        i = position.get(project_id)
        if i is not None:
            planned_days[i, column[kind]] = _day(planned_on)
            actual_days[i, column[kind]] = _day(actual_on)
    as_of_day = _day(date(year, month, calendar.monthrange(year, month)[1]))
    result = engine.progress(
        planned=planned,
        ytd=ytd,
        as_of_month=last,
        start_month=np.array([_month(r[1]) for r in rows], dtype=np.int64),
        end_month=np.array([_month(r[2]) for r in rows], dtype=np.int64),
        milestone_planned=planned_days,
        milestone_actual=actual_days,
        as_of_day=as_of_day,
        thresholds=thresholds(),
    )
    return ProgressTable(ids=ids, planned=planned, ytd=ytd, result=result, year=year, month=month)


def as_decimal(value: float | None) -> Decimal | None:
    """A figure rounded to two decimals for display and exports."""
    return None if value is None else Decimal(repr(value)).quantize(Decimal("0.01"))
