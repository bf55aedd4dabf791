"""Reads of the public page (公开页面) of a plan: what a plan opted in to show without sign-in.

Shown: the plan's actions, measures and tasks (city tasks; the county and park shares count in
their city task's progress) with their completion and status light, computed from **approved**
monthly reports only (drafts and reports under review never count); the published red/black lists
(names, verdicts, scores and ranks — never reasons or comments); and the indicators selected for the
page, with their baseline, targets and the actual values of approved reports. Nothing else: no
user, no person's name, no draft, no unpublished plan.

The figures are cached per plan, day and language until the next write of the platform (every
write leaves an audit row, :func:`jingjin.dashboard.figure_cache.data_version`), so a publish or a
change shows at once and a repeated read costs two small queries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from jingjin.assessment.choices import ListStatus, Verdict
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.core import clock
from jingjin.core.models import bilingual, english_active
from jingjin.dashboard.figure_cache import cached, data_version
from jingjin.dashboard.results import STATUS_HEX, STATUS_KEYS, status_colour, status_label
from jingjin.engines.status import task_status
from jingjin.plans.models import Action, Indicator, IndicatorTarget, Measure, Plan, Task
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.models import Report, ReportIndicatorValue, month_index
from jingjin.reporting.selectors import reported_month, shares_rollup

#: published red/black lists shown (the newest first)
MAX_LISTS = 4
#: months of actual values in an indicator's chart (the newest)
MAX_MONTHS = 24


def public_plans() -> QuerySet[Plan]:
    """The plans that opted in to the public page."""
    return Plan.objects.filter(public=True).order_by("code")


def public_plan(code: str) -> Plan:
    """The plan ``code`` if it opted in (``Plan.DoesNotExist`` otherwise)."""
    return Plan.objects.get(code=code, public=True)


def public_page(
    plan: Plan, *, today: date | None = None, render: Callable[[dict[str, Any]], str] | None = None
) -> tuple[dict[str, Any], str]:
    """Everything the public page of ``plan`` shows, and ``render(data)`` (the page's body as
    HTML; "" without ``render``), both cached until the next write."""
    today = today or clock.today()
    version = data_version()
    key = f"jingjin:public:{plan.pk}:{today.isoformat()}:{get_language() or ''}"
    data = cached(key, version, lambda: _compute(plan, today))
    html = cached(f"{key}:html", version, lambda: render(data)) if render is not None else ""
    return data, html


def _approved(field: str, up_to: int) -> Subquery:
    latest = Report.objects.filter(
        task=OuterRef("pk"),
        status=ReportStatus.APPROVED,
        completion_pct__isnull=False,
        period_index__lte=up_to,
    )
    return Subquery(latest.order_by("-period_index").values(field)[:1])


def _progress(task_ids: list[int], up_to: int) -> dict[int, float]:
    """Task id → completion % of its latest approved report; a task with shares: the weighted
    roll-up of its shares' latest approved reports."""
    found = (
        Task.objects.filter(Q(pk__in=task_ids) | Q(parent_id__in=task_ids))
        .annotate(pct=_approved("completion_pct", up_to), index=_approved("period_index", up_to))
        .values_list("pk", "parent_id", "weight", "pct", "index")
    )
    out: dict[int, float] = {}
    shares: dict[int, list[tuple[float, int | None, int | None]]] = {}
    for pk, parent_id, weight, pct, index in found:
        if parent_id is not None:
            shares.setdefault(parent_id, []).append((float(weight), pct, index))
        elif pct is not None:
            out[pk] = float(pct)
    for parent_id, parts in shares.items():
        out.pop(parent_id, None)
        rolled = shares_rollup(parts)
        if rolled is not None:
            out[parent_id] = float(rolled[0])
    return out


