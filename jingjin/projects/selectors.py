"""Reads of the project library: the filtered list, one project, the as-of month, the list's rows
with their progress (sorted, paged and totalled in a fixed number of queries), a task's projects.

The progress figures come from :func:`jingjin.projects.progress.progress_table` (four queries for
any number of projects); a page of the list then reads its projects in one more query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.dashboard.periods import default_month
from jingjin.engines import projects as engine
from jingjin.projects.choices import ProjectCategory, ProjectLevel, ProjectState
from jingjin.projects.models import KeyProject
from jingjin.projects.progress import ProgressTable, as_decimal, progress_table

#: the list's filters (query parameters, also those of ``/api/projects``)
FILTERS = ("level", "category", "state", "county", "park", "owner_unit", "line", "task", "search")
#: the orders of the list: key → (figure, descending)
SORTS = {
    "code": ("", False),
    "completion": ("completion_pct", False),
    "-completion": ("completion_pct", True),
    "gap": ("gap", False),
    "-gap": ("gap", True),
    "delay": ("delay_days", False),
    "-delay": ("delay_days", True),
}
SEARCH_MAX = 100


class FilterError(ValueError):
    """A filter value that is not one of its choices; ``field`` names the filter."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


def as_of_month(text: str = "") -> tuple[int, int]:
    """(year, month) of ``YYYY-MM`` (``?month=``), by default the month being reported on (the
    cockpit's default, :func:`jingjin.dashboard.periods.default_month`). :class:`FilterError` for a
    text that is no month."""
    text = (text or "").strip()
    if not text:
        return default_month(clock.today())
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError as exc:
        raise FilterError("month", "must be a month YYYY-MM") from exc
    if len(text) != 7 or not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise FilterError("month", "must be a month YYYY-MM")
    return year, month


def _unit(code: str, name: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise FilterError(name, f"no unit {code}")
    return unit


def project_list(*, user: Any, filters: dict[str, str] | None = None) -> QuerySet[KeyProject]:
    """The projects ``user`` sees (every signed-in user sees the library), filtered by level,
    category, state, county, park, owning unit (a unit code: with the units below it), network
    line (code), plan task (code) and a text searched in code and names."""
    projects = KeyProject.objects.restrict(user, "view")
    f = {k: (v or "").strip() for k, v in (filters or {}).items() if k in FILTERS}
    if any("\x00" in v for v in f.values()):
        raise FilterError("search", "must not contain NUL characters")
    for name, choices in (("level", ProjectLevel), ("category", ProjectCategory), ("state", ProjectState)):
        if f.get(name):
            if f[name] not in choices.values:
                raise FilterError(name, f"must be one of {', '.join(choices.values)}")
            projects = projects.filter(**{name: f[name]})
    if f.get("county"):
        projects = projects.filter(county=_unit(f["county"], "county"))
    if f.get("park"):
        projects = projects.filter(park=_unit(f["park"], "park"))
    if f.get("owner_unit"):
        projects = projects.filter(owner_unit_id__in=_unit(f["owner_unit"], "owner_unit").descendant_ids())
    if f.get("line"):
        projects = projects.filter(line__code=f["line"])
    if f.get("task"):
        projects = projects.filter(tasks__code=f["task"])
    search = f.get("search", "")[:SEARCH_MAX]
    if search:
        projects = projects.filter(
            Q(code__icontains=search) | Q(name_zh__icontains=search) | Q(name_en__icontains=search)
        )
    return projects.distinct() if f.get("task") else projects


def project_detail(*, user: Any, code: str) -> KeyProject:
    """One project with its units, line, yearly plans, milestones and tasks; ``DoesNotExist``."""
    return (
        KeyProject.objects.restrict(user, "view")
        .select_related("owner_unit", "county", "park", "line__network")
        .prefetch_related("year_plans", "milestones", "tasks__measure__action__plan")
        .get(code=code)
    )


# --------------------------------------------------------------------------------------------
# The list with its progress


@dataclass
class ProgressPage:
    """One page of the list: its projects, each with ``figures`` (see ``ProgressTable.rows``), and
    the totals over every project of the filtered list."""

    projects: list[KeyProject]
    count: int
    totals: dict[str, Any]
    year: int
    month: int
    table: ProgressTable | None = field(default=None, repr=False)


def _order(table: ProgressTable, sort: str) -> np.ndarray:
    """Positions of the table's projects in the order ``sort`` (unknown figures last, then by id)."""
    name, descending = SORTS.get(sort, ("", False))
    if not name:
        return np.arange(table.ids.size)
    values = getattr(table.result, name).astype(np.float64)
    if name == "delay_days":
        values = np.where(values < 0, np.nan, values)
    keys = -values if descending else values
    keys = np.where(np.isnan(keys), np.inf, keys)
    return np.lexsort((table.ids, keys))


def totals(table: ProgressTable) -> dict[str, Any]:
    """The totals row over every project of the table, from the engine's roll-up: planned and
    year-to-date investment (万元), the year-to-date of the projects with a plan over their plans
    (%), and the number of projects in each lag class."""
    n = int(table.ids.size)
    empty: dict[str, Any] = {"count": 0, "planned": None, "ytd": None, "completion_pct": None, "lags": {}}
    if n == 0:
        return empty
    rolled = engine.rollup(np.zeros(n, dtype=np.int64), table.planned, table.ytd, table.result.lag)
    completion = float(rolled.completion_pct[0])
    return {
        "count": n,
        "planned": as_decimal(float(rolled.planned[0])),
        "ytd": as_decimal(float(rolled.ytd[0])),
        "completion_pct": None if np.isnan(completion) else as_decimal(completion),
        "lags": {name: int(rolled.lag_counts[0, i]) for i, name in enumerate(engine.LAG_CLASSES)},
    }


def progress_page(
    projects: QuerySet[KeyProject],
    *,
    year: int,
    month: int,
    sort: str = "code",
    offset: int = 0,
    limit: int = 50,
) -> ProgressPage:
    """The projects from ``offset`` (at most ``limit``) in the order ``sort`` with their figures
    as of (year, month), and the totals of all: five queries whatever the number of projects."""
    table = progress_table(projects, year, month)
    order = _order(table, sort)
    if sort in SORTS and SORTS[sort][0]:
        page_ids = [int(table.ids[i]) for i in order[offset : offset + limit]]
        found = {
            p.pk: p
            for p in KeyProject.objects.filter(pk__in=page_ids).select_related("owner_unit", "county", "park")
        }
        rows = [found[pk] for pk in page_ids if pk in found]
    else:
        rows = list(
            projects.select_related("owner_unit", "county", "park").order_by("code")[offset : offset + limit]
        )
    figures = {pk: table.row(pk) for pk in (p.pk for p in rows)}
    for project in rows:
        project.figures = figures.get(project.pk, {})
    return ProgressPage(
        projects=rows, count=int(table.ids.size), totals=totals(table), year=year, month=month, table=table
    )


def task_projects(*, user: Any, task: Any) -> list[KeyProject]:
    """The key projects linked to a plan task, for the task's page (one query)."""
    return list(
        KeyProject.objects.restrict(user, "view")
        .filter(tasks=task)
        .select_related("owner_unit")
        .order_by("code")
    )
