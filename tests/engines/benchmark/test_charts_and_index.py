"""rank_history, radar and the composite index (entropy-weighted TOPSIS)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from jingjin.engines.benchmark import composite_index, composite_weights, radar, rank_history
from jingjin.engines.scoring import entropy_weights, rank, topsis


def test_rank_history_suining(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    history = rank_history(data, city="遂宁", peers=sichuan, directions=options["directions"])
    assert history.columns == ["indicator", "year", "value", "rank", "n", "median", "best_city", "best_value"]
    pm = history.filter(pl.col("indicator") == "pm25_annual_mean")
    assert pm.get_column("year").to_list() == [2019, 2020, 2021, 2022, 2023]
    # 2021 as in test_compare: 5th of 17
    assert pm.filter(pl.col("year") == 2021).select("rank", "n").row(0) == (5, 17)
    # 2023 PM2.5: 广元 26, 遂宁 30 and 巴中 30 (tied 2nd), 达州 31, … (攀枝花 missing → 17)
    assert pm.filter(pl.col("year") == 2023).select("rank", "n", "best_city").row(0) == (2, 17, "广元")
    gdp = history.filter(pl.col("indicator") == "gdp")
    assert gdp.get_column("rank").to_list() == [12, 12, 12, 12, 12]


def test_radar_normalises_by_direction(data: pl.DataFrame, sichuan: list[str], options: Any) -> None:
    result = radar(
        data,
        focus="遂宁",
        year=2023,
        peers=sichuan,
        directions=options["directions"],
        indicators=["pm25_annual_mean", "air_good_days_ratio", "resident_population_year_end"],
    )
    pm = result.row(0, named=True)
    # PM2.5 2023 of 17 cities: best 广元 26, worst 宜宾 and 泸州 44, median 37;
    # focus score (44 − 30) / (44 − 26) = 14 / 18 = 0.7778; median (44 − 37) / 18 = 0.3889
    assert (pm["best_value"], pm["worst_value"], pm["median"]) == (26.0, 44.0, 37.0)
    assert pm["focus_score"] == pytest.approx(14 / 18)
    assert pm["median_score"] == pytest.approx(7 / 18)
    assert pm["best_score"] == 1.0
    air = result.row(1, named=True)
    # air 2023: best 攀枝花 97.3, worst 德阳 74.5; Suining 87.1 → (87.1 − 74.5) / 22.8 = 0.5526
    assert air["focus_score"] == pytest.approx(12.6 / 22.8)
    with pytest.raises(ValueError, match="no direction"):
        radar(data, focus="遂宁", year=2023, peers=None, directions=options["directions"], indicators=["x"])


def small() -> pl.DataFrame:
    # g higher is better, p lower is better; D lacks p
    rows = [
        ("A", 2022, "g", 10.0),
        ("B", 2022, "g", 20.0),
        ("C", 2022, "g", 40.0),
        ("D", 2022, "g", 30.0),
        ("A", 2022, "p", 30.0),
        ("B", 2022, "p", 20.0),
        ("C", 2022, "p", 50.0),
    ]
    return pl.DataFrame(rows, schema=["city", "year", "indicator", "value"], orient="row")


def test_composite_index_three_cities_by_hand() -> None:
    directions = {"g": "higher", "p": "lower"}
    result = composite_index(small(), year=2022, indicators=["g", "p"], peers=None, directions=directions)
    # min–max, benefit-oriented: g (10, 20, 40) → 0, 1/3, 1; p (30, 20, 50), lower → 2/3, 1, 0.
    # entropy of g: p = 0, .25, .75; e = (.25 ln 4 + .75 ln 4/3) / ln 3 = .562335 / 1.098612 = .511860
    # entropy of p: p = .4, .6, 0;   e = (.4 ln 2.5 + .6 ln 5/3) / ln 3 = .673012 / 1.098612 = .612602
    # d = .488140, .387398 → w = .55753, .44247
    weights = composite_weights(small(), year=2022, indicators=["g", "p"], peers=None, directions=directions)
    assert weights.get_column("weight").to_list() == pytest.approx([0.55753, 0.44247], abs=1e-5)
    assert weights.get_column("n").to_list() == [3, 3]
    # TOPSIS on the raw values: norms √2100 = 45.8258, √3800 = 61.6441;
    # v_g = .121664, .243328, .486656; v_p = .215334, .143556, .358891; ideal (.486656, .143556),
    # anti-ideal (.121664, .358891). A: D+ .371983, D− .143557 → .27846; B: D+ .243328,
    # D− .247328 → .50408; C: D+ .215335, D− .364992 → .62895
    assert result.get_column("city").to_list() == ["C", "B", "A", "D"]
    assert result.get_column("rank").to_list() == [1, 2, 3, None]
    assert result.get_column("score").to_list()[:3] == pytest.approx([0.62895, 0.50408, 0.27846], abs=1e-5)
    # contributions w_j × s_ij: A (0, .44247 × 2/3 = .29498), B (.18584, .44247), C (.55753, 0)
    a = result.filter(pl.col("city") == "A").row(0, named=True)
    assert (a["contribution_g"], a["contribution_p"]) == (0.0, pytest.approx(0.29498, abs=1e-5))
    b = result.filter(pl.col("city") == "B").row(0, named=True)
    assert b["weighted_sum"] == pytest.approx(0.18584 + 0.44247, abs=1e-5)
    d = result.filter(pl.col("city") == "D").row(0, named=True)
    assert (d["missing"], d["value_g"], d["score"], d["contribution_g"]) == ("p", 30.0, None, None)
    assert result.columns == [
        "city",
        "rank",
        "score",
        "weighted_sum",
        "missing",
        "value_g",
        "contribution_g",
        "value_p",
        "contribution_p",
    ]


def test_composite_index_matches_direct_scoring_calls(
    data: pl.DataFrame, sichuan: list[str], options: Any
) -> None:
    indicators = ["gdp", "gdp_per_capita", "general_public_budget_revenue", "pm25_annual_mean"]
    result = composite_index(
        data, year=2022, indicators=indicators, peers=sichuan, directions=options["directions"]
    )
    # 2022: every Sichuan city has the four indicators
    assert result.get_column("rank").null_count() == 0 and result.height == 18
    wide = (
        data.filter(
            (pl.col("year") == 2022) & pl.col("city").is_in(sichuan) & pl.col("indicator").is_in(indicators)
        )
        .pivot(on="indicator", index="city", values="value")
        .select("city", *indicators)
    )
    x = wide.select(indicators).to_numpy()
    benefit = np.array([True, True, True, False])
    lo, hi = x.min(axis=0), x.max(axis=0)
    s = np.where(benefit, (x - lo) / (hi - lo), (hi - x) / (hi - lo))
    w = entropy_weights(s)
    expected = dict(zip(wide.get_column("city").to_list(), topsis(x, w, benefit), strict=True))
    expected_rank = dict(zip(wide.get_column("city").to_list(), rank(topsis(x, w, benefit)), strict=True))
    for r in result.iter_rows(named=True):
        assert r["score"] == pytest.approx(expected[r["city"]], rel=1e-12)
        assert r["rank"] == expected_rank[r["city"]]
    assert result.row(0, named=True)["city"] == "成都"
    weights = composite_weights(
        data, year=2022, indicators=indicators, peers=sichuan, directions=options["directions"]
    )
    assert weights.get_column("weight").to_numpy() == pytest.approx(w)
    assert weights.get_column("weight").sum() == pytest.approx(1.0)


def test_composite_index_excludes_and_refuses(data: pl.DataFrame, options: Any) -> None:
    # with every city of the data (peers=None), 2022: 阿坝, 凉山, 潼南, 铜梁 lack per-capita GDP
    result = composite_index(
        data, year=2022, indicators=["gdp", "gdp_per_capita"], peers=None, directions=options["directions"]
    )
    excluded = result.filter(pl.col("rank").is_null())
    assert sorted(excluded.get_column("city").to_list()) == sorted(["阿坝", "凉山", "潼南", "铜梁"])
    assert excluded.filter(pl.col("city") == "凉山").item(0, "missing") == "gdp_per_capita"
    with pytest.raises(ValueError, match="at least 2 cities"):
        composite_index(
            data,
            year=2023,
            indicators=["industrial_value_added_growth", "gdp"],
            peers=["成都", "遂宁"],
            directions=options["directions"],
        )
    with pytest.raises(ValueError, match="no direction"):
        composite_index(
            data, year=2022, indicators=["gdp", "x"], peers=None, directions=options["directions"]
        )
