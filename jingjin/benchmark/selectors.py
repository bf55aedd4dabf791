"""Reads of the benchmarking app: statistics as a polars frame for the engine, groups, catalogue."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.benchmark.models import CatalogueIndicator, City, GrowthKind, PeerGroup, Statistic
from jingjin.core.bounds import YEAR_MAX
from jingjin.core.permissions import has_role
from jingjin.engines import benchmark as engine


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


# --------------------------------------------------------------------------------------------
# The comparison (对标分析) of the page and its Excel export
# --------------------------------------------------------------------------------------------

#: short Chinese-first labels of the engine's flags (their long English help is engine.FLAGS)
FLAG_LABELS = {
    "outlier": gettext_lazy("outlier"),
    "best_outlier": gettext_lazy("best is an outlier"),
    "series_break_or_revision": gettext_lazy("series break?"),
    "per_capita_base_2019": gettext_lazy("old population base"),
    "zero_value": gettext_lazy("zero value"),
    "no_base_value": gettext_lazy("no base year"),
    "no_leader_growth": gettext_lazy("no leader growth"),
}


def rank_band(rank: int, n: int) -> str:
    """``top``, ``middle`` or ``bottom``: where a rank among ``n`` cities falls, by the shares
    ``settings.JINGJIN_BENCHMARK_RANK_BANDS`` (default the first and the last third)."""
    top, bottom = settings.JINGJIN_BENCHMARK_RANK_BANDS
    share = (rank - 1) / max(n - 1, 1)
    return "top" if share <= top else ("bottom" if share >= bottom else "middle")


def finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plan_city(cities: list[Any]) -> str:
    """The default city of the comparison: the city of the plan being run, when the statistics
    hold it (遂宁市 → 遂宁), else the first city."""
    from jingjin.plans.models import Plan

    plan = Plan.objects.order_by("-end_year", "code").first()
    found = statistics_city(plan_city=plan.city) if plan is not None else None
    return found or (cities[0].name_zh if cities else "")


class Comparison:
    """Everything the comparison page and its Excel export show, computed once from the query
    ``params`` (focus, group, year, target_year, indicator): the focus city defaults to the plan's
    city, the year to the latest year of the data, the target year to the plan's last year; each
    row's rank falls in a band (``top``, ``middle``, ``bottom``) by the shares of
    ``settings.JINGJIN_BENCHMARK_RANK_BANDS``."""

    def __init__(self, *, user: Any, params: Any):
        self.user = user
        self.groups = list(peer_groups(user=user))
        self.cities = list(cities(user=user))
        self.years = years(user=user)
        self.catalogue = {i.code: i for i in catalogue(user=user)}
        self._choose(params)
        self.peers = [c.name_zh for c in self.group.cities.all()] if self.group else []
        self.data = statistics_frame(user=user)
        self.directions = {code: i.direction for code, i in self.catalogue.items()}
        self._compare()
        self._composite(params)

    def _choose(self, params: Any) -> None:
        """The focus city, peer group, data year and target year asked for, or their defaults."""
        self.focus = params.get("focus") or _plan_city(self.cities)
        self.group = next(
            (g for g in self.groups if g.code == params.get("group")), self.groups[0] if self.groups else None
        )
        self.year = _int(params.get("year"), self.years[-1] if self.years else 0)
        if self.years and self.year not in self.years:
            self.year = self.years[-1]
        self.target_error = ""
        asked = params.get("target_year", "").strip()
        if asked:
            self.target_year: int | None = _int(asked, 0)
            if self.target_year is None or not self.year < self.target_year <= YEAR_MAX:
                self.target_error = _(
                    "The target year must be a year after the data year %(year)d (and at most %(last)d)."
                ) % {"year": self.year, "last": YEAR_MAX}
                self.target_year = None
        else:
            plan_end = _plan_end_year()
            self.target_year = plan_end if plan_end is not None and plan_end > self.year else None

    def _compare(self) -> None:
        """The comparison table (:func:`jingjin.engines.benchmark.compare`) and its rows as shown:
        name, unit, direction, rank band, flags with their help, and the focus city's source."""
        self.error = ""
        self.rows: list[dict[str, Any]] = []
        self.table = pl.DataFrame()
        try:
            self.table = engine.compare(
                self.data,
                focus=self.focus,
                year=self.year,
                peers=self.peers,
                directions=self.directions,
                strict=False,
                target_year=self.target_year,
                growth={code: i.growth for code, i in self.catalogue.items()},
                comparable_from={
                    code: i.comparable_from for code, i in self.catalogue.items() if i.comparable_from
                },
            )
        except ValueError as exc:
            self.error = str(exc)
        found = sources(user=self.user, cities=[self.focus], year=self.year)
        for row in self.table.iter_rows(named=True):
            indicator = self.catalogue[row["indicator"]]
            rank, n = row["rank"], row["n"]
            self.rows.append(
                {
                    **row,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "direction": indicator.direction,
                    "band": rank_band(rank, n),
                    "flags": [
                        {"label": FLAG_LABELS.get(f, f), "help": engine.FLAGS.get(f, f)}
                        for f in (row.get("flags") or "").split(";")
                        if f
                    ],
                    "source": found.get((self.focus, row["indicator"]), ""),
                }
            )

    def _composite(self, params: Any) -> None:
        """The composite index over the chosen indicators (default: the level indicators and
        PM2.5) when there are two or more: the ranked cities, each indicator's weight and the
        cities left out (with the indicators they miss)."""
        chosen = (
            params.getlist("indicator") if hasattr(params, "getlist") else list(params.get("indicator", []))
        )
        available = list(self.table["indicator"].to_list()) if self.table.height else []
        self.index_choices = [self.catalogue[c] for c in available]
        default = [
            c for c in available if self.catalogue[c].growth == GrowthKind.LEVEL or c.startswith("pm25")
        ]
        self.index_indicators = [c for c in chosen if c in available] or default
        self.index_rows: list[dict[str, Any]] = []
        self.index_columns: list[dict[str, Any]] = []
        self.index_excluded: list[str] = []
        self.index_error = ""
        if len(self.index_indicators) >= 2:
            group = [*self.peers, *([self.focus] if self.focus not in self.peers else [])]
            try:
                index = engine.composite_index(
                    self.data,
                    year=self.year,
                    indicators=self.index_indicators,
                    peers=group,
                    directions=self.directions,
                    strict=False,
                )
                weights = engine.composite_weights(
                    self.data,
                    year=self.year,
                    indicators=self.index_indicators,
                    peers=group,
                    directions=self.directions,
                    strict=False,
                )
            except ValueError as exc:
                self.index_error = str(exc)
            else:
                weight_of = dict(
                    zip(weights["indicator"].to_list(), weights["weight"].to_list(), strict=True)
                )
                self.index_columns = [
                    {"code": c, "name": self.catalogue[c].name, "weight": weight_of.get(c)}
                    for c in self.index_indicators
                ]
                for row in index.iter_rows(named=True):
                    if row["rank"] is None:
                        self.index_excluded.append(f"{row['city']} ({row['missing']})")
                        continue
                    self.index_rows.append(
                        {
                            "rank": row["rank"],
                            "city": row["city"],
                            "score": row["score"],
                            "contributions": [row[f"contribution_{c}"] for c in self.index_indicators],
                        }
                    )

    def chart_data(self) -> dict[str, Any]:
        radar: dict[str, Any] = {"indicators": [], "series": []}
        if self.table.height >= 3:
            chart = engine.radar(
                self.data,
                focus=self.focus,
                year=self.year,
                peers=self.peers,
                directions=self.directions,
                strict=False,
                indicators=self.table["indicator"].to_list(),
            )
            radar["indicators"] = [self.catalogue[c].name for c in chart["indicator"].to_list()]
            radar["series"] = [
                {"name": self.focus, "values": [finite(v) for v in chart["focus_score"].to_list()]},
                {"name": _("Best"), "values": [finite(v) for v in chart["best_score"].to_list()]},
                {"name": _("Median"), "values": [finite(v) for v in chart["median_score"].to_list()]},
            ]
        ranks: dict[str, Any] = {"years": [], "series": [], "axis": _("rank")}
        if self.focus and self.peers:
            history = engine.rank_history(
                self.data, city=self.focus, peers=self.peers, directions=self.directions, strict=False
            )
            years = sorted(set(history["year"].to_list()))
            ranks["years"] = years
            for code in self.catalogue:
                part = history.filter(pl.col("indicator") == code)
                if part.height == 0:
                    continue
                by_year = dict(zip(part["year"].to_list(), part["rank"].to_list(), strict=True))
                ranks["series"].append(
                    {"name": self.catalogue[code].name, "values": [by_year.get(y) for y in years]}
                )
        return {"radar": radar, "ranks": ranks}


def _plan_end_year() -> int | None:
    """The default target year: the last year of the latest plan."""
    from jingjin.plans.models import Plan

    return Plan.objects.order_by("-end_year").values_list("end_year", flat=True).first()


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default
