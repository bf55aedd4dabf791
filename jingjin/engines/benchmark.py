"""Benchmarking against peer cities (对标): ranks, gaps, catch-up growth, composite index.

Pure and small: polars DataFrames in, polars DataFrames out, no Django, no files. The data
are in long format — one row per city, year and indicator — with at least the columns

    city (str), year (int), indicator (str), value (float)

(other columns, such as ``unit`` and ``source``, are ignored). A missing value is an absent
row (a null ``value`` counts as absent). Every comparison is made *within a peer group that
includes the focus city* and *over the cities of the group that have a value* that year.

Public API
----------
- :func:`compare` — one row per indicator of the focus city in a year: rank, n, median,
  best city and value, gaps to the best and to the median (%), growth (CAGR) over a window,
  the leader's CAGR and projected value at a target year, the yearly growth needed to reach
  it, and flags for series breaks, outliers and incomparable bases.
- :func:`rank_history` — the focus city's rank per indicator and year (rank-over-years lines).
- :func:`radar` — focus, median and best values normalised to 0–1 by direction (radar chart).
- :func:`composite_index` and :func:`composite_weights` — entropy-weighted TOPSIS over chosen
  indicators (熵权 TOPSIS, through :mod:`jingjin.engines.scoring`), with each indicator's
  contribution.
- :func:`cagr_pct`, :func:`required_growth_pct`, :func:`robust_z` — the scalar formulas.

Every function takes ``strict`` (default True): a peer city with no row at all in the data
raises InputError; ``strict=False`` keeps it as a city without values, for a named group
whose cities the data do not all cover (for example after filtering to one indicator).

Definitions (docs/engines/benchmark.md gives them with worked examples)
-----------------------------------------------------------------------
- rank: 1 = best by direction, ties share the smallest rank (1, 2, 2, 4), via
  :func:`jingjin.engines.scoring.rank`; n = cities of the group with a value.
- median: the usual median (mean of the two middle values when n is even).
- gap_to_best_pct: the change, in % of the focus city's value, that would bring it to the
  best value, signed so that positive = behind: higher-is-better (best − value) / |value| × 100,
  lower-is-better (value − best) / |value| × 100; 0 for the best city; null (flag
  ``zero_value``) when value = 0. gap_to_median_pct likewise with the median (negative =
  ahead of the median).
- cagr_pct: ((value_Y / value_B)^(1 / (Y − B)) − 1) × 100 over the window B → Y; only for
  ``level`` indicators (a growth of a growth rate means nothing), null unless both values > 0.
- required_growth_pct: ((P / value)^(1 / (T − Y)) − 1) × 100 with P = best_value ×
  (1 + g_leader)^(T − Y) the leader's value projected at its own CAGR over the same window;
  for a lower-is-better indicator the same formula gives a negative rate, the yearly decline
  needed.
- outliers: robust z = |x − median| / (1.4826 · MAD) > 3.5 (Iglewicz & Hoaglin 1993), with
  MAD the median absolute deviation of the group's values that year; with MAD = 0 the mean
  absolute deviation × 1.2533 is used instead; no outlier test below 5 values.

Sources: Iglewicz, B. & Hoaglin, D. (1993), *How to Detect and Handle Outliers*, ASQC, the
modified z-score; Hwang & Yoon (1981) for TOPSIS; the entropy weight method (熵权法).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from jingjin.engines.errors import InputError, rows_text
from jingjin.engines.scoring import entropy_weights, rank, topsis

DIRECTIONS = ("higher", "lower")
GROWTH_KINDS = ("level", "rate")

OUTLIER_THRESHOLD = 3.5  # Iglewicz & Hoaglin's cut-off for the modified z-score
MAD_SCALE = 1.4826  # 1 / Φ⁻¹(3/4): MAD × 1.4826 estimates σ of a normal distribution
MEAN_AD_SCALE = 1.253314  # √(π/2): mean absolute deviation × 1.2533 estimates σ
OUTLIER_MIN_N = 5  # fewer values than this: no outlier test

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

_SEP = ";"


# --------------------------------------------------------------------------- scalar formulas


def cagr_pct(first: float, last: float, years: int) -> float | None:
    """Compound annual growth rate (年均增长率), in %.

    CAGR = ((last / first)^(1 / years) − 1) × 100.

    Parameters
    ----------
    first, last : float
        Values at the start and the end of the window, same unit, both > 0.
    years : int
        Length of the window in years, > 0.

    Returns
    -------
    float or None
        The rate in % per year; None when a value is ≤ 0 or not finite, or ``years`` ≤ 0.
    """
    if years <= 0 or not (math.isfinite(first) and math.isfinite(last)) or first <= 0 or last <= 0:
        return None
    return ((last / first) ** (1.0 / years) - 1.0) * 100.0


def projected_value(value: float, growth_pct: float, years: int) -> float:
    """``value`` grown for ``years`` years at ``growth_pct`` % a year: value × (1 + g)^years."""
    return value * (1.0 + growth_pct / 100.0) ** years


def required_growth_pct(value: float, target_value: float, years: int) -> float | None:
    """Yearly growth (%) that takes ``value`` to ``target_value`` in ``years`` years.

    required = ((target_value / value)^(1 / years) − 1) × 100; negative when the target is
    lower (the yearly decline needed, as for a lower-is-better indicator). None when a value
    is ≤ 0 or ``years`` ≤ 0.
    """
    return cagr_pct(value, target_value, years)


def robust_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores |x − median| / (1.4826 · MAD) (Iglewicz & Hoaglin 1993).

    MAD is the median of |x − median|. When MAD = 0 (more than half the values equal) the
    mean absolute deviation × 1.253314 replaces 1.4826 · MAD; when that is 0 too, or when
    there are fewer than :data:`OUTLIER_MIN_N` values, every score is 0 (no outlier).
    A value is an outlier when its score exceeds :data:`OUTLIER_THRESHOLD` (3.5).
    """
    x = np.asarray(values, dtype=np.float64)
    z = np.zeros(x.size)
    if x.size < OUTLIER_MIN_N:
        return z
    centre = float(np.median(x))
    deviation = np.abs(x - centre)
    scale = MAD_SCALE * float(np.median(deviation))
    if scale == 0.0:
        scale = MEAN_AD_SCALE * float(np.mean(deviation))
    if scale == 0.0:
        return z
    return deviation / scale


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class _Table:
    """The long data as nested dicts: indicator → year → city → value; cities in first-seen order."""

    cities: tuple[str, ...]
    values: dict[str, dict[int, dict[str, float]]]


