"""GB 3838-2002 Table 1 limits (地表水环境质量标准基本项目标准限值) and the black-odour grading table.

Units mg/L except pH (dimensionless) and faecal coliform (个/L). Each parameter carries its
comparison: ``"le"`` (value ≤ limit meets the class), ``"ge"`` (DO, higher is better) or
``"range"`` (pH 6–9 for every class). Limits are for classes I, II, III, IV, V; a value
meeting none is 劣V (class 6).

Sources (``/work/shared/REFERENCE.md`` §2, §3): GB 3838-2002 Table 1 (values CORROBORATED
by independent implementations); routine 21-item set of 环办〔2011〕22号 (water temperature,
TN and faecal coliform not assessed for rivers; lakes and reservoirs assess TN separately);
城市黑臭水体整治工作指南 (2015) grading table.
"""

from __future__ import annotations

from typing import Final

#: parameter → (comparison, limits for classes I–V). ``tp`` is the river column; lakes
#: use :data:`LAKE_LIMITS`. TN applies to lakes and reservoirs only.
LIMITS: Final[dict[str, tuple[str, tuple[float, ...]]]] = {
    "ph": ("range", (6.0, 9.0)),
    "do": ("ge", (7.5, 6.0, 5.0, 3.0, 2.0)),
    "codmn": ("le", (2.0, 4.0, 6.0, 10.0, 15.0)),
    "cod": ("le", (15.0, 15.0, 20.0, 30.0, 40.0)),
    "bod5": ("le", (3.0, 3.0, 4.0, 6.0, 10.0)),
    "nh3_n": ("le", (0.15, 0.5, 1.0, 1.5, 2.0)),
    "tp": ("le", (0.02, 0.1, 0.2, 0.3, 0.4)),
    "tn": ("le", (0.2, 0.5, 1.0, 1.5, 2.0)),
    "cu": ("le", (0.01, 1.0, 1.0, 1.0, 1.0)),
    "zn": ("le", (0.05, 1.0, 1.0, 2.0, 2.0)),
    "f": ("le", (1.0, 1.0, 1.0, 1.5, 1.5)),
    "se": ("le", (0.01, 0.01, 0.01, 0.02, 0.02)),
    "as": ("le", (0.05, 0.05, 0.05, 0.1, 0.1)),
    "hg": ("le", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
    "cd": ("le", (0.001, 0.005, 0.005, 0.005, 0.01)),
    "cr6": ("le", (0.01, 0.05, 0.05, 0.05, 0.1)),
    "pb": ("le", (0.01, 0.01, 0.05, 0.05, 0.1)),
    "cn": ("le", (0.005, 0.05, 0.2, 0.2, 0.2)),
    "phenol": ("le", (0.002, 0.002, 0.005, 0.01, 0.1)),
    "petroleum": ("le", (0.05, 0.05, 0.05, 0.5, 1.0)),
    "las": ("le", (0.2, 0.2, 0.2, 0.3, 0.3)),
    "sulfide": ("le", (0.05, 0.1, 0.2, 0.5, 1.0)),
    "fecal_coliform": ("le", (200.0, 2000.0, 10000.0, 20000.0, 40000.0)),
}

#: Lake and reservoir column of total phosphorus (湖、库).
LAKE_LIMITS: Final[dict[str, tuple[str, tuple[float, ...]]]] = {
    "tp": ("le", (0.01, 0.025, 0.05, 0.1, 0.2)),
}

#: Input column order of the classifier.
PARAMETERS: Final = tuple(LIMITS)

#: The 21 routine items (环办〔2011〕22号): Table 1 without water temperature, TN, faecal coliform.
ROUTINE: Final = tuple(p for p in PARAMETERS if p not in ("tn", "fecal_coliform"))

#: No exceedance multiple for these (环办〔2011〕22号).
NO_MULTIPLE: Final = ("ph", "do")

CLASS_NAMES: Final = ("I", "II", "III", "IV", "V", "劣V")

#: Qualitative grade 水质状况 by class 1–6.
GRADES: Final = ("优", "优", "良好", "轻度污染", "中度污染", "重度污染")

#: Class-share method for a river or basin with ≥ 5 sections: (min share of I–III %,
#: grade); below 75 % the 劣V share decides: < 20 % 轻度污染, < 40 % 中度污染, else 重度污染.
SHARE_GOOD: Final = ((90.0, "优"), (75.0, "良好"))
SHARE_WORST: Final = ((20.0, "轻度污染"), (40.0, "中度污染"))
SHARE_WORST_ELSE: Final = "重度污染"
MIN_SECTIONS_FOR_SHARES: Final = 5

#: Black-odorous water (城市黑臭水体整治工作指南 2015, 污染程度分级): per indicator the bound
#: below which a result is "light" and the bound below which it is "severe"; NH3-N is
#: reversed (light above 8.0, severe above 15). Transparency in cm, DO and NH3-N mg/L,
#: ORP mV.
BLACKODOR: Final[dict[str, tuple[str, float, float]]] = {
    "transparency": ("lt", 25.0, 10.0),
    "do": ("lt", 2.0, 0.2),
    "orp": ("lt", 50.0, -200.0),
    "nh3_n": ("gt", 8.0, 15.0),
}
#: Water shallower than this (cm): transparency threshold is 40 % of the depth.
SHALLOW_DEPTH: Final = 25.0
SHALLOW_SHARE: Final = 0.4
#: Point rule: severe when one indicator has ≥ 60 % of its results severe, or two ≥ 30 %.
POINT_ONE: Final = 0.6
POINT_TWO: Final = 0.3
#: Water-body rule: ≥ 60 % of points severe, or ≥ 3 consecutive severe points (a stretch).
BODY_SHARE: Final = 0.6
BODY_RUN: Final = 3
