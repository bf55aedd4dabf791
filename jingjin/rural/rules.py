"""The monitoring rules applied to stored households: the line of a year, the months above it,
the elimination test (the screening engine's rule on one household), the pools' balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from jingjin.commands.rural import default_province, monitoring_lines
from jingjin.engines.rural import ELIMINATION_MONTHS, line_for, screen
from jingjin.rural.choices import LabourCapacity
from jingjin.rural.models import FundPool, Household, IncomeLine

#: why an elimination condition fails, by the engine's condition name
FAILURE_TEXT = {
    "monitored_six_months": _("Monitored for less than 6 months."),
    "assisted": _("No assistance measure yet."),
    "income_stable": _("Income above the line for less than 6 months."),
    "basic_needs_secure": _(
        "Food, clothing, education, medical care, housing or drinking water is not secure."
    ),
    "labour_capacity": _("No member is able to work: the household stays monitored."),
    "out_of_range": _(
        "The income is still within the monitoring range, or rigid expenditure keeps it there."
    ),
}


def configured_lines(province: str | None = None) -> dict[int, float]:
    """The ``{year: yuan}`` lines of ``province`` (default: the lines file's default province): the
    register (:class:`IncomeLine`) when it holds any line of the province, else the lines file."""
    code = province or default_province()
    rows = IncomeLine.objects.filter(province=code).values_list("year", "amount")
    return {int(year): float(amount) for year, amount in rows} or monitoring_lines(code)


def line_of_year(year: int, province: str | None = None) -> float:
    """The monitoring line of ``year`` (yuan per capita) from the register; InputError when none."""
    return line_for(configured_lines(province), year)


def months_above_line(household: Household, line: float) -> int:
    """How many of the latest monthly income records, in a row, give a per-capita income above ``line``."""
    count = 0
    for income in household.incomes.order_by("-month").values_list("net_income", flat=True):
        if float(income) / household.size > line:
            count += 1
        else:
            break
    return count


def has_labour(household: Household) -> bool:
    capacities = list(household.members.values_list("labour_capacity", flat=True))
    return any(c != LabourCapacity.NONE for c in capacities)


def screening_row(household: Household, *, line: float) -> dict[str, Any]:
    """The household as one input row of the screening engine."""
    return {
        "household_id": household.code,
        "members": household.size,
        "former_poor": int(household.former_poor),
        "net_income": float(household.net_income),
        "rigid_expenditure": float(household.rigid_expenditure),
        "food_clothing_secure": int(household.food_clothing_secure),
        "education_secure": int(household.education_secure),
        "medical_secure": int(household.medical_secure),
        "housing_secure": int(household.housing_secure),
        "water_secure": int(household.water_secure),
        "labour_capacity": int(has_labour(household)),
        "monitored_since": household.monitored_since,
        "assistance_count": household.measures.count(),
        "months_above_line": months_above_line(household, line),
    }


def elimination_failures(household: Household, *, as_of: date) -> list[Any]:
    """The reasons the household's risk cannot be eliminated on ``as_of`` (empty: it can)."""
    line = line_of_year(as_of.year)
    frame = pl.DataFrame([screening_row(household, line=line)], schema_overrides={"monitored_since": pl.Date})
    result = screen(frame, line=line, as_of=as_of, explain=True).row(0, named=True)
    return [text for name, text in FAILURE_TEXT.items() if not result[f"condition_{name}"]]


def pool_balance(pool: FundPool) -> Decimal:
    paid = pool.payments.aggregate(total=Sum("paid"))["total"] or Decimal(0)
    return pool.amount - paid


__all__ = ["ELIMINATION_MONTHS", "elimination_failures", "line_of_year", "months_above_line", "pool_balance"]
