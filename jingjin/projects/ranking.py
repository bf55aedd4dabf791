"""Criteria of the key-project red/black lists (重点项目红黑榜), from the investment progress of
:func:`jingjin.projects.progress.progress_table` — the ranking machinery of
:mod:`jingjin.assessment` scores, ranks, gates and publishes them.

Per project and period (each criterion 0–100, see ``docs/assessment.md`` "Key projects"):

* ``investment`` — completion of the year's planned investment, capped at 100;
* ``gap`` — the gap to the share of the year elapsed as a score: 100 + gap (points), within 0–100
  (at or ahead of the elapsed share → 100; 30 points behind → 70);
* ``milestones`` — the largest milestone delay as a score: 100 × (1 − delay ÷ 180 days), at
  least 0 (on time → 100; 90 days late → 50; half a year or more → 0);
* ``on_time`` — 100 when the period's project report was first submitted by the period's
  deadline, else 0.

A project is ranked when it has a plan for the year (planned investment > 0); the others are left
off the list. "On schedule" (the gate of the rule ``schedule``): completion ≥ the elapsed share.

An owning unit (subject ``project_owners``) is judged on its projects together: completion =
Σ year-to-date ÷ Σ plan (:func:`jingjin.engines.projects.rollup`), elapsed = the plan-weighted mean
of its projects' elapsed shares, the gap score from these two, the mean milestone score and the
share of its projects reported on time. :func:`owner_investment` gives the unit lists' key-project
investment criterion (the same roll-up over all the unit's projects).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from jingjin.core.models import Unit
from jingjin.engines import projects as engine
from jingjin.projects.models import KeyProject, ProjectReport
from jingjin.projects.progress import progress_table
from jingjin.reporting.models import ReportingPeriod

#: a milestone this many days late (or more) scores 0
MILESTONE_ZERO_DAYS = 180


@dataclass
class ProjectCriteria:
    """The criteria of one project (``project`` set) or one owning unit (``project`` None)."""

    unit: Unit
    project: KeyProject | None
    tasks_due: int  # project reports due: 1 for a project, its projects for a unit
    on_time: int
    on_time_pct: float
    completion_pct: float
    elapsed_pct: float
    investment_pct: float
    gap: float
    gap_pct: float
    delay_days: int
    milestones_pct: float
    planned: float
    ytd: float

    @property
    def on_schedule(self) -> bool:
        """The investment completion is at least the share of the year elapsed."""
        return self.gap >= -1e-9


def gap_score(gap: float) -> float:
    return float(min(max(100.0 + gap, 0.0), 100.0))


def milestone_score(delay_days: float) -> float:
    return float(100.0 * max(0.0, 1.0 - delay_days / MILESTONE_ZERO_DAYS))


def filtered_projects(*, filters: dict[str, Any], owners: QuerySet[Unit]) -> QuerySet[KeyProject]:
    """The projects a scheme ranks: owned by a unit of ``owners``, within the scheme's filters."""
    projects = KeyProject.objects.filter(owner_unit__in=owners)
    if filters.get("levels"):
        projects = projects.filter(level__in=filters["levels"])
    if filters.get("categories"):
        projects = projects.filter(category__in=filters["categories"])
    if filters.get("campaign"):
        projects = projects.filter(campaigns=filters["campaign"])
    if filters.get("county"):
        projects = projects.filter(county_id=filters["county"])
    return projects.distinct()


def _on_time_ids(projects: QuerySet[KeyProject], period: ReportingPeriod) -> set[int]:
    """The projects whose report of ``period`` was first submitted by its deadline (a local date:
    before the local midnight that ends it — compared by the database, no time read back)."""
    cutoff = datetime.combine(
        period.deadline + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )
    rows = (
        ProjectReport.objects.filter(
            project__in=projects.order_by().values("pk"), period=period, first_submitted_at__lt=cutoff
        )
        .order_by()  # not the reports' default order: two joins and a sort of every row
        .values_list("project_id", flat=True)
    )
    return set(rows)


