"""Village collective economy tiers (村集体经济分档), pure.

Operating income (经营性收入, 万元) = 经营收入 + 发包及上交收入 + 投资收益 + 其他经营收入 (definition per
湖南农业科学 2022(11), REFERENCE §7); total income adds subsidies (补助收入) and other income.

Tiers on three configurable thresholds (万元; commonly 5 / 10 / 50, REFERENCE §7 — no single
national definition exists, so they are data):

* ``empty``  — operating income ≤ 0 (no operating income, 空白村);
* ``shell``  — 0 < income < ``shell_below`` (空壳村);
* ``weak``   — ``shell_below`` ≤ income < ``weak_below`` (薄弱村);
* ``medium`` — ``weak_below`` ≤ income < ``strong_from``;
* ``strong`` — income ≥ ``strong_from``.

A threshold belongs to the tier above it: exactly 5 万元 is ``weak``, exactly 10 ``medium``, exactly
50 ``strong``. ``empty``, ``shell`` and ``weak`` are the weak flag (消薄: to be eliminated).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

TIERS = ("empty", "shell", "weak", "medium", "strong")
WEAK = frozenset({"empty", "shell", "weak"})


def operating_income(business: Decimal, contracting: Decimal, investment: Decimal, other: Decimal) -> Decimal:
    """经营性收入 = 经营收入 + 发包及上交收入 + 投资收益 + 其他经营收入 (万元)."""
    return business + contracting + investment + other


def check_thresholds(shell_below: Decimal, weak_below: Decimal, strong_from: Decimal) -> None:
    """Raise ``ValueError`` unless 0 < shell_below ≤ weak_below ≤ strong_from."""
    if not (0 < shell_below <= weak_below <= strong_from):
        raise ValueError("thresholds must satisfy 0 < shell_below <= weak_below <= strong_from")


def income_tier(income: Decimal, shell_below: Decimal, weak_below: Decimal, strong_from: Decimal) -> str:
    """The tier of one village's operating income (万元)."""
    check_thresholds(shell_below, weak_below, strong_from)
    if income <= 0:
        return "empty"
    if income < shell_below:
        return "shell"
    if income < weak_below:
        return "weak"
    if income < strong_from:
        return "medium"
    return "strong"


def income_tiers(
    incomes: npt.ArrayLike, shell_below: float, weak_below: float, strong_from: float
) -> npt.NDArray[np.str_]:
    """:func:`income_tier` of an array of incomes (万元); NaN is an error."""
    values = np.asarray(incomes, dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError("an income is missing (NaN)")
    check_thresholds(Decimal(repr(shell_below)), Decimal(repr(weak_below)), Decimal(repr(strong_from)))
    index = np.where(
        values <= 0, 0, 1 + np.searchsorted([shell_below, weak_below, strong_from], values, side="right")
    )
    return np.asarray(TIERS, dtype=np.str_)[index]


def is_weak(tier: str) -> bool:
    """Is ``tier`` one of the weak tiers (empty, shell, weak)?"""
    return tier in WEAK
