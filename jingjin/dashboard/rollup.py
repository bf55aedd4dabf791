"""The plan's tasks with their latest reported completion and status at a period, and the
weighted roll-up of the plan tree (plan → actions → measures → tasks, a share under its city
task) by the status engine — the cockpit's and the other pages' figures (:mod:`jingjin.dashboard.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from jingjin.core.models import bilingual, english_active
from jingjin.core.permissions import restrict
from jingjin.dashboard.results import TaskRow
from jingjin.engines.status import rollup_matrix, task_status
from jingjin.plans.models import Action, Plan, Task
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.selectors import latest_reported_of_task


def _task_rows(
    *, user: Any, plan: Plan | None, period: ReportingPeriod, tasks: QuerySet[Task] | None = None
) -> list[TaskRow]:
    """The plan's tasks (or ``tasks``, already restricted), each with the completion % of its
    latest reported report up to ``period``.

    One query; the latest report is an index seek on (task, period_index) per task."""
    if tasks is None:
        tasks = restrict(user, "view", Task.objects.filter(measure__action__plan=plan))
    latest = latest_reported_of_task("completion_pct", up_to=period)
    # On SQLite the weight, the days and the latest % are read as the database's text: Django
    # would otherwise pass every row through its converters (a Decimal, two dates and an int
    # made one cell at a time), most of the rows' time after the query (``bench_cockpit_parts.py``,
    # ``_task_rows``). They are made here in one pass. Other drivers make them in C.
    as_text = connections[tasks.db].vendor == "sqlite"
    if as_text:
        tasks = tasks.annotate(
            weight_text=Cast("weight", TextField()),
            start_text=Cast("start", TextField()),
            end_text=Cast("end", TextField()),
            latest_pct=Cast(latest, TextField()),
        )
        cells = ("weight_text", "start_text", "end_text", "latest_pct")
    else:
        tasks = tasks.annotate(latest_pct=latest)
        cells = ("weight", "start", "end", "latest_pct")
    rows = tasks.order_by("measure__action__position", "measure__position", "position", "code").values_list(
        "pk",
        "code",
        "name_zh",
        "name_en",
        "lead_unit__name_zh",
        "lead_unit__name_en",
        "measure__action_id",
        "measure_id",
        *cells,
        "parent_id",
        "lead_unit_id",
    )
    english = english_active()
    day = _day_of_text if as_text else _day
    return [
        TaskRow(
            pk=pk,
            code=code,
            name=bilingual(name_zh, name_en, english=english),
            lead_unit=bilingual(unit_zh or "", unit_en or "", english=english),
            action_id=action,
            measure_id=measure,
            weight=float(weight),
            start=day(start),
            end=day(end),
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


def _day(value: date | None) -> date | None:
    return value


def _day_of_text(value: str | None) -> date | None:
    """A day as SQLite holds it (``YYYY-MM-DD``), or None."""
    return None if value is None else date.fromisoformat(value)


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
    reported = np.fromiter(
        (np.nan if t.reported_pct is None else t.reported_pct for t in tasks),
        dtype=np.float64,
        count=len(tasks),
    ).reshape(-1, 1)
    result, coverage = _rollup_columns(tree, reported)
    # Python floats by ``tolist`` (one call, not one conversion per node); NaN (v != v) → None
    return (
        {key: (None if v != v else v) for key, v in zip(tree.keys, result[:, 0].tolist(), strict=True)},
        dict(zip(tree.keys, coverage[:, 0].tolist(), strict=True)),
    )
