"""The reporting load (填报负担) of each unit: what the system asked it to fill in, per month.

Issue 20 and the 2023 rules against "指尖上的形式主义" ask that a unit's reporting burden be measured
and shown to the plan office — and that nothing rank units by clicks or logins. So this counts
only the *forms* units filled in and the *fields* each asked of them, never sign-ins or page views:

=====================  ==================================================================  =======
item                   fields it asks                                                      unit
=====================  ==================================================================  =======
task report (月报告)    progress, completion, next month's plan, problems, support needed   lead
                       (:data:`TASK_REPORT_FIELDS`) + one per numeric indicator the unit   unit
                       types (figures the system holds — fed or register indicators,
                       :mod:`jingjin.reporting.prefill` — are not asked) + one per last
                       month's plan item to tick
project report (项目    investment this month and year to date, image progress, problems,   owning
月报)                   support needed (:data:`PROJECT_REPORT_FIELDS`) + one per milestone   unit
                       reached
village report (示范    what was done, problems, investment, projects completed             village
村月报)                 (:data:`VILLAGE_REPORT_FIELDS`)
supervision answer     the answer (1)                                                      the
(督办反馈)                                                                                  answering
                                                                                           unit
=====================  ==================================================================  =======

A report counts in the month it reports on; an answer in the month it was given. Every form
that exists counts (drafts too: the unit filled them in). Queries: one per kind of item, plus
two for the indicators asked — whatever the number of units and months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.reporting.models import Report, month_index

#: the fields of the report form every task report asks (besides indicators and plan items)
TASK_REPORT_FIELDS = 5
PROJECT_REPORT_FIELDS = 5
VILLAGE_REPORT_FIELDS = 4
SUPERVISION_ANSWER_FIELDS = 1

#: the kinds of item, in the order of the page and the API
KINDS = {
    "task_report": _("task reports"),
    "project_report": _("project reports"),
    "village_report": _("village reports"),
    "supervision_answer": _("supervision answers"),
}
#: the longest window the page and the API show (months)
MAX_MONTHS = 36
SORTS = ("code", "load")


@dataclass
class Cell:
    """One unit's load in one month: items (forms) and fields, in all and per kind."""

    items: int = 0
    fields: int = 0
    kinds: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, items: int, fields: int) -> None:
        self.items += items
        self.fields += fields
        counts = self.kinds.setdefault(kind, [0, 0])
        counts[0] += items
        counts[1] += fields


@dataclass
class UnitLoad:
    code: str
    name: str
    cells: list[Cell]

    @property
    def items(self) -> int:
        return sum(c.items for c in self.cells)

    @property
    def fields(self) -> int:
        return sum(c.fields for c in self.cells)

    @property
    def trend(self) -> int:
        """Fields of the last month minus the mean of the months before it (rounded): > 0 the
        load grows, < 0 it falls."""
        return _trend([c.fields for c in self.cells])


@dataclass
class LoadTable:
    months: list[str]
    units: list[UnitLoad]
    totals: list[Cell]

    @property
    def trend(self) -> int:
        return _trend([c.fields for c in self.totals])


def _trend(series: list[int]) -> int:
    if len(series) < 2:
        return 0
    before = series[:-1]
    return round(series[-1] - sum(before) / len(before))


def window(*, months: int = 12, until: date | None = None) -> list[int]:
    """Month indexes of the ``months`` months that end with ``until``'s month (the clock's)."""
    day = until or clock.today()
    months = max(1, min(months, MAX_MONTHS))
    last = month_index(day.year, day.month)
    return list(range(last - months + 1, last + 1))


def _asked_indicators() -> dict[int, int]:
    """Task id → the numeric indicators its unit types (those the system holds left out)."""
    from jingjin.ecology.water_models import IndicatorFeed
    from jingjin.plans.models import Indicator
    from jingjin.projects.models import NetworkPlan
    from jingjin.reporting.services import NUMERIC_DIRECTIONS

    held = set(IndicatorFeed.objects.values_list("indicator_id", flat=True))
    held |= set(NetworkPlan.objects.filter(indicator__isnull=False).values_list("indicator_id", flat=True))
    asked: dict[int, int] = defaultdict(int)
    numeric = Indicator.objects.filter(direction__in=NUMERIC_DIRECTIONS)
    for task_id, pk in numeric.values_list("task_id", "pk"):
        if pk not in held:
            asked[task_id] += 1
    return asked


