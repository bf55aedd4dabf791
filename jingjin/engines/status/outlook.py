"""Indicator outlook: projection of yearly actuals to the target year (目标达成研判).

Linear or compound projection (:func:`indicator_outlook`) judged against the target with a
tolerance band (:func:`projection_outlook`) → 预计达成 likely / 存在风险 at risk / 难以达成
unlikely. Formulas and defaults: ``docs/engines/status.md``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import polars as pl

from jingjin.engines.scoring import InputError, numeric_column, rows_text
from jingjin.engines.status._inputs import _EPS, _require
from jingjin.engines.status.codes import DIRECTIONS, Outlook


def projection_outlook(
    projected: Any,
    direction: Any,
    *,
    target: Any = np.nan,
    target_min: Any = np.nan,
    target_max: Any = np.nan,
    baseline: Any = np.nan,
    tolerance: Any = 0.05,
) -> np.ndarray:
    """Outlook code (:class:`Outlook`, int8) of projected values P against their targets.

    With the band w(x) = tolerance × |x| around a target x (tolerance × |baseline| when x = 0,
    0 when that is unknown too):

    - ``higher``: 预计达成 LIKELY if P ≥ t + w, 难以达成 UNLIKELY if P < t − w, else 存在风险 AT_RISK.
    - ``lower``: LIKELY if P ≤ t − w, UNLIKELY if P > t + w, else AT_RISK.
    - ``range`` [lo, hi]: LIKELY if lo + w(lo) ≤ P ≤ hi − w(hi), UNLIKELY if P < lo − w(lo) or
      P > hi + w(hi), else AT_RISK.
    - ``boolean``, ``milestone``: NOT_APPLICABLE (not projected).

    A NaN projection or target gives UNKNOWN. Comparisons allow 1e-9 × max(1, |x|).
    ``tolerance`` (a fraction, default 0.05 = ±5 %) may be an array, one per indicator.
    """
    tol = np.asarray(tolerance, dtype=np.float64)
    if not np.all((tol >= 0) & (tol < 1)):
        raise InputError(f"tolerance must be in [0, 1), got {tolerance}")
    p, d, t, lo, hi, b, tol = np.broadcast_arrays(
        np.asarray(projected, dtype=np.float64),
        np.char.lower(np.char.strip(np.asarray(direction, dtype=str))),
        np.asarray(target, dtype=np.float64),
        np.asarray(target_min, dtype=np.float64),
        np.asarray(target_max, dtype=np.float64),
        np.asarray(baseline, dtype=np.float64),
        tol,
    )
    unknown_direction = ~np.isin(d, DIRECTIONS)
    if unknown_direction.any():
        raise InputError(
            f"direction must be one of {', '.join(DIRECTIONS)} in "
            f"{rows_text(np.atleast_1d(unknown_direction).ravel())}"
        )

    def band(x: np.ndarray) -> np.ndarray:
        return np.where(x == 0, tol * np.nan_to_num(np.abs(b)), tol * np.abs(x))

    def tiny(x: np.ndarray) -> np.ndarray:
        return _EPS * np.maximum(1.0, np.abs(x))

    code = np.full(p.shape, Outlook.UNKNOWN, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        w = band(t)
        rules = {
            "higher": (p >= t + w - tiny(t), p < t - w - tiny(t), ~np.isnan(t)),
            "lower": (p <= t - w + tiny(t), p > t + w + tiny(t), ~np.isnan(t)),
            "range": (
                (p >= lo + band(lo) - tiny(lo)) & (p <= hi - band(hi) + tiny(hi)),
                (p < lo - band(lo) - tiny(lo)) | (p > hi + band(hi) + tiny(hi)),
                ~np.isnan(lo) & ~np.isnan(hi),
            ),
        }
    for name, (likely, unlikely, has_target) in rules.items():
        rows = (d == name) & has_target & ~np.isnan(p)
        code[rows] = np.where(likely, Outlook.LIKELY, np.where(unlikely, Outlook.UNLIKELY, Outlook.AT_RISK))[
            rows
        ]
    code[np.isin(d, ("boolean", "milestone"))] = Outlook.NOT_APPLICABLE
    return code


def _optional_numeric(frame: pl.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(frame.height, np.nan)
    return numeric_column(frame, column, allow_null=True)


def indicator_outlook(
    actuals: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    method: Literal["linear", "compound"] = "linear",
    tolerance: float = 0.05,
    target_year: int | None = None,
) -> pl.DataFrame:
    """Project each indicator's yearly actuals to its target year and judge the outlook.

    ``actuals``: ``indicator_id``, ``year``, ``value`` (one row per indicator and year; empty
    values are skipped; years after the target year are ignored). ``targets``: one row per
    ``indicator_id`` with ``direction`` (higher / lower / range / boolean / milestone),
    ``target_year`` (or the keyword, used where it is empty), ``target_value``, ``target_min``,
    ``target_max``, ``baseline_value``, ``baseline_year`` and optionally ``method`` (linear /
    compound, empty = the keyword). Missing optional columns count as empty.

    Projection P at the target year T from the n actuals (y_i, v_i):

    - an actual in year T: P = that actual (``basis`` "actual");
    - n ≥ 2 (``basis`` "trend"): linear P = v̄ + b (T − ȳ), b = Σ(y−ȳ)(v−v̄) / Σ(y−ȳ)², the
      least-squares line; compound P = exp(ℓ̄ + g (T − ȳ)), the least-squares line through
      ℓ = ln v (log-linear fit, annual growth e^g − 1; with two actuals exactly the CAGR);
    - n = 1 with a baseline (v₀, y₀), y₀ < y₁ (``basis`` "baseline"): linear
      P = v₀ + (v₁ − v₀)(T − y₀)/(y₁ − y₀), the line through baseline and actual — P ≥ target
      exactly when the actual is on or above the straight line from baseline to target;
      compound P = v₁ (v₁/v₀)^((T − y₁)/(y₁ − y₀));
    - otherwise no projection (``basis`` "none", outlook UNKNOWN).

    Compound needs every value (and the baseline, for n = 1) > 0; otherwise the linear
    projection is used and ``fallback`` is true. The outlook is :func:`projection_outlook` of
    ``projected`` with ``tolerance`` (with 0 when the target-year actual is known: met or
    missed, no forecast band). Returns ``targets`` with the columns added:
    ``n_actuals`` (Int64), ``last_year``, ``last_value``, ``basis``, ``projected_linear``,
    ``projected_compound``, ``method`` (used), ``fallback``, ``projected``, ``outlook`` (Int8).
    """
    _require(actuals, ("indicator_id", "year", "value"), "actuals")
    _require(targets, ("indicator_id", "direction"), "targets")
    if method not in ("linear", "compound"):
        raise InputError(f"method must be 'linear' or 'compound', not {method!r}")
    if not 0 <= tolerance < 1:
        raise InputError(f"tolerance must be in [0, 1), got {tolerance}")
    ids, direction, t_year, methods = _outlook_targets(targets, method, target_year)
    s = _actual_stats(actuals, ids, t_year)

    def col(name: str) -> np.ndarray:
        return np.asarray(s.get_column(name).cast(pl.Float64).to_numpy(), dtype=np.float64)

    n = np.nan_to_num(col("n")).astype(np.int64)
    T, ly, lv = t_year, col("last_year"), col("last_value")
    b0, y0 = _optional_numeric(targets, "baseline_value"), _optional_numeric(targets, "baseline_year")
    positive = s.get_column("positive").fill_null(False).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        trend, one = n >= 2, (n == 1) & (y0 < ly) & ~np.isnan(b0)
        lin = np.where(trend, col("mean_value") + col("sxv") / col("sxx") * (T - col("mean_year")), np.nan)
        comp = np.where(
            trend & positive,
            np.exp(col("mean_ln") + col("sxl") / col("sxx") * (T - col("mean_year"))),
            np.nan,
        )
        lin = np.where(one, b0 + (lv - b0) * (T - y0) / (ly - y0), lin)
        comp = np.where(one & (lv > 0) & (b0 > 0), lv * (lv / b0) ** ((T - ly) / (ly - y0)), comp)
    at_target = col("at_target")
    actual = ~np.isnan(at_target)
    lin, comp = np.where(actual, at_target, lin), np.where(actual, at_target, comp)
    skip = direction.is_in(["boolean", "milestone"]).to_numpy()
    lin, comp = np.where(skip, np.nan, lin), np.where(skip, np.nan, comp)
    basis = np.select(
        [skip, actual, trend, one & ~np.isnan(lin)], ["none", "actual", "trend", "baseline"], default="none"
    )
    compound = methods == "compound"
    use_comp = compound & ~np.isnan(comp)
    projected = np.where(use_comp, comp, lin)
    fallback = compound & np.isnan(comp) & ~np.isnan(lin)
    used = [
        None if np.isnan(x) else ("compound" if c else "linear")
        for x, c in zip(projected, use_comp, strict=True)
    ]
    outlook = projection_outlook(
        projected,
        direction.to_numpy().astype(str),
        target=_optional_numeric(targets, "target_value"),
        target_min=_optional_numeric(targets, "target_min"),
        target_max=_optional_numeric(targets, "target_max"),
        baseline=b0,
        tolerance=np.where(actual, 0.0, tolerance),  # a target-year actual is no forecast
    )
    outlook[(basis == "none") & ~skip] = Outlook.UNKNOWN
    return targets.with_columns(
        pl.Series("n_actuals", n, dtype=pl.Int64),
        pl.Series("last_year", ly, dtype=pl.Float64, nan_to_null=True).cast(pl.Int64),
        pl.Series("last_value", lv, dtype=pl.Float64, nan_to_null=True),
        pl.Series("basis", basis.astype(str), dtype=pl.String),
        pl.Series("projected_linear", lin, dtype=pl.Float64, nan_to_null=True),
        pl.Series("projected_compound", comp, dtype=pl.Float64, nan_to_null=True),
        pl.Series("method", used, dtype=pl.String),
        pl.Series("fallback", fallback, dtype=pl.Boolean),
        pl.Series("projected", projected, dtype=pl.Float64, nan_to_null=True),
        pl.Series("outlook", outlook, dtype=pl.Int8),
    )


def _outlook_targets(
    targets: pl.DataFrame, method: str, target_year: int | None
) -> tuple[pl.Series, pl.Series, np.ndarray, np.ndarray]:
    """The targets' ids (filled, once each), directions, target years and projection methods."""
    ids = targets.get_column("indicator_id")
    if ids.is_null().any() or ids.is_duplicated().any():
        bad = (ids.is_null() | ids.is_duplicated()).to_numpy()
        raise InputError(f"targets: empty or repeated indicator_id in {rows_text(bad)}")
    direction = (
        targets.get_column("direction").cast(pl.String).fill_null("").str.strip_chars().str.to_lowercase()
    )
    unknown = ~direction.is_in(DIRECTIONS).to_numpy()
    if unknown.any():
        raise InputError(f"targets: direction must be one of {', '.join(DIRECTIONS)} in {rows_text(unknown)}")
    t_year = _optional_numeric(targets, "target_year")
    if target_year is not None:
        t_year = np.where(np.isnan(t_year), float(target_year), t_year)
    methods = np.full(targets.height, method, dtype=object)
    if "method" in targets.columns:
        given = targets.get_column("method").cast(pl.String).str.strip_chars().str.to_lowercase()
        bad = ~given.is_in(["linear", "compound"]).fill_null(True).to_numpy()
        if bad.any():
            raise InputError(f"targets: method must be linear or compound in {rows_text(bad)}")
        methods = np.where(given.is_null().to_numpy(), method, given.fill_null("").to_numpy())
    return ids, direction, t_year, methods


