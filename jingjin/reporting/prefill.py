"""Never asked twice (不重复填报): the indicator actuals the system already holds for a report.

A monthly report asks a task's unit for the actual of each numeric indicator. Some of these
figures the system holds already, and then the report shows them filled in and read only, with
where they come from ("来源：…"), and the services store them in place of a typed value:

* an indicator fed by a computed figure (自动取数, :mod:`jingjin.ecology.feeds`): the figure's value
  of the report's year (the year to date, as of the month the figure stands at);
* the plan indicator of a transport network (``NetworkPlan.indicator``): the count of the
  network's completed lines at the end of the report's month, from the project register and
  the projects' milestones (:mod:`jingjin.projects.network_selectors`).

:func:`known_values` answers for one task and month in a fixed number of queries (none of the
sources is read when the task has no indicator linked to it); :func:`known_for_tasks` for many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jingjin.plans.models import Indicator, Task
from jingjin.reporting.models import ReportingPeriod


@dataclass(frozen=True)
class Known:
    """A figure the system holds for an indicator and a month, and where it comes from."""

    value: Decimal
    source: str

    @property
    def label(self) -> str:
        """``来源：…`` (Source: …) in the UI's language."""
        return _("Source: %(source)s") % {"source": self.source}


#: (indicator ids, year, month) → {indicator id: Known}
Provider = Callable[[list[int], int, int], dict[int, Known]]


def _fed(ids: list[int], year: int, month: int) -> dict[int, Known]:
    """Indicators fed by a computed figure: the figure's value of ``year``."""
    from jingjin.ecology.feeds import label_of
    from jingjin.ecology.water_models import FedActual

    rows = FedActual.objects.filter(indicator_id__in=ids, indicator__feed__isnull=False, year=year)
    found: dict[int, Known] = {}
    for fed in rows.order_by():
        text = _("%(figure)s, computed, as of %(year)d-%(month)02d") % {
            "figure": label_of(fed.figure),
            "year": fed.year,
            "month": fed.month,
        }
        found[fed.indicator_id] = Known(value=fed.value, source=text)
    return found


def _networks(ids: list[int], year: int, month: int) -> dict[int, Known]:
    """Plan indicators of transport networks: the network's completed lines at the month's end."""
    from jingjin.projects.models import NetworkPlan
    from jingjin.projects.network_selectors import network_tables

    networks = list(NetworkPlan.objects.filter(indicator_id__in=ids).order_by("pk"))
    if not networks:
        return {}
    found: dict[int, Known] = {}
    for table in network_tables(networks, year=year, month=month):
        indicator_id = table.network.indicator_id
        if indicator_id is None or indicator_id in found:
            continue
        text = _("project register, completed lines of %(network)s") % {"network": table.network.name}
        found[indicator_id] = Known(value=Decimal(table.completed), source=text)
    return found


#: the sources, in order: the first that knows an indicator gives its value
PROVIDERS: list[Provider] = [_fed, _networks]


def known_for_indicators(indicator_ids: Iterable[int], *, year: int, month: int) -> dict[int, Known]:
    """The figures the system holds for these indicators in (year, month)."""
    ids = sorted(set(indicator_ids))
    found: dict[int, Known] = {}
    if not ids:
        return found
    for provider in PROVIDERS:
        for key, known in provider(ids, year, month).items():
            found.setdefault(key, known)
    return found


def known_values(*, task: Task, period: ReportingPeriod) -> dict[int, Known]:
    """Indicator id → the figure the system holds for ``task``'s numeric indicators in ``period``."""
    from jingjin.reporting.services import NUMERIC_DIRECTIONS

    ids = list(
        Indicator.objects.filter(task=task, direction__in=NUMERIC_DIRECTIONS).values_list("pk", flat=True)
    )
    return known_for_indicators(ids, year=period.year, month=period.month)


def known_for_tasks(tasks: Iterable[Any], *, period: ReportingPeriod) -> dict[int, Known]:
    """As :func:`known_values`, for the numeric indicators of many tasks at once."""
    from jingjin.reporting.services import NUMERIC_DIRECTIONS

    ids = list(
        Indicator.objects.filter(task__in=list(tasks), direction__in=NUMERIC_DIRECTIONS).values_list(
            "pk", flat=True
        )
    )
    return known_for_indicators(ids, year=period.year, month=period.month)
