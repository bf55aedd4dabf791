"""Worked values for the air and water tests, typed from the standards' tables.

The tables here are transcribed from the standards' text (``/work/shared/REFERENCE.md`` §1.1
HJ 633-2012 Table 1, §1.5 HJ 633-2026 Table 3, §2 GB 3838-2002 Table 1), independently of
the engine's own tables, and :func:`worked_iaqi` applies HJ 633 eq. 1 with exact rationals
on the decimal text — the oracle the engine is checked against.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

STEPS = (0, 50, 100, 150, 200, 300, 400, 500)

# HJ 633-2012 Table 1 (columns: IAQI 0, 50, 100, 150, 200, 300, 400, 500).
HJ633_2012 = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),
    "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
}

# HJ 633-2026 Table 3: as 2012 except PM10 IAQI-100 at 120 and PM2.5 IAQI-100 at 60;
# PM 1-h values use the daily breakpoints (§4.2.4).
HJ633_2026 = dict(HJ633_2012)
HJ633_2026["pm10_24h"] = (0, 50, 120, 250, 350, 420, 500, 600)
HJ633_2026["pm25_24h"] = (0, 35, 60, 115, 150, 250, 350, 500)
HJ633_2026["pm10_1h"] = HJ633_2026["pm10_24h"]
HJ633_2026["pm25_1h"] = HJ633_2026["pm25_24h"]

TABLES = {"HJ633-2012": HJ633_2012, "HJ633-2026": HJ633_2026}


def gbt8170(text: str, decimals: int) -> str:
    """GB/T 8170 rounding of a decimal text: ties to even at the dropped digit."""
    return str(Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN))


def worked_iaqi(text: str, indicator: str, standard: str) -> int | None:
    """HJ 633 eq. 1 on the exact decimal ``text``, rounded up; 500 above the table's top.

    Under 2026 the concentration is first rounded by GB/T 8170 (CO to 0.1, others to 1).
    Returns None where no IAQI is computed (2012 SO2 1-h / O3 8-h above 800).
    """
    if standard == "HJ633-2026":
        text = gbt8170(text, 1 if indicator.startswith("co") else 0)
    c = Fraction(Decimal(text))
    table = TABLES[standard][indicator]
    if c > table[-1]:
        if indicator == "so2_1h":
            return None if standard == "HJ633-2012" else 200
        if indicator == "o3_8h":
            return None if standard == "HJ633-2012" else 300
        return 500
    for k in range(len(table) - 1):
        lo, hi = table[k], table[k + 1]
        if lo <= c <= hi:
            value = Fraction(STEPS[k + 1] - STEPS[k], hi - lo) * (c - lo) + STEPS[k]
            return math.ceil(value)
    raise AssertionError("unreachable")


# Not in HJ 633-2012's text: the national platform's real-time AQI takes the PM sub-indices
# from the 1-h concentrations on the 24-h breakpoints (REFERENCE.md §1.2, "measured").
PLATFORM_2012 = {"pm10_1h": HJ633_2012["pm10_24h"], "pm25_1h": HJ633_2012["pm25_24h"]}
