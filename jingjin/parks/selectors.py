"""Reads of the park registers: lists and pages, in a fixed number of queries each.

Everyone with a role reads the registers (``restrict(user, "view", …)``); the firm list is
paginated by the caller. The cap on leading industries (主导产业) is read in one place,
:func:`check_parks` (the rules engine :func:`jingjin.engines.parks.check_caps`, one call for
all parks), from the setting ``JINGJIN_PARK_LEADING_CAPS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from jingjin.engines import parks as parks_engine
from jingjin.parks.choices import FIRM_FLAGS, LinkPosition
from jingjin.parks.models import Chain, ChainLink, Cluster, ClusterYear, Firm, Industry, Park

#: the firms a park's page lists (the largest by output)
PARK_FIRMS_SHOWN = 50
#: the firms a chain link shows on the chain page (the largest by output)
LINK_FIRMS_SHOWN = 10


def leading_caps() -> dict[str, int]:
    """The caps of ``JINGJIN_PARK_LEADING_CAPS`` (level → most leading industries); levels left
    out keep the engine's defaults (:data:`jingjin.engines.parks.DEFAULT_CAPS`)."""
    caps: dict[str, int] = getattr(settings, "JINGJIN_PARK_LEADING_CAPS", {})
    return {**parks_engine.DEFAULT_CAPS, **caps}


def leading_cap(level: str) -> int | None:
    """The most leading industries a park of ``level`` may have (None: an unknown level)."""
    return leading_caps().get(level)


def check_parks(parks: list[Any]) -> None:
    """Check every park's leading industries against its level's cap in one call of
    :func:`jingjin.engines.parks.check_caps` (“省级及以下不超过2个、国家级不超过3个”, 一园一主业);
    sets ``cap``, ``leading_count``, ``over_cap`` and ``no_leading`` on each park. The parks'
    ``leading_industries`` must be prefetched."""
    if not parks:
        return
    counts = [len(park.leading_industries.all()) for park in parks]
    result = parks_engine.check_caps([p.level for p in parks], counts, caps=leading_caps())
    for park, count, cap, over, missing in zip(
        parks, counts, result.cap.tolist(), result.over.tolist(), result.missing.tolist(), strict=True
    ):
        park.leading_count, park.cap, park.over_cap, park.no_leading = count, cap, over, missing


def leading_cap_exceeded(*, level: str, leading_count: int) -> bool:
    """Does a park of ``level`` with ``leading_count`` leading industries exceed its cap? The
    engine's rule (:func:`jingjin.engines.parks.check_caps`) for one park; False for an
    unknown level."""
    if level not in parks_engine.LEVELS:
        return False
    result = parks_engine.check_caps([level], [leading_count], caps=leading_caps())
    return bool(result.over[0])


def park_list(*, user: Any) -> list[Any]:
    """Every park with its unit, county and leading industries; ``firm_count``, ``cap``,
    ``leading_count``, ``over_cap`` and ``no_leading`` set on each (:func:`check_parks`)."""
    parks = (
        Park.objects.restrict(user, "view")
        .select_related("unit", "county")
        .prefetch_related("leading_industries")
        .annotate(firm_count=Count("firms", distinct=True))
    )
    result = list(parks)
    check_parks(result)
    return result


def park_detail(*, user: Any, code: str) -> dict[str, Any]:
    """A park (by its unit code) with its industries, its largest firms and the chains its firms
    are on; :class:`Park.DoesNotExist` when there is none the user may see."""
    park = (
        Park.objects.restrict(user, "view")
        .select_related("unit", "county")
        .prefetch_related("leading_industries", "industries__parent")
        .get(unit__code=code)
    )
    firms = Firm.objects.filter(park=park)
    totals = firms.aggregate(
        count=Count("pk"), output=Sum("output"), tax=Sum("tax"), employees=Sum("employees")
    )
    largest = list(
        firms.select_related("industry", "park__unit").order_by("-output", "name")[:PARK_FIRMS_SHOWN]
    )
    chains = (
        Chain.objects.filter(links__firms__park=park)
        .annotate(firm_count=Count("links__firms", filter=Q(links__firms__park=park), distinct=True))
        .order_by("position", "code")
    )
    check_parks([park])
    return {
        "park": park,
        "totals": totals,
        "firms": largest,
        "chains": list(chains),
        "cap": park.cap,
        "over_cap": park.over_cap,
        "no_leading": park.no_leading,
    }


@dataclass
class TierGroup:
    tier: str
    label: str
    industries: list[Industry]


