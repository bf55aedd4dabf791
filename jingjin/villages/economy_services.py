"""Writes of the village collective economy (村集体经济): the thresholds of a year and the villages'
incomes, with their operating income, total income and tier computed here
(:mod:`jingjin.engines.villages`), audited; the fed figures follow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.models import Unit
from jingjin.core.services import audit_change
from jingjin.engines.villages import check_thresholds, income_tier, operating_income
from jingjin.villages.models import CollectiveIncome, EconomyThresholds
from jingjin.villages.services import refresh_feeds, require_manager, require_village

CENT = Decimal("0.01")
INCOME_PARTS = ("business", "contracting", "investment", "other_operating", "subsidies", "other")


def thresholds_of(year: int) -> EconomyThresholds:
    """The thresholds of ``year``: its own, else the latest earlier year's, else the defaults
    (5 / 10 / 50 万元, unsaved)."""
    found = EconomyThresholds.objects.filter(year__lte=year).order_by("-year").first()
    return found or EconomyThresholds(year=year)


@transaction.atomic
def thresholds_set(
    *,
    actor: Any,
    year: int,
    shell_below: Decimal,
    weak_below: Decimal,
    strong_from: Decimal,
    base_year: int | None = None,
    target_weak_max: int = 0,
    is_synthetic: bool = False,
    source: str = "web",
) -> EconomyThresholds:
    """Set the tiers' thresholds (万元) and the 消薄倍增 target of ``year``; the tiers of the year's
    incomes are computed again."""
    require_manager(actor)
    try:
        check_thresholds(shell_below, weak_below, strong_from)
    except ValueError as exc:
        raise ValidationError(
            {"weak_below": _("The thresholds must rise: 0 < shell < weak ≤ strong.")}
        ) from exc
    if base_year is not None and base_year >= year:
        raise ValidationError({"base_year": _("The base year must come before the year.")})
    row = EconomyThresholds.objects.filter(year=year).first()
    before = row.snapshot() if row is not None else None
    row = row or EconomyThresholds(year=year)
    row.shell_below, row.weak_below, row.strong_from = shell_below, weak_below, strong_from
    row.base_year, row.target_weak_max, row.is_synthetic = base_year, target_weak_max, is_synthetic
    row.full_clean()
    row.save()
    audit_change(actor=actor, obj=row, before=before, source=source)
    for income in CollectiveIncome.objects.filter(year__gte=year).select_related("village"):
        tier = _tier(income.operating_income, thresholds_of(income.year))
        if tier != income.tier:
            old = income.snapshot()
            income.tier = tier
            income.save(update_fields=["tier"])
            audit_change(actor=actor, obj=income, before=old, source=source)
    transaction.on_commit(lambda: refresh_feeds(range(year, year + 1)))
    return row


def _tier(income: Decimal, thresholds: EconomyThresholds) -> str:
    return income_tier(income, thresholds.shell_below, thresholds.weak_below, thresholds.strong_from)


def collective_income_write(
    *, actor: Any, village: Unit, year: int, parts: dict[str, Decimal], is_synthetic: bool, source: str
) -> CollectiveIncome:
    """Write one village's income of ``year`` inside the caller's transaction (the import's), no
    feed refresh: ``parts`` holds the six parts of :data:`INCOME_PARTS` (万元)."""
    require_village(actor, village)
    income = CollectiveIncome.objects.filter(village=village, year=year).first()
    before = income.snapshot() if income is not None else None
    income = income or CollectiveIncome(village=village, year=year)
    for name in INCOME_PARTS:
        setattr(income, name, Decimal(parts.get(name, 0)).quantize(CENT))
    income.operating_income = operating_income(
        income.business, income.contracting, income.investment, income.other_operating
    )
    income.total_income = income.operating_income + income.subsidies + income.other
    income.tier = _tier(income.operating_income, thresholds_of(year))
    income.is_synthetic = is_synthetic
    income.full_clean()
    income.save()
    audit_change(actor=actor, obj=income, before=before, source=source)
    return income


def collective_income_save(
    *,
    actor: Any,
    village: Unit,
    year: int,
    parts: dict[str, Decimal],
    is_synthetic: bool = False,
    source: str = "web",
) -> CollectiveIncome:
    """Record ``village``'s collective income of ``year`` and feed the plan's indicators."""
    with transaction.atomic():
        income = collective_income_write(
            actor=actor, village=village, year=year, parts=parts, is_synthetic=is_synthetic, source=source
        )
    refresh_feeds([year])
    return income
