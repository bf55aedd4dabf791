"""Reads of the plan office's data-entry pages: the recorded figures and the keys the schemes use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jingjin.assessment.scheme_models import (
    AssessmentScheme,
    PeerSet,
    RecordedFigure,
    SchemeAdjustment,
    SchemeCriterion,
    SchemeStatus,
)
from jingjin.core.models import Unit

RECORDED = "recorded"
#: the table of the peer sets' units
PeerSetUnits = PeerSet.units.through


def recorded_figures(*, period_code: str = "", key: str = "", limit: int = 300) -> QuerySet[RecordedFigure]:
    """The recorded figures, newest month first, filtered by month ``YYYY-MM`` and key."""
    figures = RecordedFigure.objects.select_related("unit", "period")
    if period_code:
        year, _, month = period_code.partition("-")
        if year.isdigit() and month.isdigit():
            figures = figures.filter(period__year=int(year), period__month=int(month))
    if key:
        figures = figures.filter(key=key)
    return figures.order_by("-period__year", "-period__month", "key", "unit__code")[:limit]


def count_keys() -> set[str]:
    """The keys a bonus or deduction rule counts as events (whole numbers ≥ 0)."""
    return set(
        SchemeAdjustment.objects.filter(source=RECORDED)
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )


def figure_keys() -> list[tuple[str, str]]:
    """Every key in use — by a scheme's criterion or rule, or already recorded — with where it is used."""
    used: dict[str, set[str]] = {}
    for key, code in SchemeCriterion.objects.filter(source=RECORDED).values_list(
        "source_key", "scheme__code"
    ):
        used.setdefault(key, set()).add(code)
    for key, code in SchemeAdjustment.objects.filter(source=RECORDED).values_list(
        "source_key", "scheme__code"
    ):
        used.setdefault(key, set()).add(code)
    for key in RecordedFigure.objects.values_list("key", flat=True).distinct():
        used.setdefault(key, set())
    return [(key, ", ".join(sorted(codes))) for key, codes in sorted(used.items()) if key]


def figure_units(key: str) -> QuerySet[Unit]:
    """The units a key applies to: those of the peer sets of the schemes (drafts and published
    versions) whose criteria or bonus and deduction rules read the key; every unit when none does."""
    uses = Q(criteria__source=RECORDED, criteria__source_key=key) | Q(
        adjustments__source=RECORDED, adjustments__source_key=key
    )
    peer_sets = (
        AssessmentScheme.objects.exclude(status=SchemeStatus.SUPERSEDED).filter(uses).values("peer_set")
    )
    units = Unit.objects.filter(pk__in=PeerSetUnits.objects.filter(peerset__in=peer_sets).values("unit"))
    return (units if units.exists() else Unit.objects.all()).order_by("position", "code")


def figure_values(key: str, year: int, month: int) -> dict[int, float]:
    """The values recorded under ``key`` for the month, by unit id."""
    return dict(
        RecordedFigure.objects.filter(key=key, period__year=year, period__month=month).values_list(
            "unit_id", "value"
        )
    )
