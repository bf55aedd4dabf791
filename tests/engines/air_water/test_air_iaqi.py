"""IAQI and AQI against worked values from HJ 633-2012 Table 1 and HJ 633-2026 Table 3."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingjin.engines.air import InvalidInputError, aqi, iaqi, levels, round_gbt8170, scale
from jingjin.engines.air import index as air_index
from jingjin.engines.air._input import Problems, numeric
from jingjin.engines.tables.air_hj633 import INDICATORS
from tests.engines.air_water.worked import STEPS, TABLES, worked_iaqi

BREAKPOINT_CASES = [
    (standard, indicator, k, bp)
    for standard, table in TABLES.items()
    for indicator, bps in table.items()
    for k, bp in enumerate(bps)
]


@pytest.mark.parametrize(("standard", "indicator", "k", "bp"), BREAKPOINT_CASES)
def test_every_breakpoint_gives_its_iaqi_step(standard, indicator, k, bp):
    assert iaqi([bp], indicator=indicator, standard=standard)[0] == STEPS[k]


@pytest.mark.parametrize(("standard", "indicator", "k", "bp"), BREAKPOINT_CASES)
def test_just_above_every_breakpoint_rounds_up_to_the_next_integer(standard, indicator, k, bp):
    table = TABLES[standard][indicator]
    step = "0.1" if standard == "HJ633-2026" and indicator.startswith("co") else "1"
    if standard == "HJ633-2012":
        step = "0.001"
    text = f"{bp}.{step.split('.')[1]}" if "." in step else str(bp + 1)
    got = iaqi([float(text)], indicator=indicator, standard=standard)[0]
    expected = worked_iaqi(text, indicator, standard)
    if k == len(table) - 1:
        # above the top of the table
        if indicator in ("so2_1h", "o3_8h"):
            assert (math.isnan(got) and expected is None) or got == expected
        else:
            assert got == expected == 500
    else:
        assert got == expected
        assert got == STEPS[k] + 1 or (standard == "HJ633-2026" and got > STEPS[k])


def test_worked_values_by_hand():
    # HJ 633-2012 Table 1, eq. 1, rounded up.
    assert (
        iaqi([2.2], indicator="co_24h", standard="HJ633-2012")[0] == 55
    )  # exactly 55 (float gives 55.000…07)
    assert iaqi([14], indicator="pm25_24h", standard="HJ633-2012")[0] == 20  # exactly 20
    assert iaqi([80], indicator="pm25_24h", standard="HJ633-2012")[0] == 107  # 100 + 50·5/40 = 106.25
    assert iaqi([80], indicator="pm25_24h", standard="HJ633-2026")[0] == 119  # 100 + 50·20/55 = 118.18
    assert iaqi([130], indicator="pm10_24h", standard="HJ633-2012")[0] == 90  # 50 + 50·80/100 = 90
    assert iaqi([130], indicator="pm10_24h", standard="HJ633-2026")[0] == 104  # 100 + 50·10/130 = 103.8
    assert iaqi([150], indicator="so2_24h", standard="HJ633-2012")[0] == 100  # not 50 (aqi-hub bug)
    assert iaqi([1], indicator="no2_24h", standard="HJ633-2012")[0] == 2  # 1.25 → 2


def test_float_exact_ceilings_on_every_whole_iaqi():
    """Every concentration that gives a whole IAQI (multiples of 0.01) must not be pushed up."""
    failures = []
    for standard, table in TABLES.items():
        for indicator, bps in table.items():
            if standard == "HJ633-2026":
                continue  # 2026 rounds first; covered below
            texts = []
            for k in range(len(bps) - 1):
                lo, hi = bps[k], bps[k + 1]
                for m in range(STEPS[k + 1] - STEPS[k] + 1):
                    # C where IAQI = STEPS[k] + m exactly, as a decimal text
                    from fractions import Fraction

                    c = lo + Fraction(hi - lo, STEPS[k + 1] - STEPS[k]) * m
                    if c.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):
                        texts.append(f"{float(c):.2f}")
            values = np.array([float(t) for t in texts])
            got = iaqi(values, indicator=indicator, standard=standard)
            # With one value of 3 decimals the whole column takes the exact rational path.
            exact = iaqi(np.append(values, 0.001), indicator=indicator, standard=standard)[:-1]
            for t, g, e in zip(texts, got, exact, strict=True):
                if not g == e == worked_iaqi(t, indicator, standard):
                    failures.append((standard, indicator, t, g, e))
    assert failures == []


def test_2026_whole_number_grid_matches_the_worked_formula():
    for indicator, bps in TABLES["HJ633-2026"].items():
        if indicator.startswith("co"):
            texts = [f"{v / 10:.1f}" for v in range(0, bps[-1] * 10 + 11)]
        else:
            texts = [str(v) for v in range(0, bps[-1] + 3)]
        got = iaqi(np.array([float(t) for t in texts]), indicator=indicator, standard="HJ633-2026")
        expected = [worked_iaqi(t, indicator, "HJ633-2026") for t in texts]
        assert [None if math.isnan(g) else int(g) for g in got] == expected, indicator


def test_random_decimals_match_the_worked_formula():
    rng = np.random.default_rng(20260301)
    for standard, table in TABLES.items():
        for indicator, bps in table.items():
            raw = rng.uniform(0, bps[-1] * 1.05, 200)
            # 8 and 3 decimals take the exact rational path, 2, 1 and 0 the lookup tables.
            for decimals in (8, 3, 2, 1, 0):
                texts = [f"{v:.{decimals}f}" for v in raw]
                got = iaqi(np.array([float(t) for t in texts]), indicator=indicator, standard=standard)
                expected = [worked_iaqi(t, indicator, standard) for t in texts]
                assert [None if math.isnan(g) else int(g) for g in got] == expected, (
                    standard,
                    indicator,
                    decimals,
                )


def test_values_with_more_than_six_decimals_round_up_correctly():
    # 75.0000001 is above the IAQI-100 breakpoint of PM2.5 (2012): 101; just below stays 100.
    got = iaqi([75.0000001, 74.99999999, 35.00000000001], indicator="pm25_24h", standard="HJ633-2012")
    assert list(got) == [101, 100, 51]


@pytest.mark.parametrize(
    ("text", "rounded"),
    [("2.45", "2.4"), ("2.35", "2.4"), ("2.25", "2.2"), ("2.451", "2.5"), ("0.05", "0.0"), ("0.15", "0.2")],
)
def test_gbt8170_one_decimal_ties_to_even(text, rounded):
    got = round_gbt8170(scale(np.array([float(text)])), 1)
    assert got.units[0] == round(float(rounded) * 10) * 100_000


@pytest.mark.parametrize(
    ("text", "rounded"),
    [("35.5", 36), ("36.5", 36), ("34.5", 34), ("0.5", 0), ("1.5", 2), ("60.4999", 60), ("59.50001", 60)],
)
def test_gbt8170_integer_ties_to_even(text, rounded):
    got = round_gbt8170(scale(np.array([float(text)])), 0)
    assert got.units[0] == rounded * 1_000_000


def test_2026_rounds_concentrations_before_the_iaqi():
    # CO 2.45 → 2.4 → 50 + 50·0.4/2 = 60; 2.35 → 2.4 → 60; PM2.5 35.5 → 36 → 52; 36.5 → 36 → 52.
    assert list(iaqi([2.45, 2.35], indicator="co_24h", standard="HJ633-2026")) == [60, 60]
    assert list(iaqi([35.5, 36.5], indicator="pm25_24h", standard="HJ633-2026")) == [52, 52]
    # 2012 does not round: CO 2.45 → 61.25 → 62; PM2.5 35.5 → 50 + 50·0.5/40 = 50.625 → 51.
    assert list(iaqi([2.45], indicator="co_24h", standard="HJ633-2012")) == [62]
    assert list(iaqi([35.5], indicator="pm25_24h", standard="HJ633-2012")) == [51]


def test_special_rules_2012_no_iaqi_above_800():
    got = iaqi([800, 800.5, 5000], indicator="so2_1h", standard="HJ633-2012")
    assert got[0] == 200 and math.isnan(got[1]) and math.isnan(got[2])
    got = iaqi([800, 801], indicator="o3_8h", standard="HJ633-2012")
    assert got[0] == 300 and math.isnan(got[1])


def test_special_rules_2026_fixed_iaqi_above_800():
    assert list(iaqi([800, 801, 5000], indicator="so2_1h", standard="HJ633-2026")) == [200, 200, 200]
    assert list(iaqi([800, 801, 5000], indicator="o3_8h", standard="HJ633-2026")) == [300, 300, 300]
    # 800.5 rounds to 800 (tie to even) and is not above the limit: 200 from the table all the same.
    assert list(iaqi([800.5], indicator="so2_1h", standard="HJ633-2026")) == [200]


def test_2012_hourly_so2_above_800_uses_the_24h_value():
    frame = pl.DataFrame({"so2_1h": [900.0, 100.0], "so2_24h": [200.0, 200.0]})
    out = aqi(frame, standard="HJ633-2012", report="hourly")
    # SO2 24-h 200 → 100 + 50·50/325 = 107.7 → 108; SO2 1-h 100 → 100·50/150 = 33.3 → 34.
    assert out["iaqi_so2_1h"].to_list() == [None, 34]
    assert out["iaqi_so2_24h"].to_list() == [108, None]
    assert out["aqi"].to_list() == [108, 34]
    assert out["primary_pollutants"].to_list() == ["so2_24h", ""]


def test_2012_o3_8h_above_800_uses_the_1h_value():
    frame = pl.DataFrame({"o3_1h": [900.0], "o3_8h": [850.0]})
    out = aqi(frame, standard="HJ633-2012", report="daily")
    # O3 1-h 900 → 300 + 100·100/200 = 350.
    assert out["iaqi_o3_8h"].to_list() == [None]
    assert out["iaqi_o3_1h"].to_list() == [350]
    assert out["aqi"].to_list() == [350]
    assert out["level"].to_list() == [6]


def test_2026_special_rules_in_reports():
    hourly = aqi(pl.DataFrame({"so2_1h": [900.0]}), standard="HJ633-2026", report="hourly")
    assert hourly["aqi"].to_list() == [200]
    assert hourly["beyond_scale"].to_list() == [""]
    daily = aqi(pl.DataFrame({"o3_8h": [900.0]}), standard="HJ633-2026", report="daily")
    assert daily["aqi"].to_list() == [300]


def test_beyond_the_scale_is_500_and_flagged():
    frame = pl.DataFrame({"pm25_24h": [501.0, 500.0, 500.5, 600.0], "co_24h": [1.0, 1.0, 1.0, 61.0]})
    old = aqi(frame, standard="HJ633-2012", report="daily")
    assert old["iaqi_pm25_24h"].to_list() == [500, 500, 500, 500]
    assert old["beyond_scale"].to_list() == ["pm25_24h", "", "pm25_24h", "pm25_24h;co_24h"]
    new = aqi(frame, standard="HJ633-2026", report="daily")
    # 500.5 rounds to 500 (tie to even): the top of the table, not beyond it.
    assert new["beyond_scale"].to_list() == ["pm25_24h", "", "", "pm25_24h;co_24h"]
    assert new["aqi"].to_list() == [500, 500, 500, 500]


def test_missing_values_leave_the_iaqi_empty_and_the_aqi_from_the_rest():
    frame = pl.DataFrame(
        {
            "so2_24h": [10.0, None, float("nan"), None],
            "pm25_24h": [80.0, 80.0, None, None],
        }
    )
    out = aqi(frame, standard="HJ633-2026", report="daily")
    assert out["iaqi_so2_24h"].to_list() == [10, None, None, None]
    assert out["aqi"].to_list() == [119, 119, None, None]
    assert out["level"].to_list() == [3, 3, None, None]
    assert out["category"].to_list() == ["轻度污染", "轻度污染", None, None]
    assert out["complete"].to_list() == [False] * 4


def test_complete_needs_every_indicator_of_the_report():
    full = {
        "so2_24h": [10.0],
        "no2_24h": [10.0],
        "pm10_24h": [10.0],
        "pm25_24h": [10.0],
        "co_24h": [0.5],
        "o3_8h": [10.0],
    }
    assert aqi(full, standard="HJ633-2026", report="daily")["complete"].to_list() == [True]
    # 2012 daily also needs the O3 daily max 1-h.
    assert aqi(full, standard="HJ633-2012", report="daily")["complete"].to_list() == [False]
    assert aqi({**full, "o3_1h": [10.0]}, standard="HJ633-2012", report="daily")["complete"].to_list() == [
        True
    ]
    # O3 8-h above 800 under 2012 is covered by the 1-h value.
    covered = {**full, "o3_1h": [900.0], "o3_8h": [850.0]}
    assert aqi(covered, standard="HJ633-2012", report="daily")["complete"].to_list() == [True]


@pytest.mark.parametrize(
    ("value", "level", "category", "colour"),
    [
        (0, 1, "优", "绿色"),
        (50, 1, "优", "绿色"),
        (51, 2, "良", "黄色"),
        (100, 2, "良", "黄色"),
        (101, 3, "轻度污染", "橙色"),
        (150, 3, "轻度污染", "橙色"),
        (151, 4, "中度污染", "红色"),
        (200, 4, "中度污染", "红色"),
        (201, 5, "重度污染", "紫色"),
        (300, 5, "重度污染", "紫色"),
        (301, 6, "严重污染", "褐红色"),
        (500, 6, "严重污染", "褐红色"),
    ],
)
def test_levels_categories_and_colours(value, level, category, colour):
    # NO2 1-h gives every IAQI in 0–100 at 2 µg/m³ steps and above 100 by the table.
    assert levels([value])[0] == level
    # Find a SO2 24-h concentration with exactly this IAQI (2012 table, linear segments).
    table = TABLES["HJ633-2012"]["so2_24h"]
    k = max(i for i in range(len(STEPS)) if STEPS[i] <= value)
    k = min(k, len(STEPS) - 2)
    from fractions import Fraction

    c = table[k] + Fraction(table[k + 1] - table[k], STEPS[k + 1] - STEPS[k]) * (value - STEPS[k])
    out = aqi({"so2_24h": [float(c)]}, standard="HJ633-2012", report="daily")
    assert out["aqi"].to_list() == [value]
    assert out["level"].to_list() == [level]
    assert out["category"].to_list() == [category]
    assert out["colour"].to_list() == [colour]


def test_primary_pollutants_only_above_50_and_all_ties():
    frame = pl.DataFrame(
        {
            "so2_24h": [50.0, 150.0, 150.0, 10.0],  # IAQI 50, 100, 100, 10
            "no2_24h": [40.0, 80.0, 60.0, 10.0],  # IAQI 50, 100, 75, 13
            "pm25_24h": [35.0, 75.0, 80.0, 1.0],  # IAQI 50, 100, 107, 2
        }
    )
    out = aqi(frame, standard="HJ633-2012", report="daily")
    assert out["aqi"].to_list() == [50, 100, 107, 13]
    assert out["primary_pollutants"].to_list() == ["", "so2_24h;no2_24h;pm25_24h", "pm25_24h", ""]
    assert out["exceeding_pollutants"].to_list() == ["", "", "pm25_24h", ""]


def test_exceeding_pollutants_only_under_2012():
    frame = {"so2_24h": [200.0], "pm10_24h": [200.0]}
    old = aqi(frame, standard="HJ633-2012", report="daily")
    assert old["exceeding_pollutants"].to_list() == ["so2_24h;pm10_24h"]
    new = aqi(frame, standard="HJ633-2026", report="daily")
    assert new["exceeding_pollutants"].to_list() == [""]


def test_report_indicator_sets():
    every = {name: [10.0] for name in (
        "so2_24h", "so2_1h", "no2_24h", "no2_1h", "pm10_24h", "pm10_1h",
        "pm25_24h", "pm25_1h", "co_24h", "co_1h", "o3_1h", "o3_8h",
    )}  # fmt: skip
    expected = {
        ("HJ633-2012", "daily"): ["so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_1h", "o3_8h"],
        ("HJ633-2012", "hourly"): [
            "so2_24h",
            "so2_1h",
            "no2_1h",
            "pm10_24h",
            "pm25_24h",
            "co_1h",
            "o3_1h",
            "o3_8h",
        ],
        ("HJ633-2026", "daily"): ["so2_24h", "no2_24h", "pm10_24h", "pm25_24h", "co_24h", "o3_8h"],
        ("HJ633-2026", "hourly"): ["so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"],
        # The platform's real-time report: the six 1-h values (so2_24h stands in above 800, 2012).
        ("HJ633-2012", "realtime"): ["so2_24h", "so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"],
        ("HJ633-2026", "realtime"): ["so2_1h", "no2_1h", "pm10_1h", "pm25_1h", "co_1h", "o3_1h"],
    }
    for (standard, report), names in expected.items():
        out = aqi(every, standard=standard, report=report)
        got = [c.removeprefix("iaqi_") for c in out.columns if c.startswith("iaqi_")]
        assert sorted(got) == sorted(names), (standard, report)
        assert out["complete"].to_list() == [True]


def test_2012_hourly_pm_comes_from_the_24h_moving_mean():
    out = aqi({"pm25_1h": [300.0], "pm25_24h": [75.0]}, standard="HJ633-2012", report="hourly")
    assert "iaqi_pm25_1h" not in out.columns
    assert out["aqi"].to_list() == [100]


def test_2026_hourly_pm_uses_the_daily_breakpoints():
    out = aqi({"pm25_1h": [60.0], "pm10_1h": [120.0]}, standard="HJ633-2026", report="hourly")
    assert out["iaqi_pm25_1h"].to_list() == [100]
    assert out["iaqi_pm10_1h"].to_list() == [100]


def test_auto_picks_the_standard_by_date():
    frame = pl.DataFrame(
        {
            "date": ["2026-02-28", "2026-03-01", "2016-01-01"],
            "pm25_24h": [70.0, 70.0, 70.0],
        }
    )
    out = aqi(frame, standard="auto", report="daily", time_column="date")
    # 2012: 50 + 50·35/40 = 93.75 → 94; 2026: 100 + 50·10/55 = 109.1 → 110.
    assert out["aqi"].to_list() == [94, 110, 94]
    assert out["standard"].to_list() == ["HJ633-2012", "HJ633-2026", "HJ633-2012"]


def test_auto_rejects_dates_before_every_standard():
    frame = pl.DataFrame({"t": ["2015-12-31 23:00", "2020-01-01 00:00"], "pm25_24h": [1.0, 1.0]})
    with pytest.raises(InvalidInputError, match=r"column t: date before 2016-01-01.*data row 1\b"):
        aqi(frame, standard="auto", report="daily", time_column="t")


def test_output_keeps_every_input_column_and_the_row_order():
    frame = pl.DataFrame({"z": [3, 1, 2], "pm25_24h": [1.0, 100.0, 50.0], "note": ["a", "b", "c"]})
    out = aqi(frame, standard="HJ633-2012", report="daily")
    assert out.columns[:3] == ["z", "pm25_24h", "note"]
    assert out["z"].to_list() == [3, 1, 2]
    assert out["aqi"].to_list() == [2, 132, 69]  # 1·50/35 → 2; 100 + 50·25/40 → 132; 50 + 50·15/40 → 69


@pytest.mark.parametrize("kernel", ["numba", "numpy"])
def test_columns_with_one_value_on_every_row_come_in_their_place(kernel, monkeypatch):
    """The standard, the pollutants named by no row and ``complete`` when every row or none is
    complete are polars constants (one value, not a buffer): same columns, order and values."""
    monkeypatch.setattr(air_index, "KERNEL", kernel)
    names = list(INDICATORS[("HJ633-2026", "daily")])
    frame = pl.DataFrame({name: [10.0, 20.0, 30.0] for name in names}).with_columns(note=pl.lit("x"))
    out = aqi(frame, standard="HJ633-2026", report="daily")
    assert out.columns[-5:] == [
        "primary_pollutants",
        "exceeding_pollutants",
        "beyond_scale",
        "complete",
        "standard",
    ]
    assert out["complete"].to_list() == [True] * 3
    assert out["standard"].to_list() == ["HJ633-2026"] * 3
    assert out["exceeding_pollutants"].to_list() == [""] * 3 and out["beyond_scale"].to_list() == [""] * 3
    partial = aqi(frame.drop("o3_8h"), standard="HJ633-2026", report="daily")  # an indicator missing
    assert partial["complete"].to_list() == [False] * 3
    assert partial.columns == [c for c in out.columns if c not in ("o3_8h", "iaqi_o3_8h")]
    assert aqi(frame.head(0), standard="HJ633-2026", report="daily").schema == out.schema


def test_mapping_of_numpy_arrays():
    out = aqi({"co_24h": np.array([2.2, 4.0])}, standard="HJ633-2012", report="daily")
    assert isinstance(out, pl.DataFrame)
    assert out["aqi"].to_list() == [55, 100]


def test_bad_values_name_rows_and_columns():
    frame = pl.DataFrame({"so2_24h": ["1", "-2", "x", "4", ""], "no2_24h": [1.0, 2.0, 3.0, -1.0, 1.0]})
    with pytest.raises(InvalidInputError) as info:
        aqi(frame, standard="HJ633-2012", report="daily")
    message = str(info.value)
    assert "column so2_24h: not a number in data row 3" in message
    assert "column so2_24h: negative value in data row 2" in message
    assert "column no2_24h: negative value in data row 4" in message
    out = aqi(frame, standard="HJ633-2012", report="daily", invalid="skip")
    assert out["iaqi_so2_24h"].to_list() == [1, None, None, 4, None]


@pytest.mark.parametrize("dtype", [pl.Float64, pl.Int64, pl.Int32])
def test_numeric_columns_with_nulls_are_checked_and_read_as_nan(dtype):
    """A numeric column with nulls (station data with gaps) is read with NaN for the nulls; its
    bad values are still named by row, and nothing else is marked."""
    clean = pl.Series("so2_24h", [1, None, 3, None, 5], dtype=dtype)
    problems = Problems()
    values = numeric(clean, "so2_24h", problems)
    assert values.dtype == np.float64 and not problems.found
    assert [None if math.isnan(v) else v for v in values] == [1.0, None, 3.0, None, 5.0]
    bad = pl.Series("so2_24h", [1, None, -3, None, 5], dtype=dtype)
    if dtype == pl.Float64:
        bad = bad.scatter(4, float("inf"))
    problems = Problems()
    values = numeric(bad, "so2_24h", problems)
    assert problems.counts() == ({"so2_24h": 2} if dtype == pl.Float64 else {"so2_24h": 1})
    assert math.isnan(values[2]) and values[0] == 1.0
    frame = pl.DataFrame({"so2_24h": bad, "pm25_24h": pl.Series([10, None, 10, 10, 10], dtype=dtype)})
    with pytest.raises(InvalidInputError, match="so2_24h: negative value in data row 3"):
        aqi(frame, standard="HJ633-2012", report="daily")
    out = aqi(frame, standard="HJ633-2012", report="daily", invalid="skip")
    assert out["iaqi_so2_24h"].to_list()[:4] == [1, None, None, None]
    assert out["iaqi_pm25_24h"].null_count() == 1


def test_infinite_values_are_invalid():
    with pytest.raises(InvalidInputError, match="infinite value in data row 1"):
        aqi({"so2_24h": np.array([np.inf])}, standard="HJ633-2012", report="daily")


def test_a_column_given_twice_is_an_error():
    frame = pl.DataFrame({"SO2_24h": [1.0], "so2_24h": [2.0]})
    with pytest.raises(InvalidInputError, match="so2_24h is given by columns 1, 2"):
        aqi(frame, standard="HJ633-2012", report="daily")


def test_no_known_column_is_an_error():
    with pytest.raises(InvalidInputError, match="none of the known concentration columns"):
        aqi({"x": [1.0]}, standard="HJ633-2012", report="daily")


def test_huge_values_do_not_overflow():
    out = aqi({"pm25_24h": [1e300, 1e12]}, standard="HJ633-2026", report="daily")
    assert out["aqi"].to_list() == [500, 500]
    # With a missing value in the same column, on both standards and the exact path.
    for values in ([1e300, None, 3e9, 1.0], [1e300, None, 3e9, 1.123]):
        for standard in ("HJ633-2012", "HJ633-2026"):
            out = aqi({"pm25_24h": values}, standard=standard, report="daily")
            assert out["aqi"].to_list() == [500, None, 500, 2], (values, standard)
            assert out["beyond_scale"].to_list() == ["pm25_24h", "", "pm25_24h", ""]


def test_row_chunks_in_threads_give_the_same_result(monkeypatch):
    from jingjin.engines.air import reference

    rng = np.random.default_rng(5)
    n = 4000
    frame = pl.DataFrame(
        {
            "so2_1h": np.where(
                np.arange(n) < 10, 900.0, rng.integers(0, 801, n).astype(float)
            ),  # >800: chunk 1 only
            "so2_24h": rng.integers(0, 3000, n).astype(float),
            "o3_1h": rng.integers(0, 1300, n).astype(float),
            "o3_8h": rng.integers(0, 900, n).astype(float),
            "pm25_24h": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 600, n)),
        }
    )
    whole = aqi(frame, standard="HJ633-2012", report="hourly")
    monkeypatch.setattr(reference, "_PARALLEL_ROWS", 100)
    chunked = aqi(frame, standard="HJ633-2012", report="hourly")
    assert chunked.equals(whole)
    assert whole["iaqi_so2_24h"].drop_nulls().len() == (frame["so2_1h"] > 800).sum()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 9).flatmap(lambda places: st.decimals(min_value=0, max_value=1000, places=places)),
    st.sampled_from([0, 1]),
)
def test_gbt8170_matches_decimal_rounding(value, decimals):
    text = str(value)
    held = round_gbt8170(scale(np.array([float(text)])), decimals)
    expected = Decimal(repr(float(text))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    assert held.units[0] == int(expected.scaleb(6))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 9).flatmap(lambda places: st.decimals(min_value=0, max_value=700, places=places)))
def test_iaqi_matches_the_worked_formula_for_any_decimal(value):
    text = repr(float(str(value)))
    for standard in ("HJ633-2012", "HJ633-2026"):
        for indicator in ("pm25_24h", "co_24h", "o3_8h", "so2_1h"):
            got = iaqi([float(text)], indicator=indicator, standard=standard)[0]
            expected = worked_iaqi(text, indicator, standard)
            assert (math.isnan(got) and expected is None) or got == expected, (text, indicator, standard)
