"""The talent pool's figures for the plan's indicators (自动取数, action 6): the count of leading
talents and of outstanding teams recognised by the end of a year, registered in the feeds registry
of :mod:`jingjin.ecology.feeds`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.people import selectors


def _count(key: str, year: int) -> tuple[Decimal, int] | None:
    today = clock.today()
    if year > today.year:
        return None
    end = today if today.year == year else date(year, 12, 31)
    return Decimal(selectors.recognised_by(key, end)), end.month


def leading_talents(year: int) -> tuple[Decimal, int] | None:
    """Leading talents (行业领军人才) recognised by the end of ``year`` (today in the current year)."""
    return _count("leading", year)


def outstanding_teams(year: int) -> tuple[Decimal, int] | None:
    """Outstanding teams (优秀团队) recognised by the end of ``year`` (today in the current year)."""
    return _count("team", year)


def register_figures() -> None:
    from jingjin.ecology import feeds

    feeds.register("talent_leading_count", leading_talents, label=_("leading talents recognised"))
    feeds.register("talent_outstanding_teams", outstanding_teams, label=_("outstanding teams recognised"))
