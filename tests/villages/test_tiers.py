"""The collective-economy tiers at each edge (REFERENCE §7: 0 / 5 / 10 / 50 万元), the sums, and
the weak flag through the service and a change of thresholds."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import numpy as np
import pytest

from jingjin.engines.villages import income_tier, income_tiers, is_weak, operating_income
from jingjin.villages.economy_services import collective_income_save, thresholds_set

EDGES = [
    (D("-1"), "empty"),
    (D("0"), "empty"),
    (D("0.01"), "shell"),
    (D("4.99"), "shell"),
    (D("5"), "weak"),
    (D("9.99"), "weak"),
    (D("10"), "medium"),
    (D("49.99"), "medium"),
    (D("50"), "strong"),
    (D("1000"), "strong"),
]


@pytest.mark.parametrize(("income", "tier"), EDGES)
def test_tier_at_each_edge(income: D, tier: str) -> None:
    assert income_tier(income, D(5), D(10), D(50)) == tier
    assert is_weak(tier) == (tier in {"empty", "shell", "weak"})


def test_vectorised_tiers_agree_with_the_scalar_rule() -> None:
    values = [float(i) for i, _ in EDGES]
    assert list(income_tiers(values, 5, 10, 50)) == [t for _, t in EDGES]
    with pytest.raises(ValueError, match="NaN"):
        income_tiers([np.nan], 5, 10, 50)


def test_thresholds_must_rise() -> None:
    with pytest.raises(ValueError):
        income_tier(D(1), D(10), D(5), D(50))
    with pytest.raises(ValueError):
        income_tier(D(1), D(0), D(5), D(50))


def test_operating_income_is_the_sum_of_four_parts() -> None:
    assert operating_income(D("1.5"), D("2"), D("-0.5"), D("1")) == D("4")


PARTS = {"business": D("3"), "contracting": D("1.5"), "investment": D("0.5"), "other_operating": D("0")}


@pytest.mark.django_db
def test_service_stores_sums_and_tier_and_thresholds_retier(world: Any) -> None:
    village = world["t.c.t1.v1"]
    income = collective_income_save(
        actor=world.users["county_c"],
        village=village,
        year=2022,
        parts={**PARTS, "subsidies": D(20), "other": D(1)},
    )
    assert (income.operating_income, income.total_income, income.tier) == (D("5"), D("26"), "weak")
    thresholds_set(
        actor=world.users["office"], year=2022, shell_below=D(6), weak_below=D(10), strong_from=D(50)
    )
    income.refresh_from_db()
    assert income.tier == "shell"  # 5 < 6: now a shell village


@pytest.mark.django_db
def test_only_managers_set_thresholds(world: Any) -> None:
    from jingjin.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        thresholds_set(
            actor=world.users["county_c"], year=2022, shell_below=D(5), weak_below=D(10), strong_from=D(50)
        )
    thresholds_set(
        actor=world.users["bureau"], year=2022, shell_below=D(5), weak_below=D(10), strong_from=D(50)
    )
