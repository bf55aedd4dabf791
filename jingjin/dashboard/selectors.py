"""Reads of the leader cockpit (领导驾驶舱) and the monthly bulletin (月度通报).

One function, :func:`cockpit`, computes every figure of the cockpit for a plan and a reporting
period in a fixed number of queries (it does not grow with the number of tasks):

* **progress** (完成进度) of each task is the completion % of its *latest reported* monthly report
  up to the period — submitted, resubmitted or approved (drafts and returned reports do not count);
  measures, actions and the plan get the weighted roll-up of the status engine
  (:func:`jingjin.engines.status.rollup`, weights renormalised over the children with a value);
* **status** (正常 / 滞后 / 严重滞后 / 已完成 / 逾期) of each task from the status engine
  (:func:`jingjin.engines.status.task_status`) at the last day of the period;
* **attention list**: the late and missing reports of the period
  (:func:`jingjin.reporting.lists.report_rows`) and the open supervision items overdue or due
  soon (:mod:`jingjin.supervision.selectors`) — until early warnings exist;
* **trends** per month since the first reporting month: plan progress and the on-time rate
  (reports of the month's due tasks first submitted by the deadline ÷ the month's due tasks, "due" as
  :func:`jingjin.reporting.selectors.tasks_due`: a struck-off task drops out of the month);
* **per-county view**: a county's (or park's) shares of city tasks (任务分解), the tasks it leads,
  and the city tasks that name it in ``counties`` and are not split, with their statuses; a share
  rolls up into its city task and is never a task of the measure;
* **red/black lists** (红黑榜): whatever :func:`ranking_lists` finds — nothing while the assessment
  app has no data.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

import numpy as np
import polars as pl
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.alerts.selectors import open_warning_counts
from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import AuditEntry, Unit, bilingual, english_active
from jingjin.core.permissions import plan_office_users, restrict
from jingjin.engines.status import Status, rollup_matrix, task_status
from jingjin.plans.models import Action, Measure, Plan, Task
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.lists import LIGHTS, ReportRow, report_rows
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import (
    first_month,
    has_shares,
    latest_reported_of_task,
    reported_month,
    tasks_due,
)
from jingjin.reporting.summaries import plan_facts
from jingjin.supervision.models import SupervisionItem
from jingjin.supervision.selectors import as_they_stood, items_signalled_on

logger = logging.getLogger(__name__)

#: the first reporting month of the trends
#: how long computed trends stay cached (any write makes them stale at once anyway)
TRENDS_CACHE_SECONDS = 24 * 3600
#: supervision items listed per signal (``overdue_count`` and ``due_soon_count`` are exact)
ITEM_LIMIT = 50

#: status code → key used in the JSON and the templates, in the order of the charts
STATUS_KEYS: dict[int, str] = {
    Status.ON_TRACK: "on_track",
    Status.BEHIND: "behind",
    Status.FAR_BEHIND: "far_behind",
    Status.DONE: "done",
    Status.OVERDUE: "overdue",
    Status.UNKNOWN: "unknown",
}
#: status code → chart colour (the Bootstrap colours of the status lights)
STATUS_HEX: dict[int, str] = {
    Status.ON_TRACK: "#198754",
    Status.BEHIND: "#ffc107",
    Status.FAR_BEHIND: "#dc3545",
    Status.DONE: "#0d6efd",
    Status.OVERDUE: "#842029",
    Status.UNKNOWN: "#adb5bd",
}


def status_label(code: int) -> Promise:
    return LIGHTS[code][0]


def status_colour(code: int) -> str:
    """Bootstrap colour name of a status light."""
    return LIGHTS[code][1]


# --------------------------------------------------------------------------------------------
# Result types


class StatusShown:
    """The key, label and colour of a result's status light (``self.status``, a status code)."""

    status: int

    @property
    def status_key(self) -> str:
        return STATUS_KEYS[self.status]

    @property
    def status_label(self) -> Promise:
        return status_label(self.status)

    @property
    def status_colour(self) -> str:
        return status_colour(self.status)


