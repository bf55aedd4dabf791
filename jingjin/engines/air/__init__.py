"""Air quality engines: AQI to HJ 633-2012 / HJ 633-2026, hourly → daily → annual (HJ 663, GB 3095).

Pure and vectorised (numpy/polars). Public API:

* :func:`aqi` — IAQI, AQI, level, category, colour, primary and exceeding pollutants;
* :func:`iaqi` — the sub-index of one indicator;
* :func:`daily` — daily values from hourly data with the GB 3095 / HJ 663 validity rules;
* :func:`annual` — annual evaluation (HJ 663), good-day ratio and comprehensive index;
* :func:`good_day_ratio` — 优良天数比率.
"""

from jingjin.engines.air._input import InvalidInputError
from jingjin.engines.air.aggregate import annual, daily, good_day_ratio, percentile
from jingjin.engines.air.index import aqi, aqi_with_counts, iaqi
from jingjin.engines.air.standards import COLUMNS, levels, round_gbt8170, scale

__all__ = [
    "COLUMNS",
    "InvalidInputError",
    "annual",
    "aqi",
    "aqi_with_counts",
    "daily",
    "good_day_ratio",
    "iaqi",
    "levels",
    "percentile",
    "round_gbt8170",
    "scale",
]
