"""Reads of the plan office's data-entry pages: the recorded figures and the keys the schemes use."""

from __future__ import annotations

from django.db.models import QuerySet

from jingjin.assessment.scheme_models import RecordedFigure, SchemeAdjustment, SchemeCriterion

RECORDED = "recorded"


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
