"""The months of the cockpit: the month choices, the first month of the trends, month ranges."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.selectors import first_month, reported_month


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """(year, month) from ``first`` to ``last`` inclusive (empty when last is before first)."""
    out: list[tuple[int, int]] = []
    year, month = first
    while (year, month) <= last and len(out) < 1200:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def default_month(today: date) -> tuple[int, int]:
    """The month being reported on now (:func:`jingjin.reporting.selectors.reported_month`)."""
    return reported_month(today)


def trends_start(until: tuple[int, int]) -> tuple[int, int]:
    """The first month of the trends and of the month choices: the first reporting month
    (:func:`jingjin.reporting.selectors.first_month`), else ``until``."""
    return first_month() or until


def month_choices(today: date) -> list[str]:
    """Period codes a user may choose, newest first: from the first reporting month (or the plan's
    first month, when earlier) to ``today``'s."""
    last = (today.year, today.month)
    start = first_month(with_plan_start=True) or last
    return [f"{y:04d}-{m:02d}" for y, m in reversed(months_between(start, last))]


def _before_or_at(period: ReportingPeriod, prefix: str = "period__") -> Q:
    return Q(**{f"{prefix}year__lt": period.year}) | Q(
        **{f"{prefix}year": period.year, f"{prefix}month__lte": period.month}
    )
