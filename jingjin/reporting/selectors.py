"""Reads of monthly reporting: due tasks, strike-offs, latest reported completion and node
progress, the review queue, report lists and the reporting months.

The lists of due tasks with their reports, lateness and status lights (my reports, the period
overview) are in :mod:`jingjin.reporting.lists`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from jingjin.core.permissions import can_review_reports, restrict, reviews_every_unit
from jingjin.engines.status import rollup_matrix
from jingjin.plans.models import Task
from jingjin.reporting.choices import REPORTED_STATES, REVIEW_STATES, ReportStatus
from jingjin.reporting.models import Report, ReportingPeriod, ReviewComment, StrikeOff


def tasks_due(*, period: ReportingPeriod) -> QuerySet[Task]:
    """Tasks that owe a report for ``period`` — the one rule of "due" (应报), used by the reporting
    lists, the cockpit and the bulletin, the red/black lists, the warnings and the API:

    * a lead unit;
    * a window that overlaps the month — or a window that ended before it while no earlier report
      said 100 % (an overdue task keeps reporting until it is done); tasks without dates are due
      every month;
    * not struck off (销号) in that month (:func:`struck_off_in`): a task whose 100 % report was
      approved owes nothing from the next month until the plan office reopens it;
    * not a city task split into shares (任务分解): such a task is reported through its shares.

    Each condition is an index seek per task."""
    starts = Q(start__isnull=True) | Q(start__lte=period.last_day)
    runs = Q(end__isnull=True) | Q(end__gte=period.first_day) | ~reported_done_before(period)
    return (
        Task.objects.filter(lead_unit__isnull=False)
        .filter(starts & runs)
        .exclude(struck_off_in(period))
        .exclude(has_shares())
    )


def struck_off_in(period: ReportingPeriod | int) -> Exists:
    """For filtering tasks: the task is struck off (销号) in ``period`` (a period or a
    :func:`~jingjin.reporting.models.month_index`) — a strike-off from that month or earlier, not
    reopened by then. An index seek on (task, from_index) per task."""
    index = period if isinstance(period, int) else period.index
    return Exists(
        StrikeOff.objects.filter(task=OuterRef("pk"), from_index__lte=index).filter(
            Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=index)
        )
    )


def has_shares() -> Exists:
    """For filtering tasks: the task is split into shares (任务分解) for counties and parks."""
    return Exists(Task.objects.filter(parent=OuterRef("pk")))


def struck_off_tasks(*, period: ReportingPeriod) -> QuerySet[Task]:
    """The tasks struck off in ``period``, each annotated with ``struck_off_from`` (the month index
    of its strike-off; :func:`month_code` gives ``YYYY-MM``) and ``struck_off_report`` (the id of the
    approved report that struck it off, or None), in plan order."""
    covering = StrikeOff.objects.filter(task=OuterRef("pk"), from_index__lte=period.index).filter(
        Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=period.index)
    )
    newest = covering.order_by("-from_index")
    return (
        Task.objects.filter(struck_off_in(period))
        .annotate(
            struck_off_from=Subquery(newest.values("from_index")[:1]),
            struck_off_report=Subquery(newest.values("report_id")[:1]),
        )
        .select_related("lead_unit")
        .order_by(
            "measure__action__plan__code",
            "measure__action__position",
            "measure__position",
            "position",
            "code",
        )
    )


def strike_off_of(task: Task, *, index: int) -> StrikeOff | None:
    """The strike-off of ``task`` in effect in the month ``index`` (None: the task is not struck off)."""
    return (
        StrikeOff.objects.filter(task=task, from_index__lte=index)
        .filter(Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=index))
        .select_related("report__period")
        .order_by("-from_index")
        .first()
    )


def current_strike_off(task: Task) -> StrikeOff | None:
    """The task's strike-off that is not reopened (the newest), with its report and period; None
    when the task is not struck off. It may start next month (a 100 % approved this month)."""
    return (
        StrikeOff.objects.filter(task=task, reopened_from_index__isnull=True)
        .select_related("report__period")
        .order_by("-from_index")
        .first()
    )


def month_code(index: int) -> str:
    """``YYYY-MM`` of a :func:`~jingjin.reporting.models.month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def latest_approved(task: Task, *, before: int) -> Report | None:
    """The task's latest approved report with a completion % of a month before ``before`` (a month
    index): the completion a later report may not silently fall below."""
    return (
        Report.objects.filter(
            task=task,
            period_index__lt=before,
            status=ReportStatus.APPROVED,
            completion_pct__isnull=False,
        )
        .select_related("period")
        .order_by("-period_index")
        .first()
    )


def reported_done_before(period: ReportingPeriod) -> Exists:
    """For filtering tasks: a submitted, resubmitted or approved report of a month before ``period``
    said 100 %. An index seek per task, in the reports of 100 % only (``report_task_done``)."""
    return Exists(
        Report.objects.filter(
            task=OuterRef("pk"),
            period_index__lt=period.index,
            status__in=REPORTED_STATES,
            completion_pct__gte=100,
        )
    )


def latest_reported_of_task(field: str, *, up_to: ReportingPeriod | None = None) -> Subquery:
    """For annotating tasks: ``field`` of the task's latest *reported* report (submitted,
    resubmitted or approved, with a completion %) up to and including ``up_to`` (default: any);
    NULL without one. An index seek on (task, period_index) per task."""
    latest = Report.objects.filter(
        task=OuterRef("pk"), status__in=REPORTED_STATES, completion_pct__isnull=False
    )
    if up_to is not None:
        latest = latest.filter(period_index__lte=up_to.index)
    return Subquery(latest.order_by("-period_index").values(field)[:1])


def latest_reported(
    task_ids: Iterable[int], *, up_to: ReportingPeriod | None = None
) -> dict[int, tuple[int | float, str]]:
    """Task id → (completion %, period code) of each task's latest reported report up to and
    including ``up_to`` (see :func:`latest_reported_of_task`). Tasks without one are left out.

    A city task split into county and park shares (``Task.shares``) is reported through them: its
    completion is the weighted roll-up (the status engine's :func:`rollup_matrix`, weights
    renormalised over the shares that reported) of its shares' latest reported completion,
    rounded to 0.1, and its month the newest of theirs; left out while no share has reported.
    One query, shares included."""
    ids = list(task_ids)
    if not ids:
        return {}
    wanted = set(ids)
    rows = list(
        Task.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
        .annotate(
            latest_pct=latest_reported_of_task("completion_pct", up_to=up_to),
            latest_index=latest_reported_of_task("period_index", up_to=up_to),
        )
        .values_list("pk", "parent_id", "weight", "latest_pct", "latest_index")
    )
    out: dict[int, tuple[int | float, str]] = {}
    shares: dict[int, list[tuple[float, int | None, int | None]]] = {}
    for pk, parent_id, weight, pct, index in rows:
        if parent_id in wanted:
            shares.setdefault(parent_id, []).append((float(weight), pct, index))
        if pk in wanted and pct is not None:
            out[pk] = (pct, _month_code(index))
    for parent_id, parts in shares.items():
        out.pop(parent_id, None)
        rolled = shares_rollup(parts)
        if rolled is not None:
            out[parent_id] = rolled
    return out


def _month_code(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shares_rollup(parts: list[tuple[float, int | None, int | None]]) -> tuple[float, str] | None:
    """(completion %, month) of a city task from its shares' (weight, latest %, latest month index):
    the status engine's weighted roll-up over the shares that reported, rounded to 0.1, and the
    newest of their months; None when none has reported."""
    reported = [(w, pct, index) for w, pct, index in parts if pct is not None and index is not None]
    if not reported:
        return None
    parent = np.array([-1] + [0] * len(parts), dtype=np.int64)
    weight = np.array([1.0] + [w for w, _pct, _index in parts])
    values = np.array([np.nan] + [np.nan if pct is None else float(pct) for _w, pct, _index in parts])
    result, _coverage = rollup_matrix(parent, weight, values)
    return round(float(result[0, 0]), 1), _month_code(max(index for _w, _pct, index in reported))


@dataclass(frozen=True)
class NodeProgress:
    """The progress of a plan node from its tasks' latest reported completion (see
    :func:`node_progress`)."""

    pct: float | None  # weighted roll-up, None when no task under the node has reported one
    coverage: float  # share of the weight behind ``pct`` (0–1)
    month: str | None  # the newest month among the reports used, ``YYYY-MM``

    @property
    def coverage_pct(self) -> int:
        return round(self.coverage * 100)


def node_progress(*, user: Any, node: Any) -> NodeProgress:
    """Weighted roll-up (the status engine's, as on the cockpit) of the latest reported completion
    of the tasks under ``node`` — an action, a measure or a task (its own latest report, or the
    roll-up of its county and park shares) — that ``user`` may see. Shares count inside their city
    task, never as tasks of the measure. Three queries at most, whatever the number of tasks."""
    from jingjin.plans.models import Action, Measure

    if isinstance(node, Task):
        found = latest_reported([node.pk]).get(node.pk)
        if found is None:
            return NodeProgress(None, 0.0, None)
        return NodeProgress(float(found[0]), 1.0, found[1])
    # the city tasks (a task split into shares gets the roll-up of its shares from latest_reported)
    task_rows = restrict(user, "view", Task.objects.filter(parent__isnull=True))
    measures: list[tuple[int, float]] = []
    if isinstance(node, Measure):
        task_rows = task_rows.filter(measure=node)
    elif isinstance(node, Action):
        task_rows = task_rows.filter(measure__action=node)
        measures = [
            (pk, float(weight))
            for pk, weight in restrict(user, "view", Measure.objects.filter(action=node)).values_list(
                "pk", "weight"
            )
        ]
    else:
        raise TypeError(f"not a plan node: {node!r}")
    tasks = [
        (pk, measure if measures else None, float(weight))
        for pk, measure, weight in task_rows.values_list("pk", "measure_id", "weight")
    ]
    latest = latest_reported(pk for pk, _measure, _weight in tasks)
    row = {pk: 1 + i for i, (pk, _weight) in enumerate(measures)}  # node 0 is ``node`` itself
    kept = [(pk, measure, weight) for pk, measure, weight in tasks if measure is None or measure in row]
    parent = np.array(
        [-1] + [0] * len(measures) + [0 if measure is None else row[measure] for _pk, measure, _w in kept],
        dtype=np.int64,
    )
    weight = np.array([1.0] + [w for _pk, w in measures] + [w for _pk, _m, w in kept])
    values = np.full(len(parent), np.nan)
    for i, (pk, _measure, _weight) in enumerate(kept):
        if pk in latest:
            values[1 + len(measures) + i] = latest[pk][0]
    result, coverage = rollup_matrix(parent, weight, values)
    pct = float(result[0, 0])
    months = [latest[pk][1] for pk, _m, _w in kept if pk in latest]
    return NodeProgress(None if np.isnan(pct) else pct, float(coverage[0, 0]), max(months, default=None))


def period_of(*, year: int, month: int) -> ReportingPeriod:
    """The reporting period of a month for reading: the stored one, else an unsaved one with the
    default deadline (``pk`` None; no report belongs to it). A page view creates no row: the first
    write of the month stores it (:func:`jingjin.reporting.services.period_get_or_create`)."""
    from jingjin.reporting.services import default_deadline

    stored = ReportingPeriod.objects.filter(year=year, month=month).first()
    if stored is not None:
        return stored
    return ReportingPeriod(year=year, month=month, deadline=default_deadline(year, month))


def stored_period(period: ReportingPeriod) -> ReportingPeriod:
    """``period`` as a stored row (a write is about to refer to it): itself, or created now."""
    if period.pk is not None:
        return period
    from jingjin.reporting.services import period_get_or_create

    return period_get_or_create(year=period.year, month=period.month)


def with_approved_before(reports: QuerySet[Report]) -> QuerySet[Report]:
    """``reports`` annotated with ``approved_pct`` and ``approved_index``: the completion % and
    month index of each task's latest approved report of an earlier month (None without one) —
    a report whose completion is lower shows the drop (see :attr:`Report.regression_reason`)."""
    earlier = Report.objects.filter(
        task=OuterRef("task_id"),
        period_index__lt=OuterRef("period_index"),
        status=ReportStatus.APPROVED,
        completion_pct__isnull=False,
    ).order_by("-period_index")
    return reports.annotate(
        approved_pct=Subquery(earlier.values("completion_pct")[:1]),
        approved_index=Subquery(earlier.values("period_index")[:1]),
    )


@dataclass(frozen=True)
class Drop:
    """A report's completion below the task's latest approved one (``pct`` in ``month``)."""

    pct: int
    month: str
    reason: str


def drop_of(report: Report | None, approved: Report | None = None) -> Drop | None:
    """The drop of ``report`` below the latest approved completion — from ``approved`` or from
    the annotations of :func:`with_approved_before` — or None."""
    if report is None or report.completion_pct is None:
        return None
    pct: int | None
    index: int | None
    if approved is not None:
        pct, index = approved.completion_pct, approved.period_index
    else:
        pct, index = getattr(report, "approved_pct", None), getattr(report, "approved_index", None)
    if pct is None or index is None or report.completion_pct >= pct:
        return None
    return Drop(pct=pct, month=month_code(index), reason=report.regression_reason)


def review_queue(*, user: Any) -> QuerySet[Report]:
    """Submitted reports the user may approve or return, oldest submission first; each annotated
    as :func:`with_approved_before` (its ``drop`` shows a lower completion)."""
    reports = Report.objects.filter(status__in=REVIEW_STATES)
    if not can_review_reports(user):
        return Report.objects.none()
    if not reviews_every_unit(user):
        reports = restrict(user, "change", reports)
    return (
        with_approved_before(reports)
        .select_related("task__lead_unit", "period", "submitted_by")
        .order_by("submitted_at", "pk")
    )


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
    ).prefetch_related(
        "indicator_values__indicator", "evidence", "continuity_items", "review_comments__author"
    )


def previous_report(*, report: Report) -> Report | None:
    """The same task's report of the month before."""
    period = report.period
    year, month = (period.year - 1, 12) if period.month == 1 else (period.year, period.month - 1)
    return Report.objects.filter(task_id=report.task_id, period__year=year, period__month=month).first()


def reported_month(today: date) -> tuple[int, int]:
    """The month being reported on ``today``: the month before (its deadline is this month)."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def first_month(*, with_plan_start: bool = False) -> tuple[int, int] | None:
    """(year, month) of the first reporting month: the earliest period that exists, else January
    of the earliest plan's start year; None without either. With ``with_plan_start`` the earlier
    of the two (the months a user may choose: a plan's first months can be opened before anyone
    reported on them). Two queries at most."""
    from jingjin.plans.models import Plan

    period = ReportingPeriod.objects.order_by("year", "month").values_list("year", "month").first()
    if period is not None and not with_plan_start:
        return period
    start = Plan.objects.order_by("start_year").values_list("start_year", flat=True).first()
    months = [m for m in (period, (start, 1) if start is not None else None) if m is not None]
    return min(months) if months else None


def period_choices(*, today: date, first: tuple[int, int] | None = None) -> list[str]:
    """Month codes from ``today``'s month back to the first reporting month (``first``, default
    :func:`first_month`; without one, the last twelve months), newest first."""
    if first is None:
        first = first_month(with_plan_start=True) or _months_before(today, 11)
    year, month = today.year, today.month
    out: list[str] = []
    while (year, month) >= first and len(out) < 600:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _months_before(day: date, n: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - n
    return index // 12, index % 12 + 1


def review_history(*, report: Report | None) -> list[ReviewComment]:
    """Every verdict on the report (returned, approved) with its comment and reviewer, oldest first."""
    if report is None:
        return []
    return list(report.review_comments.select_related("author").order_by("created_at", "pk"))