@dataclass
class TaskRow(StatusShown):
    """One task with its latest reported completion, expected progress and status at the period."""

    pk: int
    code: str
    name: str
    lead_unit: str
    action_id: int
    measure_id: int
    weight: float
    start: date | None
    end: date | None
    reported_pct: float | None
    expected_pct: float | None = None
    status: int = Status.UNKNOWN
    #: the city task of a county's or park's share (任务分解); None for a city task
    parent_id: int | None = None
    lead_unit_id: int | None = None


@dataclass
class StatusCount:
    code: int
    count: int

    @property
    def key(self) -> str:
        return STATUS_KEYS[self.code]

    @property
    def label(self) -> Promise:
        return status_label(self.code)

    @property
    def colour(self) -> str:
        return status_colour(self.code)

    @property
    def hex(self) -> str:
        return STATUS_HEX[self.code]


def status_counts(tasks: list[TaskRow]) -> list[StatusCount]:
    """How many tasks are in each status, every status listed (in chart order)."""
    counter = Counter(t.status for t in tasks)
    return [StatusCount(code, counter.get(code, 0)) for code in STATUS_KEYS]


@dataclass
class ActionRow:
    """An action (对标竞进行动) with its weighted progress, coverage and tasks."""

    pk: int
    code: str
    name: str
    weight: float
    progress: float | None
    coverage: float
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)

    @property
    def worst_status(self) -> int:
        known = [t.status for t in self.tasks if t.status != Status.UNKNOWN]
        return max(known) if known else Status.UNKNOWN


@dataclass
class CountyRow:
    """A county or park (县（市、区）/ 园区) and its tasks: its shares of city tasks and the tasks it
    leads, and the city tasks that name it and are not split into shares."""

    code: str
    name: str
    tasks: list[TaskRow]

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)


@dataclass
class TrendPoint:
    """One month of the trends: plan progress (%) and on-time rate (0–1)."""

    month: str
    progress: float | None
    on_time_rate: float | None
    reports: int
    on_time: int
    due: int


@dataclass
class Cockpit:
    """Every figure of the cockpit for one plan and one period."""

    plan: Plan | None
    plans: list[Plan]
    period: ReportingPeriod
    as_of: date
    progress: float | None = None
    coverage: float = 0.0
    actions: list[ActionRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    report_rows: list[ReportRow] = field(default_factory=list)
    overdue_items: list[SupervisionItem] = field(default_factory=list)
    due_soon_items: list[SupervisionItem] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0
    trends: list[TrendPoint] = field(default_factory=list)
    counties: list[CountyRow] = field(default_factory=list)
    ranking_lists: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    #: the day the supervision items and warnings are shown as they stood: the period's last day,
    #: or today while the period runs
    items_day: date | None = None
    #: warnings open at the end of ``items_day``, by level: {"red": n, "yellow": m}
    open_warnings: dict[str, int] = field(default_factory=lambda: {"red": 0, "yellow": 0})

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)

    @property
    def late_rows(self) -> list[ReportRow]:
        return [r for r in self.report_rows if r.late]

    @property
    def missing_rows(self) -> list[ReportRow]:
        return [r for r in self.report_rows if r.missing]

    @property
    def attention_rows(self) -> list[ReportRow]:
        """Due tasks whose report is late or missing, in plan order."""
        return [r for r in self.report_rows if r.late or r.missing]

    @property
    def on_time_rate(self) -> float | None:
        return self.trends[-1].on_time_rate if self.trends else None

    @property
    def reports_due(self) -> bool:
        """Whether any report is due in the period (no report is due after the plan's end, or in a
        month whose tasks are all struck off or outside their windows)."""
        return bool(self.report_rows)

    def county(self, code: str) -> CountyRow | None:
        return next((c for c in self.counties if c.code == code), None)


# --------------------------------------------------------------------------------------------
# Periods


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """(year, month) from ``first`` to ``last`` inclusive (empty when last is before first)."""
    out: list[tuple[int, int]] = []
    year, month = first
    while (year, month) <= last and len(out) < 1200:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def default_month(today: date) -> tuple[int, int]:
    """The month being reported on now (:func:`jingjin.reporting.selectors.reported_month`)."""
    return reported_month(today)


