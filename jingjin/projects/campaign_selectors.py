"""Reads of project campaigns (项目攻坚大会战, the 成渝之星 campaign first): targets against actual,
the monthly progress and the rankings, as of a month, in a fixed number of queries.

Definitions (as the campaign page shows them):

* **window**: the campaign's ``start`` … ``end``, cut at the end of the as-of month.
* **projects started** (开工项目): a project of the campaign whose ``started`` milestone has an
  actual date in the window; a project in construction or later (state ≥ 在建) *without* an actual
  ``started`` date is counted too (it started, the date was not recorded). A project whose recorded
  start lies before the window is not counted: it did not start during the campaign.
* **investment completed** (完成投资): the sum of ``investment_month`` of the campaign's projects'
  reported monthly reports (submitted, resubmitted or approved) of the months in the window, read
  from the campaign's months kept at write time (:class:`~jingjin.projects.models.CampaignMonth`).
* **progress over months**: that investment cumulated month by month, and the projects started by
  the end of each month.
* **rankings**: the projects by their completion of the as-of year's plan
  (:func:`jingjin.projects.progress.progress_table`), and the owning units and counties by the
  roll-up of the same figures (:func:`jingjin.engines.projects.rollup`). Projects without a plan
  for the year are not judged and come last.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet

from jingjin.core.models import Unit, bilingual
from jingjin.core.permissions import restrict
from jingjin.engines import projects as engine
from jingjin.projects.choices import STATE_ORDER, MilestoneKind, ProjectState
from jingjin.projects.models import Campaign, CampaignMonth, KeyProject, ProjectMilestone
from jingjin.projects.progress import ProgressTable, progress_table
from jingjin.reporting.models import month_index

#: projects listed in the campaign's project ranking (the counts are exact)
PROJECT_LIMIT = 50
#: the states that mean "under construction or later"
STARTED_STATES = STATE_ORDER[STATE_ORDER.index(ProjectState.CONSTRUCTION) :]


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    """The campaigns ``user`` may see, newest first."""
    return restrict(user, "view", Campaign.objects.select_related("lead_unit")).order_by("-start", "code")


@dataclass
class RankedProject:
    code: str
    name: str
    owner: str
    planned: float | None
    ytd: float
    completion_pct: float | None
    lag: str | None
    delay_days: int


@dataclass
class RankedGroup:
    code: str
    name: str
    projects: int
    planned: float
    ytd: float
    completion_pct: float | None


@dataclass
class CampaignFigures:
    campaign: Campaign
    year: int
    month: int
    window: tuple[date, date]
    projects: int = 0
    started: int = 0
    investment: float = 0.0
    months: list[str] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    started_by_month: list[int] = field(default_factory=list)
    ranking: list[RankedProject] = field(default_factory=list)
    units: list[RankedGroup] = field(default_factory=list)
    counties: list[RankedGroup] = field(default_factory=list)

    @property
    def started_pct(self) -> float | None:
        target = self.campaign.target_started
        return self.started * 100.0 / target if target else None

    @property
    def investment_pct(self) -> float | None:
        target = self.campaign.target_investment
        return self.investment * 100.0 / float(target) if target else None


def _month_list(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def _code(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def campaign_figures(campaign: Campaign, *, year: int, month: int) -> CampaignFigures:
    """The campaign's figures as of (year, month) (see the module's definitions), kept in the
    cache until the next write (:mod:`jingjin.dashboard.figure_cache`: every write leaves an audit
    row, which moves the data version). Every signed-in user sees the same campaign figures."""
    from django.utils.translation import get_language

    from jingjin.dashboard.figure_cache import cached, data_version

    version = data_version()
    key = f"jingjin:campaign:{campaign.pk}:{year:04d}-{month:02d}:{get_language() or ''}"
    return cached(key, version, lambda: campaign_figures_compute(campaign, year=year, month=month))


def campaign_figures_compute(campaign: Campaign, *, year: int, month: int) -> CampaignFigures:
    """:func:`campaign_figures` without the cache: eight queries, whatever the number of the
    campaign's projects and months."""
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    window = (campaign.start, min(campaign.end, last_day))
    result = CampaignFigures(campaign=campaign, year=year, month=month, window=window)
    projects = KeyProject.objects.filter(campaigns=campaign)
    first, last = month_index(window[0].year, window[0].month), month_index(window[1].year, window[1].month)
    result.projects = projects.count()
    if result.projects == 0 or window[1] < window[0]:
        return result
    months = _month_list(first, last)
    result.months = [_code(i) for i in months]
    # investment completed, month by month (one query): the campaign's months kept at write time
    # (:mod:`jingjin.projects.investment_summary`), one row per month with reports
    by_month = dict(
        CampaignMonth.objects.filter(campaign=campaign, period_index__gte=first, period_index__lte=last)
        .order_by()
        .values_list("period_index", "investment")
    )
    running = Decimal(0)
    for index in months:
        running += by_month.get(index) or Decimal(0)
        result.cumulative.append(float(running))
    result.investment = float(running)
    _started(result, campaign, projects, months)
    table = progress_table(projects, year, month)
    _rankings(result, table, projects)
    return result


