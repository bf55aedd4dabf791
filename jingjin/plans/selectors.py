"""Reads of the plan registry, always through ``restrict`` (what the user may see)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from jingjin.core.models import Unit
from jingjin.plans.models import Action, Indicator, Measure, Mechanism, Plan, Task


def plan_list(*, user: Any) -> QuerySet[Plan]:
    return Plan.objects.restrict(user, "view")


def plan_tasks(*, user: Any, plan: Plan) -> QuerySet[Task]:
    """The tasks of ``plan`` the user may see (not evaluated)."""
    return Task.objects.restrict(user, "view").filter(measure__action__plan=plan)


def plan_outline(*, user: Any, plan: Plan) -> list[Action]:
    """The actions of ``plan`` the user may see with their measures, without tasks.

    Each measure carries ``task_count``: how many of its tasks the user may see, counted by the
    database in one aggregate query. Three queries, however big the plan."""
    actions = list(
        Action.objects.restrict(user, "view")
        .filter(plan=plan)
        .select_related("lead_unit")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.restrict(user, "view").select_related("lead_unit"))
        )
    )
    if not actions:
        return actions
    counts = dict(
        plan_tasks(user=user, plan=plan)
        .filter(parent__isnull=True)  # a county's share counts inside its city task
        .order_by()
        .values("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
    )
    for action in actions:
        for measure in action.measures.all():
            measure.task_count = counts.get(measure.pk, 0)
    return actions


def indicator_count(*, user: Any, plan: Plan) -> int:
    """How many indicators of the plan's visible tasks the user may see (one aggregate query)."""
    return Indicator.objects.restrict(user, "view").filter(task__in=plan_tasks(user=user, plan=plan)).count()


def measure_of_plan(*, user: Any, plan: Plan, code: str) -> Measure:
    """The measure ``code`` of ``plan`` if the user may see it and its action (else ``DoesNotExist``)."""
    return (
        Measure.objects.restrict(user, "view")
        .filter(action__in=Action.objects.restrict(user, "view").filter(plan=plan).values("pk"))
        .get(code=code)
    )


def measure_tasks(*, user: Any, measure: Measure) -> list[Task]:
    """The city tasks of ``measure`` the user may see (shares stay inside their task), with lead
    unit, mechanisms, ``indicator_count`` and ``share_count`` (its county and park shares).

    Two queries, however many tasks."""
    return list(
        Task.objects.restrict(user, "view")
        .filter(measure=measure, parent__isnull=True)
        .select_related("lead_unit")
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            share_count=Count("shares", distinct=True),
        )
        .prefetch_related(Prefetch("mechanisms", queryset=Mechanism.objects.only("id", "name_zh", "name_en")))
        .order_by("position", "code")
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
            "lead_unit",
            "parent",
            "measure__action__plan",
            "measure__lead_unit",
            "measure__action__lead_unit",
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


def share_unit_choices(*, task: Task) -> list[tuple[Unit, bool, bool]]:
    """(unit, proposed, held) for every county and park: proposed when ``task`` names it among its
    counties, held when it already has a share of the task."""
    from jingjin.plans.shares import SHARE_KINDS

    named = {u.pk for u in task.counties.all()}
    held = set(task.shares.values_list("lead_unit_id", flat=True))
    return [
        (u, u.pk in named, u.pk in held)
        for u in Unit.objects.filter(kind__in=SHARE_KINDS).order_by("position", "code")
    ]