def trends_start(until: tuple[int, int]) -> tuple[int, int]:
    """The first month of the trends and of the month choices: the first reporting month
    (:func:`jingjin.reporting.selectors.first_month`), else ``until``."""
    return first_month() or until


def month_choices(today: date) -> list[str]:
    """Period codes a user may choose, newest first: from the first reporting month (or the plan's
    first month, when earlier) to ``today``'s."""
    last = (today.year, today.month)
    start = first_month(with_plan_start=True) or last
    return [f"{y:04d}-{m:02d}" for y, m in reversed(months_between(start, last))]


# --------------------------------------------------------------------------------------------
# The cockpit


def cockpit(
    *,
    user: Any,
    period: ReportingPeriod,
    plan_code: str = "",
    today: date | None = None,
) -> Cockpit:
    """All figures of the cockpit for ``period`` and the plan ``plan_code`` (default: the first plan).

    Raises ``Plan.DoesNotExist`` for a ``plan_code`` the user cannot see.

    Reads through ``restrict`` (every signed-in user with a role may read the cockpit).
    A fixed number of queries, whatever the size of the plan.
    """
    today = today or clock.today()
    plans = list(Plan.objects.restrict(user, "view").order_by("code"))
    if plan_code:
        plan = next((p for p in plans if p.code == plan_code), None)
        if plan is None:
            raise Plan.DoesNotExist(f"no plan {plan_code!r}")
    else:
        plan = plans[0] if plans else None
    result = Cockpit(plan=plan, plans=plans, period=period, as_of=period.last_day)
    if plan is None:
        return result
    rows = _task_rows(user=user, plan=plan, period=period)
    # a county's or park's share (任务分解) rolls up into its city task: not a task of the measure
    tasks = [t for t in rows if t.parent_id is None]
    city_ids = {t.pk for t in tasks}
    shares = [t for t in rows if t.parent_id in city_ids]
    ordered = tasks + shares
    actions = list(restrict(user, "view", Action.objects.filter(plan=plan)).order_by("position", "code"))
    measures = list(
        restrict(user, "view", Measure.objects.filter(action__plan=plan)).values_list(
            "pk", "action_id", "weight"
        )
    )
    tree = _tree(plan, actions, measures, ordered)
    progress, coverage = _rollup(tree, ordered)
    split = {t.parent_id for t in shares}
    for task in tasks:
        if task.pk in split:  # reported through its shares
            task.reported_pct = progress.get(f"t:{task.pk}")
    _statuses(ordered, period)
    result.tasks = tasks
    result.progress, result.coverage = progress.get(f"p:{plan.pk}"), coverage.get(f"p:{plan.pk}", 0.0)
    by_action: dict[int, list[TaskRow]] = {}
    for task in tasks:
        by_action.setdefault(task.action_id, []).append(task)
    result.actions = [
        ActionRow(
            pk=a.pk,
            code=a.code,
            name=a.name,
            weight=float(a.weight),
            progress=progress.get(f"a:{a.pk}"),
            coverage=coverage.get(f"a:{a.pk}", 0.0),
            tasks=by_action.get(a.pk, []),
        )
        for a in actions
    ]
    due = restrict(user, "view", tasks_due(period=period).filter(measure__action__plan=plan))
    result.report_rows = report_rows(period=period, tasks=due, as_of=today)
    # supervision items and warnings as they stood at the end of the period (today while it runs)
    result.items_day = day = min(today, period.last_day)
    overdue = items_signalled_on(user=user, day=day, signal="overdue")
    due_soon = items_signalled_on(user=user, day=day, signal="due_soon")
    result.overdue_items, result.overdue_count = as_they_stood(overdue[:ITEM_LIMIT]), overdue.count()
    result.due_soon_items, result.due_soon_count = as_they_stood(due_soon[:ITEM_LIMIT]), due_soon.count()
    result.open_warnings = open_warning_counts(user=user, day=None if day == today else day)
    result.trends = _trends(plan, tree, ordered, period)
    result.counties = _counties(plan, ordered)
    result.ranking_lists = ranking_lists(user=user, period=period)
    result.synthetic = (  # a month not stored yet (a page stores none) has no reports
        period.pk is not None
        and Report.objects.filter(period=period, is_synthetic=True, task__measure__action__plan=plan).exists()
    )
    return result