def _rows(first: int, last: int) -> list[tuple[str, int, int, int, int]]:
    """(kind, unit id, month index, items, fields) of every form in the months."""
    from jingjin.projects.models import ProjectReport
    from jingjin.supervision.choices import ItemStep
    from jingjin.supervision.models import SupervisionStep
    from jingjin.villages.models import DemoVillageReport

    rows: list[tuple[str, int, int, int, int]] = []
    asked = _asked_indicators()
    reports = (
        Report.objects.filter(period_index__gte=first, period_index__lte=last)
        .order_by()
        .annotate(ticks=Count("continuity_items"))
        .values_list("task__lead_unit_id", "period_index", "task_id", "ticks")
    )
    for unit_id, index, task_id, ticks in reports:
        rows.append(("task_report", unit_id, index, 1, TASK_REPORT_FIELDS + asked.get(task_id, 0) + ticks))
    projects = (
        ProjectReport.objects.filter(period_index__gte=first, period_index__lte=last)
        .order_by()
        .annotate(reached=Count("milestones_reached"))
        .values_list("project__owner_unit_id", "period_index", "reached")
    )
    for unit_id, index, reached in projects:
        if unit_id is not None:
            rows.append(("project_report", unit_id, index, 1, PROJECT_REPORT_FIELDS + reached))
    villages = DemoVillageReport.objects.order_by().values_list("demo_village__village_id", "year", "month")
    for unit_id, year, month in villages.filter(year__gte=first // 12, year__lte=last // 12).iterator():
        index = month_index(year, month)
        if first <= index <= last:
            rows.append(("village_report", unit_id, index, 1, VILLAGE_REPORT_FIELDS))
    start = date(first // 12, first % 12 + 1, 1)
    end = date((last + 1) // 12, (last + 1) % 12 + 1, 1)
    answers = SupervisionStep.objects.filter(
        step=ItemStep.ANSWER, actor_unit__isnull=False, time__date__gte=start, time__date__lt=end
    ).values_list("actor_unit_id", "time")
    for unit_id, time in answers.order_by():
        local = timezone.localdate(time)
        index = month_index(local.year, local.month)
        if first <= index <= last:
            rows.append(("supervision_answer", unit_id, index, 1, SUPERVISION_ANSWER_FIELDS))
    return rows


def reporting_load(*, months: int = 12, until: date | None = None, sort: str = "code") -> LoadTable:
    """The load of every unit that filled in anything in the window, sorted by unit code or by
    the fields it filled in (most first) — never by clicks or logins, which are not counted."""
    indexes = window(months=months, until=until)
    position = {index: i for i, index in enumerate(indexes)}
    cells: dict[int, list[Cell]] = {}
    totals = [Cell() for _ in indexes]
    for kind, unit_id, index, items, fields in _rows(indexes[0], indexes[-1]):
        row = cells.setdefault(unit_id, [Cell() for _ in indexes])
        row[position[index]].add(kind, items, fields)
        totals[position[index]].add(kind, items, fields)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(cells))}
    loads = [UnitLoad(code=units[pk].code, name=str(units[pk].name), cells=row) for pk, row in cells.items()]
    if sort == "load":
        loads.sort(key=lambda u: (-u.fields, u.code))
    else:
        loads.sort(key=lambda u: u.code)
    labels = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in indexes]
    return LoadTable(months=labels, units=loads, totals=totals)


def as_json(table: LoadTable) -> dict[str, Any]:
    """The table as the API gives it."""

    def cell(c: Cell) -> dict[str, Any]:
        return {
            "items": c.items,
            "fields": c.fields,
            "by_kind": {k: {"items": v[0], "fields": v[1]} for k, v in sorted(c.kinds.items())},
        }

    return {
        "months": table.months,
        "kinds": {k: str(v) for k, v in KINDS.items()},
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "items": u.items,
                "fields": u.fields,
                "trend": u.trend,
                "months": [cell(c) for c in u.cells],
            }
            for u in table.units
        ],
        "totals": [cell(c) for c in table.totals],
        "trend": table.trend,
    }
