"""Investment progress of key projects (重点项目投资进度): pure, vectorised, arrays in and out.

For each project (one row) and an as-of month (月份, the month whose report is the latest counted):

* **completion** ``completion_pct`` = investment completed this year to date ÷ the year's planned
  investment × 100 (年度投资完成率); not judged (nan) when the project has no plan for the year
  (nan or 0).
* **elapsed** ``elapsed_pct`` (时序进度): the project's *active months* of the as-of year run from
  max(January, its start month) to min(December, its end month) (the whole year when unknown);
  elapsed = the active months up to and including the as-of month, as a share of the active months.
  A project starting after the as-of month has elapsed 0 % (also one starting in a later year);
  one that ended before the as-of month has elapsed 100 % (also one that ended in an earlier year).
* **gap** = completion − elapsed, in percentage points (nan when not judged).
* **projection** ``projected_pct``: run rate = year-to-date ÷ elapsed active months; projected
  year-end = year-to-date + rate × the active months left, as % of plan. nan with no plan or when
  none of the project's months of the year has elapsed yet; a project that ended in an earlier
  year has no month left, its projection is its completion.
* **milestone delay** ``delay_days``: for each milestone with a planned day, actual − planned when
  reached, else as-of day − planned when the planned day is before the as-of day, else 0; the
  largest over the milestones, never negative (a milestone reached early counts 0).
* **lag class** from the gap and :class:`Thresholds`: gap ≥ +ahead → ahead (超前); gap ≥ −behind →
  on track (正常); gap ≥ −far_behind → behind (滞后); below → far behind (严重滞后); each bound
  belongs to the better class. ``NOT_JUDGED`` (−1) with no plan.

Worked example: a whole-year project with a plan of 1,000 万元 and 300 万元 done by June has
completion 30 %, elapsed 6/12 = 50 %, gap −20 points (behind with the default thresholds),
run rate 50 万元 a month, projected 300 + 50 × 6 = 600 万元 = 60 %.

Months are month indices ``year * 12 + (month - 1)``; days are days since 1970-01-01; a start,
end, milestone day or actual day unknown is :data:`UNKNOWN` (−1). Amounts are in 万元. The as-of
month may differ per row (an array). :func:`rollup` sums plans and year-to-date by any grouping
key (unit, county, park, industry, level, campaign) and counts the projects in each lag class.

Errors are :class:`~jingjin.engines.errors.InputError`, naming the argument and the rows
(data rows counted from 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jingjin.engines.errors import InputError, rows_text

LAG_CLASSES = ("ahead", "on_track", "behind", "far_behind")
NOT_JUDGED = -1
#: a month index or day of "unknown" (no start, no end, milestone not planned or not reached)
UNKNOWN = -1
#: the last month index accepted (December 2199)
LAST_MONTH = 2200 * 12 - 1
_FAR_FUTURE = LAST_MONTH + 1
_EPOCH_MONTH = 1970 * 12


@dataclass(frozen=True)
class Thresholds:
    """Lag-class bounds in points of gap (completion % − elapsed %), all finite and ≥ 0:
    ahead from +``ahead``, on track down to −``behind``, behind down to −``far_behind``."""

    ahead: float = 5.0
    behind: float = 10.0
    far_behind: float = 25.0

    def __post_init__(self) -> None:
        values = (self.ahead, self.behind, self.far_behind)
        try:
            valid = all(np.isfinite(float(v)) and float(v) >= 0 for v in values)
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise InputError("thresholds must be finite numbers, not negative")
        if self.far_behind < self.behind:
            raise InputError("thresholds: far_behind must be at least behind")


@dataclass(frozen=True)
class Progress:
    """The figures of each project, in the input's order (percentages in %, gap in points)."""

    completion_pct: np.ndarray  # float64, nan when not judged
    elapsed_pct: np.ndarray  # float64, 0–100
    gap: np.ndarray  # float64, nan when not judged
    projected_pct: np.ndarray  # float64, nan when not judged or nothing elapsed
    delay_days: np.ndarray  # int64, ≥ 0
    lag: np.ndarray  # int8: index into LAG_CLASSES, or NOT_JUDGED


@dataclass(frozen=True)
class Rollup:
    """Sums by group, groups sorted (``numpy.unique``)."""

    groups: np.ndarray
    projects: np.ndarray  # number of projects
    planned: np.ndarray  # sum of the plans of the projects with a plan (万元)
    ytd: np.ndarray  # sum of year-to-date of every project (万元)
    completion_pct: np.ndarray  # year-to-date of the projects with a plan ÷ their plans
    lag_counts: np.ndarray  # (groups, 4): projects per lag class, in LAG_CLASSES order