def _before_or_at(period: ReportingPeriod, prefix: str = "period__") -> Q:
    return Q(**{f"{prefix}year__lt": period.year}) | Q(
        **{f"{prefix}year": period.year, f"{prefix}month__lte": period.month}
    )


def _task_rows(
    *, user: Any, plan: Plan | None, period: ReportingPeriod, tasks: QuerySet[Task] | None = None
) -> list[TaskRow]:
    """The plan's tasks (or ``tasks``, already restricted), each with the completion % of its
    latest reported report up to ``period``.

    One query; the latest report is an index seek on (task, period_index) per task."""
    if tasks is None:
        tasks = restrict(user, "view", Task.objects.filter(measure__action__plan=plan))
    rows = (
        tasks.annotate(latest_pct=latest_reported_of_task("completion_pct", up_to=period))
        .order_by("measure__action__position", "measure__position", "position", "code")
        .values_list(
            "pk",
            "code",
            "name_zh",
            "name_en",
            "lead_unit__name_zh",
            "lead_unit__name_en",
            "measure__action_id",
            "measure_id",
            "weight",
            "start",
            "end",
            "latest_pct",
            "parent_id",
            "lead_unit_id",
        )
    )
    english = english_active()
    return [
        TaskRow(
            pk=pk,
            code=code,
            name=bilingual(name_zh, name_en, english=english),
            lead_unit=bilingual(unit_zh or "", unit_en or "", english=english),
            action_id=action,
            measure_id=measure,
            weight=float(weight),
            start=start,
            end=end,
            reported_pct=None if pct is None else float(pct),
            parent_id=parent,
            lead_unit_id=lead,
        )
        for (
            pk,
            code,
            name_zh,
            name_en,
            unit_zh,
            unit_en,
            action,
            measure,
            weight,
            start,
            end,
            pct,
            parent,
            lead,
        ) in rows
    ]


