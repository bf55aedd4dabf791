"""Reads of the plan registry, always through ``restrict`` (what the user may see)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from jingjin.core.models import Unit
from jingjin.plans.models import Action, Indicator, Measure, Mechanism, Plan, Task


def plan_list(*, user: Any) -> QuerySet[Plan]:
    return Plan.objects.restrict(user, "view")


def plan_tree(*, user: Any, plan: Plan) -> QuerySet[Action]:
    """The actions of ``plan`` with measures, tasks, owners and indicators, in a fixed number of queries."""
    return (
        Action.objects.restrict(user, "view")
        .filter(plan=plan)
        .select_related("lead_unit")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.select_related("lead_unit")),
            Prefetch("measures__tasks", queryset=Task.objects.select_related("lead_unit")),
            "measures__tasks__mechanisms",
            "measures__tasks__counties",
            Prefetch("measures__tasks__indicators", queryset=Indicator.objects.only("id", "task_id", "code")),
        )
    )


def task_search(*, user: Any, query: str, plan: Plan | None = None) -> QuerySet[Task]:
    """Tasks whose code, names, description, mechanisms, indicators or owners match ``query``."""
    tasks = Task.objects.restrict(user, "view").select_related("lead_unit", "measure__action")
    if plan is not None:
        tasks = tasks.filter(measure__action__plan=plan)
    for word in query.split():
        tasks = tasks.filter(
            Q(code__icontains=word)
            | Q(name_zh__icontains=word)
            | Q(name_en__icontains=word)
            | Q(description_zh__icontains=word)
            | Q(description_en__icontains=word)
            | Q(mechanisms__name_zh__icontains=word)
            | Q(mechanisms__name_en__icontains=word)
            | Q(indicators__name_zh__icontains=word)
            | Q(indicators__name_en__icontains=word)
            | Q(lead_unit__name_zh__icontains=word)
            | Q(lead_unit__name_en__icontains=word)
        )
    return tasks.distinct().order_by("measure__action__position", "measure__position", "position")


def task_detail(*, user: Any, plan: Plan, code: str) -> Task:
    return (
        Task.objects.restrict(user, "view")
        .select_related(
            "lead_unit", "measure__action__plan", "measure__lead_unit", "measure__action__lead_unit"
        )
        .prefetch_related(
            "co_units",
            "counties",
            "mechanisms",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("responsible_unit", "benchmark_indicator"),
            ),
            "indicators__targets",
            "indicators__milestones",
        )
        .get(measure__action__plan=plan, code=code)
    )


def unit_tasks(*, user: Any, unit: Unit) -> QuerySet[Task]:
    """Tasks led by ``unit`` or a unit below it."""
    return (
        Task.objects.restrict(user, "view")
        .filter(lead_unit_id__in=unit.descendant_ids())
        .select_related("lead_unit", "measure__action")
        .order_by("measure__action__position", "measure__position", "position")
    )


def mechanism_list(*, user: Any, plan: Plan) -> QuerySet[Mechanism]:
    return Mechanism.objects.restrict(user, "view").filter(plan=plan).prefetch_related("tasks")