def _tasks(plan: Plan, as_of: date, up_to: int) -> list[dict[str, Any]]:
    english = english_active()
    tasks = list(
        Task.objects.filter(measure__action__plan=plan, parent__isnull=True)
        .order_by("measure__action__position", "measure__position", "position", "code")
        .values_list(
            "pk",
            "code",
            "name_zh",
            "name_en",
            "lead_unit__name_zh",
            "lead_unit__name_en",
            "measure_id",
            "start",
            "end",
        )
    )
    progress = _progress([t[0] for t in tasks], up_to)
    frame = pl.DataFrame(
        {
            "task_id": [t[0] for t in tasks],
            "start": [t[7] for t in tasks],
            "end": [t[8] for t in tasks],
            "reported_pct": [progress.get(t[0]) for t in tasks],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    codes = task_status(frame, as_of=as_of).get_column("status").to_list() if tasks else []
    return [
        {
            "code": code,
            "name": bilingual(zh, en, english=english),
            "lead_unit": bilingual(unit_zh or "", unit_en or "", english=english),
            "measure_id": measure,
            "progress": progress.get(pk),
            "status": int(status),
            "status_key": STATUS_KEYS[int(status)],
            "status_label": str(status_label(int(status))),
            "status_colour": status_colour(int(status)),
        }
        for (pk, code, zh, en, unit_zh, unit_en, measure, _start, _end), status in zip(
            tasks, codes, strict=True
        )
    ]


def _outline(plan: Plan, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_measure: dict[int, list[dict[str, Any]]] = {}
    for task in tasks:
        by_measure.setdefault(task["measure_id"], []).append(task)
    measures: dict[int, list[dict[str, Any]]] = {}
    for measure in Measure.objects.filter(action__plan=plan).order_by("position", "code"):
        measures.setdefault(measure.action_id, []).append(
            {"code": measure.code, "name": measure.name, "tasks": by_measure.get(measure.pk, [])}
        )
    return [
        {"code": action.code, "name": action.name, "measures": measures.get(action.pk, [])}
        for action in Action.objects.filter(plan=plan).order_by("position", "code")
    ]


def _concerns(plan: Plan) -> tuple[set[int], set[int]]:
    """The units and key projects a plan's red/black lists concern: the units that lead a task of
    the plan (its county and park shares too), and the projects linked to a task of the plan or
    owned by one of those units."""
    from jingjin.projects.models import KeyProject

    units = set(
        Task.objects.filter(measure__action__plan=plan).order_by().values_list("lead_unit_id", flat=True)
    )
    units.discard(None)
    projects = set(
        KeyProject.objects.filter(Q(tasks__measure__action__plan=plan) | Q(owner_unit_id__in=units))
        .order_by()
        .values_list("pk", flat=True)
    )
    return units, projects


def _lists(plan: Plan) -> list[dict[str, Any]]:
    """The newest published red/black lists of the plan: those with an entry of a unit or project
    of the plan (:func:`_concerns`), and of them who of the plan is on the red and on the black
    list — another plan's units are not shown on this plan's page."""
    units, projects = _concerns(plan)
    of_plan = Q(project__isnull=True, unit_id__in=units) | Q(project_id__in=projects)
    lists = list(
        RankingList.objects.filter(status=ListStatus.PUBLISHED)
        .filter(pk__in=RankingEntry.objects.filter(of_plan).values("ranking_list_id"))
        .select_related("scheme", "period")
        .order_by("-period__year", "-period__month", "scheme__position", "scheme__code")[:MAX_LISTS]
    )
    entries: dict[int, list[RankingEntry]] = {}
    for entry in (
        RankingEntry.objects.filter(of_plan, ranking_list__in=lists, verdict__in=[Verdict.RED, Verdict.BLACK])
        .select_related("unit", "project")
        .order_by("rank", "bottom_rank", "unit__code")
    ):
        entries.setdefault(entry.ranking_list_id, []).append(entry)

    def row(entry: RankingEntry) -> dict[str, Any]:
        name = entry.project.name if entry.project is not None else entry.unit.name
        return {"name": name, "score": round(entry.score, 1), "rank": entry.rank}

    return [
        {
            "scheme": ranking_list.scheme.name,
            "period": ranking_list.period.code,
            "synthetic": ranking_list.is_synthetic,
            "red": [row(e) for e in entries.get(ranking_list.pk, []) if e.verdict == Verdict.RED],
            "black": [row(e) for e in entries.get(ranking_list.pk, []) if e.verdict == Verdict.BLACK],
        }
        for ranking_list in lists
    ]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _indicators(plan: Plan, up_to: int) -> list[dict[str, Any]]:
    """The selected indicators with their baseline, targets and actual values (approved reports)."""
    indicators = list(
        Indicator.objects.filter(task__measure__action__plan=plan, public=True)
        .select_related("task")
        .order_by("task__code", "position", "code")
    )
    ids = [i.pk for i in indicators]
    targets: dict[int, list[tuple[int, float]]] = {}
    for target in IndicatorTarget.objects.filter(indicator_id__in=ids).order_by("year"):
        targets.setdefault(target.indicator_id, []).append((target.year, float(target.value)))
    actuals: dict[int, list[tuple[str, float]]] = {}
    values = (
        ReportIndicatorValue.objects.filter(
            indicator_id__in=ids,
            value__isnull=False,
            report__status=ReportStatus.APPROVED,
            report__period_index__lte=up_to,
        )
        .order_by("report__period_index")
        .values_list("indicator_id", "report__period__year", "report__period__month", "value")
    )
    for indicator_id, year, month, value in values:
        actuals.setdefault(indicator_id, []).append((f"{year:04d}-{month:02d}", float(value or 0)))
    actuals = {key: rows[-MAX_MONTHS:] for key, rows in actuals.items()}
    return [
        {
            "id": f"indicator-{n}",
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "baseline": _number(i.baseline_value),
            "baseline_year": i.baseline_year,
            "target": _number(i.target_value),
            "target_year": i.target_year,
            "targets": targets.get(i.pk, []),
            "months": [m for m, _v in actuals.get(i.pk, [])],
            "actuals": [v for _m, v in actuals.get(i.pk, [])],
            "latest": actuals[i.pk][-1][1] if actuals.get(i.pk) else None,
        }
        for n, i in enumerate(indicators, start=1)
    ]


def _compute(plan: Plan, today: date) -> dict[str, Any]:
    import calendar

    year, month = reported_month(today)
    as_of = date(year, month, calendar.monthrange(year, month)[1])
    up_to = month_index(year, month)
    tasks = _tasks(plan, as_of, up_to)
    counts = dict.fromkeys(STATUS_KEYS.values(), 0)
    for task in tasks:
        counts[task["status_key"]] += 1
    return {
        "name": plan.name,
        "description": plan.description,
        "month": f"{year:04d}-{month:02d}",
        "outline": _outline(plan, tasks),
        "task_count": len(tasks),
        "lists": _lists(plan),
        "indicators": _indicators(plan, up_to),
        "chart": {
            "status": [
                {
                    "key": key,
                    "label": str(status_label(code)),
                    "value": counts[key],
                    "colour": STATUS_HEX[code],
                }
                for code, key in STATUS_KEYS.items()
            ],
        },
    }
