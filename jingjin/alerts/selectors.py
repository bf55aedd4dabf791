"""Reads of early warnings: the rows each rule needs (set-based, a few queries per rule, never one per
task), the warnings a user sees, and the user's notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from jingjin.alerts.models import EarlyWarning, Notification
from jingjin.alerts.rules import DueRow, EntryRow, ItemRow, LightRow, OutlookRow
from jingjin.assessment.choices import ListStatus
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.core.permissions import listed_for, restrict
from jingjin.engines.status import indicator_outlook, task_status
from jingjin.plans.models import Indicator, Task
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.models import Report, ReportIndicatorValue, ReportingPeriod, month_index
from jingjin.reporting.selectors import has_shares, struck_off_in
from jingjin.supervision.models import SupervisionItem
from jingjin.supervision.selectors import due_soon_q, overdue_q

#: indicator directions that the status engine projects
PROJECTED_DIRECTIONS = ("higher", "lower", "range")


def missing_days() -> int:
    """``N`` of the report_missing rule: days after the deadline (``JINGJIN_WARNING_MISSING_DAYS``)."""
    return int(getattr(settings, "JINGJIN_WARNING_MISSING_DAYS", 3))


def missing_lookback() -> int:
    """How many of the latest periods past ``deadline + N`` the report_missing rule checks
    (``JINGJIN_WARNING_MISSING_PERIODS``, default 3); older warnings stay until their report comes."""
    return int(getattr(settings, "JINGJIN_WARNING_MISSING_PERIODS", 3))


def missing_periods(*, as_of: date, days: int, lookback: int) -> list[ReportingPeriod]:
    """The latest ``lookback`` periods whose deadline + ``days`` is ``as_of`` or earlier."""
    from datetime import timedelta

    return list(
        ReportingPeriod.objects.filter(deadline__lte=as_of - timedelta(days=days)).order_by(
            "-year", "-month"
        )[:lookback]
    )


#: a due task: (id, code, lead unit id, start, end)
DueTask = tuple[int, str, int, date | None, date | None]


def due_tasks_of(*, periods: Iterable[ReportingPeriod]) -> dict[int, list[DueTask]]:
    """Period id → the period's due tasks, for several periods in one query.

    The same tasks as :func:`jingjin.reporting.selectors.tasks_due` of each period: a lead unit,
    a window that overlaps the month, or a window that ended before it while no earlier reported
    report said 100 %; not struck off (销号) in that month; not a city task split into shares.
    Each task is read once with the month index of its first reported report at 100 % (an index
    seek on ``(task, period_index, status, completion_pct)``) and, for each period, whether it is
    struck off then (an index seek on ``(task, from_index)``); the windows are compared here,
    instead of one ``tasks_due`` query per period."""
    periods = list({p.pk: p for p in periods}.values())
    if not periods:
        return {}
    finished = (
        Report.objects.filter(task=OuterRef("pk"), status__in=REPORTED_STATES, completion_pct__gte=100)
        .order_by("period_index")
        .values("period_index")[:1]
    )
    tasks = Task.objects.filter(lead_unit__isnull=False).exclude(has_shares())
    latest_day = max(p.last_day for p in periods)
    tasks = tasks.filter(Q(start__isnull=True) | Q(start__lte=latest_day))
    struck = {f"struck_{i}": struck_off_in(p) for i, p in enumerate(periods)}
    rows = tasks.annotate(finished_index=Subquery(finished), **struck).values_list(
        "pk", "code", "lead_unit_id", "start", "end", "finished_index", *struck
    )
    bounds = [(p.pk, p.first_day, p.last_day, p.index) for p in periods]
    due: dict[int, list[DueTask]] = {p.pk: [] for p in periods}
    for pk, code, unit_id, start, end, finished_index, *struck_off in rows:
        task = (pk, code, unit_id, start, end)
        for (period_id, first_day, last_day, index), off in zip(bounds, struck_off, strict=True):
            if off or (start is not None and start > last_day):
                continue
            if end is None or end >= first_day or finished_index is None or finished_index >= index:
                due[period_id].append(task)
    return due


#: the reports of a (task id, period id): (first submitted, completion %)
ReportFacts = dict[tuple[int, int], tuple[bool, Decimal | None]]

#: the facts of a due task without a report (or with neither a submission nor a completion %)
_NO_REPORT: tuple[bool, Decimal | None] = (False, None)


def report_facts(*, period_ids: Iterable[int]) -> ReportFacts:
    """(task id, period id) → (submitted at least once, completion %) of the periods' reports that
    were submitted or carry a completion % (one query)."""
    ids = set(period_ids)
    if not ids:
        return {}
    return {
        (task_id, period_id): (submitted is not None, pct)
        for task_id, period_id, submitted, pct in Report.objects.filter(period_id__in=ids)
        .filter(Q(first_submitted_at__isnull=False) | Q(completion_pct__isnull=False))
        .order_by()
        .values_list("task_id", "period_id", "first_submitted_at", "completion_pct")
    }


def due_rows(
    *, periods: list[ReportingPeriod], due: dict[int, list[DueTask]], facts: ReportFacts | None = None
) -> list[DueRow]:
    """Every due task of each period and whether a report was submitted (the due tasks come from
    :func:`due_tasks_of`, keyed by period id; the reports from :func:`report_facts`, read here in
    one query if not given)."""
    if facts is None:
        facts = report_facts(period_ids={p.pk for p in periods})
    rows: list[DueRow] = []
    for period in periods:
        period_id, code, deadline = period.pk, period.code, period.deadline
        rows += [
            DueRow(
                task_id=task_id,
                task_code=task_code,
                unit_id=unit_id,
                period_id=period_id,
                period_code=code,
                deadline=deadline,
                submitted=facts.get((task_id, period_id), _NO_REPORT)[0],
            )
            for task_id, task_code, unit_id, _start, _end in due[period_id]
        ]
    return rows


def submitted_pairs(*, period_ids: set[int]) -> set[tuple[int, int]]:
    """(task id, period id) of the submitted reports of these periods."""
    if not period_ids:
        return set()
    return set(
        Report.objects.filter(period_id__in=period_ids, first_submitted_at__isnull=False).values_list(
            "task_id", "period_id"
        )
    )


def light_period(*, as_of: date) -> ReportingPeriod | None:
    """The latest period whose deadline lies before ``as_of``: its reports should all be in."""
    return ReportingPeriod.objects.filter(deadline__lt=as_of).order_by("-year", "-month").first()


def light_rows(
    *, period: ReportingPeriod, due: list[DueTask], facts: ReportFacts | None = None
) -> list[LightRow]:
    """Status lights of the period's due tasks, as the reporting overview shows them: the status
    engine's :func:`~jingjin.engines.status.task_status` at the end of the period, linear over the
    task window, against the completion % of the period's report (the reports from
    :func:`report_facts`, read here in one query if not given; one engine call)."""
    if not due:
        return []
    if facts is None:
        facts = report_facts(period_ids={period.pk})
    period_id = period.pk
    pcts = [facts.get((t[0], period_id), _NO_REPORT)[1] for t in due]
    frame = pl.DataFrame(
        {
            "task_id": [t[0] for t in due],
            "start": [t[3] for t in due],
            "end": [t[4] for t in due],
            "reported_pct": [float(pct) if pct is not None else None for pct in pcts],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    result = task_status(frame, as_of=period.last_day)
    rows = []
    code = period.code
    for (task_id, task_code, unit_id, _start, _end), expected, light, pct in zip(
        due,
        result.get_column("expected_pct").to_list(),
        result.get_column("status").to_list(),
        frame.get_column("reported_pct").to_list(),
        strict=True,
    ):
        rows.append(
            LightRow(
                task_id=task_id,
                task_code=task_code,
                unit_id=unit_id,
                period_id=period_id,
                period_code=code,
                light=int(light),
                expected_pct=expected,
                reported_pct=pct,
            )
        )
    return rows


def outlook_rows(*, as_of: date) -> list[OutlookRow]:
    """The outlook of every projectable indicator from the submitted actuals up to ``as_of``'s month.

    The actual of a year is the latest value reported in that year. Indicators without actuals or
    without a target get no projection and are left out.
    """
    indicators = list(
        Indicator.objects.filter(direction__in=PROJECTED_DIRECTIONS).values_list(
            "pk",
            "code",
            "task_id",
            "responsible_unit_id",
            "task__lead_unit_id",
            "direction",
            "target_year",
            "target_value",
            "target_min",
            "target_max",
            "baseline_value",
            "baseline_year",
        )
    )
    if not indicators:
        return []
    actuals = _yearly_actuals(as_of)
    if actuals is None:
        return []
    result = indicator_outlook(actuals, _targets(indicators))
    info = {i[0]: i for i in indicators}
    rows = []
    for indicator_id, outlook, projected in result.select("indicator_id", "outlook", "projected").iter_rows():
        i = info[indicator_id]
        target = _num(i[7]) if i[7] is not None else _num(i[9] if i[5] == "range" else None)
        rows.append(
            OutlookRow(
                indicator_id=indicator_id,
                indicator_code=i[1],
                task_id=i[2],
                unit_id=i[3] or i[4],
                outlook=int(outlook),
                projected=None if projected is None or projected != projected else float(projected),
                target=target,
                target_year=i[6],
            )
        )
    return rows


def _yearly_actuals(as_of: date) -> pl.DataFrame | None:
    """(indicator_id, year, value): the latest submitted actual of each projectable indicator in
    each year, up to ``as_of``'s month — for an indicator fed by a computed figure (自动取数) the fed
    value (``jingjin.ecology.feeds``); None without any."""
    from jingjin.ecology.feeds import fed_actual_rows, fed_indicator_ids

    last = month_index(as_of.year, as_of.month)
    fed = fed_indicator_ids()  # indicators fed by a computed figure: their fed actuals, not typed ones
    values = list(
        ReportIndicatorValue.objects.filter(
            value__isnull=False,
            report__first_submitted_at__isnull=False,
            indicator__direction__in=PROJECTED_DIRECTIONS,
        )
        .exclude(indicator_id__in=fed)
        .filter(report__period_index__lte=last)
        .order_by()
        .values_list("indicator_id", "report__period_index", "value")
    )
    values += fed_actual_rows(month_index_max=last, directions=PROJECTED_DIRECTIONS)
    if not values:
        return None
    raw = pl.DataFrame(
        {
            "indicator_id": [v[0] for v in values],
            "month_index": [v[1] for v in values],
            "value": [float(v[2] or 0) for v in values],
        },
        schema={"indicator_id": pl.Int64, "month_index": pl.Int64, "value": pl.Float64},
    )
    return (
        raw.with_columns(year=pl.col("month_index") // 12)
        .sort("month_index")
        .group_by(["indicator_id", "year"])
        .agg(pl.col("value").last())
        .select("indicator_id", "year", "value")
    )


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def _targets(indicators: list[tuple[Any, ...]]) -> pl.DataFrame:
    """The targets and baselines of the indicators (rows as :func:`outlook_rows` reads them)."""
    return pl.DataFrame(
        {
            "indicator_id": [i[0] for i in indicators],
            "direction": [i[5] for i in indicators],
            "target_year": [i[6] for i in indicators],
            "target_value": [_num(i[7]) for i in indicators],
            "target_min": [_num(i[8]) for i in indicators],
            "target_max": [_num(i[9]) for i in indicators],
            "baseline_value": [_num(i[10]) for i in indicators],
            "baseline_year": [i[11] for i in indicators],
        },
        schema={
            "indicator_id": pl.Int64,
            "direction": pl.String,
            "target_year": pl.Int64,
            "target_value": pl.Float64,
            "target_min": pl.Float64,
            "target_max": pl.Float64,
            "baseline_value": pl.Float64,
            "baseline_year": pl.Int64,
        },
    )


def item_rows(*, as_of: date) -> list[ItemRow]:
    """Open supervision items that are due soon or overdue (the supervision selectors' signals)."""
    return [
        ItemRow(item_id=pk, item_code=code, unit_id=unit_id, task_id=task_id, deadline=deadline)
        for pk, code, unit_id, task_id, deadline in SupervisionItem.objects.filter(
            overdue_q(as_of) | due_soon_q(as_of)
        ).values_list("pk", "code", "assignee_unit_id", "task_id", "deadline")
    ]


def entry_rows() -> list[EntryRow]:
    """The escalated entries of each scheme's latest published list."""
    latest: dict[int, int] = {}
    for list_id, scheme_id in (
        RankingList.objects.filter(status=ListStatus.PUBLISHED)
        .order_by("scheme_id", "-period__year", "-period__month")
        .values_list("pk", "scheme_id")
    ):
        latest.setdefault(scheme_id, list_id)
    entries = RankingEntry.objects.filter(ranking_list_id__in=latest.values(), escalated=True).values_list(
        "pk",
        "unit_id",
        "unit__code",
        "ranking_list__scheme__code",
        "ranking_list__period_id",
        "ranking_list__period__year",
        "ranking_list__period__month",
    )
    return [
        EntryRow(
            entry_id=pk,
            unit_id=unit_id,
            unit_code=unit_code,
            scheme_code=scheme_code,
            period_id=period_id,
            period_code=f"{year:04d}-{month:02d}",
            escalated=True,
        )
        for pk, unit_id, unit_code, scheme_code, period_id, year, month in entries
    ]


# --------------------------------------------------------------------------------------------
# What users see
# --------------------------------------------------------------------------------------------


def warnings_visible(*, user: Any) -> QuerySet[EarlyWarning]:
    """Warnings in the user's list: the plan office and leaders see all, unit users those of their
    unit and the units below it; anyone else none."""
    return listed_for(user, restrict(user, "view", EarlyWarning.objects.all()), "unit_id")


def warning_list(
    *,
    user: Any,
    level: str = "",
    rule: str = "",
    acknowledged: bool | None = None,
    include_resolved: bool = False,
    open_on: date | None = None,
) -> QuerySet[EarlyWarning]:
    """The visible warnings (open ones unless ``include_resolved``; with ``open_on``, those open at
    the end of that past day, as :func:`warnings_open_at`), red first, newest first."""
    if open_on is not None:
        warnings = warnings_open_at(user=user, day=open_on)
    else:
        warnings = warnings_visible(user=user)
        if not include_resolved:
            warnings = warnings.filter(resolved_at__isnull=True)
    if level:
        warnings = warnings.filter(level=level)
    if rule:
        warnings = warnings.filter(rule=rule)
    if acknowledged is not None:
        warnings = warnings.filter(acknowledged_at__isnull=not acknowledged)
    return warnings.select_related(
        "unit", "task", "indicator", "period", "supervision_item", "acknowledged_by"
    ).order_by("resolved_at", "-level", "-first_raised_at", "-pk")


def warnings_open_at(*, user: Any, day: date | None = None) -> QuerySet[EarlyWarning]:
    """The visible warnings open at the end of ``day`` (raised on or before it and not resolved by
    then), for past months' views; without ``day`` the warnings open now."""
    warnings = warnings_visible(user=user)
    if day is None:
        return warnings.filter(resolved_at__isnull=True)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return warnings.filter(first_raised_at__lt=end).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
    )


def open_warning_counts(*, user: Any, day: date | None = None) -> dict[str, int]:
    """Warnings the user sees open now (or at the end of ``day``), by level (for the cockpit and the
    bulletin): {"red": n, "yellow": m}."""
    from django.db.models import Count

    counts = warnings_open_at(user=user, day=day).aggregate(
        red=Count("pk", filter=Q(level="red")), yellow=Count("pk", filter=Q(level="yellow"))
    )
    return {"red": counts["red"] or 0, "yellow": counts["yellow"] or 0}


def notifications_of(*, user: Any, limit: int = 20) -> QuerySet[Notification]:
    """The user's latest notifications."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).select_related("warning")[:limit]


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
