"""The chart data of benchmarking: the rank over the years (:func:`rank_history`) and the radar
(:func:`radar`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from jingjin.engines.benchmark._data import _SEP, _check_directions, _group, _prepare, _stats
from jingjin.engines.errors import InputError


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
