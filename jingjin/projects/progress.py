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
from django.db import connection
from django.db.models import CharField, F, FloatField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

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


def _days(values: list[Any]) -> np.ndarray:
    """ISO dates (text as the database casts them, or ``date``; None unknown) as days since 1970,
    parsed by numpy at once: no Python date per value."""
    parsed = np.array(values, dtype="datetime64[D]")
    days = parsed.astype(np.int64)
    days[np.isnat(parsed)] = engine.UNKNOWN
    return days


def _months(values: list[Any]) -> np.ndarray:
    """:func:`_days`' dates as :func:`month_index` (UNKNOWN kept)."""
    parsed = np.array(values, dtype="datetime64[D]")
    months = parsed.astype("datetime64[M]").astype(np.int64) + month_index(1970, 1)
    months[np.isnat(parsed)] = engine.UNKNOWN
    return months


def _amounts(values: list[Any], missing: float) -> np.ndarray:
    """Amounts read as floats (None → ``missing``)."""
    return np.array([missing if v is None else v for v in values], dtype=np.float64)


def _as_text(field: str) -> Cast | F:
    """A date column as numpy parses it at once: on SQLite its ISO text (Django's per-value
    converters skipped), elsewhere the driver's dates."""
    return Cast(field, output_field=CharField()) if connection.vendor == "sqlite" else F(field)


def _milestone_days(projects: QuerySet[KeyProject], ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planned and actual days of each project's milestones, [project, kind in MILESTONE_ORDER]."""
    k = len(MILESTONE_ORDER)
    planned_days = np.full((ids.size, k), engine.UNKNOWN, dtype=np.int64)
    actual_days = np.full((ids.size, k), engine.UNKNOWN, dtype=np.int64)
    rows = list(
        ProjectMilestone.objects.filter(project__in=projects.order_by().values("pk"))
        .order_by()
        .annotate(_planned=_as_text("planned"), _actual=_as_text("actual"))
        .values_list("project_id", "kind", "_planned", "_actual")
    )
    if not rows:
        return planned_days, actual_days
    project_ids, kinds, planned_on, actual_on = zip(*rows, strict=True)
    at = np.searchsorted(ids, np.array(project_ids, dtype=np.int64))
    column = {kind: j for j, kind in enumerate(MILESTONE_ORDER)}
    cols = np.array([column[kind] for kind in kinds], dtype=np.int64)
    planned_days[at, cols] = _days(list(planned_on))
    actual_days[at, cols] = _days(list(actual_on))
    return planned_days, actual_days


def progress_table(projects: QuerySet[KeyProject], year: int, month: int) -> ProgressTable:
    """Progress of ``projects`` as of (year, month): four queries whatever their number, their
    values read as columns (dates as text parsed by numpy, amounts as floats)."""
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
        .annotate(
            _ytd=Cast(Subquery(latest), output_field=FloatField()),
            _plan=Cast(Subquery(plan), output_field=FloatField()),
            _start=_as_text("start"),
            _end=_as_text("end"),
        )
        .values_list("pk", "_start", "_end", "_ytd", "_plan")
    )
    pks, starts, ends, ytds, plans = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 5
    ids = np.array(pks, dtype=np.int64)
    planned = _amounts(plans, np.nan)
    ytd = _amounts(ytds, 0.0)
    planned_days, actual_days = _milestone_days(projects, ids)
    as_of_day = _day(date(year, month, calendar.monthrange(year, month)[1]))
    result = engine.progress(
        planned=planned,
        ytd=ytd,
        as_of_month=last,
        start_month=_months(starts),
        end_month=_months(ends),
        milestone_planned=planned_days,
        milestone_actual=actual_days,
        as_of_day=as_of_day,
        thresholds=thresholds(),
    )
    return ProgressTable(ids=ids, planned=planned, ytd=ytd, result=result, year=year, month=month)


def as_decimal(value: float | None) -> Decimal | None:
    """A figure rounded to two decimals for display and exports."""
    return None if value is None else Decimal(repr(value)).quantize(Decimal("0.01"))