def _actual_stats(actuals: pl.DataFrame, ids: pl.Series, t_year: np.ndarray) -> pl.DataFrame:
    """Per target (in the targets' order): the count, means and sums of the least-squares lines
    through the actuals up to its target year, the last actual and the target-year actual."""
    year = numeric_column(actuals, "year")
    if (year != np.round(year)).any():
        raise InputError(f"actuals: column 'year': not a whole year in {rows_text(year != np.round(year))}")
    value = numeric_column(actuals, "value", allow_null=True)
    actual_ids = actuals.get_column("indicator_id")
    if actual_ids.dtype != ids.dtype:
        actual_ids = actual_ids.cast(ids.dtype, strict=False)
    a = pl.DataFrame({"indicator_id": actual_ids, "year": year, "value": value}).with_columns(
        pl.col("value").fill_nan(None)
    )
    filled = a.with_row_index("row").drop_nulls("value")
    repeated = np.zeros(a.height, dtype=bool)
    repeated[
        filled.filter(pl.struct("indicator_id", "year").is_duplicated()).get_column("row").to_numpy()
    ] = True
    if repeated.any():
        raise InputError(f"actuals: two values for one indicator and year in {rows_text(repeated)}")
    years = pl.DataFrame({"indicator_id": ids, "T": pl.Series(t_year, nan_to_null=True)})
    a = (
        a.drop_nulls("value")
        .join(years, on="indicator_id", how="inner")
        .filter(pl.col("year") <= pl.col("T"))
        .with_columns(
            x=pl.col("year") - pl.col("year").mean().over("indicator_id"),
            ln=pl.when(pl.col("value") > 0).then(pl.col("value").log()),
        )
    )
    stats = a.group_by("indicator_id").agg(
        n=pl.len(),
        mean_year=pl.col("year").mean(),
        mean_value=pl.col("value").mean(),
        sxx=(pl.col("x") ** 2).sum(),
        sxv=(pl.col("x") * pl.col("value")).sum(),
        positive=(pl.col("value") > 0).all(),
        mean_ln=pl.col("ln").mean(),
        sxl=(pl.col("x") * pl.col("ln")).sum(),
        last_year=pl.col("year").max(),
        last_value=pl.col("value").sort_by("year").last(),
        at_target=pl.col("value").filter(pl.col("year") == pl.col("T")).first(),
    )
    return pl.DataFrame({"indicator_id": ids}).join(
        stats, on="indicator_id", how="left", maintain_order="left"
    )
