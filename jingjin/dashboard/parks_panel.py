"""The parks' panel of the cockpit (园区): the parks over their leading-industry cap or without a
leading industry (一园一主业), the flagged overlaps between parks (同质化) and the clusters'
output against their target in the cockpit's year. From the rules engine through
:mod:`jingjin.parks.selectors` and :mod:`jingjin.parks.overlap` (the one place each rule is
computed); cached until the next write like the cockpit's other figures; a fixed number of
queries whatever the number of parks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from jingjin.dashboard.figure_cache import cached, data_version, scope
from jingjin.parks import overlap, selectors
from jingjin.parks.models import Cluster, Park
from jingjin.reporting.models import ReportingPeriod

#: the parks and pairs listed (the rest are counted)
LIST_LIMIT = 5


@dataclass
class ParkRow:
    code: str
    name: str
    leading: int
    cap: int


@dataclass
class PairRow:
    first: str
    second: str
    index: float


@dataclass
class ClusterRow:
    code: str
    name: str
    year: int
    target: float | None
    actual: float | None

    @property
    def pct(self) -> float | None:
        """The actual output in per cent of the target (None when either is missing)."""
        if self.target is None or self.actual is None or self.target <= 0:
            return None
        return self.actual * 100.0 / self.target


@dataclass
class ParksPanel:
    year: int
    parks: int = 0
    over_cap: list[ParkRow] = field(default_factory=list)
    over_cap_count: int = 0
    no_leading_count: int = 0
    threshold: float = 0.5
    flagged: int = 0
    pairs: list[PairRow] = field(default_factory=list)
    clusters: list[ClusterRow] = field(default_factory=list)


def parks_panel(*, user: Any, period: ReportingPeriod) -> ParksPanel:
    """The panel's figures for the parks and clusters ``user`` may see, in ``period``'s year; cached."""
    version = data_version()
    parks = Park.objects.restrict(user, "view")
    clusters = Cluster.objects.restrict(user, "view")
    key = ":".join(["jingjin:cockpit-parks", str(period.year), get_language() or "", scope(parks, clusters)])
    return cached(key, version, lambda: _compute(user, period.year))


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _compute(user: Any, year: int) -> ParksPanel:
    panel = ParksPanel(year=year)
    # the caps only: no firm count (the parks list's join over the firms)
    parks: list[Any] = list(
        Park.objects.restrict(user, "view").select_related("unit").prefetch_related("leading_industries")
    )
    selectors.check_parks(parks)
    panel.parks = len(parks)
    over = [p for p in parks if p.over_cap]
    panel.over_cap_count = len(over)
    panel.no_leading_count = sum(1 for p in parks if p.no_leading)
    over.sort(key=lambda p: (p.cap - p.leading_count, p.unit.code))
    panel.over_cap = [ParkRow(p.unit.code, p.unit.name, p.leading_count, p.cap) for p in over[:LIST_LIMIT]]
    report = overlap.overlap_report(user=user)
    panel.threshold, panel.flagged = report.threshold, report.flagged
    panel.pairs = [
        PairRow(pair.first.unit.name, pair.second.unit.name, pair.index) for pair in report.pairs[:LIST_LIMIT]
    ]
    for cluster in selectors.cluster_list(user=user):
        years = [y for y in cluster.years.all() if y.year <= year]
        if not years:
            continue
        row = years[-1]  # the cockpit's year, or the latest before it
        panel.clusters.append(
            ClusterRow(
                cluster.code, cluster.name, row.year, _number(row.target_output), _number(row.actual_output)
            )
        )
    return panel
