"""The scalar formulas of benchmarking: growth (CAGR), projection, catch-up growth, robust z."""

from __future__ import annotations

import math

import numpy as np

OUTLIER_THRESHOLD = 3.5  # Iglewicz & Hoaglin's cut-off for the modified z-score


MAD_SCALE = 1.4826  # 1 / Φ⁻¹(3/4): MAD × 1.4826 estimates σ of a normal distribution


MEAN_AD_SCALE = 1.253314  # √(π/2): mean absolute deviation × 1.2533 estimates σ


OUTLIER_MIN_N = 5  # fewer values than this: no outlier test


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
