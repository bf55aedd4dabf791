"""The cockpit's trends: plan progress and on-time rate for every month from the first reporting
month to a period, computed at once over tasks × months and cached until the next write.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, cast

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Subquery, Value, When
from django.utils import timezone

from jingjin.dashboard.figure_cache import data_version
from jingjin.dashboard.periods import _before_or_at, months_between, trends_start
from jingjin.dashboard.results import TaskRow, TrendPoint
from jingjin.dashboard.rollup import _rollup_columns, _Tree
from jingjin.plans.models import Plan, Task
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import has_shares
from jingjin.reporting.summaries import plan_facts

#: how long computed trends stay cached (any write makes them stale at once anyway)
TRENDS_CACHE_SECONDS = 24 * 3600


def _deadline_end(period: ReportingPeriod) -> Any:
    """The first moment after a period's deadline day (local time)."""
    return _deadline_end_of(period.deadline)


def _deadline_end_of(deadline: date) -> Any:
    """The first moment after the deadline day ``deadline`` (local time)."""
    from datetime import datetime, time, timedelta

    return timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))


def _trends(plan: Plan, tree: _Tree, tasks: list[TaskRow], period: ReportingPeriod) -> list[TrendPoint]:
    """:func:`_trends_compute`, cached until the next write
    (see :func:`jingjin.dashboard.figure_cache.data_version`).

    The key holds the plan, the period, the data version and the visible tree (tasks with their
    measure and weight, measures and actions), so users who see different parts of the plan never
    share an entry."""
    fingerprint = hashlib.blake2b(digest_size=16)
    fingerprint.update(tree.parent.tobytes())
    fingerprint.update(tree.weight.tobytes())
    fingerprint.update("\n".join(tree.keys).encode())
    fingerprint.update(np.array([t.lead_unit != "" for t in tasks]).tobytes())
    fingerprint.update(
        np.array(
            [(t.start.toordinal() if t.start else 0, t.end.toordinal() if t.end else 0) for t in tasks],
            dtype=np.int64,
        ).tobytes()
    )
    key = f"jingjin:trends:{plan.pk}:{period.index}:{data_version()}:{fingerprint.hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = _trends_compute(plan, tree, tasks, period)
        cache.set(key, found, TRENDS_CACHE_SECONDS)
    return cast(list[TrendPoint], found)


def _report_facts(plan: Plan, period: ReportingPeriod) -> np.ndarray:
    """One row per report of the plan: (task id, month index, completion % when the report counts
    as reported — submitted, resubmitted or approved — else NaN, 1 when it was first submitted by
    its period's deadline else 0). Months after ``period`` are read (flag 0) and left to the caller.

    Read from the tasks' report summaries kept at write time (:mod:`jingjin.reporting.summaries`:
    one row per task instead of one per report) and the deadlines of the periods up to ``period``;
    two queries."""
    facts = plan_facts(plan)
    periods = list(
        ReportingPeriod.objects.filter(_before_or_at(period, prefix="")).values_list(
            "year", "month", "deadline"
        )
    )
    if not len(facts):
        return facts
    indexes = facts[:, 1].astype(np.int64)
    low = int(indexes.min())
    deadline_end = np.full(int(indexes.max()) - low + 1, -np.inf)  # no deadline: never on time
    for year, month, deadline in periods:
        index = year * 12 + month - 1 - low
        if 0 <= index < len(deadline_end):
            deadline_end[index] = _deadline_end_of(deadline).timestamp() * 1_000_000
    with np.errstate(invalid="ignore"):
        facts[:, 3] = facts[:, 3] < deadline_end[indexes - low]  # NaN → False; in place of the time
    return facts