def _started(
    result: CampaignFigures, campaign: Campaign, projects: QuerySet[KeyProject], months: list[int]
) -> None:
    """Projects started in the window, and by the end of each month (two queries)."""
    start, end = result.window
    dates: dict[int, date] = {
        pk: actual
        for pk, actual in ProjectMilestone.objects.filter(
            project__campaigns=campaign, kind=MilestoneKind.STARTED, actual__isnull=False
        ).values_list("project_id", "actual")
        if actual is not None
    }
    dated = ProjectMilestone.objects.filter(
        project=OuterRef("pk"), kind=MilestoneKind.STARTED, actual__isnull=False
    )
    undated = projects.filter(state__in=STARTED_STATES).exclude(Exists(dated)).count()
    in_window = sorted(month_index(d.year, d.month) for d in dates.values() if start <= d <= end)
    result.started = len(in_window) + undated
    counts = np.searchsorted(np.array(in_window, dtype=np.int64), np.array(months), side="right")
    result.started_by_month = [int(c) for c in counts]
    if result.started_by_month:
        result.started_by_month[-1] += undated  # undated starts are known only as of now


def _rankings(result: CampaignFigures, table: ProgressTable, projects: QuerySet[KeyProject]) -> None:
    """The projects ranked by completion, and their owning units and counties (two queries)."""
    if table.ids.size == 0:
        return
    info = {
        pk: (code, name_zh, name_en, owner_id, county_id)
        for pk, code, name_zh, name_en, owner_id, county_id in projects.values_list(
            "pk", "code", "name_zh", "name_en", "owner_unit_id", "county_id"
        )
    }
    owners = np.array([info[int(pk)][3] for pk in table.ids], dtype=np.int64)
    counties = np.array([info[int(pk)][4] or 0 for pk in table.ids], dtype=np.int64)
    unit_ids = set(owners.tolist()) | set(counties.tolist())
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    r = table.result
    completion = np.where(np.isnan(r.completion_pct), -np.inf, r.completion_pct)
    order = np.lexsort((np.array([info[int(pk)][0] for pk in table.ids]), -completion))
    for i in order[:PROJECT_LIMIT]:
        pk = int(table.ids[i])
        code, name_zh, name_en, owner_id, _county = info[pk]
        lag = int(r.lag[i])
        result.ranking.append(
            RankedProject(
                code=code,
                name=bilingual(name_zh, name_en),
                owner=units[owner_id].name if owner_id in units else "",
                planned=None if np.isnan(table.planned[i]) else float(table.planned[i]),
                ytd=float(table.ytd[i]),
                completion_pct=None if np.isnan(r.completion_pct[i]) else float(r.completion_pct[i]),
                lag=engine.LAG_CLASSES[lag] if lag >= 0 else None,
                delay_days=int(r.delay_days[i]),
            )
        )
    result.units = _groups(owners, table, units)
    with_county = counties > 0
    if with_county.any():
        sub = ProgressTable(
            ids=table.ids[with_county],
            planned=table.planned[with_county],
            ytd=table.ytd[with_county],
            result=engine.Progress(*(np.asarray(a)[with_county] for a in _fields(r))),
            year=table.year,
            month=table.month,
        )
        result.counties = _groups(counties[with_county], sub, units)


def _fields(r: engine.Progress) -> tuple[np.ndarray, ...]:
    return (r.completion_pct, r.elapsed_pct, r.gap, r.projected_pct, r.delay_days, r.lag)


def _groups(keys: np.ndarray, table: ProgressTable, units: dict[int, Unit]) -> list[RankedGroup]:
    """Units ranked by the roll-up's completion (not judged last, then by code)."""
    planned = np.nan_to_num(table.planned, nan=0.0)
    rolled = engine.rollup(keys, planned, table.ytd, table.result.lag)
    rows = [
        RankedGroup(
            code=units[int(k)].code if int(k) in units else "",
            name=units[int(k)].name if int(k) in units else "",
            projects=int(rolled.projects[j]),
            planned=float(rolled.planned[j]),
            ytd=float(rolled.ytd[j]),
            completion_pct=None if np.isnan(rolled.completion_pct[j]) else float(rolled.completion_pct[j]),
        )
        for j, k in enumerate(rolled.groups)
    ]
    return sorted(rows, key=lambda g: (g.completion_pct is None, -(g.completion_pct or 0.0), g.code))
