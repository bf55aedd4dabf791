"""Figures of the plan tree, the tree's task branches, the cockpit's task list and the unit
scorecard: the cockpit's figures (:mod:`jingjin.dashboard.selectors`), computed the same way for
other pages — a node's progress (weighted roll-up of the latest reported completion up to a
period), the share of its weight behind it and its light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from jingjin.core.permissions import restrict
from jingjin.dashboard.results import CountyRow, StatusCount, StatusShown, TaskRow, status_counts
from jingjin.dashboard.rollup import _rollup, _statuses, _task_rows, _tree
from jingjin.dashboard.selectors import _counties
from jingjin.engines.status import Status
from jingjin.plans.models import Action, Measure, Plan, Task
from jingjin.reporting.models import ReportingPeriod


@dataclass
class NodeFigure(StatusShown):
    """A plan node's progress (weighted roll-up of the latest reported completion up to the
    period), the share of its weight behind it, and its light (the worst known status of its
    tasks; a task's own status)."""

    progress: float | None
    coverage: float
    status: int = Status.UNKNOWN

    @property
    def coverage_pct(self) -> int:
        return round(self.coverage * 100)


@dataclass
class PlanFigures:
    """:class:`NodeFigure` of every node of a plan the user sees, by node key (``"p:1"``,
    ``"a:2"``, ``"m:3"``, ``"t:4"``), at ``period``."""

    period: ReportingPeriod
    nodes: dict[str, NodeFigure] = field(default_factory=dict)

    def of(self, node: Any) -> NodeFigure:
        """The figure of a :class:`Plan`, :class:`Action`, :class:`Measure` or :class:`Task`."""
        prefix = {Plan: "p", Action: "a", Measure: "m", Task: "t"}[type(node)]
        return self.nodes.get(f"{prefix}:{node.pk}", NodeFigure(None, 0.0))


def plan_figures(
    *, user: Any, plan: Plan, period: ReportingPeriod, outline: list[Action] | None = None
) -> PlanFigures:
    """Progress, coverage and light of every node of ``plan`` that ``user`` sees, at ``period``:
    the cockpit's roll-up and statuses over the whole tree. Three queries whatever the size; one
    when ``outline`` gives the visible actions with their visible measures prefetched (as
    :func:`jingjin.plans.selectors.plan_outline` does)."""
    tasks = _task_rows(user=user, plan=plan, period=period)
    if outline is None:
        actions = list(restrict(user, "view", Action.objects.filter(plan=plan)).order_by("position", "code"))
        measures = list(
            restrict(user, "view", Measure.objects.filter(action__plan=plan)).values_list(
                "pk", "action_id", "weight"
            )
        )
    else:
        actions = outline
        measures = [(m.pk, m.action_id, m.weight) for a in outline for m in a.measures.all()]
    _statuses(tasks, period)
    tree = _tree(plan, actions, measures, tasks)
    progress, coverage = _rollup(tree, tasks)
    worst: dict[str, int] = {}
    for task, node in zip(tasks, tree.task_node, strict=True):
        if node < 0:
            continue
        worst[f"t:{task.pk}"] = task.status
        if task.status == Status.UNKNOWN:
            continue
        parent = int(tree.parent[node])
        while parent >= 0:  # measure, action, plan
            key = tree.keys[parent]
            worst[key] = max(worst.get(key, Status.UNKNOWN), task.status)
            parent = int(tree.parent[parent])
    return PlanFigures(
        period=period,
        nodes={
            key: NodeFigure(progress.get(key), coverage.get(key, 0.0), worst.get(key, Status.UNKNOWN))
            for key in tree.keys
        },
    )


def task_figures(*, user: Any, tasks: QuerySet[Task], period: ReportingPeriod) -> dict[int, TaskRow]:
    """Task id → :class:`TaskRow` (latest reported completion up to ``period``, expected progress
    and status at its end) of the ``tasks`` the user may see. One query."""
    rows = _task_rows(user=user, plan=None, period=period, tasks=restrict(user, "view", tasks))
    _statuses(rows, period)
    return {row.pk: row for row in rows}


@dataclass
class TaskList:
    """The tasks behind a number of the cockpit: the plan's tasks at the period, narrowed to an
    action, a county (as the cockpit's county view lists them) and a status."""

    plan: Plan | None
    plans: list[Plan]
    period: ReportingPeriod
    tasks: list[TaskRow] = field(default_factory=list)
    counts: list[StatusCount] = field(default_factory=list)  # before the status filter
    status: int | None = None
    action: Action | None = None
    county: CountyRow | None = None


def cockpit_tasks(
    *,
    user: Any,
    period: ReportingPeriod,
    plan_code: str = "",
    status: int | None = None,
    action: str = "",
    county: str = "",
) -> TaskList:
    """The tasks counted by a figure of :func:`cockpit` for the same user, plan and period: all,
    or those of the action ``action`` (code), of the county or park ``county`` (code) and in the
    status ``status``, with the same latest completion and status as on the cockpit. An unknown
    action or county gives no task. Raises ``Plan.DoesNotExist`` as :func:`cockpit`.
    Five queries at most, whatever the size of the plan."""
    plans = list(Plan.objects.restrict(user, "view").order_by("code"))
    if plan_code:
        plan = next((p for p in plans if p.code == plan_code), None)
        if plan is None:
            raise Plan.DoesNotExist(f"no plan {plan_code!r}")
    else:
        plan = plans[0] if plans else None
    result = TaskList(plan=plan, plans=plans, period=period, status=status)
    if plan is None:
        return result
    tasks = _task_rows(user=user, plan=plan, period=period)
    _statuses(tasks, period)
    if action:
        result.action = restrict(user, "view", Action.objects.filter(plan=plan, code=action)).first()
        tasks = [t for t in tasks if result.action is not None and t.action_id == result.action.pk]
    if county:
        result.county = next((c for c in _counties(plan, tasks) if c.code == county), None)
        tasks = result.county.tasks if result.county is not None else []
    result.counts = status_counts(tasks)
    result.tasks = [t for t in tasks if status is None or t.status == status]
    return result