def _prepare(data: pl.DataFrame) -> _Table:
    missing = [c for c in ("city", "year", "indicator", "value") if c not in data.columns]
    if missing:
        raise InputError(f"data lacks the column(s) {', '.join(missing)} (it has: {', '.join(data.columns)})")
    # NaN is a missing value, as in every engine: the row is absent, like an empty value.
    frame = data.select(
        pl.col("city").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64).fill_nan(None),
    )
    present = frame.get_column("value").is_not_null()
    unplaced = (frame.get_column("city").is_null() | frame.get_column("year").is_null()) & present
    if unplaced.any():
        raise InputError(f"data has values without a city or a year in {rows_text(unplaced.to_numpy())}")
    infinite = frame.get_column("value").is_infinite().fill_null(False)
    if infinite.any():
        raise InputError(f"column 'value': infinite value in {rows_text(infinite.to_numpy())}")
    frame = frame.filter(present)
    cities: dict[str, None] = {}
    values: dict[str, dict[int, dict[str, float]]] = {}
    for city, year, indicator, value in frame.iter_rows():
        cities.setdefault(city, None)
        cell = values.setdefault(indicator, {}).setdefault(year, {})
        if city in cell and cell[city] != value:
            raise InputError(
                f"data has two different values for {city} {year} {indicator}: {cell[city]} and {value}"
            )
        cell[city] = value
    return _Table(tuple(cities), values)


def _check_directions(directions: Mapping[str, str]) -> None:
    bad = {k: v for k, v in directions.items() if v not in DIRECTIONS}
    if bad:
        raise InputError(f"direction must be 'higher' or 'lower': {bad}")


