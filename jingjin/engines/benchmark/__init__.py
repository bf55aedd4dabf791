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

Modules: :mod:`~jingjin.engines.benchmark.comparison` (:func:`compare`),
:mod:`~jingjin.engines.benchmark.charts` (:func:`rank_history`, :func:`radar`),
:mod:`~jingjin.engines.benchmark.composite` (the composite index),
:mod:`~jingjin.engines.benchmark.formulas` (the scalar formulas) and ``_data`` (the long data
read once, the peer group and one indicator's statistics in a year, which all of them share).

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

from jingjin.engines.benchmark._data import DIRECTIONS, GROWTH_KINDS
from jingjin.engines.benchmark.charts import radar, rank_history
from jingjin.engines.benchmark.comparison import COMPARE_COLUMNS, FLAGS, compare
from jingjin.engines.benchmark.composite import composite_index, composite_weights
from jingjin.engines.benchmark.formulas import (
    MAD_SCALE,
    MEAN_AD_SCALE,
    OUTLIER_MIN_N,
    OUTLIER_THRESHOLD,
    cagr_pct,
    projected_value,
    required_growth_pct,
    robust_z,
)

__all__ = [
    "COMPARE_COLUMNS",
    "DIRECTIONS",
    "FLAGS",
    "GROWTH_KINDS",
    "MAD_SCALE",
    "MEAN_AD_SCALE",
    "OUTLIER_MIN_N",
    "OUTLIER_THRESHOLD",
    "cagr_pct",
    "compare",
    "composite_index",
    "composite_weights",
    "projected_value",
    "radar",
    "rank_history",
    "required_growth_pct",
    "robust_z",
]