def _amounts(name: str, values: Any, n: int | None) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers (万元)") from None
    if array.ndim != 1:
        raise InputError(f"{name} must be one-dimensional")
    if n is not None and array.shape[0] != n:
        raise InputError(f"{name} has {array.shape[0]} values, expected {n}")
    if np.isinf(array).any():
        raise InputError(f"{name} must be finite: infinite in {rows_text(np.isinf(array))}")
    if (array < 0).any():
        raise InputError(f"{name} must not be negative: negative in {rows_text(array < 0)}")
    return array


def _integers(name: str, values: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Whole numbers (int, or float without fraction) broadcast to ``shape``; UNKNOWN or ≥ 0."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or (array != np.floor(array)).any():
            raise InputError(f"{name} must be whole {what}")
    elif array.dtype.kind not in "iu":
        raise InputError(f"{name} must be {what} (integers)")
    if array.ndim == 0:
        array = np.broadcast_to(array, shape)
    if array.shape != shape:
        raise InputError(f"{name} has shape {array.shape}, expected {shape}")
    array = array.astype(np.int64, copy=False)
    if (array < UNKNOWN).any():
        raise InputError(f"{name} has a negative value other than {UNKNOWN} (unknown)")
    return array


def _months(name: str, values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, UNKNOWN, dtype=np.int64)
    array = _integers(name, values, (n,), "month indices")
    if (array > LAST_MONTH).any():
        raise InputError(f"{name} has a month index out of range in {rows_text(array > LAST_MONTH)}")
    return array


#: days since 1970-01-01 of the first day of each month index 0 … LAST_MONTH + 1 (a lookup is
#: a tenth of the time of numpy's datetime conversion)
_MONTH_START = (np.arange(LAST_MONTH + 2) - _EPOCH_MONTH).astype("datetime64[M]").astype("datetime64[D]")
_MONTH_START_DAY = _MONTH_START.astype(np.int64)


def _month_end_day(month: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the last day of each month index."""
    return _MONTH_START_DAY[month + 1] - 1


def _delays(planned: Any, actual: Any, as_of_day: np.ndarray, n: int) -> np.ndarray:
    if planned is None:
        if actual is not None:
            raise InputError("milestone_actual needs milestone_planned")
        return np.zeros(n, dtype=np.int64)
    p = np.asarray(planned)
    if p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2 or p.shape[0] != n:
        raise InputError(f"milestone_planned must be (projects, milestones): {n} rows expected")
    p = _integers("milestone_planned", p, p.shape, "days")
    if actual is None:
        a = np.full(p.shape, UNKNOWN, dtype=np.int64)
    else:
        raw = np.asarray(actual)
        a = _integers("milestone_actual", raw[:, None] if raw.ndim == 1 else raw, p.shape, "days")
    # late = (actual if reached else the as-of day) − planned; a negative lateness (reached early,
    # or due after the as-of day) loses to the initial 0 of the maximum
    late = np.where(a != UNKNOWN, a, as_of_day[:, None])
    late -= p
    np.putmask(late, p == UNKNOWN, 0)
    return late.max(axis=1, initial=0)


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
    """Investment progress of each project as of a month (the rules: see the module).

    ``planned`` (万元, nan or 0 = no plan for the year) and ``ytd`` (万元, not missing) are one
    value per project; ``as_of_month`` is a month index, one or one per project;
    ``start_month``/``end_month`` month indices or :data:`UNKNOWN`; ``milestone_planned`` and
    ``milestone_actual`` days, shape (projects, milestones); ``as_of_day`` (default: the last
    day of the as-of month) the day the unreached milestones are judged on.
    """
    plan = _amounts("planned", planned, None)
    n = plan.shape[0]
    done = _amounts("ytd", ytd, n)
    if np.isnan(done).any():
        raise InputError(
            f"ytd must not be missing (0 when nothing was invested): in {rows_text(np.isnan(done))}"
        )
    if as_of_month is None:
        raise InputError("as_of_month is required")
    as_of = _months("as_of_month", as_of_month, n)
    if (as_of == UNKNOWN).any():
        raise InputError(f"as_of_month must be known: unknown in {rows_text(as_of == UNKNOWN)}")
    start = _months("start_month", start_month, n)
    end = _months("end_month", end_month, n)
    reversed_dates = (start != UNKNOWN) & (end != UNKNOWN) & (end < start)
    if reversed_dates.any():
        raise InputError(f"end_month is before start_month in {rows_text(reversed_dates)}")
    if as_of_day is not None:
        day = _integers("as_of_day", as_of_day, (n,), "days")
    elif milestone_planned is not None:
        day = _month_end_day(as_of)
    else:
        day = np.zeros(n, dtype=np.int64)  # not used
    year_first = as_of - as_of % 12
    year_last = year_first + 11
    first = np.maximum(start, year_first)  # UNKNOWN (−1) is below every year
    last = np.where(end == UNKNOWN, year_last, np.minimum(end, year_last))
    active = np.maximum(last - first + 1, 0)
    # min(as-of, last) ≤ last, so the elapsed months never exceed the active months
    elapsed_months = np.maximum(np.minimum(as_of, last) - first + 1, 0)
    ended_before = (end != UNKNOWN) & (end < year_first)  # then active = elapsed = 0
    judged = plan > 0
    elapsed_pct = elapsed_months * 100.0 / np.maximum(active, 1)
    np.putmask(elapsed_pct, ended_before, 100.0)
    completion = np.where(judged, done * 100.0 / np.where(judged, plan, 1.0), np.nan)
    # year-to-date + (year-to-date ÷ elapsed) × (active − elapsed) = year-to-date × active ÷ elapsed
    projected = completion * active / np.maximum(elapsed_months, 1)
    np.putmask(projected, elapsed_months == 0, np.where(ended_before, completion, np.nan))
    gap = completion - elapsed_pct
    steps = (gap >= -thresholds.far_behind).view(np.int8) + (gap >= -thresholds.behind).view(np.int8)
    steps += (gap >= thresholds.ahead).view(np.int8)  # the bounds are ordered: each step implies the last
    lag = np.where(judged, 3 - steps, NOT_JUDGED).astype(np.int8)
    return Progress(
        completion_pct=completion,
        elapsed_pct=elapsed_pct,
        gap=gap,
        projected_pct=projected,
        delay_days=_delays(milestone_planned, milestone_actual, day, n),
        lag=lag,
    )


def _group_index(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct keys and each key's position among them. Small non-negative integer
    keys (ids, codes) are counted in one pass instead of sorted."""
    if keys.dtype.kind in "iu" and keys.size and keys.min() >= 0 and keys.max() < 4 * keys.size + 1024:
        present = np.bincount(keys) > 0
        unique = np.flatnonzero(present).astype(keys.dtype)
        return unique, (np.cumsum(present) - 1)[keys]
    try:
        unique, inverse = np.unique(keys, return_inverse=True)
    except TypeError:
        raise InputError("groups must be keys of one sortable kind (no missing key)") from None
    return unique, inverse.reshape(-1)


def rollup(groups: Any, planned: Any, ytd: Any, lag: Any) -> Rollup:
    """Sums and lag-class counts by ``groups`` (any sortable keys, one per project).

    ``completion_pct`` = Σ year-to-date ÷ Σ plan over the group's projects *with a plan* (a project
    without a plan for the year neither adds to the plan nor dilutes completion); nan when no
    project of the group has a plan. ``ytd`` sums every project.
    """
    keys = np.asarray(groups)
    if keys.ndim != 1:
        raise InputError("groups must be one key per project (one-dimensional)")
    plan = _amounts("planned", planned, keys.shape[0])
    done = _amounts("ytd", ytd, keys.shape[0])
    try:
        classes = np.asarray(lag, dtype=np.int64)
    except (TypeError, ValueError):
        raise InputError("lag must be lag classes (integers)") from None
    if classes.shape != keys.shape:
        raise InputError("lag must have one class per project")
    bad = (classes < NOT_JUDGED) | (classes >= len(LAG_CLASSES))
    if bad.any():
        raise InputError(f"lag must be {NOT_JUDGED} to {len(LAG_CLASSES) - 1}: not in {rows_text(bad)}")
    unique, inverse = _group_index(keys)
    m = unique.shape[0]
    has_plan = plan > 0
    done0 = np.nan_to_num(done)
    plan_sum = np.bincount(inverse, weights=np.where(has_plan, plan, 0.0), minlength=m)
    done_sum = np.bincount(inverse, weights=done0, minlength=m)
    counts = np.bincount(inverse, minlength=m).astype(np.int64)
    k = len(LAG_CLASSES)
    judged = classes >= 0
    cells = inverse[judged] * k + classes[judged]
    lag_counts = np.bincount(cells, minlength=m * k).reshape(m, k).astype(np.int64)
    judged_done = np.bincount(inverse, weights=np.where(has_plan, done0, 0.0), minlength=m)
    completion = np.where(plan_sum > 0, judged_done * 100.0 / np.where(plan_sum > 0, plan_sum, 1.0), np.nan)
    return Rollup(unique, counts, plan_sum, done_sum, completion, lag_counts)