def _group(table: _Table, focus: str | None, peers: Sequence[str] | None, strict: bool = True) -> list[str]:
    """The peer group including ``focus``: the peers in their order (focus appended if absent).

    With ``strict`` a peer without any row in the data is an error; without, it is kept and
    simply has no value (a named group whose cities the data do not all cover).
    """
    known = set(table.cities)
    if focus is not None and focus not in known:
        raise InputError(f"focus city '{focus}' is not in the data")
    if peers is None:
        return list(table.cities)
    if isinstance(peers, str):
        raise InputError("peers must be a sequence of city names, not one string")
    unknown = [p for p in dict.fromkeys(peers) if p not in known]
    if unknown and strict:
        raise InputError(f"peer cities not in the data: {', '.join(unknown)}")
    group = list(dict.fromkeys(peers))
    if focus is not None and focus not in group:
        group.append(focus)
    return group


@dataclass(frozen=True)
class _Stats:
    """One indicator in one year over the cities of the group that have a value."""

    cities: list[str]
    x: np.ndarray
    ranks: np.ndarray
    median: float
    best_cities: list[str]
    best_value: float
    worst_value: float
    z: np.ndarray


def _stats(cell: Mapping[str, float], group: Sequence[str], direction: str) -> _Stats | None:
    cities = [c for c in group if c in cell]
    if not cities:
        return None
    x = np.array([cell[c] for c in cities], dtype=np.float64)
    higher = direction == "higher"
    ranks = rank(x if higher else -x)
    best = float(x.max() if higher else x.min())
    worst = float(x.min() if higher else x.max())
    best_cities = [c for c, v in zip(cities, x, strict=True) if v == best]
    return _Stats(cities, x, ranks, float(np.median(x)), best_cities, best, worst, robust_z(x))


def _gap_pct(value: float, reference: float, direction: str) -> float | None:
    """Positive = behind: (reference − value)/|value| × 100 (higher), (value − reference)/|value| × 100."""
    if value == 0:
        return None
    diff = reference - value if direction == "higher" else value - reference
    return diff / abs(value) * 100.0


def _falls(series: Mapping[int, float], pairs: Sequence[tuple[int, int]]) -> bool:
    return any(a in series and b in series and series[b] < series[a] for a, b in pairs)


# --------------------------------------------------------------------------- compare


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


# --------------------------------------------------------------------------- rank history


def rank_history(
    data: pl.DataFrame,
    *,
    city: str,
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    strict: bool = True,
) -> pl.DataFrame:
    """Rank of ``city`` in its peer group per indicator and year (排名变化), for line charts.

    Returns
    -------
    polars.DataFrame
        One row per indicator (in the order of ``directions``; indicators without a
        direction are skipped) and year in which ``city`` has a value, sorted by indicator
        then year: indicator (str), year (i64), value (f64), rank (i64), n (i64),
        median (f64), best_city (str), best_value (f64) — defined as in :func:`compare`.
    """
    _check_directions(directions)
    table = _prepare(data)
    group = _group(table, city, peers, strict)
    schema = {
        "indicator": pl.String,
        "year": pl.Int64,
        "value": pl.Float64,
        "rank": pl.Int64,
        "n": pl.Int64,
        "median": pl.Float64,
        "best_city": pl.String,
        "best_value": pl.Float64,
    }
    rows: list[tuple[object, ...]] = []
    for indicator, direction in directions.items():
        for year in sorted(table.values.get(indicator, {})):
            cell = table.values[indicator][year]
            if city not in cell:
                continue
            stats = _stats(cell, group, direction)
            assert stats is not None
            i = stats.cities.index(city)
            rows.append(
                (
                    indicator,
                    year,
                    float(stats.x[i]),
                    int(stats.ranks[i]),
                    len(stats.cities),
                    stats.median,
                    _SEP.join(stats.best_cities),
                    stats.best_value,
                )
            )
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------- radar


def _minmax(x: float, lowest: float, highest: float, direction: str) -> float:
    """Min–max score in [0, 1], 1 = best by direction; 1 when every value is equal."""
    if highest == lowest:
        return 1.0
    if direction == "higher":
        return (x - lowest) / (highest - lowest)
    return (highest - x) / (highest - lowest)