def _projects(projects: QuerySet[KeyProject]) -> dict[int, KeyProject]:
    """The projects by id with only what a list shows, each owning unit read once."""
    rows = list(projects.only("pk", "code", "name_zh", "name_en", "owner_unit_id"))
    units = Unit.objects.in_bulk({p.owner_unit_id for p in rows})
    for p in rows:
        p.owner_unit = units[p.owner_unit_id]
    return {p.pk: p for p in rows}


def project_criteria(
    *, filters: dict[str, Any], owners: QuerySet[Unit], period: ReportingPeriod
) -> list[ProjectCriteria]:
    """The criteria of every project of the scheme with a plan for the period's year, by code."""
    projects = filtered_projects(filters=filters, owners=owners)
    table = progress_table(projects, period.year, period.month)
    judged = np.flatnonzero(table.planned > 0)
    by_id = _projects(projects) if judged.size else {}
    on_time = _on_time_ids(projects, period) if judged.size else set()
    r = table.result
    out = []
    for i in judged:
        project = by_id[int(table.ids[i])]
        completion, gap = float(r.completion_pct[i]), float(r.gap[i])
        delay = int(r.delay_days[i])
        hit = int(project.pk in on_time)
        out.append(
            ProjectCriteria(
                unit=project.owner_unit,
                project=project,
                tasks_due=1,
                on_time=hit,
                on_time_pct=100.0 * hit,
                completion_pct=completion,
                elapsed_pct=float(r.elapsed_pct[i]),
                investment_pct=min(completion, 100.0),
                gap=gap,
                gap_pct=gap_score(gap),
                delay_days=delay,
                milestones_pct=milestone_score(delay),
                planned=float(table.planned[i]),
                ytd=float(table.ytd[i]),
            )
        )
    out.sort(key=lambda c: c.project.code if c.project else "")
    return out


@dataclass(frozen=True)
class ProjectColumns:
    """:func:`project_criteria` as columns, one row per ranked project in the order of the codes
    (no model objects: a list ranks up to 10,000 projects)."""

    ids: np.ndarray  # project ids
    codes: list[str]  # their codes (the rows' order)
    unit_ids: np.ndarray  # their owning units
    on_time: np.ndarray  # int64: 1 when the report came by the deadline
    completion_pct: np.ndarray
    elapsed_pct: np.ndarray
    gap: np.ndarray
    delay_days: np.ndarray  # int64
    planned: np.ndarray
    ytd: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def tasks_due(self) -> np.ndarray:
        return np.ones(self.ids.size, dtype=np.int64)

    @property
    def on_time_pct(self) -> np.ndarray:
        return 100.0 * self.on_time

    @property
    def investment_pct(self) -> np.ndarray:
        return np.asarray(np.minimum(self.completion_pct, 100.0), dtype=np.float64)

    @property
    def gap_pct(self) -> np.ndarray:
        """:func:`gap_score` of each gap."""
        return np.minimum(np.maximum(100.0 + self.gap, 0.0), 100.0)

    @property
    def milestones_pct(self) -> np.ndarray:
        """:func:`milestone_score` of each delay."""
        return 100.0 * np.maximum(0.0, 1.0 - self.delay_days / MILESTONE_ZERO_DAYS)

    @property
    def on_schedule(self) -> np.ndarray:
        return self.gap >= -1e-9


def project_columns(
    *, filters: dict[str, Any], owners: QuerySet[Unit], period: ReportingPeriod
) -> ProjectColumns:
    """The criteria of :func:`project_criteria` as columns: the progress table, the projects' codes
    and owners as plain values and the on-time reports — three reads, whatever the number."""
    projects = filtered_projects(filters=filters, owners=owners)
    table = progress_table(projects, period.year, period.month)
    judged = np.flatnonzero(table.planned > 0)
    ids = table.ids[judged]
    if ids.size:
        rows = {
            pk: (code, unit)
            for pk, code, unit in projects.order_by().values_list("pk", "code", "owner_unit_id")
        }
        on_time_ids = _on_time_ids(projects, period)
    else:
        rows, on_time_ids = {}, set()
    listed = ids.tolist()
    codes = [rows[pk][0] for pk in listed]
    order = np.array(sorted(range(len(codes)), key=codes.__getitem__), dtype=np.int64)
    picked = judged[order]
    r = table.result
    return ProjectColumns(
        ids=ids[order],
        codes=[codes[i] for i in order.tolist()],
        unit_ids=np.array([rows[pk][1] for pk in listed], dtype=np.int64)[order],
        on_time=np.array([pk in on_time_ids for pk in listed], dtype=np.int64)[order],
        completion_pct=r.completion_pct[picked].astype(np.float64),
        elapsed_pct=r.elapsed_pct[picked].astype(np.float64),
        gap=r.gap[picked].astype(np.float64),
        delay_days=r.delay_days[picked].astype(np.int64),
        planned=table.planned[picked].astype(np.float64),
        ytd=table.ytd[picked].astype(np.float64),
    )


