"""The composite index of benchmarking: entropy-weighted TOPSIS over chosen indicators (熵权 TOPSIS),
with each indicator's contribution: :func:`composite_index`, :func:`composite_weights`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from jingjin.engines.benchmark._data import _SEP, _check_directions, _group, _prepare, _Table
from jingjin.engines.errors import InputError
from jingjin.engines.scoring import entropy_weights, rank, topsis


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
