"""What the AQI paths share: the standards, reports and concentration columns, concentrations held
exactly as integers of millionths (:func:`scale`, :func:`round_gbt8170`), the exact IAQI of a
value within a table (:func:`_ceil_iaqi`), the look-up tables of the exact IAQI of every
concentration with few decimals (:func:`_lookup`) and the AQI levels (:func:`levels`).

Why this is exact: see :mod:`jingjin.engines.air.index`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from jingjin.engines.air._input import (
    FloatArray,
    IntArray,
    InvalidInputError,
)
from jingjin.engines.tables import air_hj633 as tables

Standard = Literal["HJ633-2012", "HJ633-2026"]


Report = Literal["daily", "hourly", "realtime"]


HourLabel = Literal["start", "end"]


STANDARDS: Final = ("HJ633-2012", "HJ633-2026")


REPORTS: Final = ("daily", "hourly", "realtime")


HOUR_LABELS: Final = ("start", "end")


#: Reports of one hour (实时报): their time may name the hour's start or its end.
_HOURLY_REPORTS: Final = ("hourly", "realtime")


#: Every concentration column the engine knows, in output order (µg/m³; CO mg/m³).
COLUMNS: Final = (
    "so2_24h",
    "so2_1h",
    "no2_24h",
    "no2_1h",
    "pm10_24h",
    "pm10_1h",
    "pm25_24h",
    "pm25_1h",
    "co_24h",
    "co_1h",
    "o3_1h",
    "o3_8h",
)


_BIT: Final = {name: 1 << i for i, name in enumerate(COLUMNS)}


#: Millionths: concentrations are held as integers of 10⁻⁶ units.
_DIGITS: Final = 6


_SCALE: Final = 10**_DIGITS


#: Concentrations are clipped here before scaling (int64 safety); far above every table.
_CLIP: Final = 1.0e9


_TABLES: Final[dict[str, dict[str, tuple[int, ...]]]] = {
    "HJ633-2012": tables.HJ633_2012,
    "HJ633-2026": tables.HJ633_2026,
}


#: Names of the columns added by :func:`aqi`, after the ``iaqi_<column>`` ones.
RESULT_COLUMNS: Final = (
    "aqi",
    "level",
    "category",
    "colour",
    "primary_pollutants",
    "exceeding_pollutants",
    "beyond_scale",
    "complete",
    "standard",
)


def _check_standard(standard: str) -> Standard:
    if standard not in STANDARDS:
        raise ValueError(f"standard must be one of {', '.join(STANDARDS)}, not {standard!r}")
    return standard  # type: ignore[return-value]


def _check_report(report: str) -> Report:
    if report not in REPORTS:
        raise ValueError(f"report must be one of {', '.join(REPORTS)}, not {report!r}")
    return report  # type: ignore[return-value]


def _check_hour_label(hour_label: str, report: Report) -> HourLabel:
    if hour_label not in HOUR_LABELS:
        raise ValueError(f"hour_label must be one of {', '.join(HOUR_LABELS)}, not {hour_label!r}")
    if hour_label == "end" and report not in _HOURLY_REPORTS:
        raise InvalidInputError(
            f"hour label 'end' applies to hourly and realtime reports; a {report} report is dated by its day"
        )
    return hour_label  # type: ignore[return-value]


@dataclass(frozen=True)
class Scaled:
    """Concentrations as integers of millionths.

    ``exact`` rows equal ``units / 10⁶`` exactly (as decimals); the other rows lie strictly
    between ``units / 10⁶`` and ``(units + 1) / 10⁶``.
    """

    units: IntArray
    exact: npt.NDArray[np.bool_]


def scale(values: FloatArray) -> Scaled:
    """Hold finite, non-negative concentrations exactly as millionths (see module notes).

    NaN is read as 0; callers mask missing values themselves.
    """
    c = np.nan_to_num(np.minimum(values, _CLIP), nan=0.0)
    x = c * _SCALE
    nearest = np.rint(x)
    exact = (nearest / _SCALE) == c
    if exact.all():
        return Scaled(nearest.astype(np.int64), exact)
    below = np.floor(x)
    below = np.where(below / _SCALE > c, below - 1, below)
    below = np.where((below + 1) / _SCALE < c, below + 1, below)
    return Scaled(np.where(exact, nearest, below).astype(np.int64), exact)


def round_gbt8170(values: Scaled, decimals: int) -> Scaled:
    """Round to ``decimals`` decimals by GB/T 8170 (数值修约规则): ties to even at the dropped digit.

    Works on the decimal value, so 2.45 → 2.4 and 2.35 → 2.4 (binary ``round`` gets 2.45
    wrong: the float is 2.4500000000000002). The result is exact.
    """
    step = 10 ** (_DIGITS - decimals)
    quotient, remainder = np.divmod(values.units, step)
    half = step // 2
    tie_up = (remainder > half) | ((remainder == half) & (quotient % 2 == 1))
    up = np.where(values.exact, tie_up, remainder >= half)
    return Scaled((quotient + up) * step, np.ones(values.units.shape, dtype=np.bool_))


def _ceil_iaqi(values: Scaled, breakpoints: tuple[int, ...]) -> IntArray:
    """Rounded-up IAQI on the table ``breakpoints`` for values within the table (exact)."""
    bp = np.asarray(breakpoints, dtype=np.int64) * _SCALE
    steps = np.asarray(tables.IAQI_STEPS[: len(breakpoints)], dtype=np.int64)
    units = np.minimum(values.units, bp[-1])
    j = np.clip(np.searchsorted(bp, units, side="right") - 1, 0, len(bp) - 2)
    bp_lo = bp[j]
    i_lo = steps[j]
    width = steps[j + 1] - i_lo
    numerator = width * (units - bp_lo)
    denominator = bp[j + 1] - bp_lo
    exact_ceiling = -((-numerator) // denominator)
    inexact_ceiling = numerator // denominator + 1
    return i_lo + np.where(values.exact | (units == bp[-1]), exact_ceiling, inexact_ceiling)


#: Codes in the lookup tables and sub-index arrays.
_MISSING: Final = -1


_NO_IAQI: Final = -2  # HJ 633-2012 notes 2 and 3: SO2 1-h / O3 8-h above 800, no IAQI


_BEYOND: Final = 501  # above the top of the table: IAQI 500, flagged


#: Lookup tables serve values with at most this many decimals (HJ 633-2012 data).
_LOOKUP_DECIMALS: Final = (0, 1, 2)


Int16Array = npt.NDArray[np.int16]


Int32Array = npt.NDArray[np.intp]


BoolArray = npt.NDArray[np.bool_]


CodeArray = npt.NDArray[np.uint16]


@functools.cache
def _lookup(standard: Standard, indicator: str, decimals: int) -> Int16Array:
    """IAQI of every concentration k·10⁻ᵈ from 0 to the top of the table (exact, rounded up).

    Two more entries follow: the code for "above the top" (500 flagged, or the special
    rule of SO2 1-h / O3 8-h) at index top + 1, and :data:`_MISSING` last (index −1).
    """
    table = _TABLES[standard][indicator]
    top = table[-1] * 10**decimals
    units = np.arange(top + 1, dtype=np.int64) * 10 ** (_DIGITS - decimals)
    values = _ceil_iaqi(Scaled(units, np.ones(units.shape, dtype=np.bool_)), table)
    above = _BEYOND
    if indicator in ("so2_1h", "o3_8h") and len(table) < len(tables.IAQI_STEPS):
        # HJ 633-2026 notes b and c; HJ 633-2012 notes 2 and 3.
        above = (200 if indicator == "so2_1h" else 300) if standard == "HJ633-2026" else _NO_IAQI
    return np.concatenate([values, [above, _MISSING]]).astype(np.int16)


#: Level (1–6) for every AQI 0 … 500 and 0 for missing (index −1).
_LEVELS: Final = np.concatenate(
    [np.searchsorted(np.array([row[0] for row in tables.LEVELS[:-1]]), np.arange(501), side="left") + 1, [0]]
).astype(np.int8)


def levels(aqi_values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """AQI level 1–6 (HJ 633-2012 Table 2; HJ 633-2026 Table 1); 0 where the AQI is missing (< 0).

    Level 1: 0–50 (2026: 1–50), 2: 51–100, 3: 101–150, 4: 151–200, 5: 201–300, 6: > 300.
    """
    a = np.asarray(aqi_values, dtype=np.int64)
    return _LEVELS.take(np.clip(a, -1, 500))
