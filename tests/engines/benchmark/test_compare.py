"""compare() on the bundled real data, every expected number worked by hand from the CSV rows.

The rows quoted in the comments are the values of sichuan_cities.csv for the year, in the order
of the `sichuan` peer group (成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安
达州 雅安 巴中 资阳), then sorted best first.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from jingjin.engines.benchmark import COMPARE_COLUMNS, compare


def row(frame: pl.DataFrame, indicator: str) -> dict[str, Any]:
    rows = frame.filter(pl.col("indicator") == indicator).to_dicts()
    assert len(rows) == 1, indicator
    return rows[0]


def flags(r: dict[str, Any]) -> set[str]:
    return set(filter(None, r["flags"].split(";")))


@pytest.fixture(scope="module")
def suining_2021(data: pl.DataFrame, sichuan: list[str], options: dict[str, Any]) -> pl.DataFrame:
    return compare(data, focus="遂宁", year=2021, peers=sichuan, target_year=2025, **options)


def test_columns_and_rows(suining_2021: pl.DataFrame) -> None:
    assert tuple(suining_2021.columns) == COMPARE_COLUMNS
    assert suining_2021.columns[:9] == [
        "indicator",
        "value",
        "rank",
        "n",
        "median",
        "best_city",
        "best_value",
        "gap_to_best_pct",
        "gap_to_median_pct",
    ]
    # Suining has 5 indicators in 2021 (no population, industrial growth or air ratio that year),
    # in catalogue order
    assert suining_2021.get_column("indicator").to_list() == [
        "gdp",
        "gdp_real_growth",
        "gdp_per_capita",
        "general_public_budget_revenue",
        "pm25_annual_mean",
    ]


def test_suining_2021_gdp(suining_2021: pl.DataFrame) -> None:
    # GDP 2021 sorted: 成都 19917, 绵阳 3350, 宜宾 3148, 德阳 2657, 南充 2602, 泸州 2406, 达州 2352,
    # 乐山 2205, 内江 1606, 自贡 1601, 眉山 1548, 遂宁 1519.87, 广安 1418, 攀枝花 1134, 广元 1116,
    # 资阳 891, 雅安 841, 巴中 743 → Suining 12th of 18; median (1606 + 1601) / 2 = 1603.5
    r = row(suining_2021, "gdp")
    assert r["value"] == 1519.87
    assert (r["rank"], r["n"]) == (12, 18)
    assert r["median"] == 1603.5
    assert (r["best_city"], r["best_value"]) == ("成都", 19917.0)
    # (19917 − 1519.87) / 1519.87 × 100 = 18397.13 / 1519.87 × 100 = 1210.44 %
    assert r["gap_to_best_pct"] == pytest.approx(1210.441, abs=1e-3)
    # (1603.5 − 1519.87) / 1519.87 × 100 = 83.63 / 1519.87 × 100 = 5.5024 %
    assert r["gap_to_median_pct"] == pytest.approx(5.5024, abs=1e-4)
    # CAGR 2019 → 2021: (1519.87 / 1346)^(1/2) − 1 = 1.129175^0.5 − 1 = 6.2626 %
    assert (r["base_year"], r["base_value"]) == (2019, 1346.0)
    assert r["cagr_pct"] == pytest.approx(6.2626, abs=1e-4)


def test_suining_2021_growth_ties(suining_2021: pl.DataFrame) -> None:
    # Real growth 2021 sorted: 宜宾 8.87, 绵阳 8.7, 德阳 8.69, 成都 8.59, 泸州 8.5, 内江 8.49, 眉山 8.4,
    # 雅安 8.4, 自贡 8.3, 攀枝花 8.3, 达州 8.3, 广元 8.2, 遂宁 8.2, 乐山 8.2, 广安 8.1, 资阳 8.1,
    # 南充 7.8, 巴中 3.3: the three 8.2 share rank 12 (positions 12–14); median (8.3 + 8.3) / 2
    r = row(suining_2021, "gdp_real_growth")
    assert (r["rank"], r["n"]) == (12, 18)
    assert r["median"] == pytest.approx(8.3)
    assert (r["best_city"], r["best_value"]) == ("宜宾", 8.87)
    # (8.87 − 8.2) / 8.2 × 100 = 8.1707 %; (8.3 − 8.2) / 8.2 × 100 = 1.2195 %
    assert r["gap_to_best_pct"] == pytest.approx(8.1707, abs=1e-4)
    assert r["gap_to_median_pct"] == pytest.approx(1.2195, abs=1e-4)
    # a growth rate gets no CAGR and no catch-up growth
    assert r["cagr_pct"] is None and r["required_growth_pct"] is None and r["base_year"] is None


def test_suining_2021_per_capita_and_revenue(suining_2021: pl.DataFrame) -> None:
    # per-capita GDP 2021 sorted: 成都 94622, 攀枝花 93406, 德阳 76824, 乐山 69850, 绵阳 68696,
    # 宜宾 68481, 自贡 64595, 雅安 58617, 泸州 56507, 遂宁 54300, … → 10th; median (56507 + 54300) / 2
    r = row(suining_2021, "gdp_per_capita")
    assert (r["rank"], r["n"], r["median"]) == (10, 18, 55403.5)
    # the default window starts in 2020, not 2019 (pre-census base): 54300 / 49495 − 1 = 9.7081 %
    assert (r["base_year"], r["base_value"]) == (2020, 49495.0)
    assert r["cagr_pct"] == pytest.approx(9.7081, abs=1e-4)
    # revenue 2021 sorted: 成都 1697.63, 宜宾 251.18, 泸州 190.15, 绵阳 159.2, 德阳 148.68,
    # 南充 144.87, 眉山 137.9, 达州 133.31, 乐山 131.92, 广安 93.57, 遂宁 91.68 → 11th;
    # median (131.92 + 93.57) / 2 = 112.745
    r = row(suining_2021, "general_public_budget_revenue")
    assert (r["rank"], r["n"]) == (11, 18)
    assert r["median"] == pytest.approx(112.745)


def test_suining_2021_pm25_lower_is_better(suining_2021: pl.DataFrame) -> None:
    # PM2.5 2021 (µg/m³, lower is better; 泸州 has no value → n = 17) sorted: 广元 24, 雅安 28,
    # 巴中 28, 资阳 28, 遂宁 30, 攀枝花 31, 德阳 33, 内江 34, 眉山 34, 广安 34, 绵阳 35, 达州 35,
    # 乐山 37, 南充 37, 成都 40, 自贡 44, 宜宾 44 → Suining 5th, median the 9th value 34
    r = row(suining_2021, "pm25_annual_mean")
    assert (r["rank"], r["n"], r["median"]) == (5, 17, 34.0)
    assert (r["best_city"], r["best_value"]) == ("广元", 24.0)
    # lower is better: (value − best) / value × 100 = (30 − 24) / 30 × 100 = 20 % behind
    assert r["gap_to_best_pct"] == pytest.approx(20.0)
    # (30 − 34) / 30 × 100 = −13.33 %: ahead of the median
    assert r["gap_to_median_pct"] == pytest.approx(-13.3333, abs=1e-4)
    # a lower-is-better series moving up and down is not flagged as a revision
    assert "series_break_or_revision" not in flags(r)


def test_pm25_ties_share_the_smallest_rank(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    # 2021: 雅安, 巴中 and 资阳 all at 28 behind 广元 24 → rank 2 each (1, 2, 2, 2, 5)
    for city in ("雅安", "巴中", "资阳"):
        r = row(compare(data, focus=city, year=2021, peers=sichuan, **options), "pm25_annual_mean")
        assert r["rank"] == 2


def test_catch_up_growth_on_real_data(suining_2021: pl.DataFrame) -> None:
    r = row(suining_2021, "gdp")
    # leader 成都: 17013 (2019) → 19917 (2021): g = (19917 / 17013)^(1/2) − 1 = 1.170693^0.5 − 1
    # = 8.1986 %; projected 2025 = 19917 × 1.170693^2 = 19917 × 1.370522 = 27296.7;
    # required = (27296.7 / 1519.87)^(1/4) − 1 = 17.95963^0.25 − 1 = 105.86 %
    assert r["leader_cagr_pct"] == pytest.approx(8.1986, abs=1e-4)
    assert r["projected_leader_value"] == pytest.approx(27296.7, abs=0.1)
    assert r["required_growth_pct"] == pytest.approx(105.86, abs=0.01)


def test_mianyang_2022(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    result = compare(data, focus="绵阳", year=2022, peers=sichuan, **options)
    # GDP 2022 sorted: 成都 20818, 绵阳 3627, 宜宾 3428, 德阳 2817, 南充 2685, 泸州 2602, 达州 2503,
    # 乐山 2309, 内江 1657, 自贡 1638, … → 2nd; median (1657 + 1638) / 2 = 1647.5
    r = row(result, "gdp")
    assert (r["rank"], r["n"], r["median"], r["best_city"]) == (2, 18, 1647.5, "成都")
    # (20818 − 3627) / 3627 × 100 = 473.973 %; (1647.5 − 3627) / 3627 × 100 = −54.577 %
    assert r["gap_to_best_pct"] == pytest.approx(473.973, abs=1e-3)
    assert r["gap_to_median_pct"] == pytest.approx(-54.577, abs=1e-3)
    # real growth 2022 sorted: 内江 8.1, 绵阳 5.01, 宜宾 4.55, 遂宁 4.2, 泸州 4.1, 雅安 4.0, 眉山 3.84,
    # 乐山 3.8, 资阳 3.8, 攀枝花 3.5, 达州 3.5, … → 2nd; median (3.8 + 3.5) / 2 = 3.65
    r = row(result, "gdp_real_growth")
    assert (r["rank"], r["median"], r["best_city"]) == (2, pytest.approx(3.65), "内江")
    # (8.1 − 5.01) / 5.01 × 100 = 61.677 % — against an outlier, which the flags say
    assert r["gap_to_best_pct"] == pytest.approx(61.677, abs=1e-3)
    assert "best_outlier" in flags(r)
    # per-capita 2022 sorted: 攀枝花 100454, 成都 98149, 德阳 81412, 宜宾 74341, 绵阳 74171, 乐山 73226,
    # 自贡 66602, 雅安 62981, 泸州 61054, 遂宁 58137, … → 5th; median (61054 + 58137) / 2 = 59595.5
    r = row(result, "gdp_per_capita")
    assert (r["rank"], r["median"], r["best_city"]) == (5, 59595.5, "攀枝花")
    # Mianyang has no 2020 value and 2019 is on the old base: the window is 2021 → 2022,
    # 74171 / 68696 − 1 = 7.970 %
    assert r["base_year"] == 2021
    assert r["cagr_pct"] == pytest.approx(7.970, abs=1e-3)


def test_nanchong_2023(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    result = compare(data, focus="南充", year=2023, peers=sichuan, **options)
    # GDP 2023 sorted: 成都 22075, 绵阳 4039, 宜宾 3807, 德阳 3014, 南充 2735, 泸州 2726, 达州 2657,
    # 乐山 2448, 内江 1807, 自贡 1750, … → 5th; median (1807 + 1750) / 2 = 1778.5
    r = row(result, "gdp")
    assert (r["rank"], r["n"], r["median"]) == (5, 18, 1778.5)
    # (22075 − 2735) / 2735 × 100 = 707.130 %; (1778.5 − 2735) / 2735 × 100 = −34.973 %
    assert r["gap_to_best_pct"] == pytest.approx(707.130, abs=1e-3)
    assert r["gap_to_median_pct"] == pytest.approx(-34.973, abs=1e-3)
    # air quality 2023 sorted: 攀枝花 97.3, 广元 95.1, 巴中 93.2, 达州 90.1, 雅安 87.4, 遂宁 87.1,
    # 乐山 86.8, 南充 86.6, 广安 84.11, 资阳 80.8, … → 8th; median (84.11 + 80.8) / 2 = 82.455
    r = row(result, "air_good_days_ratio")
    assert (r["rank"], r["median"], r["best_city"]) == (8, pytest.approx(82.455), "攀枝花")
    # revenue 2023 sorted: 成都 1929.06, 宜宾 313.99, 泸州 212.38, 绵阳 201.47, 德阳 183.6, 达州 182.66,
    # 眉山 159.84, 乐山 159.6, 遂宁 113.64, 南充 110.2 → 10th; median (113.64 + 110.2) / 2 = 111.92
    r = row(result, "general_public_budget_revenue")
    assert (r["rank"], r["median"]) == (10, pytest.approx(111.92))
    # Nanchong's revenue fell 144.87 (2021) → 104.81 (2022), inside the 2019 → 2023 window
    assert "series_break_or_revision" in flags(r)


def test_peer_group_subset_adds_the_focus(data: pl.DataFrame, groups: Any, options: Any) -> None:
    metro = list(groups["chengdu_metro"].cities)
    assert metro == ["成都", "德阳", "眉山", "资阳"]
    result = compare(data, focus="遂宁", year=2022, peers=metro, **options)
    # GDP 2022 in 成都 20818, 德阳 2817, 眉山 1636, 资阳 948 + 遂宁 1614.47: 4th of 5, median 1636
    r = row(result, "gdp")
    assert (r["rank"], r["n"], r["median"]) == (4, 5, 1636.0)
    # (1636 − 1614.47) / 1614.47 × 100 = 1.3336 %
    assert r["gap_to_median_pct"] == pytest.approx(1.3336, abs=1e-4)
    # PM2.5 2022: 成都 39, 德阳 35, 眉山 38, 资阳 33, 遂宁 30 → Suining best, gap 0; median 35,
    # (30 − 35) / 30 × 100 = −16.667 %
    r = row(result, "pm25_annual_mean")
    assert (r["rank"], r["best_city"], r["gap_to_best_pct"], r["median"]) == (1, "遂宁", 0.0, 35.0)
    assert r["gap_to_median_pct"] == pytest.approx(-16.6667, abs=1e-4)


def test_tied_best_cities_are_joined_in_group_order(data: pl.DataFrame, options: Any) -> None:
    # real growth 2020: 绵阳 4.4, 雅安 4.4, 铜梁 4.4, 遂宁 4.3 → ranks 1, 1, 1, 4
    result = compare(data, focus="遂宁", year=2020, peers=["绵阳", "雅安", "铜梁"], **options)
    r = row(result, "gdp_real_growth")
    assert (r["rank"], r["n"], r["best_city"], r["best_value"]) == (4, 4, "绵阳;雅安;铜梁", 4.4)
    # median (4.4 + 4.4) / 2; gap (4.4 − 4.3) / 4.3 × 100 = 2.3256 %
    assert r["median"] == pytest.approx(4.4)
    assert r["gap_to_best_pct"] == pytest.approx(2.3256, abs=1e-4)


def test_chengdu_chongqing_group_counts_only_cities_with_values(
    data: pl.DataFrame, groups: Any, options: Any
) -> None:
    peers = list(groups["chengdu_chongqing"].cities)
    result = compare(data, focus="遂宁", year=2023, peers=peers, **options)
    # 17 places in the group, but 潼南 and 铜梁 have no 2023 values: n = 15
    assert set(result.get_column("n").to_list()) == {15}
    # GDP 2023 of the 15: 成都 22075, 绵阳 4039, 宜宾 3807, 德阳 3014, 南充 2735, 泸州 2726, 达州 2657,
    # 乐山 2448 (8th = median), 内江 1807, 自贡 1750, 眉山 1737, 遂宁 1715 (12th), 广安 1513,
    # 资阳 1019, 雅安 1010
    r = row(result, "gdp")
    assert (r["rank"], r["median"]) == (12, 2448.0)


def test_every_city_when_peers_is_none(data: pl.DataFrame, options: Any) -> None:
    # peers=None: every city of the data; 2022 GDP adds 凉山 2081.36 to the 18 cities → n = 19,
    # median the 10th value = 1657 (内江)
    r = row(compare(data, focus="遂宁", year=2022, peers=None, **options), "gdp")
    assert (r["n"], r["median"]) == (19, 1657.0)