def _report_facts_scan(plan: Plan, period: ReportingPeriod) -> np.ndarray:
    """The reference for :func:`_report_facts` (tests compare the two): the same array computed
    from scratch from the report table instead of the tasks' report summaries. Months after
    ``period`` are read and left to the caller.

    One pass over the table, read with a plain cursor into one float array (at 300,000 reports
    Django's row objects would cost most of the time). The on-time flag is one CASE per row (an OR
    of a condition per period costs three times as much on SQLite); "task_id + 0" (and no
    condition on period_index) keeps SQLite from walking the (task, month) index task by task and
    fetching every row out of order."""
    periods = list(ReportingPeriod.objects.filter(_before_or_at(period, prefix="")))
    on_time_case = Case(
        # the period first: one integer comparison per WHEN, the date only for the row's own period
        *[
            When(Q(period_id=p.pk) & Q(first_submitted_at__lt=_deadline_end(p)), then=Value(1))
            for p in periods
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    reported_pct = Case(
        When(status__in=REPORTED_STATES, then=F("completion_pct")),
        default=Value(None),
        output_field=IntegerField(),
    )
    plan_tasks = Task.objects.filter(measure__action__plan=plan).values("pk")
    query = (
        Report.objects.alias(task_key=F("task_id") + 0)
        .filter(task_key__in=Subquery(plan_tasks))
        .annotate(reported_pct=reported_pct, on_time_flag=on_time_case)
        .order_by()
        .values_list("task_id", "period_index", "reported_pct", "on_time_flag")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        chunks = []
        while rows := cursor.fetchmany(50_000):
            chunks.append(np.array(rows, dtype=np.float64).reshape(-1, 4))  # None → NaN
    return np.concatenate(chunks) if chunks else np.empty((0, 4))


def _trends_compute(
    plan: Plan, tree: _Tree, tasks: list[TaskRow], period: ReportingPeriod
) -> list[TrendPoint]:
    """Plan progress and on-time rate for every month from the first reporting month to ``period``
    (four queries: the first month, the periods, the reports, the split and struck-off tasks).

    The on-time rate of a month is the reports of its due tasks first submitted by the deadline ÷
    its due tasks, "due" being the rule of :func:`jingjin.reporting.selectors.tasks_due` computed
    here for every month at once: a lead unit; a window that overlaps the month, or ended before
    it while no earlier reported report said 100 %; not struck off (销号) in the month; not a
    task split into shares."""
    start = trends_start((period.year, period.month))
    months = months_between(start, (period.year, period.month))
    if not months or not tasks:
        return []
    base = start[0] * 12 + start[1] - 1
    pks = np.array([t.pk for t in tasks], dtype=np.int64)
    order = np.argsort(pks)

    # task id → row: a direct lookup table when the ids are dense enough, else a binary search
    lookup = None
    if len(pks) and pks.min() >= 0 and pks.max() <= 16 * len(pks) + 1_000_000:
        lookup = np.full(int(pks.max()) + 2, -1, dtype=np.int64)  # the last entry: ids out of range
        lookup[pks] = np.arange(len(pks))

    def place(task_ids: np.ndarray, month_indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row (task) and column (month) of each pair, and which pairs belong to the matrix; the
        columns may be negative (before the first month) or past the last."""
        if not len(task_ids):
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=bool)
        if lookup is not None:
            row = lookup[np.clip(task_ids, -1, len(lookup) - 1)]  # −1 (an unknown id) → the last entry
            known = row >= 0
            row = np.where(known, row, 0)
        else:
            position = np.searchsorted(pks, task_ids, sorter=order).clip(0, len(pks) - 1)
            row = order[position]
            known = pks[row] == task_ids
        return row, (month_indexes - base).astype(np.int64), known

    facts = _report_facts(plan, period)
    # each fact's row (task) and column (month), placed once for all the uses below
    fact_row, fact_column, known = place(facts[:, 0].astype(np.int64), facts[:, 1].astype(np.int64))
    in_range = known & (fact_column >= 0) & (fact_column < len(months))
    pct = facts[:, 2]
    reported = ~np.isnan(pct)
    matrix = np.full((len(tasks), len(months)), np.nan)
    keep = in_range & reported
    matrix[fact_row[keep], fact_column[keep]] = pct[keep]
    # "an earlier reported report said 100 %": done from the month after
    done = known & reported & (pct >= 100) & (fact_column < len(months) - 1)
    first_done = np.full(len(tasks), len(months), dtype=np.int64)
    np.minimum.at(first_done, fact_row[done], np.maximum(fact_column[done] + 1, 0))
    done_before = np.arange(len(months))[None, :] >= first_done[:, None]
    # carry each task's latest reported % forward to the later months
    index = np.where(~np.isnan(matrix), np.arange(len(months)), 0)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = matrix[np.arange(len(tasks))[:, None], index]
    progress, _coverage = _rollup_columns(tree, filled)

    # the due tasks of every month (tasks × months)
    has_lead = np.array([t.lead_unit != "" for t in tasks])
    # days as ordinals (date.toordinal): integer comparisons, and no date objects converted
    starts = np.fromiter(((t.start or date.min).toordinal() for t in tasks), dtype=np.int64, count=len(tasks))
    ends = np.fromiter(((t.end or date.max).toordinal() for t in tasks), dtype=np.int64, count=len(tasks))
    firsts = np.array([date(y, m, 1).toordinal() for y, m in months], dtype=np.int64)
    lasts = np.array(
        [ReportingPeriod(year=y, month=m).last_day.toordinal() for y, m in months], dtype=np.int64
    )
    due = (
        has_lead[:, None]
        & (starts[:, None] <= lasts[None, :])
        & ((ends[:, None] >= firsts[None, :]) | ~done_before)
    )
    # tasks split into shares, and the strike-offs (one query: a row per strike-off)
    plan_tasks = Task.objects.filter(measure__action__plan=plan)
    columns = np.arange(len(months))
    for task_id, split, start, end in (
        plan_tasks.annotate(split=has_shares())
        .filter(Q(split=True) | Q(strike_offs__isnull=False))
        .values_list("pk", "split", "strike_offs__from_index", "strike_offs__reopened_from_index")
    ):
        row, _column, known = place(np.array([task_id]), np.array([start or 0]))
        if not known[0]:
            continue
        if split:
            due[row[0]] = False
        elif start is not None:
            stop = len(months) if end is None else end - base
            due[row[0]] &= ~((columns >= start - base) & (columns < stop))

    counted = np.zeros(len(months), dtype=np.int64)
    on_time = np.zeros(len(months), dtype=np.int64)
    if len(facts):
        row, column, flag = fact_row[in_range], fact_column[in_range], facts[in_range, 3].astype(np.int64)
        mine = due[row, column]  # reports of tasks not due that month count nowhere
        np.add.at(counted, column[mine], 1)
        np.add.at(on_time, column[mine], flag[mine])
    due_counts = due.sum(axis=0)
    points = []
    for j, (year, month) in enumerate(months):
        value = progress[0, j]
        n_due = int(due_counts[j])
        points.append(
            TrendPoint(
                month=f"{year:04d}-{month:02d}",
                progress=None if np.isnan(value) else float(value),
                on_time_rate=int(on_time[j]) / n_due if n_due else None,
                reports=int(counted[j]),
                on_time=int(on_time[j]),
                due=n_due,
            )
        )
    return points
