"""The long data read once (indicator → year → city → value), the peer group and the statistics
of one indicator in one year that every benchmarking function shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from jingjin.engines.benchmark.formulas import robust_z
from jingjin.engines.errors import InputError, rows_text
from jingjin.engines.scoring import rank

DIRECTIONS = ("higher", "lower")


GROWTH_KINDS = ("level", "rate")


_SEP = ";"


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
