"""Reads of the transport networks (7向19线 rail, 1环9射2纵 expressways …) as project sets: each
network's lines with their projects (segments) and a progress table per network, as of a month,
in a fixed number of queries whatever the number of networks, lines and projects.

Definitions:

* a line is **planned** when it is in the network (every line is);
* a line is **started** when at least one of its projects has started by the end of the as-of month:
  the actual date of its ``started`` milestone is on or before that day, or — no such date recorded —
  its state is under construction or later;
* a line is **completed** when it has projects and every one has been completed by that day: the
  actual date of its ``completed`` milestone, or — no such date — a state of completed or later;
* **investment planned** is the sum of the projects' total investment; **investment completed**
  the sum of ``investment_month`` of their reported monthly reports (submitted, resubmitted or
  approved) up to the as-of month (万元).

The count of completed lines is the actual the network's plan indicator (``NetworkPlan.indicator``)
counts; the page shows it next to the indicator's target (read-only).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from jingjin.core.permissions import restrict
from jingjin.projects.choices import STATE_ORDER, MilestoneKind, ProjectState
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan, ProjectMilestone, ProjectReport
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.models import month_index

STARTED_STATES = set(STATE_ORDER[STATE_ORDER.index(ProjectState.CONSTRUCTION) :])
COMPLETED_STATES = set(STATE_ORDER[STATE_ORDER.index(ProjectState.COMPLETED) :])


def networks_for(user: Any) -> QuerySet[NetworkPlan]:
    """The networks ``user`` may see, in their order."""
    return restrict(user, "view", NetworkPlan.objects.select_related("indicator")).order_by(
        "position", "code"
    )


@dataclass
class Segment:
    code: str
    name: str
    state: str
    state_label: str
    started: bool
    completed: bool
    total_investment: float
    completed_investment: float


@dataclass
class LineRow:
    code: str
    name: str
    length_km: Decimal | None
    segments: list[Segment] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return any(s.started for s in self.segments)

    @property
    def completed(self) -> bool:
        return bool(self.segments) and all(s.completed for s in self.segments)

    @property
    def planned_investment(self) -> float:
        return sum(s.total_investment for s in self.segments)

    @property
    def completed_investment(self) -> float:
        return sum(s.completed_investment for s in self.segments)


@dataclass
class NetworkTable:
    network: NetworkPlan
    lines: list[LineRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return len(self.lines)

    @property
    def started(self) -> int:
        return sum(1 for line in self.lines if line.started)

    @property
    def completed(self) -> int:
        return sum(1 for line in self.lines if line.completed)

    @property
    def planned_investment(self) -> float:
        return sum(line.planned_investment for line in self.lines)

    @property
    def completed_investment(self) -> float:
        return sum(line.completed_investment for line in self.lines)

    @property
    def indicator_target(self) -> Decimal | None:
        indicator = self.network.indicator
        return indicator.target_value if indicator is not None else None


def network_tables(networks: list[NetworkPlan], *, year: int, month: int) -> list[NetworkTable]:
    """The progress table of each of ``networks`` as of (year, month): four queries in all."""
    day = date(year, month, calendar.monthrange(year, month)[1])
    ids = [n.pk for n in networks]
    lines = list(NetworkLine.objects.filter(network_id__in=ids).order_by("network_id", "position", "code"))
    projects = list(
        KeyProject.objects.filter(line__network_id__in=ids)
        .order_by("code")
        .values_list("pk", "code", "name_zh", "name_en", "state", "total_investment", "line_id")
    )
    pks = [p[0] for p in projects]
    dates: dict[tuple[int, str], date] = {
        (pid, kind): actual
        for pid, kind, actual in ProjectMilestone.objects.filter(
            project_id__in=pks,
            kind__in=[MilestoneKind.STARTED, MilestoneKind.COMPLETED],
            actual__isnull=False,
        ).values_list("project_id", "kind", "actual")
        if actual is not None
    }
    invested = dict(
        ProjectReport.objects.filter(
            project_id__in=pks, status__in=REPORTED_STATES, period_index__lte=month_index(year, month)
        )
        .values_list("project_id")
        .annotate(total=Sum("investment_month"))
        .values_list("project_id", "total")
    )
    from jingjin.core.models import bilingual

    labels = dict(ProjectState.choices)
    segments: dict[int, list[Segment]] = {}
    for pk, code, name_zh, name_en, state, total, line_id in projects:
        started_on, completed_on = (
            dates.get((pk, MilestoneKind.STARTED)),
            dates.get((pk, MilestoneKind.COMPLETED)),
        )
        segments.setdefault(line_id, []).append(
            Segment(
                code=code,
                name=bilingual(name_zh, name_en),
                state=state,
                state_label=str(labels.get(state, state)),
                started=started_on <= day if started_on else state in STARTED_STATES,
                completed=completed_on <= day if completed_on else state in COMPLETED_STATES,
                total_investment=float(total),
                completed_investment=float(invested.get(pk) or 0),
            )
        )
    tables = {n.pk: NetworkTable(network=n) for n in networks}
    for line in lines:
        tables[line.network_id].lines.append(
            LineRow(
                code=line.code, name=line.name, length_km=line.length_km, segments=segments.get(line.pk, [])
            )
        )
    return [tables[n.pk] for n in networks]
