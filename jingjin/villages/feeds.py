"""The villages' figures that feed action 4's plan indicators (自动取数), registered in
:mod:`jingjin.ecology.feeds` when the app is ready:

* ``toilets_built`` — household toilets built in the year (户, sum over the villages);
* ``toilet_villages`` — villages of the year's toilet programme;
* ``villages_not_weak`` — villages with a collective income of the year that are not weak
  (neither 空白, 空壳 nor 薄弱 on the year's thresholds).

Each is ``None`` for a year with no data, so a plan indicator shows no actual rather than 0.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.ecology.feeds import register
from jingjin.villages.choices import WEAK_TIERS
from jingjin.villages.models import CollectiveIncome, ToiletPlan


def _month(year: int) -> int:
    today = clock.today()
    return today.month if today.year == year else 12


def toilets_built(year: int) -> tuple[Decimal, int] | None:
    plans = ToiletPlan.objects.filter(year=year)
    if not plans.exists():
        return None
    built = sum(plans.values_list("built", flat=True))
    return Decimal(built), _month(year)


def toilet_villages(year: int) -> tuple[Decimal, int] | None:
    count = ToiletPlan.objects.filter(year=year).count()
    return (Decimal(count), _month(year)) if count else None


def villages_not_weak(year: int) -> tuple[Decimal, int] | None:
    incomes = CollectiveIncome.objects.filter(year=year)
    if not incomes.exists():
        return None
    return Decimal(incomes.exclude(tier__in=WEAK_TIERS).count()), _month(year)


register("toilets_built", toilets_built, label=_("household toilets built"), unit="户")
register("toilet_villages", toilet_villages, label=_("villages of the toilet programme"), unit="个")
register("villages_not_weak", villages_not_weak, label=_("villages with no weak-village flag"), unit="个")
