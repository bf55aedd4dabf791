"""GB 3095 Grade II limits used by the annual evaluation (HJ 663) and the data-validity rules.

环境空气质量标准. Units µg/m³, CO mg/m³. Keys are the annual statistics computed by
:func:`jingjin.engines.air.annual`:

* ``so2``, ``no2``, ``pm10``, ``pm25``: annual mean (年平均);
* ``co``: 95th percentile of the daily means (日均值第95百分位数);
* ``o3``: 90th percentile of the daily maximum 8-h means (日最大8小时平均第90百分位数).

Sources (``/work/shared/REFERENCE.md`` §1.6, §1.8): GB 3095-2012 Table 1 Grade II;
GB 3095-2026 Table 1 Grade II, transition limits 2026-03-01 to 2030-12-31 and final limits
from 2031-01-01. The CO and O3 limits are the 24-h and daily max 8-h limits against which
the percentiles are compared (HJ 663-2013).
"""

from __future__ import annotations

from typing import Final

#: Grade II limits by rule set.
GRADE_II: Final[dict[str, dict[str, float]]] = {
    "GB3095-2012": {"so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3": 160},
    "GB3095-2026-transition": {"so2": 60, "no2": 40, "pm10": 60, "pm25": 30, "co": 4, "o3": 160},
    "GB3095-2026-final": {"so2": 20, "no2": 30, "pm10": 50, "pm25": 25, "co": 4, "o3": 160},
}

#: Denominators of the comprehensive index 综合指数 (Σ C_i/S_i): the Grade II limits of
#: the rule set, as in the provincial ranking notes (GB 3095-2012 values 60/40/70/35/4/160).
COMPREHENSIVE_INDEX_LIMITS: Final = GRADE_II

#: Ozone daily max 8-h limit (Grade II, 160 µg/m³ in both GB 3095-2012 and -2026): a daily
#: maximum from fewer than 14 valid 8-h means still counts when it is above this.
O3_8H_LIMIT: Final = 160.0

#: Validity (GB 3095-2012 Table 4, HJ 663-2013 §6.1): hourly values for a daily mean, hours
#: for an 8-h moving mean, 8-h means for a daily maximum, daily values for an annual
#: statistic and per month (February 25).
MIN_HOURS_PER_DAY: Final = 20
MIN_HOURS_PER_8H: Final = 6
MIN_WINDOWS_PER_DAY: Final = 14
MIN_DAYS_PER_YEAR: Final = 324
MIN_DAYS_PER_MONTH: Final = 27
MIN_DAYS_FEBRUARY: Final = 25


def rule_set(year: int) -> str:
    """Name of the GB 3095 Grade II limits that apply to an evaluation ``year``.

    Years up to 2025 use GB 3095-2012; 2026–2030 the GB 3095-2026 transition limits (the
    standard is in force from 2026-03-01; the whole of 2026 is evaluated against it, an
    interpretation); from 2031 the final limits.
    """
    if year <= 2025:
        return "GB3095-2012"
    if year <= 2030:
        return "GB3095-2026-transition"
    return "GB3095-2026-final"
