"""Reads of the targeted attraction pipeline (靶向招引): leads with filters and the stale flag,
the funnel with its conversions, and the candidates ranked for a gap.

**Stale**: a lead at a stage of ``JINGJIN_ATTRACTION_STALE_DAYS`` (stage → days) whose last move is
more than that many days before today (the clock) is stale; dropped leads and leads in production
never are.

**Funnel**: for each stage of the pipeline, the leads that reached it (a lead at 考察 has reached
线索, 接洽 and 考察; a dropped lead counts up to the stage it reached before; a skipped stage
counts as reached); the conversion from a stage to the next is reached(next) / reached(stage).
Planned investment signed: the planned investment of the leads that reached 签约.

**Ranking of candidates** for a link: by their category weight (:data:`CATEGORY_WEIGHTS`, summed:
a world-500 firm that is also an industry leader weighs 4 + 3 = 7), then by name. The attraction
list ranks each candidate by the highest gap score among the links it would fill, then by weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from jingjin.core import clock
from jingjin.parks import gaps
from jingjin.parks.attraction_choices import PIPELINE, LeadStageName
from jingjin.parks.models import AttractionLead, CandidateFirm, ChainLink

#: the weight of each category of a candidate in its ranking
CATEGORY_WEIGHTS = {
    "world": 4,
    "china": 3,
    "private": 2,
    "is_industry_leader": 3,
    "is_hidden_champion": 2,
    "is_hq": 2,
    "is_soe": 2,
    "is_foreign": 2,
    "is_specialised": 1,
}


def category_weight(candidate: CandidateFirm) -> int:
    """The summed weight of a candidate's categories (:data:`CATEGORY_WEIGHTS`)."""
    weight = CATEGORY_WEIGHTS.get(candidate.fortune500, 0) if candidate.fortune500 else 0
    return weight + sum(
        w for flag, w in CATEGORY_WEIGHTS.items() if flag.startswith("is_") and getattr(candidate, flag)
    )


def stale_days() -> dict[str, int]:
    return dict(getattr(settings, "JINGJIN_ATTRACTION_STALE_DAYS", {}))


def is_stale(stage: str, stage_date: date, *, today: date | None = None) -> bool:
    """Has a lead at ``stage`` since ``stage_date`` waited longer than its stage's days?"""
    days = stale_days().get(stage)
    return days is not None and ((today or clock.today()) - stage_date).days > days


def stale_q(today: date | None = None) -> Q:
    """The condition of stale leads, for a queryset."""
    today = today or clock.today()
    condition = Q(pk__in=[])
    for stage, days in stale_days().items():
        condition |= Q(stage=stage, stage_date__lt=today - timedelta(days=days))
    return condition


@dataclass(frozen=True)
class LeadFilters:
    chain: str = ""
    park: str = ""
    owner: str = ""
    stage: str = ""
    stale: bool = False


def lead_list(*, user: Any, filters: LeadFilters = LeadFilters()) -> QuerySet[AttractionLead]:
    """The leads (everyone with a role reads them) matching ``filters`` (chain code, park unit
    code, owner unit code, stage, stale only), with ``stale`` set on each when iterated."""
    leads = AttractionLead.objects.restrict(user, "view").select_related(
        "park__unit", "owner_unit", "project"
    )
    if filters.chain:
        leads = leads.filter(
            pk__in=AttractionLead.objects.filter(chain_links__chain__code=filters.chain).values("pk")
        )
    if filters.park:
        leads = leads.filter(park__unit__code=filters.park)
    if filters.owner:
        leads = leads.filter(owner_unit__code=filters.owner)
    if filters.stage:
        leads = leads.filter(stage=filters.stage)
    if filters.stale:
        leads = leads.filter(stale_q())
    return leads.prefetch_related("chain_links__chain")


def mark_stale(leads: Any) -> list[AttractionLead]:
    today = clock.today()
    out = list(leads)
    for lead in out:
        lead.stale = is_stale(lead.stage, lead.stage_date, today=today)
    return out


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    label: str
    reached: int
    current: int
    conversion: float | None  # reached / reached of the stage before (None for the first)


def funnel(leads: QuerySet[AttractionLead]) -> dict[str, Any]:
    """The funnel of ``leads`` (see the module): stages with reached and current counts and the
    conversion from the stage before, the dropped count, the planned investment signed (万元)."""
    by_reached = dict(
        leads.order_by().values_list("reached").annotate(n=Count("pk")).values_list("reached", "n")
    )
    by_stage = dict(leads.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    signed_from = PIPELINE.index(LeadStageName.SIGNED)
    signed = leads.filter(reached__in=PIPELINE[signed_from:]).aggregate(s=Sum("planned_investment"))["s"]
    labels = dict(LeadStageName.choices)
    stages: list[FunnelStage] = []
    for i, stage in enumerate(PIPELINE):
        reached = sum(by_reached.get(s, 0) for s in PIPELINE[i:])
        before = stages[-1].reached if stages else None
        conversion = (reached / before) if before else None
        stages.append(FunnelStage(stage, str(labels[stage]), reached, by_stage.get(stage, 0), conversion))
    return {
        "stages": stages,
        "dropped": by_stage.get(LeadStageName.DROPPED, 0),
        "signed_investment": signed or Decimal(0),
        "total": sum(by_stage.values()),
    }


def funnel_groups(leads: QuerySet[AttractionLead], by: str) -> list[dict[str, Any]]:
    """The funnel per chain, park or owner unit (``by``), each group's name and funnel."""
    if by == "park":
        keys = leads.order_by().values_list("park__unit__code", "park__unit__name_zh").distinct()
        return [
            {
                "name": name or "—",
                "funnel": funnel(leads.filter(park__unit__code=code) if code else leads.filter(park=None)),
            }
            for code, name in sorted(set(keys), key=lambda k: k[0] or "")
        ]
    if by == "owner":
        keys = leads.order_by().values_list("owner_unit__code", "owner_unit__name_zh").distinct()
        return [
            {"name": name, "funnel": funnel(leads.filter(owner_unit__code=code))}
            for code, name in sorted(set(keys))
        ]
    keys = leads.order_by().values_list("chain_links__chain__code", "chain_links__chain__name_zh").distinct()
    return [
        {
            "name": name or "—",
            "funnel": funnel(
                leads.filter(pk__in=AttractionLead.objects.filter(chain_links__chain__code=code).values("pk"))
                if code
                else leads.filter(chain_links=None)
            ),
        }
        for code, name in sorted(set(keys), key=lambda k: k[0] or "")
    ]


def candidates_for_link(link: ChainLink) -> list[CandidateFirm]:
    """The candidates that would fill ``link``, the heaviest categories first (then by name)."""
    found = list(CandidateFirm.objects.filter(chain_links=link).select_related("industry"))
    return sorted(found, key=lambda c: (-category_weight(c), c.name))


def ranked_candidates() -> list[dict[str, Any]]:
    """Every candidate with its links, the best gap score among them and its weight, ranked by
    that score, then by weight, then by name."""
    candidates = list(CandidateFirm.objects.select_related("industry").prefetch_related("chain_links__chain"))
    links = list({link.pk: link for c in candidates for link in c.chain_links.all()}.values())
    scores = gaps.link_gaps(links)
    rows = []
    for candidate in candidates:
        mine = candidate.chain_links.all()
        best = max((scores[link.pk].score for link in mine), default=0.0)
        rows.append(
            {"candidate": candidate, "links": mine, "gap": best, "weight": category_weight(candidate)}
        )
    rows.sort(key=lambda r: (-r["gap"], -r["weight"], r["candidate"].name))
    return rows
