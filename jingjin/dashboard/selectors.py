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

The parts, one module each: :mod:`~jingjin.dashboard.results` (the result types and the status
keys, labels and colours), :mod:`~jingjin.dashboard.periods` (the months),
:mod:`~jingjin.dashboard.rollup` (task rows, statuses, the plan tree's roll-up — shared with the
plan tree's figures), :mod:`~jingjin.dashboard.trends` (the monthly trends),
:mod:`~jingjin.dashboard.ranking` (the red/black list hook) and :mod:`~jingjin.dashboard.as_json`
(the charts' data and the API's body). This module puts them together (:func:`cockpit`) and
adds the per-county view and the bulletin's issuing office.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from jingjin.alerts.selectors import open_warning_counts
from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import plan_office_users, restrict
from jingjin.dashboard.figure_cache import cached, data_version, scope
from jingjin.dashboard.ranking import ranking_lists
from jingjin.dashboard.results import (
    ActionRow,
    Cockpit,
    CountyRow,
    TaskRow,
    TrendPoint,
    pack_task_rows,
    unpack_task_rows,
)
from jingjin.dashboard.rollup import _rollup, _statuses, _task_rows, _tree
from jingjin.dashboard.trends import _trends
from jingjin.plans.models import Action, Measure, Plan, Task
from jingjin.reporting.lists import ReportRow, report_rows
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import tasks_due
from jingjin.supervision.selectors import as_they_stood, items_signalled_on

#: supervision items listed per signal (``overdue_count`` and ``due_soon_count`` are exact)
ITEM_LIMIT = 50


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
    figures = _plan_figures(user=user, plan=plan, period=period, today=today)
    result.tasks = figures.tasks
    result.progress, result.coverage = figures.progress, figures.coverage
    result.actions = figures.actions
    result.report_rows = figures.report_rows
    result.trends = figures.trends
    result.counties = figures.counties
    result.synthetic = figures.synthetic
    # supervision items and warnings as they stood at the end of the period (today while it runs)
    result.items_day = day = min(today, period.last_day)
    overdue = items_signalled_on(user=user, day=day, signal="overdue")
    due_soon = items_signalled_on(user=user, day=day, signal="due_soon")
    result.overdue_items, result.overdue_count = as_they_stood(overdue[:ITEM_LIMIT]), overdue.count()
    result.due_soon_items, result.due_soon_count = as_they_stood(due_soon[:ITEM_LIMIT]), due_soon.count()
    result.open_warnings = open_warning_counts(user=user, day=None if day == today else day)
    result.ranking_lists = ranking_lists(user=user, period=period)
    return result


@dataclass
class _PlanFigures:
    """The figures of the cockpit that cost the most — everything read from the plan's tasks and
    reports — as :func:`_plan_figures` caches them until the next write."""

    tasks: list[TaskRow]
    progress: float | None
    coverage: float
    actions: list[ActionRow]
    report_rows: list[ReportRow]
    trends: list[TrendPoint]
    counties: list[CountyRow]
    synthetic: bool

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with every task row it holds (its tasks, each action's, each county's) once,
        column by column (:func:`~jingjin.dashboard.results.pack_task_rows`), and those lists as
        positions among them, so that a row in two lists is one row again after loading: the
        figures are pickled into the cache after every write (``bench/bench_cockpit.py``)."""
        rows: list[TaskRow] = []
        positions: dict[int, int] = {}

        def at(row: TaskRow) -> int:
            found = positions.get(id(row))
            if found is None:
                found = positions[id(row)] = len(rows)
                rows.append(row)
            return found

        tasks = [at(row) for row in self.tasks]
        actions = [(replace(a, tasks=[]), [at(row) for row in a.tasks]) for a in self.actions]
        counties = [(replace(c, tasks=[]), [at(row) for row in c.tasks]) for c in self.counties]
        rest = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _ROW_LISTS}
        return (_plan_figures_from, (pack_task_rows(rows), tasks, actions, counties, rest))


#: the fields of :class:`_PlanFigures` that hold task rows (pickled as positions among them)
_ROW_LISTS = ("tasks", "actions", "counties")


def _plan_figures_from(
    columns: list[list[Any]],
    tasks: list[int],
    actions: list[tuple[ActionRow, list[int]]],
    counties: list[tuple[CountyRow, list[int]]],
    rest: dict[str, Any],
) -> _PlanFigures:
    """The :class:`_PlanFigures` pickled by its ``__reduce__``."""
    rows = unpack_task_rows(columns)
    for action, positions in actions:
        action.tasks = [rows[i] for i in positions]
    for county, positions in counties:
        county.tasks = [rows[i] for i in positions]
    return _PlanFigures(
        tasks=[rows[i] for i in tasks],
        actions=[holder for holder, _positions in actions],
        counties=[holder for holder, _positions in counties],
        **rest,
    )


def _plan_figures(*, user: Any, plan: Plan, period: ReportingPeriod, today: date) -> _PlanFigures:
    """:func:`_plan_figures_compute`, cached until the next write (:mod:`jingjin.dashboard.figure_cache`).

    The key holds the plan, the period and its deadline, ``today`` (late and missing reports),
    the language (names) and the SQL of the restricted querysets read (what the user may see)."""
    version = data_version()  # before the data: a write meanwhile leaves a stale-marked entry
    tasks = restrict(user, "view", Task.objects.filter(measure__action__plan=plan))
    actions = restrict(user, "view", Action.objects.filter(plan=plan)).order_by("position", "code")
    measures = restrict(user, "view", Measure.objects.filter(action__plan=plan))
    due = restrict(user, "view", tasks_due(period=period).filter(measure__action__plan=plan))
    key = ":".join(
        [
            "jingjin:cockpit",
            str(plan.pk),
            str(period.pk),
            period.code,
            period.deadline.isoformat(),
            today.isoformat(),
            get_language() or "",
            scope(tasks, actions, measures, due),
        ]
    )
    return cached(
        key,
        version,
        lambda: _plan_figures_compute(
            user=user,
            plan=plan,
            period=period,
            today=today,
            tasks=tasks,
            actions=actions,
            measures=measures,
            due=due,
        ),
    )


def _plan_figures_compute(
    *,
    user: Any,
    plan: Plan,
    period: ReportingPeriod,
    today: date,
    tasks: QuerySet[Task],
    actions: QuerySet[Action],
    measures: QuerySet[Measure],
    due: QuerySet[Task],
) -> _PlanFigures:
    """Task rows, statuses, roll-up, attention list, trends, counties of ``plan`` at ``period``
    from the querysets restricted to the user (a fixed number of queries)."""
    rows = _task_rows(user=user, plan=plan, period=period, tasks=tasks)
    # a county's or park's share (任务分解) rolls up into its city task: not a task of the measure
    city = [t for t in rows if t.parent_id is None]
    city_ids = {t.pk for t in city}
    shares = [t for t in rows if t.parent_id in city_ids]
    ordered = city + shares
    action_list = list(actions)
    tree = _tree(plan, action_list, list(measures.values_list("pk", "action_id", "weight")), ordered)
    progress, coverage = _rollup(tree, ordered)
    split = {t.parent_id for t in shares}
    for task in city:
        if task.pk in split:  # reported through its shares
            task.reported_pct = progress.get(f"t:{task.pk}")
    _statuses(ordered, period)
    by_action: dict[int, list[TaskRow]] = {}
    for task in city:
        by_action.setdefault(task.action_id, []).append(task)
    return _PlanFigures(
        tasks=city,
        progress=progress.get(f"p:{plan.pk}"),
        coverage=coverage.get(f"p:{plan.pk}", 0.0),
        actions=[
            ActionRow(
                pk=a.pk,
                code=a.code,
                name=a.name,
                weight=float(a.weight),
                progress=progress.get(f"a:{a.pk}"),
                coverage=coverage.get(f"a:{a.pk}", 0.0),
                tasks=by_action.get(a.pk, []),
            )
            for a in action_list
        ],
        report_rows=report_rows(period=period, tasks=due, as_of=today),
        trends=_trends(plan, tree, ordered, period),
        counties=_counties(plan, ordered),
        synthetic=(  # a month not stored yet (a page stores none) has no reports
            period.pk is not None
            and Report.objects.filter(
                period=period, is_synthetic=True, task__measure__action__plan=plan
            ).exists()
        ),
    )


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