def owner_criteria(
    *, filters: dict[str, Any], owners: QuerySet[Unit], period: ReportingPeriod
) -> list[ProjectCriteria]:
    """The criteria of every owning unit with at least one ranked project, in the units' order."""
    rows = project_criteria(filters=filters, owners=owners, period=period)
    if not rows:
        return []
    keys = np.array([c.unit.pk for c in rows], dtype=np.int64)
    planned = np.array([c.planned for c in rows])
    rolled = engine.rollup(
        keys, planned, np.array([c.ytd for c in rows]), np.zeros(len(rows), dtype=np.int64)
    )
    by_unit: dict[int, list[ProjectCriteria]] = {}
    for c in rows:
        by_unit.setdefault(c.unit.pk, []).append(c)
    out = []
    for j, unit_id in enumerate(rolled.groups):
        mine = by_unit[int(unit_id)]
        plan_sum = float(rolled.planned[j])
        completion = float(rolled.completion_pct[j])
        elapsed = sum(c.planned * c.elapsed_pct for c in mine) / plan_sum
        on_time = sum(c.on_time for c in mine)
        out.append(
            ProjectCriteria(
                unit=mine[0].unit,
                project=None,
                tasks_due=len(mine),
                on_time=on_time,
                on_time_pct=100.0 * on_time / len(mine),
                completion_pct=completion,
                elapsed_pct=elapsed,
                investment_pct=min(completion, 100.0),
                gap=completion - elapsed,
                gap_pct=gap_score(completion - elapsed),
                delay_days=max(c.delay_days for c in mine),
                milestones_pct=sum(c.milestones_pct for c in mine) / len(mine),
                planned=plan_sum,
                ytd=float(rolled.ytd[j]),
            )
        )
    out.sort(key=lambda c: (c.unit.position, c.unit.code))
    return out


@dataclass(frozen=True)
class OwnerInvestment:
    """A unit's key projects together: completion of the year's plan (%, nan without a plan)."""

    projects: int
    planned: float
    ytd: float
    completion_pct: float


def owner_investment(*, units: list[Unit], period: ReportingPeriod) -> dict[int, OwnerInvestment]:
    """Unit id → its key projects' investment as of ``period`` (:func:`engine.rollup` by owning
    unit over every project the unit owns); units without a project with a plan are left out."""
    projects = KeyProject.objects.filter(owner_unit__in=[u.pk for u in units])
    table = progress_table(projects, period.year, period.month)
    if table.ids.size == 0:
        return {}
    owner = dict(projects.values_list("pk", "owner_unit_id"))
    keys = np.array([owner[int(pid)] for pid in table.ids], dtype=np.int64)
    lag = np.where(table.result.lag < 0, -1, table.result.lag).astype(np.int64)
    rolled = engine.rollup(keys, np.nan_to_num(table.planned), table.ytd, lag)
    judged = table.planned > 0
    counts = dict(zip(*np.unique(keys[judged], return_counts=True), strict=True)) if judged.any() else {}
    out = {}
    for j, unit_id in enumerate(rolled.groups):
        completion = float(rolled.completion_pct[j])
        if math.isnan(completion):
            continue
        out[int(unit_id)] = OwnerInvestment(
            projects=int(counts.get(unit_id, 0)),
            planned=float(rolled.planned[j]),
            ytd=float(rolled.ytd[j]),
            completion_pct=completion,
        )
    return out