def radar(
    data: pl.DataFrame,
    *,
    focus: str,
    year: int,
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    indicators: Sequence[str],
    strict: bool = True,
) -> pl.DataFrame:
    """Focus, median and best values per indicator, normalised 0–1 by direction (雷达图).

    Normalisation over the cities of the group with a value that year: higher-is-better
    (x − min) / (max − min), lower-is-better (max − x) / (max − min), so the best city scores 1
    and the worst 0; every score is 1 when all values are equal.

    Returns
    -------
    polars.DataFrame
        One row per indicator of ``indicators`` (in that order): indicator (str), n (i64),
        focus_value, median, best_value, worst_value (f64), focus_score, median_score,
        best_score (f64 in [0, 1]). focus_value and focus_score are null when the focus
        city has no value; every value is null when no city of the group has one.
    """
    _check_directions(directions)
    unknown = [i for i in indicators if i not in directions]
    if unknown:
        raise InputError(f"no direction for indicator(s): {', '.join(unknown)}")
    table = _prepare(data)
    group = _group(table, focus, peers, strict)
    schema = {
        "indicator": pl.String,
        "n": pl.Int64,
        "focus_value": pl.Float64,
        "median": pl.Float64,
        "best_value": pl.Float64,
        "worst_value": pl.Float64,
        "focus_score": pl.Float64,
        "median_score": pl.Float64,
        "best_score": pl.Float64,
    }
    rows: list[tuple[object, ...]] = []
    for indicator in dict.fromkeys(indicators):
        direction = directions[indicator]
        cell = table.values.get(indicator, {}).get(year, {})
        stats = _stats(cell, group, direction)
        if stats is None:
            rows.append((indicator, 0, None, None, None, None, None, None, None))
            continue
        lowest, highest = float(stats.x.min()), float(stats.x.max())
        focus_value = cell.get(focus)
        rows.append(
            (
                indicator,
                len(stats.cities),
                focus_value,
                stats.median,
                stats.best_value,
                stats.worst_value,
                None if focus_value is None else _minmax(focus_value, lowest, highest, direction),
                _minmax(stats.median, lowest, highest, direction),
                _minmax(stats.best_value, lowest, highest, direction),
            )
        )
    return pl.DataFrame(rows, schema=schema, orient="row")


# --------------------------------------------------------------------------- composite index


@dataclass(frozen=True)
class _Composite:
    indicators: list[str]
    benefit: np.ndarray
    included: list[str]
    excluded: list[tuple[str, list[str]]]
    x: np.ndarray  # raw values, included cities × indicators
    s: np.ndarray  # min–max normalised, benefit-oriented
    weights: np.ndarray
    table: _Table


def _composite(
    data: pl.DataFrame,
    *,
    year: int,
    indicators: Sequence[str],
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    strict: bool = True,
) -> _Composite:
    _check_directions(directions)
    chosen = list(dict.fromkeys(indicators))
    if not chosen:
        raise InputError("choose at least one indicator for the composite index")
    unknown = [i for i in chosen if i not in directions]
    if unknown:
        raise InputError(f"no direction for indicator(s): {', '.join(unknown)}")
    table = _prepare(data)
    group = _group(table, None, peers, strict)
    cells = [table.values.get(ind, {}).get(year, {}) for ind in chosen]
    included: list[str] = []
    excluded: list[tuple[str, list[str]]] = []
    for city in group:
        missing = [ind for ind, cell in zip(chosen, cells, strict=True) if city not in cell]
        if missing:
            excluded.append((city, missing))
        else:
            included.append(city)
    if len(included) < 2:
        raise InputError(
            f"the composite index needs at least 2 cities with every chosen indicator in {year}; "
            f"found {len(included)}"
        )
    x = np.array([[cell[c] for cell in cells] for c in included], dtype=np.float64)
    benefit = np.array([directions[ind] == "higher" for ind in chosen])
    lowest, highest = x.min(axis=0), x.max(axis=0)
    spread = highest - lowest
    safe = np.where(spread > 0, spread, 1.0)
    s = np.where(benefit, (x - lowest) / safe, (highest - x) / safe)
    s = np.where(spread > 0, s, 1.0)  # a constant column: every city is best
    weights = entropy_weights(s)
    return _Composite(chosen, benefit, included, excluded, x, s, weights, table)