def industry_tree(*, user: Any) -> dict[str, Any]:
    """The 3+3+3 system: the top industries by tier, each with its sub-industries, the parks that
    lead in it and its chains; the top industries outside the tiers after them."""
    from jingjin.parks.choices import SystemTier

    tops = list(
        Industry.objects.restrict(user, "view")
        .filter(parent__isnull=True)
        .prefetch_related(
            Prefetch("children", queryset=Industry.objects.prefetch_related("parks__unit", "children")),
            Prefetch("leading_parks", queryset=Park.objects.select_related("unit")),
            "chains",
        )
    )
    groups = [
        TierGroup(tier, str(label), [i for i in tops if i.system_tier == tier])
        for tier, label in SystemTier.choices
    ]
    others = [i for i in tops if not i.system_tier]
    return {"groups": groups, "others": others}


def chain_list(*, user: Any) -> list[Chain]:
    return list(
        Chain.objects.restrict(user, "view")
        .select_related("lead_unit", "industry")
        .annotate(link_count=Count("links", distinct=True), firm_count=Count("links__firms", distinct=True))
    )


@dataclass
class LinkRow:
    link: ChainLink
    firm_count: int
    output: Decimal
    firms: list[Firm]


def chain_detail(*, user: Any, code: str) -> dict[str, Any]:
    """A chain with its links by position (up, mid, down), each with its firm count, their output
    (万元) and its largest firms; :class:`Chain.DoesNotExist` when none."""
    chain = Chain.objects.restrict(user, "view").select_related("lead_unit", "industry").get(code=code)
    links = list(
        ChainLink.objects.filter(chain=chain).annotate(
            firm_count=Count("firms", distinct=True), output_sum=Sum("firms__output")
        )
    )
    through = Firm.chain_links.through
    pairs = list(through.objects.filter(chainlink__chain=chain).values_list("chainlink_id", "firm_id"))
    by_link: dict[int, list[int]] = {}
    for link_id, firm_id in pairs:
        by_link.setdefault(link_id, []).append(firm_id)
    firms = {f.pk: f for f in Firm.objects.filter(pk__in={f for _l, f in pairs}).select_related("park__unit")}
    positions = []
    for value, label in LinkPosition.choices:
        rows = []
        for link in (x for x in links if x.position == value):
            found = sorted(
                (firms[f] for f in by_link.get(link.pk, [])), key=lambda f: (-(f.output or 0), f.name)
            )
            rows.append(
                LinkRow(link, link.firm_count, link.output_sum or Decimal(0), found[:LINK_FIRMS_SHOWN])
            )
        positions.append({"position": value, "label": label, "links": rows})
    return {"chain": chain, "positions": positions}


@dataclass(frozen=True)
class FirmFilters:
    park: str = ""
    county: str = ""
    chain: str = ""
    link: str = ""
    industry: str = ""
    category: str = ""
    q: str = ""


#: the categories the firm list filters by (firm_category): the Fortune-500 groups and the flags
CATEGORIES = ("fortune500", "world", "china", "private", *FIRM_FLAGS)


def firm_list(*, user: Any, filters: FirmFilters) -> QuerySet[Firm]:
    """The firms matching ``filters`` (codes of park unit, county, chain, link, industry; a
    category of :data:`CATEGORIES`; a part of the name or credit code), by name."""
    firms = Firm.objects.restrict(user, "view").select_related("park__unit", "county", "industry")
    if filters.park:
        firms = firms.filter(park__unit__code=filters.park)
    if filters.county:
        firms = firms.filter(county__code=filters.county)
    if filters.industry:
        firms = firms.filter(Q(industry__code=filters.industry) | Q(industry__parent__code=filters.industry))
    if filters.link:
        firms = firms.filter(chain_links__code=filters.link)
    if filters.chain:
        firms = firms.filter(chain_links__chain__code=filters.chain)
    if filters.category == "fortune500":
        firms = firms.exclude(fortune500="")
    elif filters.category in {"world", "china", "private"}:
        firms = firms.filter(fortune500=filters.category)
    elif filters.category in FIRM_FLAGS:
        firms = firms.filter(**{filters.category: True})
    if filters.q:
        firms = firms.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    if filters.chain or filters.link:
        firms = firms.distinct()
    return firms.order_by("name", "credit_code")


def cluster_list(*, user: Any) -> list[Cluster]:
    """Every cluster with its industries and years (target and actual output, 亿元)."""
    return list(
        Cluster.objects.restrict(user, "view").prefetch_related(
            "industries", Prefetch("years", queryset=ClusterYear.objects.order_by("year"))
        )
    )


def cluster_chart(clusters: list[Cluster]) -> list[dict[str, Any]]:
    """The data of each cluster's chart: years, targets and actuals (亿元, None where missing)."""

    def number(value: Decimal | None) -> float | None:
        return float(value) if value is not None else None

    return [
        {
            "code": c.code,
            "name": c.name,
            "years": [str(y.year) for y in c.years.all()],
            "target": [number(y.target_output) for y in c.years.all()],
            "actual": [number(y.actual_output) for y in c.years.all()],
        }
        for c in clusters
    ]