def _statuses(tasks: list[TaskRow], period: ReportingPeriod) -> None:
    """Fill in ``expected_pct`` and ``status`` of every task (one call of the status engine)."""
    if not tasks:
        return
    frame = pl.DataFrame(
        {
            "task_id": [t.pk for t in tasks],
            "start": [t.start for t in tasks],
            "end": [t.end for t in tasks],
            "reported_pct": [t.reported_pct for t in tasks],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    result = task_status(frame, as_of=period.last_day)
    for task, expected, code in zip(
        tasks, result.get_column("expected_pct").to_list(), result.get_column("status").to_list(), strict=True
    ):
        task.expected_pct = expected
        task.status = int(code)


@dataclass
class _Tree:
    """The plan tree plan → actions → measures → tasks as arrays (node 0 is the plan)."""

    keys: list[str]  # "p:1", "a:2", "m:3", "t:4"
    parent: np.ndarray  # index of the parent node, −1 for the plan
    weight: np.ndarray
    task_node: np.ndarray  # for each task (in the order of ``tasks``): its node, or −1


def _tree(
    plan: Plan, actions: list[Action], measures: list[tuple[int, int, Any]], tasks: list[TaskRow]
) -> _Tree:
    action_ids = {a.pk for a in actions}
    kept_measures = [m for m in measures if m[1] in action_ids]
    keys = [f"p:{plan.pk}"] + [f"a:{a.pk}" for a in actions] + [f"m:{m[0]}" for m in kept_measures]
    node = {key: i for i, key in enumerate(keys)}
    parents = [-1] + [0] * len(actions) + [node[f"a:{m[1]}"] for m in kept_measures]
    weights = [1.0] + [float(a.weight) for a in actions] + [float(m[2]) for m in kept_measures]
    task_node = []
    for task in tasks:  # city tasks first, then shares (under their city task's node)
        measure = node.get(f"t:{task.parent_id}" if task.parent_id is not None else f"m:{task.measure_id}")
        if measure is None:
            task_node.append(-1)
            continue
        task_node.append(len(keys))
        node[f"t:{task.pk}"] = len(keys)
        keys.append(f"t:{task.pk}")
        parents.append(measure)
        weights.append(task.weight)
    return _Tree(
        keys=keys,
        parent=np.asarray(parents, dtype=np.int64),
        weight=np.asarray(weights, dtype=np.float64),
        task_node=np.asarray(task_node, dtype=np.int64),
    )


def _rollup_columns(tree: _Tree, task_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted roll-up of each column of ``task_values`` (tasks × k, NaN = no value) over the tree.

    One call of the status engine's :func:`~jingjin.engines.status.rollup_matrix`; returns
    (roll-up, coverage), each nodes × k.
    """
    n, k = len(tree.keys), task_values.shape[1]
    values = np.full((n, k), np.nan)
    placed = tree.task_node >= 0
    values[tree.task_node[placed]] = task_values[placed]
    return rollup_matrix(tree.parent, tree.weight, values)


def _rollup(tree: _Tree, tasks: list[TaskRow]) -> tuple[dict[str, float | None], dict[str, float]]:
    """Roll-up of the tasks' reported % at the period: node key → (progress, coverage)."""
    reported = np.array([[np.nan if t.reported_pct is None else t.reported_pct] for t in tasks]).reshape(
        -1, 1
    )
    result, coverage = _rollup_columns(tree, reported)
    return (
        {key: (None if np.isnan(v) else float(v)) for key, v in zip(tree.keys, result[:, 0], strict=True)},
        {key: float(c) for key, c in zip(tree.keys, coverage[:, 0], strict=True)},
    )


def _deadline_end(period: ReportingPeriod) -> Any:
    """The first moment after a period's deadline day (local time)."""
    return _deadline_end_of(period.deadline)


def _deadline_end_of(deadline: date) -> Any:
    """The first moment after the deadline day ``deadline`` (local time)."""
    from datetime import datetime, time, timedelta

    return timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))


def _data_version() -> int:
    """A number that changes with every write: the newest audit row (every write of the platform
    goes through a service that leaves one). An index lookup."""
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def _trends(plan: Plan, tree: _Tree, tasks: list[TaskRow], period: ReportingPeriod) -> list[TrendPoint]:
    """:func:`_trends_compute`, cached until the next write (see :func:`_data_version`).

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
    key = f"jingjin:trends:{plan.pk}:{period.index}:{_data_version()}:{fingerprint.hexdigest()}"
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
    reported = facts[~np.isnan(facts[:, 2])]
    matrix = np.full((len(tasks), len(months)), np.nan)
    done_before = np.zeros((len(tasks), len(months)), dtype=bool)
    if len(reported):
        row, column, known = place(reported[:, 0].astype(np.int64), reported[:, 1].astype(np.int64))
        keep = known & (column >= 0) & (column < len(months))
        matrix[row[keep], column[keep]] = reported[keep, 2]
        # "an earlier reported report said 100 %": done from the month after
        done = known & (reported[:, 2] >= 100) & (column < len(months) - 1)
        first_done = np.full(len(tasks), len(months), dtype=np.int64)
        np.minimum.at(first_done, row[done], np.maximum(column[done] + 1, 0))
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
        row, column, known = place(facts[:, 0].astype(np.int64), facts[:, 1].astype(np.int64))
        keep = known & (column >= 0) & (column < len(months))
        row, column, flag = row[keep], column[keep], facts[keep, 3].astype(np.int64)
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


def _counties(plan: Plan, tasks: list[TaskRow]) -> list[CountyRow]:
    """Counties and parks with their tasks: the shares they hold and the tasks they lead, and the
    city tasks that name them in ``counties`` and are not split into shares (two queries)."""
    through = Task.counties.through
    links = list(through.objects.filter(task__measure__action__plan=plan).values_list("task_id", "unit_id"))
    by_pk = {t.pk: t for t in tasks}
    split = {t.parent_id for t in tasks if t.parent_id is not None}
    units = Unit.objects.filter(
        Q(kind__in=[UnitKind.COUNTY, UnitKind.PARK]) | Q(pk__in={u for _t, u in links})
    ).order_by("position", "code")
    tasks_of: dict[int, dict[int, TaskRow]] = {}
    for task_id, unit_id in links:
        if task_id in by_pk and task_id not in split:
            tasks_of.setdefault(unit_id, {})[task_id] = by_pk[task_id]
    for task in tasks:
        if task.lead_unit_id is not None and task.pk not in split:
            tasks_of.setdefault(task.lead_unit_id, {})[task.pk] = task
    order = {t.pk: i for i, t in enumerate(tasks)}
    return [
        CountyRow(
            code=u.code,
            name=u.name,
            tasks=sorted(tasks_of.get(u.pk, {}).values(), key=lambda t: order[t.pk]),
        )
        for u in units
    ]


# --------------------------------------------------------------------------------------------
# Red/black lists (红黑榜) — provided by the assessment app when it has them


#: the function of ``jingjin.assessment.selectors`` the cockpit and the bulletin call, if it exists
RANKING_PROVIDER = "cockpit_ranking_lists"


def ranking_lists(*, user: Any, period: ReportingPeriod | None = None) -> list[dict[str, Any]]:
    """The latest published red/black lists (红黑榜), or ``[]`` while the assessment app has none.

    The assessment app is looked up at run time, never imported here: when it is installed, has a
    ``RankingList`` model and its ``selectors`` module defines ``cockpit_ranking_lists(*, user,
    period)``, that function's result is used. The contract (see ``docs/dashboard.md``): a list of
    ``{"title": str, "period": str, "red": [entry], "black": [entry]}`` with entries
    ``{"unit": str, "score": float | None, "reason": str}``, and optionally the list's ``"id":
    int`` and each entry's unit ``"code": str`` (for the drill-down). Anything else gives ``[]``.
    """
    if not apps.is_installed("jingjin.assessment"):
        return []
    try:
        apps.get_model("assessment", "RankingList")
    except LookupError:
        return []
    try:
        module = importlib.import_module("jingjin.assessment.selectors")
    except Exception:  # a broken or missing module: the page works without the lists
        logger.exception("the selectors of the assessment app could not be imported")
        return []
    provider = getattr(module, RANKING_PROVIDER, None)
    if provider is None:
        return []
    try:
        lists = list(provider(user=user, period=period))
    except Exception:  # the page must work whatever the other app does
        logger.exception("the red/black lists of the assessment app could not be read")
        return []
    return [_clean_list(item) for item in lists if isinstance(item, dict)]


def _clean_list(item: dict[str, Any]) -> dict[str, Any]:
    def entries(key: str) -> list[dict[str, Any]]:
        out = []
        for entry in item.get(key) or []:
            if isinstance(entry, dict):
                score = entry.get("score")
                clean: dict[str, Any] = {
                    "unit": str(entry.get("unit", "")),
                    "score": float(score)
                    if isinstance(score, int | float | Decimal) and not isinstance(score, bool)
                    else None,
                    "reason": str(entry.get("reason", "")),
                }
                if entry.get("code"):
                    clean["code"] = str(entry["code"])
                out.append(clean)
        return out

    result: dict[str, Any] = {
        "title": str(item.get("title", "")),
        "period": str(item.get("period", "")),
        "red": entries("red"),
        "black": entries("black"),
    }
    list_id = item.get("id")
    if isinstance(list_id, int) and not isinstance(list_id, bool):
        result["id"] = list_id
    return result


# --------------------------------------------------------------------------------------------
# JSON (charts and the API)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def chart_data(data: Cockpit) -> dict[str, Any]:
    """The data of the cockpit's ECharts charts (for a ``json_script`` tag)."""
    return {
        "actions": {
            "labels": [a.code for a in data.actions],
            "names": [a.name for a in data.actions],
            "progress": [_round(a.progress) for a in data.actions],
            "axis": str(_("Progress, percent")),
        },
        "status": [{"name": str(c.label), "value": c.count, "colour": c.hex} for c in data.counts if c.count],
        "trends": {
            "months": [p.month for p in data.trends],
            "progress": [_round(p.progress) for p in data.trends],
            "on_time": [
                None if p.on_time_rate is None else round(p.on_time_rate * 100, 1) for p in data.trends
            ],
            "progress_name": str(_("Plan progress")),
            "on_time_name": str(_("On-time rate")),
        },
        "counties": {
            "names": [c.name for c in data.counties if c.tasks],
            "series": [
                {
                    "name": str(status_label(code)),
                    "colour": STATUS_HEX[code],
                    "values": [sum(1 for t in c.tasks if t.status == code) for c in data.counties if c.tasks],
                }
                for code in STATUS_KEYS
            ],
        },
    }


def _task_json(task: TaskRow) -> dict[str, Any]:
    return {
        "code": task.code,
        "name": task.name,
        "lead_unit": task.lead_unit,
        "reported_pct": task.reported_pct,
        "expected_pct": _round(task.expected_pct),
        "status": task.status_key,
    }


def _counts_json(counts: list[StatusCount]) -> dict[str, int]:
    return {c.key: c.count for c in counts}


def _item_json(item: SupervisionItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "title": item.title,
        "unit": item.assignee_unit.code,
        "deadline": item.deadline.isoformat(),
        "state": item.state,
    }


def cockpit_json(data: Cockpit) -> dict[str, Any]:
    """The cockpit's figures as plain JSON (the API ``/api/cockpit``)."""
    return {
        "plan": None if data.plan is None else {"code": data.plan.code, "name": data.plan.name},
        "period": {"code": data.period.code, "deadline": data.period.deadline.isoformat()},
        "as_of": data.as_of.isoformat(),
        "progress": _round(data.progress),
        "coverage": round(data.coverage, 4),
        "status_counts": _counts_json(data.counts),
        "actions": [
            {
                "code": a.code,
                "name": a.name,
                "weight": a.weight,
                "progress": _round(a.progress),
                "coverage": round(a.coverage, 4),
                "status_counts": _counts_json(a.counts),
                "worst_status": STATUS_KEYS[a.worst_status],
                "tasks": [_task_json(t) for t in a.tasks],
            }
            for a in data.actions
        ],
        "reports": {
            "due": len(data.report_rows),
            "late": len(data.late_rows),
            "missing": len(data.missing_rows),
            "attention": [
                {
                    "task": r.task.code,
                    "task_name": r.task.name,
                    "unit": r.task.lead_unit.code if r.task.lead_unit is not None else None,
                    "state": r.state,
                    "late": r.late,
                    "missing": r.missing,
                }
                for r in data.attention_rows
            ],
        },
        "supervision": {
            "as_of": data.items_day.isoformat() if data.items_day is not None else None,
            "overdue_count": data.overdue_count,
            "due_soon_count": data.due_soon_count,
            "overdue": [_item_json(i) for i in data.overdue_items],
            "due_soon": [_item_json(i) for i in data.due_soon_items],
        },
        "trends": [
            {
                "month": p.month,
                "progress": _round(p.progress),
                "on_time_rate": None if p.on_time_rate is None else round(p.on_time_rate, 4),
                "reports": p.reports,
                "on_time": p.on_time,
                "due": p.due,
            }
            for p in data.trends
        ],
        "counties": [
            {
                "code": c.code,
                "name": c.name,
                "status_counts": _counts_json(c.counts),
                "tasks": [{"code": t.code, "status": t.status_key} for t in c.tasks],
            }
            for c in data.counties
        ],
        "ranking_lists": data.ranking_lists,
        "open_warnings": data.open_warnings,
        "synthetic": data.synthetic,
    }


def issuing_office(plan: Plan | None) -> str:
    """The issuing office (发文机关) of the bulletin: the unit of the plan office — the unit of the
    first active plan-office account — in the active language, else the plan's city ("" without
    either)."""
    office = (
        plan_office_users(with_superusers=False)
        .filter(profile__unit__isnull=False)
        .select_related("profile__unit")
        .order_by("pk")
        .first()
    )
    if office is not None:
        return office.profile.unit.name
    return plan.city if plan is not None else ""
