"""Reads of the villages app: a village's page, the toilet roll-ups, the score rankings and the
collective-economy summary. Each list is a fixed number of queries whatever the number of villages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.villages.choices import WEAK_TIERS, IncomeTier
from jingjin.villages.models import (
    CollectiveIncome,
    DemoVillage,
    EconomyThresholds,
    Scorecard,
    ScoreScheme,
    ToiletPlan,
    ToiletTarget,
)


def villages() -> QuerySet[Unit]:
    """Every village, with its township and county."""
    return Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent", "parent__parent")


def stationings_of(village: Unit) -> list[Any]:
    """The cadres stationed (蹲点) at ``village``, newest first (read only: the supervision app
    writes them)."""
    from jingjin.supervision.models import Stationing

    return list(Stationing.objects.filter(village=village).select_related("cadre_unit").order_by("-start"))


def village_page(village: Unit) -> dict[str, Any]:
    """Everything a village's page shows."""
    demo = DemoVillage.objects.filter(village=village).prefetch_related("members").first()
    return {
        "demo": demo,
        "reports": list(demo.reports.all()[:24]) if demo is not None else [],
        "toilets": list(ToiletPlan.objects.filter(village=village).prefetch_related("acceptances")),
        "scorecards": list(
            Scorecard.objects.filter(village=village).select_related("scheme").prefetch_related("photos")
        ),
        "incomes": list(CollectiveIncome.objects.filter(village=village).order_by("-year")),
        "stationings": stationings_of(village),
    }


def demo_villages() -> list[DemoVillage]:
    """Demonstration villages with their latest report's month and their team's size."""
    return list(
        DemoVillage.objects.select_related("village", "village__parent", "village__parent__parent").annotate(
            team=Count("members", distinct=True), last_year=Max("reports__year")
        )
    )


# --------------------------------------------------------------------------------------------
# The toilet programme's roll-ups


@dataclass
class ToiletRow:
    """Households planned, built and accepted of a group of villages (a township, a county, the city)."""

    code: str
    name: str
    villages: int = 0
    planned: int = 0
    built: int = 0
    accepted: int = 0

    @property
    def built_pct(self) -> float | None:
        return round(100 * self.built / self.planned, 1) if self.planned else None

    @property
    def accepted_pct(self) -> float | None:
        return round(100 * self.accepted / self.planned, 1) if self.planned else None

    def add(self, villages: int, planned: int, built: int, accepted: int) -> None:
        self.villages += villages
        self.planned += planned
        self.built += built
        self.accepted += accepted


@dataclass
class ToiletRollup:
    year: int
    target: ToiletTarget | None
    city: ToiletRow
    counties: list[ToiletRow] = field(default_factory=list)
    townships: list[ToiletRow] = field(default_factory=list)

    @property
    def households_pct(self) -> float | None:
        if self.target is None or not self.target.households:
            return None
        return round(100 * self.city.built / self.target.households, 1)


