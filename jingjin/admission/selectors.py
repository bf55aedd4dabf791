"""Reads of the admission app: lists with their related rows, the application's re-checks, a
run's candidates and the charts' series."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from jingjin.admission.models import (
    AllocationRun,
    Application,
    CatalogueEntry,
    LandThreshold,
    QuotaPool,
    ZoningUnit,
)
from jingjin.core.permissions import restrict


def applications(user: Any, *, state: str = "", outcome: str = "") -> QuerySet[Application]:
    queryset = restrict(user, "view", Application.objects.all()).select_related(
        "park__unit", "industry", "catalogue_entry", "zoning_unit"
    )
    if state:
        queryset = queryset.filter(state=state)
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    return queryset


def application_detail(user: Any, pk: int) -> Application | None:
    return applications(user).prefetch_related("rechecks").filter(pk=pk).first()


def catalogue(user: Any) -> QuerySet[CatalogueEntry]:
    return restrict(user, "view", CatalogueEntry.objects.all()).select_related("industry")


def zoning_units(user: Any) -> QuerySet[ZoningUnit]:
    return restrict(user, "view", ZoningUnit.objects.all()).select_related("county")


def thresholds(user: Any) -> QuerySet[LandThreshold]:
    return restrict(user, "view", LandThreshold.objects.all()).select_related("park__unit", "industry")


def pools(user: Any) -> QuerySet[QuotaPool]:
    return restrict(user, "view", QuotaPool.objects.all())


def runs(user: Any) -> QuerySet[AllocationRun]:
    return (
        restrict(user, "view", AllocationRun.objects.all())
        .select_related("pool", "job")
        .annotate(candidate_count=Count("candidates"))
        .order_by("-created", "code")
    )


def outcome_counts(user: Any) -> dict[str, int]:
    """Applications by check result, for the chart of the list page."""
    rows = applications(user).exclude(outcome="").values("outcome").annotate(n=Count("id"))
    return {row["outcome"]: row["n"] for row in rows}
