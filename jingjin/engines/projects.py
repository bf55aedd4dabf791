"""Investment progress of key projects (重点项目投资进度): pure, vectorised, arrays in and out.

For each project (one row) and an as-of month:

* **completion** ``completion_pct`` = investment completed this year to date ÷ the year's planned
  investment × 100; not judged (nan) when the project has no plan for the year (nan or 0).
* **elapsed** ``elapsed_pct``: the project's *active months* of the as-of year run from
  max(January, its start month) to min(December, its end month) (the whole year when unknown);
  elapsed = the active months up to and including the as-of month, as a share of the active months.
  A project starting after the as-of month has elapsed 0 %; one that ended before it, 100 %.
* **gap** = completion − elapsed, in points.
* **projection** ``projected_pct``: run rate = year-to-date ÷ elapsed active months; projected
  year-end = year-to-date + rate × the active months left, as % of plan (nan with no plan or no
  month elapsed).
* **milestone delay** ``delay_days``: for each milestone, actual − planned when reached, else
  as-of day − planned when the planned day is past; the largest over the milestones, never negative.
* **lag class** from the gap and :class:`Thresholds`: gap ≥ +ahead → ahead; gap ≥ −behind →
  on track; gap ≥ −far_behind → behind; below → far behind; ``NOT_JUDGED`` with no plan.

Months are month indices ``year * 12 + (month - 1)``; days are days since 1970-01-01. Amounts are
in 万元. :func:`rollup` sums plans and year-to-date by any grouping key (unit, county, park,
industry, level, campaign) and counts the projects in each lag class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jingjin.engines.errors import InputError

LAG_CLASSES = ("ahead", "on_track", "behind", "far_behind")
NOT_JUDGED = -1
#: a month index of "unknown" (no start or no end)
UNKNOWN = -1


@dataclass(frozen=True)
class Thresholds:
    """Lag-class bounds in points of gap (completion % − elapsed %)."""

    ahead: float = 5.0
    behind: float = 10.0
    far_behind: float = 25.0

    def __post_init__(self) -> None:
        values = (self.ahead, self.behind, self.far_behind)
        if not all(np.isfinite(v) and v >= 0 for v in values):
            raise InputError("thresholds must be finite and not negative")
        if self.far_behind < self.behind:
            raise InputError("thresholds: far_behind must be at least behind")


@dataclass(frozen=True)
class Progress:
    completion_pct: np.ndarray
    elapsed_pct: np.ndarray
    gap: np.ndarray
    projected_pct: np.ndarray
    delay_days: np.ndarray
    lag: np.ndarray


@dataclass(frozen=True)
class Rollup:
    groups: np.ndarray
    projects: np.ndarray
    planned: np.ndarray
    ytd: np.ndarray
    completion_pct: np.ndarray  # year-to-date of the projects with a plan ÷ their plans
    lag_counts: np.ndarray


def _amounts(name: str, values: Any, n: int | None) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InputError(f"{name} must be one-dimensional")
    if n is not None and array.shape[0] != n:
        raise InputError(f"{name} has {array.shape[0]} values, expected {n}")
    if np.isinf(array).any():
        raise InputError(f"{name} must be finite")
    if (array < 0).any():
        raise InputError(f"{name} must not be negative")
    return array


def _months(name: str, values: Any, n: int, *, default: int) -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=np.int64)
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or (array != np.floor(array)).any():
            raise InputError(f"{name} must be whole month indices")
    elif array.dtype.kind not in "iu":
        raise InputError(f"{name} must be month indices (integers)")
    array = np.broadcast_to(array.astype(np.int64), (n,)) if array.ndim == 0 else array.astype(np.int64)
    if array.shape != (n,):
        raise InputError(f"{name} has {array.shape[0]} values, expected {n}")
    if (array < UNKNOWN).any() or (array > 2200 * 12).any():
        raise InputError(f"{name} has a month index out of range")
    return np.where(array == UNKNOWN, default, array)


def _delays(planned: Any, actual: Any, as_of_day: Any, n: int) -> np.ndarray:
    if planned is None:
        return np.zeros(n, dtype=np.int64)
    p = np.asarray(planned, dtype=np.int64)
    a = np.asarray(actual if actual is not None else np.full(p.shape, UNKNOWN), dtype=np.int64)
    if p.ndim == 1:
        p, a = p[:, None], a.reshape(-1, 1)
    if p.shape != a.shape or p.shape[0] != n:
        raise InputError("milestone_planned and milestone_actual must both be (projects, milestones)")
    day = np.asarray(as_of_day if as_of_day is not None else np.iinfo(np.int64).min, dtype=np.int64)
    day = np.broadcast_to(day, (n,))[:, None]
    has_plan = p != UNKNOWN
    reached = a != UNKNOWN
    late = np.where(reached, a - p, day - p)
    late = np.where(has_plan & (reached | (day > p)), late, 0)
    return np.maximum(late.max(axis=1, initial=0), 0)


def progress(
    *,
    planned: Any,
    ytd: Any,
    as_of_month: Any,
    start_month: Any = None,
    end_month: Any = None,
    milestone_planned: Any = None,
    milestone_actual: Any = None,
    as_of_day: Any = None,
    thresholds: Thresholds = Thresholds(),
) -> Progress:
    """Investment progress of each project as of a month (see the module's rules)."""
    plan = _amounts("planned", planned, None)
    n = plan.shape[0]
    done = _amounts("ytd", ytd, n)
    if np.isnan(done).any():
        raise InputError("ytd must not be missing (0 when nothing was invested)")
    as_of = _months("as_of_month", as_of_month, n, default=0)
    year_first = (as_of // 12) * 12
    year_last = year_first + 11
    first = np.maximum(_months("start_month", start_month, n, default=0), year_first)
    last = np.minimum(_months("end_month", end_month, n, default=2200 * 12), year_last)
    active = np.maximum(last - first + 1, 0)
    elapsed_months = np.clip(np.minimum(as_of, last) - first + 1, 0, None)
    elapsed_months = np.minimum(elapsed_months, active)
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed_pct = np.where(active > 0, elapsed_months * 100.0 / np.maximum(active, 1), 100.0)
        judged = plan > 0
        completion = np.where(judged, done * 100.0 / np.where(judged, plan, 1.0), np.nan)
        rate = done / np.maximum(elapsed_months, 1)
        projected_amount = done + rate * (active - elapsed_months)
        projected = np.where(judged & (elapsed_months > 0), projected_amount * 100.0 / plan, np.nan)
    gap = completion - elapsed_pct
    lag = np.full(n, NOT_JUDGED, dtype=np.int8)
    lag[judged] = 3
    lag[judged & (gap >= -thresholds.far_behind)] = 2
    lag[judged & (gap >= -thresholds.behind)] = 1
    lag[judged & (gap >= thresholds.ahead)] = 0
    return Progress(
        completion_pct=completion,
        elapsed_pct=elapsed_pct,
        gap=gap,
        projected_pct=projected,
        delay_days=_delays(milestone_planned, milestone_actual, as_of_day, n),
        lag=lag,
    )


def rollup(groups: Any, planned: Any, ytd: Any, lag: Any) -> Rollup:
    """Sums and lag-class counts by ``groups`` (any sortable keys, one per project)."""
    keys = np.asarray(groups)
    plan = _amounts("planned", planned, keys.shape[0])
    done = _amounts("ytd", ytd, keys.shape[0])
    classes = np.asarray(lag, dtype=np.int64)
    if classes.shape != keys.shape:
        raise InputError("lag must have one class per project")
    unique, inverse = np.unique(keys, return_inverse=True)
    m = unique.shape[0]
    has_plan = plan > 0
    plan_sum = np.bincount(inverse, weights=np.where(has_plan, plan, 0.0), minlength=m)
    done_sum = np.bincount(inverse, weights=np.nan_to_num(done), minlength=m)
    counts = np.bincount(inverse, minlength=m).astype(np.int64)
    lag_counts = np.zeros((m, len(LAG_CLASSES)), dtype=np.int64)
    judged = classes >= 0
    np.add.at(lag_counts, (inverse[judged], classes[judged]), 1)
    judged_done = np.bincount(inverse, weights=np.where(has_plan, np.nan_to_num(done), 0.0), minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(plan_sum > 0, judged_done * 100.0 / plan_sum, np.nan)
    return Rollup(unique, counts, plan_sum, done_sum, completion, lag_counts)
