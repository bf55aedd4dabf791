"""The traps of the data README, the catch-up formula on worked examples, and the edges."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
import pytest

from jingjin.engines.benchmark import (
    OUTLIER_THRESHOLD,
    cagr_pct,
    compare,
    projected_value,
    required_growth_pct,
    robust_z,
)


def row(frame: pl.DataFrame, indicator: str) -> dict[str, Any]:
    (r,) = frame.filter(pl.col("indicator") == indicator).to_dicts()
    return r


def flags(r: dict[str, Any]) -> set[str]:
    return set(filter(None, r["flags"].split(";")))


# ------------------------------------------------------------------ Bazhong: a fall that is a revision


def test_bazhong_gdp_fall_is_flagged(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    # 巴中 GDP: 754 (2019), 767 (2020), 743 (2021), 765 (2022): 2020 → 2021 falls (README: 2020 was
    # revised down later). Both years next to the fall carry the flag.
    for year in (2020, 2021):
        r = row(compare(data, focus="巴中", year=year, peers=sichuan, **options), "gdp")
        assert "series_break_or_revision" in flags(r), year
    # 2022 (765 > 743) still has the fall inside its 2019 → 2022 growth window
    r = row(compare(data, focus="巴中", year=2022, peers=sichuan, **options), "gdp")
    assert "series_break_or_revision" in flags(r)
    # a window that starts after the fall is clean: 2021 → 2022 is 743 → 765
    r = row(compare(data, focus="巴中", year=2022, peers=sichuan, base_year=2021, **options), "gdp")
    assert "series_break_or_revision" not in flags(r)
    # Suining's GDP rises every year: never flagged
    for year in range(2019, 2024):
        r = row(compare(data, focus="遂宁", year=year, peers=sichuan, **options), "gdp")
        assert "series_break_or_revision" not in flags(r)


# ------------------------------------------------------------------ Neijiang: an outlier


def test_neijiang_2022_growth_is_an_outlier(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    # real growth 2022 of the 18 cities (sorted): 0.3 0.3 0.5 1.3 1.3 2.75 3.1 3.5 3.5 3.8 3.8 3.84 4.0
    # 4.1 4.2 4.55 5.01 8.1; median (3.5 + 3.8) / 2 = 3.65; absolute deviations sorted: .15 .15 .15 .15
    # .19 .35 .45 .55 .55 .9 .9 1.36 2.35 2.35 3.15 3.35 3.35 4.45 → MAD (.55 + .9) / 2 = .725;
    # Neijiang: 4.45 / (1.4826 × .725) = 4.45 / 1.074885 = 4.140 > 3.5; the 0.3s: 3.35 / 1.074885 = 3.117
    r = row(compare(data, focus="内江", year=2022, peers=sichuan, **options), "gdp_real_growth")
    assert "outlier" in flags(r) and "best_outlier" in flags(r)
    assert (r["rank"], r["value"]) == (1, 8.1)
    r = row(compare(data, focus="广元", year=2022, peers=sichuan, **options), "gdp_real_growth")
    assert "outlier" not in flags(r)
    assert "best_outlier" in flags(r)  # the best value it is compared with is Neijiang's
    values = np.array(
        [3.8, 8.1, 1.3, 4.55, 1.3, 0.3, 0.3, 3.1, 2.75, 3.5, 4.1, 3.84, 5.01, 0.5, 3.8, 3.5, 4.2, 4.0]
    )
    z = robust_z(values)
    assert z[1] == pytest.approx(4.45 / (1.4826 * 0.725))
    assert z[5] == pytest.approx(3.35 / (1.4826 * 0.725))
    assert list(np.flatnonzero(z > OUTLIER_THRESHOLD)) == [1]


def test_robust_z_edges() -> None:
    assert robust_z(np.array([1.0, 2.0, 100.0, 3.0])).tolist() == [0.0] * 4  # fewer than 5 values
    # MAD = 0 (three of five equal): mean absolute deviation × 1.253314 instead.
    # median 10, deviations 0 0 0 1 20, mean 4.2 → 20 / (1.253314 × 4.2) = 3.799
    z = robust_z(np.array([10.0, 10.0, 10.0, 11.0, 30.0]))
    assert z[4] == pytest.approx(20 / (1.253314 * 4.2))
    assert robust_z(np.full(6, 7.0)).tolist() == [0.0] * 6  # all equal: no outlier


# ------------------------------------------------------------------ per-capita GDP 2019


def test_per_capita_2019_is_flagged_and_left_out_of_windows(
    data: pl.DataFrame, sichuan: list[str], options: Any
) -> None:
    # 成都 per-capita GDP 103386 (2019) → 85679 (2020): the 2019 figure is on the pre-census base
    # (it is also far above the others that year: 103386 against a median of 46576)
    r = row(compare(data, focus="成都", year=2019, peers=sichuan, **options), "gdp_per_capita")
    assert "per_capita_base_2019" in flags(r)
    assert "series_break_or_revision" not in flags(r)
    # every city's 2019 value carries the flag, Suining's too (its best, 成都, is the outlier)
    r = row(compare(data, focus="遂宁", year=2019, peers=sichuan, **options), "gdp_per_capita")
    assert flags(r) == {"per_capita_base_2019", "best_outlier"}
    # the 2020 row is not called a revision for a change of population base
    r = row(compare(data, focus="成都", year=2020, peers=sichuan, **options), "gdp_per_capita")
    assert "series_break_or_revision" not in flags(r)
    assert r["cagr_pct"] is None  # no comparable earlier year
    # Suining 2023: window 2020 → 2023 by default, 62137 / 49495 over 3 years:
    # 1.255420^(1/3) − 1 = 7.8772 %
    r = row(compare(data, focus="遂宁", year=2023, peers=sichuan, **options), "gdp_per_capita")
    assert (r["base_year"], r["base_value"]) == (2020, 49495.0)
    assert r["cagr_pct"] == pytest.approx(7.8772, abs=1e-4)
    assert "per_capita_base_2019" not in flags(r)
    # asked for explicitly, 2019 is used but flagged: 62137 / 42113 = 1.475482 over 4 years:
    # 1.475482^0.5 = 1.214694, ^0.5 again = 1.102132 → 10.2132 %
    r = row(
        compare(data, focus="遂宁", year=2023, peers=sichuan, base_year=2019, **options), "gdp_per_capita"
    )
    assert r["base_year"] == 2019
    assert r["cagr_pct"] == pytest.approx(10.2132, abs=1e-4)
    assert "per_capita_base_2019" in flags(r)
    # GDP itself has no such restriction: 2019 is the default base
    assert row(compare(data, focus="遂宁", year=2023, peers=sichuan, **options), "gdp")["base_year"] == 2019


# ------------------------------------------------------------------ the catch-up formula


def long(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["city", "year", "indicator", "value"], orient="row")


def test_scalar_formulas() -> None:
    # 100 → 121 in 2 years: 10 % a year
    assert cagr_pct(100, 121, 2) == pytest.approx(10.0)
    assert cagr_pct(100, 121, 0) is None
    assert cagr_pct(0, 121, 2) is None and cagr_pct(-5, 121, 2) is None
    assert projected_value(200, 10, 2) == pytest.approx(242.0)
    assert required_growth_pct(100, 400, 2) == pytest.approx(100.0)
    assert required_growth_pct(100, 25, 2) == pytest.approx(-50.0)


def test_required_growth_worked_example() -> None:
    # leader B: 160 (2019) → 200 (2021): g = 1.25^(1/2) − 1 = 11.8034 %; projected 2025:
    # 200 × 1.25^2 = 312.5; focus A at 100 in 2021 needs (312.5 / 100)^(1/4) − 1 = 3.125^0.25 − 1
    # = 1.329574 − 1 = 32.9574 % a year
    data = long(
        [("A", 2019, "x", 90.0), ("A", 2021, "x", 100.0), ("B", 2019, "x", 160.0), ("B", 2021, "x", 200.0)]
    )
    r = row(
        compare(data, focus="A", year=2021, peers=None, directions={"x": "higher"}, target_year=2025), "x"
    )
    assert r["leader_cagr_pct"] == pytest.approx(11.8034, abs=1e-4)
    assert r["projected_leader_value"] == pytest.approx(312.5)
    assert r["required_growth_pct"] == pytest.approx(32.9574, abs=1e-4)
    # A's own CAGR: (100 / 90)^(1/2) − 1 = 5.4093 %
    assert r["cagr_pct"] == pytest.approx(5.4093, abs=1e-4)


def test_required_decline_lower_is_better() -> None:
    # PM2.5-like: leader B 36 (2020) → 25 (2022): g = (25/36)^(1/2) − 1 = 0.833333 − 1 = −16.6667 %;
    # projected 2024: 25 × 25/36 = 17.3611; focus A at 40 needs (17.3611 / 40)^(1/2) − 1
    # = 0.434028^0.5 − 1 = 0.658808 − 1 = −34.1192 % a year (a decline)
    data = long(
        [("A", 2020, "p", 44.0), ("A", 2022, "p", 40.0), ("B", 2020, "p", 36.0), ("B", 2022, "p", 25.0)]
    )
    r = row(compare(data, focus="A", year=2022, peers=None, directions={"p": "lower"}, target_year=2024), "p")
    assert (r["rank"], r["best_city"]) == (2, "B")
    assert r["gap_to_best_pct"] == pytest.approx(37.5)  # (40 − 25) / 40 × 100
    assert r["leader_cagr_pct"] == pytest.approx(-16.6667, abs=1e-4)
    assert r["projected_leader_value"] == pytest.approx(17.3611, abs=1e-4)
    assert r["required_growth_pct"] == pytest.approx(-34.1192, abs=1e-4)


def test_tied_leaders_project_the_most_demanding() -> None:
    # B and C tie at 200 in 2021; B grew from 100 (2019), C from 196 → B's projection is higher
    data = long(
        [
            ("A", 2019, "x", 50.0),
            ("A", 2021, "x", 100.0),
            ("B", 2019, "x", 100.0),
            ("B", 2021, "x", 200.0),
            ("C", 2019, "x", 196.0),
            ("C", 2021, "x", 200.0),
        ]
    )
    r = row(
        compare(data, focus="A", year=2021, peers=["C", "B"], directions={"x": "higher"}, target_year=2023),
        "x",
    )
    assert r["best_city"] == "C;B"
    # B: g = 2^(1/2) − 1 = 41.4214 %; projected 2023 = 200 × 2 = 400; required (400 / 100)^(1/2) − 1 = 100 %
    assert r["leader_cagr_pct"] == pytest.approx(41.4214, abs=1e-4)
    assert r["projected_leader_value"] == pytest.approx(400.0)
    assert r["required_growth_pct"] == pytest.approx(100.0)


def test_missing_leader_base_and_zero_value() -> None:
    data = long([("A", 2019, "x", 0.0), ("A", 2021, "x", 0.0), ("B", 2021, "x", 5.0)])
    r = row(
        compare(data, focus="A", year=2021, peers=None, directions={"x": "higher"}, target_year=2025), "x"
    )
    assert r["gap_to_best_pct"] is None and r["gap_to_median_pct"] is None
    assert r["cagr_pct"] is None and r["required_growth_pct"] is None
    assert "zero_value" in flags(r)
    data = long([("A", 2019, "x", 10.0), ("A", 2021, "x", 12.0), ("B", 2021, "x", 50.0)])
    r = row(
        compare(data, focus="A", year=2021, peers=None, directions={"x": "higher"}, target_year=2025), "x"
    )
    assert r["cagr_pct"] == pytest.approx((math.sqrt(1.2) - 1) * 100)
    assert r["leader_cagr_pct"] is None and r["required_growth_pct"] is None
    assert "no_leader_growth" in flags(r)
    r = row(compare(data, focus="A", year=2021, peers=None, directions={"x": "higher"}, base_year=2020), "x")
    assert r["cagr_pct"] is None and "no_base_value" in flags(r)


def test_bad_arguments_raise_naming_the_problem(data: pl.DataFrame, options: Any) -> None:
    with pytest.raises(ValueError, match="focus city '重庆'"):
        compare(data, focus="重庆", year=2021, peers=None, **options)
    with pytest.raises(ValueError, match="peer cities not in the data: 西安, 重庆"):
        compare(data, focus="遂宁", year=2021, peers=["成都", "西安", "重庆"], **options)
    with pytest.raises(ValueError, match="target_year"):
        compare(data, focus="遂宁", year=2021, peers=None, target_year=2021, **options)
    with pytest.raises(ValueError, match="base_year"):
        compare(data, focus="遂宁", year=2021, peers=None, base_year=2021, **options)
    with pytest.raises(ValueError, match="no direction for indicator"):
        compare(data, focus="遂宁", year=2021, peers=None, directions={"gdp": "higher"})
    with pytest.raises(ValueError, match="direction must be"):
        compare(data, focus="遂宁", year=2021, peers=None, directions={"gdp": "up"})
    twice = long([("A", 2021, "x", 1.0), ("A", 2021, "x", 2.0)])
    with pytest.raises(ValueError, match="two different values"):
        compare(twice, focus="A", year=2021, peers=None, directions={"x": "higher"})


def test_focus_without_values_that_year_gives_no_rows(data: pl.DataFrame, options: Any) -> None:
    result = compare(data, focus="铜梁", year=2023, peers=None, **options)
    assert result.height == 0 and result.columns[0] == "indicator"


def test_strict_false_keeps_peers_without_rows(data: pl.DataFrame, groups: Any, options: Any) -> None:
    # PM2.5 only: 潼南 and 铜梁 of the Chengdu–Chongqing group have no row at all
    pm = data.filter(pl.col("indicator") == "pm25_annual_mean")
    peers = list(groups["chengdu_chongqing"].cities)
    with pytest.raises(ValueError, match="peer cities not in the data: 潼南, 铜梁"):
        compare(pm, focus="遂宁", year=2021, peers=peers, **options)
    r = row(compare(pm, focus="遂宁", year=2021, peers=peers, strict=False, **options), "pm25_annual_mean")
    # 2021 in the circle's 15 Sichuan cities, 泸州 missing → 14: 雅安 28, 资阳 28, 遂宁 30 (3rd), …
    assert (r["rank"], r["n"]) == (3, 14)
