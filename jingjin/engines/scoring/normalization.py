"""Normalisation of one criterion to a "higher is better" value (指标无量纲化)."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from jingjin.engines.scoring._inputs import InputError, rows_text

NORMALIZATIONS = ("minmax", "zscore", "vector", "ratio", "target", "none")
_BENCHMARK_RE = re.compile(r"^\s*(mean|max|min|median)\s*(?:\*\s*([0-9.eE+-]+))?\s*$")


def resolve_benchmark(values: np.ndarray, benchmark: float | str | None, column: str = "") -> float:
    """The benchmark of a ``ratio`` criterion: a number, or ``mean``, ``max``, ``min``,
    ``median`` of the population, optionally times k (``mean*2``)."""
    if benchmark is None:
        raise InputError(f"column '{column}': normalize ratio needs a benchmark")
    if isinstance(benchmark, bool):
        raise InputError(f"column '{column}': benchmark must be a number or mean/max/min/median[*k]")
    if isinstance(benchmark, int | float):
        return float(benchmark)
    match = _BENCHMARK_RE.match(str(benchmark))
    if match is None:
        try:
            return float(benchmark)
        except ValueError:
            raise InputError(
                f"column '{column}': benchmark '{benchmark}' is not a number or mean/max/min/median[*k]"
            ) from None
    stat, factor = match.group(1), match.group(2)
    if values.size == 0:
        raise InputError(f"column '{column}': no rows to compute the {stat} benchmark from")
    if stat == "mean":
        base = float(np.mean(values))
    elif stat == "max":
        base = float(np.max(values))
    elif stat == "min":
        base = float(np.min(values))
    else:
        base = float(np.median(values))
    return base * (float(factor) if factor else 1.0)


def normalize(
    x: Any,
    method: str,
    *,
    benefit: bool = True,
    benchmark: float | str | None = None,
    cap: float | None = None,
    target: float | None = None,
    population: np.ndarray | None = None,
    column: str = "",
) -> np.ndarray:
    """Normalise one criterion to a "higher is better" value.

    ``population`` (boolean mask) selects the rows whose statistics (min, max, mean,
    standard deviation, norm, benchmark) are used; every row is transformed. ``cap``
    bounds the result from above (``ratio``, ``target``, and the others if given).

    ======== ====================================== ====================================
    method   benefit                                cost
    ======== ====================================== ====================================
    minmax   (x − min) / (max − min)                (max − x) / (max − min)
    zscore   (x − mean) / sd  (population sd)       (mean − x) / sd
    vector   x / sqrt(Σ x²)                         1 − x / sqrt(Σ x²)  (as pymcdm)
    ratio    x / b  (b: number, mean, max, …)       b / x
    target   x / t, capped at 1 unless ``cap``      t / x, capped at 1 unless ``cap``
    none     x                                      −x
    ======== ====================================== ====================================

    Edges: a constant column gives 1 under ``minmax`` and 0 under ``zscore``; a column of
    zeros gives 0 (benefit) or 1 (cost) under ``vector``; a cost value of 0 under
    ``ratio``/``target`` gives the cap (an error without a cap for ``ratio``); a zero
    benchmark or target is an error (zero denominator).
    """
    values = np.asarray(x, dtype=np.float64)
    needs_statistics = method in ("minmax", "zscore", "vector") or (
        method == "ratio" and isinstance(benchmark, str) and _BENCHMARK_RE.match(benchmark) is not None
    )
    if needs_statistics:
        mask = np.ones(values.size, bool) if population is None else np.asarray(population, bool)
        pop = values[mask & ~np.isnan(values)]
    else:
        pop = values[:0]
    name = f"column '{column}'" if column else "criterion"
    if method not in NORMALIZATIONS:
        raise InputError(f"{name}: unknown normalize '{method}' (use one of {', '.join(NORMALIZATIONS)})")
    if method in ("minmax", "zscore", "vector") and pop.size == 0:
        raise InputError(f"{name}: no rows to normalise over")
    if method == "minmax":
        low, high = float(pop.min()), float(pop.max())
        if high == low:
            out = np.where(np.isnan(values), np.nan, 1.0)
        else:
            out = (values - low) / (high - low) if benefit else (high - values) / (high - low)
    elif method == "zscore":
        mean, sd = float(pop.mean()), float(pop.std())
        if sd == 0:
            out = np.where(np.isnan(values), np.nan, 0.0)
        else:
            out = (values - mean) / sd if benefit else (mean - values) / sd
    elif method == "vector":
        norm = math.sqrt(float(np.dot(pop, pop)))
        r = values / norm if norm > 0 else np.where(np.isnan(values), np.nan, 0.0)
        out = r if benefit else 1.0 - r
    elif method == "ratio":
        b = resolve_benchmark(pop, benchmark, column)
        if b == 0:
            raise InputError(f"{name}: zero denominator: the benchmark is 0")
        if benefit:
            out = values / b
        else:
            zero = values == 0
            if zero.any() and cap is None:
                raise InputError(
                    f"{name}: zero denominator: cost ratio benchmark / value with value 0 in "
                    f"{rows_text(zero)} (set a cap)"
                )
            with np.errstate(divide="ignore"):
                out = np.where(zero, np.inf, b / np.where(zero, 1.0, values))
    elif method == "target":
        if target is None:
            raise InputError(f"{name}: normalize target needs a target")
        if target == 0:
            raise InputError(f"{name}: zero denominator: the target is 0")
        cap = 1.0 if cap is None else cap
        if benefit:
            out = values / target
        else:
            zero = values == 0
            out = np.where(zero, np.inf, target / np.where(zero, 1.0, values))
    else:  # none
        out = values.copy() if benefit else -values
    if cap is not None:
        out = np.minimum(out, cap)
    return np.asarray(out, dtype=np.float64)
