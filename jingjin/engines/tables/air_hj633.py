"""IAQI breakpoint tables of HJ 633-2012 (Table 1) and HJ 633-2026 (Table 3), and the AQI levels.

环境空气质量指数（AQI）技术规定. Concentrations in µg/m³, CO in mg/m³. Each table maps an
indicator (the input column name) to its concentration breakpoints ``BP`` for the IAQI
values ``IAQI_STEPS`` (0, 50, 100, 150, 200, 300, 400, 500). A breakpoint table that stops
early (SO2 1-h at 800, O3 8-h at 800) carries only the breakpoints the standard gives; the
special rule of the standard's note applies above it.

Sources (read in the standards' text, see ``/work/shared/REFERENCE.md`` §1.1, §1.5):

* HJ 633-2012 Table 1, notes (1)–(3); in force 2016-01-01.
* HJ 633-2026 Table 3, notes a–c; in force 2026-03-01. Only PM10 and PM2.5 at IAQI 100
  change (PM10 150 → 120, PM2.5 75 → 60).
"""

from __future__ import annotations

from typing import Final

#: IAQI values at the breakpoints (HJ 633 Table 1 / Table 3, first column).
IAQI_STEPS: Final = (0, 50, 100, 150, 200, 300, 400, 500)

#: HJ 633-2012 Table 1. Keys are the input column names.
HJ633_2012: Final[dict[str, tuple[int, ...]]] = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),  # note (2): above 800 no 1-h IAQI, use the 24-h value
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),  # note (3): above 800 no 8-h IAQI, use the 1-h value
    "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
    # Not in the text: the national platform's real-time AQI (the "realtime" report) takes the
    # PM sub-indices from the 1-h concentrations on the 24-h breakpoints (REFERENCE.md §1.2,
    # measured on 2,937 published station-hours), as HJ 633-2026 §4.2.4 later wrote down.
    "pm10_1h": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25_1h": (0, 35, 75, 115, 150, 250, 350, 500),
}

#: HJ 633-2026 Table 3. ``pm10_1h``/``pm25_1h`` use the daily breakpoints (§4.2.4).
HJ633_2026: Final[dict[str, tuple[int, ...]]] = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),  # note b: above 800 the IAQI is counted as 200
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_8h": (0, 100, 160, 215, 265, 800),  # note c: above 800 the IAQI is counted as 300
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "pm10_24h": (0, 50, 120, 250, 350, 420, 500, 600),
    "pm25_24h": (0, 35, 60, 115, 150, 250, 350, 500),
    "pm10_1h": (0, 50, 120, 250, 350, 420, 500, 600),
    "pm25_1h": (0, 35, 60, 115, 150, 250, 350, 500),
}

#: Indicators that enter the AQI, per standard and report (HJ 633-2012 §5.1.2/§5.1.3,
#: HJ 633-2026 §4.2.2/§4.2.3). The 2012 real-time report ("hourly", the standard's text)
#: takes the PM sub-indices from the 24-h moving means; ``so2_24h`` there only stands in
#: when SO2 1-h is above 800. "realtime" is what the national platform publishes: under
#: HJ 633-2012 the six 1-h values (PM on the 24-h breakpoints, no O3 8-h term; measured, not
#: in the text), under HJ 633-2026 the standard's real-time report.
INDICATORS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("HJ633-2012", "daily"): ("so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_1h", "o3_8h"),
    ("HJ633-2012", "hourly"): ("so2_1h", "no2_1h", "pm10_24h", "pm25_24h", "co_1h", "o3_1h", "o3_8h"),
    ("HJ633-2026", "daily"): ("so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_8h"),
    ("HJ633-2026", "hourly"): ("so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"),
    ("HJ633-2012", "realtime"): ("so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"),
    ("HJ633-2026", "realtime"): ("so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"),
}

#: Concentration decimals kept by GB/T 8170 rounding before the IAQI (HJ 633-2026 §4.2.2):
#: µg/m³ pollutants to integers, CO (mg/m³) to one decimal.
DECIMALS_2026: Final[dict[str, int]] = {
    "so2_24h": 0,
    "so2_1h": 0,
    "no2_24h": 0,
    "no2_1h": 0,
    "co_24h": 1,
    "co_1h": 1,
    "o3_8h": 0,
    "o3_1h": 0,
    "pm10_24h": 0,
    "pm25_24h": 0,
    "pm10_1h": 0,
    "pm25_1h": 0,
}

#: AQI levels (HJ 633-2012 Table 2 and Appendix A; HJ 633-2026 Table 1): upper AQI bound,
#: level, category 类别, colour name 颜色 and RGB.
LEVELS: Final = (
    (50, 1, "优", "绿色", (0, 228, 0)),
    (100, 2, "良", "黄色", (255, 255, 0)),
    (150, 3, "轻度污染", "橙色", (255, 126, 0)),
    (200, 4, "中度污染", "红色", (255, 0, 0)),
    (300, 5, "重度污染", "紫色", (153, 0, 76)),
    (500, 6, "严重污染", "褐红色", (126, 0, 35)),
)

#: The day the 2026 rules take over (HJ 633-2026, GB 3095-2026 in force) and the day the
#: 2012 rules came into force nationwide (HJ 633-2012).
START_2026: Final = "2026-03-01"
START_2012: Final = "2016-01-01"
