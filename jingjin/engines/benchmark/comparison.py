"""The comparison of a focus city with its peers, indicator by indicator (对标分析): :func:`compare`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from jingjin.engines.benchmark._data import (
    _SEP,
    GROWTH_KINDS,
    _check_directions,
    _falls,
    _gap_pct,
    _group,
    _prepare,
    _Stats,
    _stats,
)
from jingjin.engines.benchmark.formulas import (
    OUTLIER_THRESHOLD,
    cagr_pct,
    projected_value,
    required_growth_pct,
)
from jingjin.engines.errors import InputError

COMPARE_COLUMNS = (
    "indicator",
    "value",
    "rank",
    "n",
    "median",
    "best_city",
    "best_value",
    "gap_to_best_pct",
    "gap_to_median_pct",
    "base_year",
    "base_value",
    "cagr_pct",
    "leader_cagr_pct",
    "projected_leader_value",
    "required_growth_pct",
    "flags",
)


FLAGS: dict[str, str] = {
    "outlier": "the focus city's value is far from the group's (robust z > 3.5): check the source",
    "best_outlier": "the best value of the group is an outlier (robust z > 3.5): the gap to it may mislead",
    "series_break_or_revision": (
        "the focus city's series of this higher-is-better level indicator falls year on year next "
        "to this year or inside the growth window: a revision or a series break, not necessarily "
        "a real fall"
    ),
    "per_capita_base_2019": (
        "a value of this row or of its growth window lies before the indicator's comparable_from "
        "year (per-capita GDP 2019: pre-2020-census population base)"
    ),
    "zero_value": "the focus city's value is 0: percentage gaps and growth are undefined",
    "no_base_value": "the focus city has no value in the requested base year: no growth",
    "no_leader_growth": "no best city has a value in the base year: no projection of the leader",
}


def compare(
    data: pl.DataFrame,
    *,
    focus: str,
    year: int,
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    target_year: int | None = None,
    base_year: int | None = None,
    growth: Mapping[str, str] | None = None,
    comparable_from: Mapping[str, int] | None = None,
    strict: bool = True,
) -> pl.DataFrame:
    """Compare ``focus`` with its peers in ``year``, indicator by indicator (对标分析).

    Parameters
    ----------
    data : polars.DataFrame
        Long format: city, year, indicator, value (other columns ignored).
    focus : str
        The city benchmarked (must be in ``data``).
    year : int
        The year compared.
    peers : sequence of str or None
        The peer group (every name must be in ``data``); the focus city is added when absent.
        None = every city of ``data``.
    directions : mapping indicator → "higher" | "lower"
        Which way is better; every indicator the focus city has that year must be here.
        Rows come out in the order of this mapping.
    target_year : int, optional
        Year by which the focus city should catch the leader (> ``year``): fills
        ``projected_leader_value`` and ``required_growth_pct``.
    base_year : int, optional
        Start of the growth window (< ``year``). Default: per indicator, the earliest year
        before ``year`` in which the focus city has a value, not before the indicator's
        ``comparable_from`` year.
    growth : mapping indicator → "level" | "rate", optional
        ``rate`` indicators (growth rates, shares) get no CAGR and no catch-up growth;
        indicators not in the mapping are ``level``.
    comparable_from : mapping indicator → year, optional
        First year comparable with later ones (per-capita GDP: 2020). Earlier values are
        flagged ``per_capita_base_2019`` and left out of default growth windows.
    strict : bool, default True
        A peer with no row at all in ``data`` is an error; with ``strict=False`` it is kept
        and simply has no value (as the other functions of this module).

    Returns
    -------
    polars.DataFrame
        One row per indicator the focus city has in ``year``, columns
        :data:`COMPARE_COLUMNS`: indicator (str), value (f64), rank (i64, 1 = best), n (i64),
        median (f64), best_city (str, tied best cities joined by ';' in the group's order),
        best_value (f64), gap_to_best_pct (f64), gap_to_median_pct (f64), base_year (i64),
        base_value (f64), cagr_pct (f64), leader_cagr_pct (f64), projected_leader_value (f64),
        required_growth_pct (f64), flags (str, codes of :data:`FLAGS` joined by ';', "" when
        none). Growth columns are null where undefined (see the module docstring).

    Raises
    ------
    InputError
        Unknown focus city or peers (named), an indicator without a direction, a bad
        direction or growth kind, base_year ≥ year or target_year ≤ year, conflicting
        duplicate rows.
    """
    _check_directions(directions)
    kinds = dict(growth or {})
    bad_kinds = {k: v for k, v in kinds.items() if v not in GROWTH_KINDS}
    if bad_kinds:
        raise InputError(f"growth must be 'level' or 'rate': {bad_kinds}")
    starts = dict(comparable_from or {})
    if base_year is not None and base_year >= year:
        raise InputError(f"base_year {base_year} must be before year {year}")
    if target_year is not None and target_year <= year:
        raise InputError(f"target_year {target_year} must be after year {year}")
    table = _prepare(data)
    group = _group(table, focus, peers, strict)
    present = [ind for ind, years in table.values.items() if focus in years.get(year, {})]
    undirected = [ind for ind in present if ind not in directions]
    if undirected:
        raise InputError(f"no direction for indicator(s): {', '.join(undirected)}")
    window = _Window(year=year, base_year=base_year, target_year=target_year)
    rows = [
        _compare_row(
            indicator,
            direction,
            table.values[indicator],
            focus=focus,
            group=group,
            window=window,
            level=kinds.get(indicator, "level") == "level",
            start=starts.get(indicator),
        )
        for indicator, direction in directions.items()
        if indicator in present
    ]
    schema = _COMPARE_SCHEMA
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


_COMPARE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "indicator": pl.String,
    "value": pl.Float64,
    "rank": pl.Int64,
    "n": pl.Int64,
    "median": pl.Float64,
    "best_city": pl.String,
    "best_value": pl.Float64,
    "gap_to_best_pct": pl.Float64,
    "gap_to_median_pct": pl.Float64,
    "base_year": pl.Int64,
    "base_value": pl.Float64,
    "cagr_pct": pl.Float64,
    "leader_cagr_pct": pl.Float64,
    "projected_leader_value": pl.Float64,
    "required_growth_pct": pl.Float64,
    "flags": pl.String,
}


@dataclass(frozen=True)
class _Window:
    """The year compared, the growth window's given start and the catch-up target year."""

    year: int
    base_year: int | None
    target_year: int | None


@dataclass
class _Growth:
    """The growth columns of one indicator; None where undefined."""

    base: int | None = None
    base_value: float | None = None
    cagr: float | None = None
    leader_cagr: float | None = None
    projected: float | None = None
    required: float | None = None


def _compare_row(
    indicator: str,
    direction: str,
    by_year: dict[int, dict[str, float]],
    *,
    focus: str,
    group: list[str],
    window: _Window,
    level: bool,
    start: int | None,
) -> dict[str, object]:
    """One row of :func:`compare`: the focus city's rank, gaps, growth and flags for ``indicator``."""
    year = window.year
    stats = _stats(by_year[year], group, direction)
    assert stats is not None  # the focus city has a value
    i = stats.cities.index(focus)
    value = float(stats.x[i])
    flags: list[str] = []
    if stats.z[i] > OUTLIER_THRESHOLD:
        flags.append("outlier")
    if any(stats.z[stats.cities.index(c)] > OUTLIER_THRESHOLD for c in stats.best_cities):
        flags.append("best_outlier")
    series = {y: cell[focus] for y, cell in by_year.items() if focus in cell}
    growth = _Growth()
    if level:
        growth = _level_growth(series, by_year, stats, value, direction, window, start, flags)
    if start is not None and (year < start or (growth.base is not None and growth.base < start)):
        flags.append("per_capita_base_2019")
    if value == 0:
        flags.append("zero_value")
    return {
        "indicator": indicator,
        "value": value,
        "rank": int(stats.ranks[i]),
        "n": len(stats.cities),
        "median": stats.median,
        "best_city": _SEP.join(stats.best_cities),
        "best_value": stats.best_value,
        "gap_to_best_pct": _gap_pct(value, stats.best_value, direction),
        "gap_to_median_pct": _gap_pct(value, stats.median, direction),
        "base_year": growth.base,
        "base_value": growth.base_value,
        "cagr_pct": growth.cagr,
        "leader_cagr_pct": growth.leader_cagr,
        "projected_leader_value": growth.projected,
        "required_growth_pct": growth.required,
        "flags": _SEP.join(dict.fromkeys(flags)),
    }


def _level_growth(
    series: dict[int, float],
    by_year: dict[int, dict[str, float]],
    stats: _Stats,
    value: float,
    direction: str,
    window: _Window,
    start: int | None,
    flags: list[str],
) -> _Growth:
    """CAGR, the leader's growth and the catch-up growth of a level indicator; adds its flags."""
    year, base_year, target_year = window.year, window.base_year, window.target_year
    growth = _Growth()
    if base_year is not None:
        growth.base = base_year
        if base_year not in series:
            flags.append("no_base_value")
    else:
        earlier = [y for y in series if y < year and (start is None or y >= start)]
        growth.base = min(earlier) if earlier else None
    base = growth.base
    if base is not None and base in series:
        growth.base_value = series[base]
        growth.cagr = cagr_pct(growth.base_value, value, year - base)
    if growth.cagr is not None and base is not None and target_year is not None:
        horizon = target_year - year
        options: list[tuple[float, float]] = []
        for city in stats.best_cities:
            g = cagr_pct(by_year.get(base, {}).get(city, math.nan), stats.best_value, year - base)
            if g is not None:
                options.append((projected_value(stats.best_value, g, horizon), g))
        if options:
            pick = max if direction == "higher" else min
            growth.projected, growth.leader_cagr = pick(options, key=lambda o: o[0])
            growth.required = required_growth_pct(value, growth.projected, horizon)
        else:
            flags.append("no_leader_growth")
    # a fall of a higher-is-better level series between consecutive years next to
    # `year` or inside the window (a lower-is-better level such as PM2.5 moves both ways)
    pairs = [(year - 1, year), (year, year + 1)]
    if base is not None:
        pairs += [(y, y + 1) for y in range(base, year)]
    if start is not None:
        pairs = [(a, b) for a, b in pairs if a >= start]
    if direction == "higher" and _falls(series, pairs):
        flags.append("series_break_or_revision")
    return growth
