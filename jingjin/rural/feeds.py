"""Figures of return-to-poverty monitoring that may feed action 4's plan indicators (自动取数):
``rural_eliminated`` (households whose risk was eliminated in the year) and ``rural_monitored``
(households under monitoring at the end of the year, or today in the current year). Registered with
:mod:`jingjin.ecology.feeds` when the app is ready; the plan office links an indicator to one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.ecology import feeds
from jingjin.rural.choices import HouseholdState
from jingjin.rural.models import Household


def _end(year: int) -> tuple[date, int]:
    today = clock.today()
    return (today, today.month) if today.year == year else (date(year, 12, 31), 12)


def eliminated(year: int) -> tuple[Decimal, int] | None:
    """Households whose risk was eliminated (风险消除) in ``year``; None before any household."""
    end, month = _end(year)
    if not Household.objects.filter(lead_date__lte=end).exists():
        return None
    count = Household.objects.filter(state=HouseholdState.ELIMINATED, eliminated_on__year=year).count()
    return Decimal(count), month


def monitored(year: int) -> tuple[Decimal, int] | None:
    """Households under monitoring at the end of ``year``: approved by then and not eliminated by then."""
    end, month = _end(year)
    approved = Household.objects.filter(monitored_since__lte=end)
    if not Household.objects.filter(lead_date__lte=end).exists():
        return None
    count = approved.filter(Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=end)).count()
    return Decimal(count), month


def register() -> None:
    feeds.register(
        "rural_eliminated", eliminated, label=_("households whose poverty-return risk was eliminated")
    )
    feeds.register("rural_monitored", monitored, label=_("households under return-to-poverty monitoring"))
