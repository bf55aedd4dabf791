"""Reads of the benchmarking app: statistics as a polars frame for the engine, groups, catalogue."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet

from jingjin.benchmark.models import CatalogueIndicator, City, PeerGroup, Statistic
from jingjin.core.permissions import has_role


def statistics_frame(*, user: Any, cities: list[str] | None = None) -> pl.DataFrame:
    """Current values as the engine's long frame: city, year, indicator, value (Float64)."""
    rows = Statistic.objects.restrict(user, "view").filter(is_current=True)
    if cities is not None:
        rows = rows.filter(city__name_zh__in=cities)
    values = list(rows.values_list("city__name_zh", "year", "indicator__code", "value"))
    return pl.DataFrame(
        {
            "city": [r[0] for r in values],
            "year": [r[1] for r in values],
            "indicator": [r[2] for r in values],
            "value": [float(r[3]) for r in values],
        },
        schema={"city": pl.String, "year": pl.Int64, "indicator": pl.String, "value": pl.Float64},
    )


def directions(*, user: Any) -> dict[str, str]:
    return dict(CatalogueIndicator.objects.restrict(user, "view").values_list("code", "direction"))


def catalogue(*, user: Any) -> QuerySet[CatalogueIndicator]:
    return CatalogueIndicator.objects.restrict(user, "view")


def peer_groups(*, user: Any) -> QuerySet[PeerGroup]:
    return PeerGroup.objects.restrict(user, "view").prefetch_related("cities")


def cities(*, user: Any) -> QuerySet[City]:
    return City.objects.restrict(user, "view")


def years(*, user: Any) -> list[int]:
    if not has_role(user):
        return []
    return sorted(set(Statistic.objects.filter(is_current=True).values_list("year", flat=True)))


def sources(*, user: Any, cities: list[str], year: int) -> dict[tuple[str, str], str]:
    """(city, indicator) → source of the current value in ``year``."""
    rows = Statistic.objects.restrict(user, "view").filter(
        is_current=True, year=year, city__name_zh__in=cities
    )
    return {(c, i): s for c, i, s in rows.values_list("city__name_zh", "indicator__code", "source")}


def history(*, user: Any, city: str, indicator: str, year: int) -> QuerySet[Statistic]:
    """Every revision of one value, newest first."""
    return (
        Statistic.objects.restrict(user, "view")
        .filter(city__name_zh=city, indicator__code=indicator, year=year)
        .order_by("-revision")
    )


def statistics_city(*, plan_city: str) -> str | None:
    """The statistics' name of a plan's city: 遂宁市 → 遂宁 (exact names first)."""
    names = set(City.objects.values_list("name_zh", flat=True))
    for candidate in (plan_city, plan_city.removesuffix("市")):
        if candidate in names:
            return candidate
    return None


def peer_rank(*, user: Any, plan_city: str, indicator: CatalogueIndicator) -> dict[str, Any] | None:
    """The plan city's latest rank on ``indicator`` in the first peer group (for the task page)."""
    from jingjin.engines import benchmark as engine

    city = statistics_city(plan_city=plan_city)
    group = peer_groups(user=user).first()
    if city is None or group is None:
        return None
    latest = (
        Statistic.objects.restrict(user, "view")
        .filter(is_current=True, city__name_zh=city, indicator=indicator)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is None:
        return None
    peers = [c.name_zh for c in group.cities.all()]
    data = statistics_frame(user=user, cities=sorted({*peers, city})).filter(
        pl.col("indicator") == indicator.code
    )
    table = engine.compare(
        data, focus=city, year=latest, peers=peers, directions={indicator.code: indicator.direction}
    )
    if table.height == 0:
        return None
    row = table.row(0, named=True)
    return {
        "city": city,
        "group": group,
        "year": latest,
        "rank": row["rank"],
        "n": row["n"],
        "value": row["value"],
        "best_city": row["best_city"],
        "best_value": row["best_value"],
    }
