"""Reads of the configurable schemes, races and village-cadre pay."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jingjin.assessment.scheme_models import (
    AssessmentScheme,
    CadrePayScheme,
    Race,
    RaceRound,
    RunKind,
    SchemeRun,
    SchemeStatus,
)
from jingjin.core.permissions import has_role, may_manage_assessment_schemes
from jingjin.reporting.models import ReportingPeriod


def visible_schemes(*, user: Any) -> QuerySet[AssessmentScheme]:
    """Every version for the plan office; the published and superseded ones for other users."""
    if not has_role(user):
        return AssessmentScheme.objects.none()
    schemes = AssessmentScheme.objects.all()
    if not may_manage_assessment_schemes(user):
        schemes = schemes.exclude(status=SchemeStatus.DRAFT)
    return schemes.order_by("code", "-version")


def scheme_runs(*, scheme: AssessmentScheme, user: Any) -> QuerySet[SchemeRun]:
    """The runs of a version a user sees: previews for the plan office only."""
    runs = scheme.runs.select_related("period").order_by("-period__year", "-period__month", "kind")
    if not may_manage_assessment_schemes(user):
        runs = runs.filter(kind=RunKind.PUBLISHED)
    return runs


def races() -> QuerySet[Race]:
    return Race.objects.select_related("scheme", "start", "end").order_by("code")


def race_chart(*, race: Race) -> dict[str, Any]:
    """The rank history of each unit over the rounds (ECharts line series; rank None: unranked)."""
    rounds = list(RaceRound.objects.filter(race=race).select_related("period").order_by("number"))
    names: dict[str, str] = {}
    for r in rounds:
        for row in r.rows:
            names.setdefault(row["unit"], row["name_zh"])
    series = []
    for code, name in names.items():
        ranks = []
        for r in rounds:
            rank = next((row["rank"] for row in r.rows if row["unit"] == code), None)
            ranks.append(rank)
        series.append({"code": code, "name": name, "ranks": ranks})
    return {"rounds": [r.period.code for r in rounds], "series": series}


def published_run_of(*, scheme: AssessmentScheme, period: ReportingPeriod) -> SchemeRun | None:
    """The published run of ``scheme`` (this version) for ``period``, if there is one."""
    return (
        SchemeRun.objects.select_related("scheme", "period")
        .filter(scheme=scheme, period=period, kind=RunKind.PUBLISHED)
        .first()
    )


def pay_schemes() -> QuerySet[CadrePayScheme]:
    return CadrePayScheme.objects.select_related("period").prefetch_related("bands").order_by("code")