def composite_index(
    data: pl.DataFrame,
    *,
    year: int,
    indicators: Sequence[str],
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    strict: bool = True,
) -> pl.DataFrame:
    """Composite city index (城市综合指数): entropy-weighted TOPSIS over chosen indicators.

    Over the cities of the group (``peers``, or every city of ``data`` when None) that have
    every chosen indicator in ``year``; the others are listed after them with their missing
    indicators and no score.

    1. s_ij = (x_ij − min_j) / (max_j − min_j) for higher-is-better, (max_j − x_ij) /
       (max_j − min_j) for lower-is-better (1 for a constant column): min–max normalised,
       benefit-oriented values in [0, 1] (this also admits negative growth rates).
    2. w_j = :func:`jingjin.engines.scoring.entropy_weights` of s (熵权法, 0·ln 0 = 0; a
       constant column gets weight 0).
    3. score_i = :func:`jingjin.engines.scoring.topsis` of the raw values x with weights w and
       benefit = (direction == "higher") (vector normalisation, Hwang & Yoon 1981).
    4. rank = :func:`jingjin.engines.scoring.rank` of the scores (1 = best, ties share).
    5. contribution_<indicator>_i = w_j · s_ij, the weighted normalised value; the
       contributions of a city add up to ``weighted_sum`` (the simple additive weighting
       score in [0, 1], shown beside TOPSIS, which is not additive).

    Returns
    -------
    polars.DataFrame
        One row per city of the group: city (str), rank (i64), score (f64 in [0, 1]),
        weighted_sum (f64), missing (str: the chosen indicators the city lacks, joined by
        ';', "" when included), then value_<indicator> (f64) and contribution_<indicator>
        (f64) for every chosen indicator in order. Included cities come first by rank (ties
        in the group's order), excluded ones after them with null rank, score, weighted_sum
        and contributions.

    Raises
    ------
    ValueError
        No indicator, an indicator without a direction, unknown peers, or fewer than 2
        cities with every chosen indicator.
    """
    comp = _composite(
        data, year=year, indicators=indicators, peers=peers, directions=directions, strict=strict
    )
    scores = topsis(comp.x, comp.weights, comp.benefit)
    ranks = rank(scores)
    contributions = comp.s * comp.weights
    order = sorted(range(len(comp.included)), key=lambda i: (int(ranks[i]), i))
    columns: dict[str, list[object]] = {
        "city": [],
        "rank": [],
        "score": [],
        "weighted_sum": [],
        "missing": [],
    }
    for ind in comp.indicators:
        columns[f"value_{ind}"] = []
        columns[f"contribution_{ind}"] = []
    for i in order:
        columns["city"].append(comp.included[i])
        columns["rank"].append(int(ranks[i]))
        columns["score"].append(float(scores[i]))
        columns["weighted_sum"].append(float(contributions[i].sum()))
        columns["missing"].append("")
        for j, ind in enumerate(comp.indicators):
            columns[f"value_{ind}"].append(float(comp.x[i, j]))
            columns[f"contribution_{ind}"].append(float(contributions[i, j]))
    for city, missing in comp.excluded:
        columns["city"].append(city)
        columns["rank"].append(None)
        columns["score"].append(None)
        columns["weighted_sum"].append(None)
        columns["missing"].append(_SEP.join(missing))
        for ind in comp.indicators:
            columns[f"value_{ind}"].append(comp.table.values.get(ind, {}).get(year, {}).get(city))
            columns[f"contribution_{ind}"].append(None)
    schema: dict[str, pl.DataType] = {
        "city": pl.String(),
        "rank": pl.Int64(),
        "score": pl.Float64(),
        "weighted_sum": pl.Float64(),
        "missing": pl.String(),
    }
    for ind in comp.indicators:
        schema[f"value_{ind}"] = pl.Float64()
        schema[f"contribution_{ind}"] = pl.Float64()
    return pl.DataFrame(columns, schema=schema)


def composite_weights(
    data: pl.DataFrame,
    *,
    year: int,
    indicators: Sequence[str],
    peers: Sequence[str] | None,
    directions: Mapping[str, str],
    strict: bool = True,
) -> pl.DataFrame:
    """The entropy weights :func:`composite_index` uses, one row per chosen indicator.

    Returns
    -------
    polars.DataFrame
        indicator (str), direction (str), weight (f64, Σ = 1), n (i64: cities with every
        chosen indicator, over which the weights were computed).
    """
    comp = _composite(
        data, year=year, indicators=indicators, peers=peers, directions=directions, strict=strict
    )
    return pl.DataFrame(
        {
            "indicator": comp.indicators,
            "direction": [directions[i] for i in comp.indicators],
            "weight": [float(w) for w in comp.weights],
            "n": [len(comp.included)] * len(comp.indicators),
        },
        schema={"indicator": pl.String, "direction": pl.String, "weight": pl.Float64, "n": pl.Int64},
    )