def toilet_years() -> list[int]:
    years = set(ToiletPlan.objects.values_list("year", flat=True)) | set(
        ToiletTarget.objects.values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def toilet_rollup(year: int) -> ToiletRollup:
    """The programme of ``year`` by township, county and city against the city's target (3 queries)."""
    rows = (
        ToiletPlan.objects.filter(year=year)
        .values("village__parent_id")
        .annotate(n=Count("id"), planned=Sum("planned"), built=Sum("built"), accepted=Sum("accepted"))
        .order_by()
    )
    units = {u.pk: u for u in Unit.objects.exclude(kind=UnitKind.VILLAGE)}
    city = ToiletRow(code="", name="")
    counties: dict[int, ToiletRow] = {}
    townships: list[ToiletRow] = []
    for row in rows:
        figures = (row["n"], row["planned"] or 0, row["built"] or 0, row["accepted"] or 0)
        city.add(*figures)
        township = units.get(row["village__parent_id"])
        if township is None:
            continue
        town_row = ToiletRow(code=township.code, name=township.name)
        town_row.add(*figures)
        townships.append(town_row)
        county = units.get(township.parent_id or 0) or township
        counties.setdefault(county.pk, ToiletRow(code=county.code, name=county.name)).add(*figures)
    target = ToiletTarget.objects.filter(year=year).first()
    return ToiletRollup(
        year=year,
        target=target,
        city=city,
        counties=sorted(counties.values(), key=lambda r: r.code),
        townships=sorted(townships, key=lambda r: r.code),
    )


def toilets_built(year: int) -> int:
    return int(ToiletPlan.objects.filter(year=year).aggregate(n=Sum("built"))["n"] or 0)


# --------------------------------------------------------------------------------------------
# Settlement-environment scores


@dataclass
class ScoreRow:
    rank: int
    card: Scorecard
    passed: bool
    mark: str = ""  # "red", "black" or ""
    history: list[tuple[int, Decimal]] = field(default_factory=list)


def score_ranking(scheme: ScoreScheme) -> list[ScoreRow]:
    """The villages scored on ``scheme`` by total (highest first; ties by village code), with the
    red list (红榜: the top ``list_size`` of those at or above the pass mark) and the black list
    (黑榜: the bottom ``list_size`` of those below it) — the gate-then-rank model of REFERENCE §9."""
    cards = sorted(
        Scorecard.objects.filter(scheme=scheme).select_related("village", "village__parent"),
        key=lambda c: (-c.total, c.village.code),
    )
    rows = []
    rank = 0
    previous: Decimal | None = None
    for index, card in enumerate(cards, start=1):
        if card.total != previous:
            rank, previous = index, card.total
        rows.append(ScoreRow(rank=rank, card=card, passed=card.total >= scheme.pass_mark))
    passed = [r for r in rows if r.passed]
    failed = [r for r in rows if not r.passed]
    for row in passed[: scheme.list_size]:
        row.mark = "red"
    for row in failed[-scheme.list_size :] if scheme.list_size else []:
        row.mark = "black"
    return rows


def township_scores(rows: list[ScoreRow]) -> list[dict[str, Any]]:
    """Mean score of each township's scored villages, highest first."""
    groups: dict[int, list[Decimal]] = defaultdict(list)
    names: dict[int, Unit] = {}
    for row in rows:
        township = row.card.village.parent
        if township is not None:
            groups[township.pk].append(row.card.total)
            names[township.pk] = township
    result = [
        {
            "unit": names[pk],
            "villages": len(v),
            "mean": (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.1")),
        }
        for pk, v in groups.items()
    ]
    return sorted(result, key=lambda r: (-r["mean"], r["unit"].code))


def score_history(village_ids: list[int] | None = None) -> dict[int, list[tuple[int, Decimal]]]:
    """Village id → [(year, total)] of every scheme, oldest first."""
    cards = Scorecard.objects.order_by("scheme__year").values_list("village_id", "scheme__year", "total")
    if village_ids is not None:
        cards = cards.filter(village_id__in=village_ids)
    history: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for village_id, year, total in cards:
        history[village_id].append((year, total))
    return history


# --------------------------------------------------------------------------------------------
# Collective economy


@dataclass
class EconomySummary:
    year: int
    thresholds: EconomyThresholds
    tiers: dict[str, int]
    incomes: list[CollectiveIncome]
    weak: list[CollectiveIncome]
    doubled: int | None  # villages whose operating income at least doubled since the base year
    base_compared: int  # villages with an income of the base year too


def economy_summary(year: int) -> EconomySummary:
    """The villages' incomes of ``year`` by tier, the weak villages and the 消薄倍增 progress."""
    from jingjin.villages.economy_services import thresholds_of

    thresholds = thresholds_of(year)
    incomes = list(
        CollectiveIncome.objects.filter(year=year)
        .select_related("village", "village__parent", "village__parent__parent")
        .order_by("operating_income", "village__code")
    )
    tiers = dict.fromkeys(IncomeTier.values, 0)
    for income in incomes:
        tiers[income.tier] = tiers.get(income.tier, 0) + 1
    doubled: int | None = None
    compared = 0
    if thresholds.base_year:
        base = dict(
            CollectiveIncome.objects.filter(year=thresholds.base_year).values_list(
                "village_id", "operating_income"
            )
        )
        pairs = [(i.operating_income, base[i.village_id]) for i in incomes if i.village_id in base]
        compared = len(pairs)
        doubled = sum(1 for now, then in pairs if then > 0 and now >= 2 * then)
    return EconomySummary(
        year=year,
        thresholds=thresholds,
        tiers=tiers,
        incomes=incomes,
        weak=[i for i in incomes if i.tier in WEAK_TIERS],
        doubled=doubled,
        base_compared=compared,
    )


def economy_years() -> list[int]:
    return sorted(set(CollectiveIncome.objects.values_list("year", flat=True)), reverse=True)
