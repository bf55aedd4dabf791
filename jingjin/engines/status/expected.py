"""Expected progress at a date and the status lights of tasks (计划进度, 进度状态).

Linear over the task window (:func:`expected_linear`) or from a milestone schedule
(:func:`expected_schedule`); status codes from expected against reported progress
(:func:`shortfall`, :func:`progress_status`, :func:`task_status`). Formulas and defaults:
``docs/engines/status.md``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import polars as pl

from jingjin.engines.scoring import InputError, numeric_column, rows_text
from jingjin.engines.status._inputs import _EPS, _date_column, _days
from jingjin.engines.status.codes import DEFAULT_THRESHOLDS, Status, StatusThresholds

Interpolation = Literal["linear", "step"]


# --------------------------------------------------------------------------------------------
# 1. Expected progress


def expected_linear(start: Any, end: Any, as_of: Any) -> np.ndarray:
    """Expected progress (计划进度) at the end of day ``as_of``, linear over the task window.

    f = clip((as_of − start + 1) / (end − start + 1), 0, 1)

    in days, the window including both its start and end days: 0 before the start, 1/N at
    the end of the first of N days, 1 at the end of the last day and after. Arguments are
    broadcast datetime64[D]-like arrays; NaT anywhere gives NaN. Example: 2021-09-10 →
    2025-12-31 at 2023-06-30 is 659 / 1574 = 0.41868.

    Raises :class:`~jingjin.engines.scoring.InputError` (a ValueError) when an end is before
    its start, naming the rows.
    """
    s, e, t = np.broadcast_arrays(_days(start), _days(end), _days(as_of))
    with np.errstate(invalid="ignore"):
        reversed_window = e < s
    if reversed_window.any():
        raise InputError(f"the end is before the start in {rows_text(reversed_window.ravel())}")
    with np.errstate(invalid="ignore"):
        return np.clip((t - s + 1.0) / (e - s + 1.0), 0.0, 1.0)


def expected_schedule(
    point_dates: Any,
    point_pct: Any,
    as_of: Any,
    *,
    start: Any = None,
    interpolation: Interpolation = "linear",
) -> np.ndarray:
    """Expected progress at the end of day ``as_of`` from a milestone schedule (节点计划).

    A schedule is a list of points (d_k, p_k): p_k % of the task is due by the end of day
    d_k, cumulative, so p is non-decreasing in d, 0 ≤ p ≤ 100, dates distinct. With k the
    number of points with d_k ≤ as_of:

    - ``"step"``: f = p_k / 100 (the last point reached; 0 before the first point).
    - ``"linear"`` (the default): piecewise-linear between points,
      f = [p_k + (as_of − d_k) / (d_{k+1} − d_k) · (p_{k+1} − p_k)] / 100,
      constant p_last after the last point. Before the first point the line starts from
      (start − 1 day, 0 %) when ``start`` is given — so the schedule [(end, 100)] with a start
      equals :func:`expected_linear` — and is 0 without a start.

    ``point_dates`` and ``point_pct`` are (m,) for one schedule shared by every ``as_of``, or
    (n, m) with one row per task, padded with NaT / NaN; ``as_of`` and ``start`` broadcast to
    (n,). A task without points, or a NaT ``as_of``, gives NaN. Returns fractions 0–1.
    Raises InputError naming the schedule row for a date without a % (or the reverse), a %
    outside 0–100, repeated dates or a % that decreases.
    """
    if interpolation not in ("linear", "step"):
        raise InputError(f"interpolation must be 'linear' or 'step', not {interpolation!r}")
    shared = np.ndim(point_dates) <= 1  # one schedule for every as_of
    d = np.atleast_2d(_days(point_dates))
    p = np.atleast_2d(np.asarray(point_pct, dtype=np.float64))
    if d.shape != p.shape:
        raise InputError(f"schedule dates {d.shape} and percentages {p.shape} differ in shape")
    _check_schedule(d, p)
    t = _days(as_of)
    s = _days(start) if start is not None else np.full(np.shape(t), np.nan)
    shape = np.broadcast_shapes(t.shape, s.shape, () if shared else d.shape[:1])
    n = int(np.prod(shape))
    t = np.broadcast_to(t, shape).ravel()
    s = np.broadcast_to(s, shape).ravel()
    d = np.broadcast_to(d, (n, d.shape[1]))
    p = np.broadcast_to(p, (n, p.shape[1]))
    order = np.argsort(d, axis=1)  # NaN (padding) last
    d = np.take_along_axis(d, order, axis=1)
    p = np.take_along_axis(p, order, axis=1)
    m = (~np.isnan(d)).sum(axis=1)
    rows = np.arange(n)
    with np.errstate(invalid="ignore"):
        k = (d <= t[:, None]).sum(axis=1)  # points reached by as_of
    last = np.maximum(k - 1, 0)
    reached = np.where(k > 0, p[rows, last], 0.0)
    if interpolation == "step" or d.shape[1] == 0:
        value = reached
    else:
        nxt = np.minimum(k, np.maximum(m - 1, 0))
        prev_d = np.where(k > 0, d[rows, last], s - 1.0)
        span = d[rows, nxt] - prev_d  # ≤ 0 only for a start after the first point
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(span > 0, np.clip((t - prev_d) / span, 0.0, 1.0), 0.0)
        ramp = reached + frac * (p[rows, nxt] - reached)
        # past the last point, or before the first without a start: the reached value
        value = np.where((k >= m) | ((k == 0) & np.isnan(s)), reached, ramp)
    value = np.where(np.isnan(t) | (m == 0), np.nan, value)
    return np.asarray(value / 100.0, dtype=np.float64).reshape(shape)


def _check_schedule(d: np.ndarray, p: np.ndarray) -> None:
    half = np.isnan(d) != np.isnan(p)
    if half.any():
        raise InputError(f"schedule: a date without a % (or a % without a date) in {_rows2(half)}")
    with np.errstate(invalid="ignore"):
        out = (p < 0) | (p > 100)
    if out.any():
        raise InputError(f"schedule: cumulative % outside 0–100 in {_rows2(out)}")
    order = np.argsort(d, axis=1)
    ds = np.take_along_axis(d, order, axis=1)
    ps = np.take_along_axis(p, order, axis=1)
    with np.errstate(invalid="ignore"):
        repeated = (np.diff(ds, axis=1) == 0).any(axis=1)
        falling = (np.diff(ps, axis=1) < 0).any(axis=1)
    if repeated.any():
        raise InputError(f"schedule: the same date twice in {rows_text(np.asarray(repeated))}")
    if falling.any():
        raise InputError(
            f"schedule: the cumulative % decreases over time in {rows_text(np.asarray(falling))}"
        )


def _rows2(mask: np.ndarray) -> str:
    return rows_text(np.asarray(mask.any(axis=1)))


# --------------------------------------------------------------------------------------------
# 2. Status


def _pct(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = (array < 0) | (array > 100 + _EPS) | np.isinf(array)
    if bad.any():
        raise InputError(f"{name} outside 0–100 % in {rows_text(np.atleast_1d(bad).ravel())}")
    return array


def shortfall(
    expected_pct: Any, reported_pct: Any, *, measure: Literal["points", "relative"] = "points"
) -> np.ndarray:
    """Shortfall of reported against expected progress (进度差距).

    points:   s = E − R                (percentage points)
    relative: s = (E − R) / E × 100    (% of the expected progress; 0 when E = 0)

    E and R in % (0–100). Negative means ahead of schedule. NaN in either gives NaN.
    """
    e = _pct(expected_pct, "expected progress")
    r = _pct(reported_pct, "reported progress")
    gap = e - r
    if measure == "points":
        return np.asarray(gap, dtype=np.float64)
    if measure != "relative":
        raise InputError(f"measure must be 'points' or 'relative', not {measure!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(e == 0, 0.0 * gap, gap / e * 100.0), dtype=np.float64)


def progress_status(
    expected_pct: Any,
    reported_pct: Any,
    past_end: Any = False,
    *,
    thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
) -> np.ndarray:
    """Status code (:class:`Status`, int8) of each task; first rule that applies wins:

    1. 已完成 DONE       R ≥ done_pct (even past the end)
    2. 逾期 OVERDUE      ``past_end`` (as_of > end) and not done, also when R is NaN
    3. 未知 UNKNOWN      R is NaN (nothing reported) or E is NaN (no window or schedule)
    4. 严重滞后 FAR_BEHIND  s > far_behind
    5. 滞后 BEHIND       s > behind
    6. 正常 ON_TRACK     otherwise

    E (expected) and R (reported) in %, s = :func:`shortfall` in the thresholds' measure;
    comparisons allow 1e-9 for rounding. Arrays broadcast together.
    """
    e, r, late = np.broadcast_arrays(
        _pct(expected_pct, "expected progress"),
        _pct(reported_pct, "reported progress"),
        np.asarray(past_end, dtype=bool),
    )
    s = shortfall(e, r, measure=thresholds.measure)
    code = np.full(e.shape, Status.ON_TRACK, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        code[s > thresholds.behind + _EPS] = Status.BEHIND
        code[s > thresholds.far_behind + _EPS] = Status.FAR_BEHIND
        code[np.isnan(e) | np.isnan(r)] = Status.UNKNOWN
        code[late] = Status.OVERDUE
        code[r >= thresholds.done_pct - _EPS] = Status.DONE
    return code


def task_status(
    tasks: pl.DataFrame,
    *,
    thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
    schedule: pl.DataFrame | None = None,
    interpolation: Interpolation = "linear",
    as_of: Any = None,
) -> pl.DataFrame:
    """Add ``expected_pct``, ``shortfall_pct`` and ``status`` to a table of tasks.

    Input columns: ``task_id``, ``start``, ``end``, ``reported_pct`` (0–100, empty when not
    reported) and ``as_of`` (or the keyword ``as_of``, one date for every row); dates as
    polars Date/Datetime or ``YYYY-MM-DD`` text. A task may appear on several rows (one per
    report date). ``schedule`` (columns ``task_id``, ``date``, ``cumulative_pct``) gives
    milestone schedules: tasks that have points there use :func:`expected_schedule` with
    their start; the others :func:`expected_linear`. Output columns added:

    - ``expected_pct`` Float64, 0–100 (null when the window is incomplete)
    - ``shortfall_pct`` Float64: points or % of expected, as ``thresholds.measure``
    - ``status`` Int8: a :class:`Status` code (join :func:`status_labels` for names)

    Overdue means as_of > end. Raises InputError naming data rows for a missing column, a bad
    date, an end before its start, or a reported % outside 0–100.
    """
    if "task_id" not in tasks.columns:
        raise InputError(f"missing column 'task_id' (the input has: {', '.join(tasks.columns)})")
    start = _date_column(tasks, "start")
    end = _date_column(tasks, "end")
    if as_of is None:
        t = _date_column(tasks, "as_of")
    else:
        t = np.broadcast_to(_days(as_of), (tasks.height,)).astype(np.float64)
    reported = numeric_column(tasks, "reported_pct", allow_null=True, minimum=0.0)
    over = reported > 100 + _EPS
    if over.any():
        raise InputError(f"column 'reported_pct': over 100 % in {rows_text(over)}")
    with np.errstate(invalid="ignore"):
        reversed_window = end < start
    if reversed_window.any():
        raise InputError(f"the end is before the start in {rows_text(reversed_window)}")
    expected = expected_linear(_nat(start), _nat(end), _nat(t))
    if schedule is not None and schedule.height:
        dates, pct, row_of_task = _schedule_arrays(schedule, tasks.get_column("task_id"))
        has = row_of_task >= 0
        if has.any():
            expected[has] = expected_schedule(
                _nat(dates[row_of_task[has]]),
                pct[row_of_task[has]],
                _nat(t[has]),
                start=_nat(start[has]),
                interpolation=interpolation,
            )
    expected_pct = expected * 100.0
    with np.errstate(invalid="ignore"):
        late = t > end
    codes = progress_status(expected_pct, reported, late, thresholds=thresholds)
    gap = shortfall(expected_pct, reported, measure=thresholds.measure)
    return tasks.with_columns(
        pl.Series("expected_pct", expected_pct, dtype=pl.Float64, nan_to_null=True),
        pl.Series("shortfall_pct", gap, dtype=pl.Float64, nan_to_null=True),
        pl.Series("status", codes, dtype=pl.Int8),
    )


def _nat(days: np.ndarray) -> np.ndarray:
    """Float days (NaN = missing) back to datetime64[D]."""
    out = np.where(np.isnan(days), 0, days).astype(np.int64).astype("datetime64[D]")
    out[np.isnan(days)] = np.datetime64("NaT")
    return out


def _schedule_arrays(
    schedule: pl.DataFrame, task_ids: pl.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Long schedule → padded (u, m) day and % arrays, and each task row's schedule row (or −1)."""
    if "task_id" not in schedule.columns:
        raise InputError("schedule: missing column 'task_id'")
    days = _date_column(schedule, "date")
    pct = numeric_column(schedule, "cumulative_pct", allow_null=True)
    for bad, what in (
        (schedule.get_column("task_id").is_null().to_numpy(), "no task_id"),
        (np.isnan(days), "no date"),
        (np.isnan(pct), "no cumulative_pct"),
        ((pct < 0) | (pct > 100), "cumulative_pct outside 0–100"),
    ):
        if bad.any():
            raise InputError(f"schedule: {what} in {rows_text(bad)}")
    ids = schedule.get_column("task_id")
    if ids.dtype != task_ids.dtype:
        ids = ids.cast(task_ids.dtype, strict=False)
    long = pl.DataFrame({"task_id": ids, "day": days, "pct": pct, "row": np.arange(len(days))}).sort(
        "task_id", "day", "row"
    )
    same_task = (long.get_column("task_id") == long.get_column("task_id").shift(1)).fill_null(False)
    repeated = same_task & (long.get_column("day") == long.get_column("day").shift(1)).fill_null(False)
    falling = same_task & (long.get_column("pct") < long.get_column("pct").shift(1)).fill_null(False)
    for bad, what in ((repeated, "the same date twice for a task"), (falling, "the cumulative % decreases")):
        if bad.any():
            mask = np.zeros(schedule.height, dtype=bool)
            mask[long.get_column("row").filter(bad).to_numpy()] = True
            raise InputError(f"schedule: {what} in {rows_text(mask)}")
    group = long.get_column("task_id").rle_id().to_numpy()
    position = long.select(pl.int_range(pl.len()).over("task_id")).to_series().to_numpy()
    u, m = int(group.max()) + 1, int(position.max()) + 1
    dates = np.full((u, m), np.nan)
    pcts = np.full((u, m), np.nan)
    dates[group, position] = long.get_column("day").to_numpy()
    pcts[group, position] = long.get_column("pct").to_numpy()
    keys = pl.DataFrame({"task_id": long.get_column("task_id"), "g": group}).unique("task_id")
    row_of_task = (
        pl.DataFrame({"task_id": task_ids})
        .join(keys, on="task_id", how="left", maintain_order="left")
        .get_column("g")
        .fill_null(-1)
        .to_numpy()
    )
    return dates, pcts, np.asarray(row_of_task, dtype=np.int64)
