"""Per-mu evaluation (亩均) and standard-land admission (标准地准入).

The Huangyan firm values are computed by hand from REFERENCE.md §4.2: item = indicator ÷
benchmark × points, with the 2022 benchmarks 24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302
(规上, 30/20/20/10/10/10 points) and 11.5932, 0.2352 (规下, 50/50 points).
"""

from __future__ import annotations

import polars as pl
import pytest

from jingjin.commands._io import admission_thresholds, land_scheme
from jingjin.engines.land import AdmissionRules, LandScheme, admit, evaluate
from jingjin.engines.scoring import InputError

NULL = None


def firms() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": ["F1", "F2", "F3", "F4"],
            "land_mu": [100.0, 20.0, 10.0, 10.0],
            "tax_10k": [4819.4, 200.0, 241.0, 100.0],
            "revenue_10k": [30000.0, 5000.0, 2000.0, NULL],
            "value_added_10k": [6808.0, 1000.0, 1361.6, NULL],
            "energy_tce": [1263.5, 500.0, 100.0, NULL],
            "emissions_t": [NULL, 0.5, 0.1, NULL],  # F1 has no emission data
            "employees": [400.0, 100.0, 50.0, NULL],
            "rd_10k": [453.0, 50.0, 60.4, NULL],
            "electricity_10k_kwh": [NULL, NULL, NULL, 400.0],
            "above_scale": [1, 1, 1, 0],
        }
    )


def test_huangyan_2022_hand_computed_firm():
    out = evaluate(firms(), land_scheme("huangyan-2022"))
    f1 = out.row(0, named=True)
    # F1: 亩均税收 48.194 = 2 × 24.097 → 60; 亩均增加值 68.08 = 136.16 / 2 → 10;
    # 单位能耗增加值 6808 / 1263.5 = 5.38821 → 5.38821 / 2.694 × 20 = 40.0015; R&D 453 / 30000 = 0.0151 → 5;
    # 全员劳动生产率 6808 / 400 = 17.02 → 17.02 / 18.14 × 10.
    assert f1["tax_per_mu"] == pytest.approx(48.194, rel=1e-12)
    assert f1["item_tax_per_mu"] == pytest.approx(60.0, rel=1e-12)
    assert f1["item_value_added_per_mu"] == pytest.approx(10.0, rel=1e-12)
    assert f1["item_value_added_per_energy"] == pytest.approx(6808 / 1263.5 / 2.694 * 20, rel=1e-12)
    assert f1["item_labour_productivity"] == pytest.approx(170.2 / 18.14, rel=1e-12)
    assert f1["item_rd_intensity"] == pytest.approx(5.0, rel=1e-12)
    # No emission data: the mean item score of F2 (1000 / 0.5 = 2000) and F3 (1361.6 / 0.1 = 13616)
    emission_f2 = 2000 / 4929.81 * 10
    emission_f3 = 13616 / 4929.81 * 10
    assert f1["value_added_per_emission"] is None
    assert f1["item_value_added_per_emission"] == pytest.approx((emission_f2 + emission_f3) / 2, rel=1e-12)
    expected = 60 + 10 + 6808 / 1263.5 / 2.694 * 20 + (emission_f2 + emission_f3) / 2 + 170.2 / 18.14 + 5
    assert f1["score"] == pytest.approx(expected, rel=1e-12)
    assert f1["score"] == pytest.approx(140.222458, abs=1e-6)
    f2 = out.row(1, named=True)
    # F2: 10/24.097×30 + 50/136.16×20 + 2/2.694×20 + 2000/4929.81×10 + 10/18.14×10 + 0.01/0.0302×10
    expected_f2 = 10 / 24.097 * 30 + 50 / 136.16 * 20 + 2 / 2.694 * 20 + emission_f2 + 10 / 18.14 * 10
    expected_f2 += 0.01 / 0.0302 * 10
    assert f2["score"] == pytest.approx(expected_f2, rel=1e-12)


def test_huangyan_below_scale_formula_and_segments():
    out = evaluate(firms(), land_scheme("huangyan-2022"))
    f4 = out.row(3, named=True)
    # 规下: 亩均税收 100 / 10 = 10 → 10 / 11.5932 × 50; 单位用电税收 100 / 400 = 0.25 → 0.25 / 0.2352 × 50
    assert f4["score"] == pytest.approx(10 / 11.5932 * 50 + 0.25 / 0.2352 * 50, rel=1e-12)
    assert f4["item_tax_per_electricity"] == pytest.approx(0.25 / 0.2352 * 50, rel=1e-12)
    assert f4["item_value_added_per_mu"] is None
    # F3 (about 203.7 points: 单位能耗增加值 13.616 / 2.694 × 20 ≈ 101) is ahead of F1 (140.2) and F2;
    # ranks are per segment; shares A ≤ 20 %, B to 60 %, C to 95 %: 1/3 → B, 2/3 → C, 1 → D
    assert out["rank"].to_list() == [2, 3, 1, 1]
    assert out["class"].to_list() == ["C", "D", "B", "D"]
    assert out.columns[:11] == firms().columns


def test_huangyan_2021_benchmarks():
    out = evaluate(firms().slice(3, 1), land_scheme("huangyan-2021"))
    assert out["score"][0] == pytest.approx(10 / 16.601058 * 50 + 0.25 / 0.236565 * 50, rel=1e-12)


def test_without_above_scale_every_firm_is_above_scale():
    data = firms().slice(0, 3).drop("above_scale", "electricity_10k_kwh")
    out = evaluate(data, land_scheme("huangyan-2022"))
    assert out["score"].null_count() == 0
    assert out["rank"].to_list() == [2, 3, 1]


def test_sichuan_2020_weights_and_cap():
    data = pl.DataFrame(
        {
            "enterprise_id": ["S1", "S2"],
            "land_mu": [10.0, 10.0],
            "tax_10k": [143.0, 500.0],
            "revenue_10k": [4274.0, 20000.0],
            "value_added_10k": [1000.0, 1000.0],
            "energy_tce": [872.2449, 100.0],
            "emissions_t": [1.0, 1.0],
            "employees": [29.6, 100.0],
            "rd_10k": [64.11, 100.0],
            "above_scale": ["规上", "规下"],
        }
    )
    out = evaluate(data, land_scheme("sichuan-2020"))
    s1 = out.row(0, named=True)
    # S1: revenue/mu 427.4 (= mean) → 20; tax/mu 14.3 → 20; revenue/employee 4274/29.6 = 144.39 → ~20;
    # revenue/energy 4274/872.2449 = 4.9 → 5; R&D 64.11/4274 = 0.015 → 5
    expected = 20 + 20 + 4274 / 29.6 / 144.4 * 20 + 4274 / 872.2449 / 4.9 * 5 + 64.11 / 4274 / 0.015 * 5
    assert s1["score"] == pytest.approx(expected, rel=1e-12)
    assert s1["score"] == pytest.approx(70.0, abs=0.01)
    # S2 is below scale: not evaluated by the provincial (规上) scheme
    assert out.row(1, named=True)["score"] is None and out["class"][1] is None


def test_sichuan_cap_at_twice_the_province_mean():
    data = pl.DataFrame(
        {
            "enterprise_id": ["S"],
            "land_mu": [1.0],
            "tax_10k": [100.0],  # 100 / 14.3 ≈ 7 → capped at 2 → 40
            "revenue_10k": [427.4],
            "value_added_10k": [1.0],
            "energy_tce": [87.22449],
            "emissions_t": [1.0],
            "employees": [2.96],
            "rd_10k": [6.411],
        }
    )
    out = evaluate(data, land_scheme("sichuan-2020"))
    assert out["item_tax_per_mu"][0] == pytest.approx(40.0)
    assert out["class"][0] == "C"  # one firm is the whole population: share 1 > 0.9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"land_mu": [-1.0, 20.0, 10.0, 10.0]}, r"column 'land_mu': negative land area in data row 1"),
        ({"land_mu": [100.0, 0.0, 10.0, 10.0]}, r"column 'land_mu': zero denominator .* data row 2"),
        (
            {"emissions_t": [None, 0.0, 0.1, None]},
            r"emissions_t.*zero denominator.*data row 2.*leave the cell empty",
        ),
        ({"energy_tce": [1263.5, None, 100.0, None]}, r"column 'energy_tce': empty value in data row 2"),
        ({"employees": ["400", "many", "50", None]}, r"column 'employees': not a number in data row 2"),
        ({"above_scale": [1, 2, 1, 0]}, r"column 'above_scale'.*data row 2"),
    ],
)
def test_bad_firm_data_names_rows_and_columns(change, message):
    data = firms().with_columns([pl.Series(k, v) for k, v in change.items()])
    with pytest.raises(InputError, match=message):
        evaluate(data, land_scheme("huangyan-2022"))


def test_missing_column_is_named():
    with pytest.raises(InputError, match="missing column 'rd_10k'"):
        evaluate(firms().drop("rd_10k"), land_scheme("huangyan-2022"))


def test_exempt_firms_are_not_graded():
    data = firms().slice(0, 3).with_columns(exempt=pl.Series([0, 1, 0]))
    out = evaluate(data, land_scheme("huangyan-2022"))
    # F2 is exempt: F3 and F1 are ranked 1 and 2 of two (shares 0.5 → B, 1.0 → D)
    assert out["rank"].to_list() == [2, None, 1]
    assert out["class"].to_list() == ["D", None, "B"]


def test_custom_scheme_with_its_own_indicator_and_score_classes():
    scheme = LandScheme.from_dict(
        {
            "name": "test",
            "indicators": {"output_per_mu": {"numerator": "revenue_10k", "denominator": "land_mu"}},
            "segments": {
                "above_scale": {
                    "total": 100,
                    "criteria": [
                        {"column": "output_per_mu", "normalize": "ratio", "benchmark": 100, "weight": 100}
                    ],
                }
            },
            "classes": {"by": "score", "bounds": {"A": 150, "B": 100}},
        }
    )
    out = evaluate(firms().slice(0, 3), scheme)
    # revenue per mu: 300, 250, 200 → 300, 250, 200 points
    assert out["score"].to_list() == pytest.approx([300.0, 250.0, 200.0])
    assert out["class"].to_list() == ["A", "A", "A"]
    with pytest.raises(InputError, match="segments"):
        LandScheme.from_dict({"segments": {"small": {}}})


# ---------------------------------------------------------------------------------------
# admission
# ---------------------------------------------------------------------------------------


def projects() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4", "P5"],
            "park": ["内荣工业园"] * 5,
            "industry": ["装备制造", "食品饮料", "玻璃", "陶瓷", "新材料"],
            "land_mu": [100.0, 50.0, 20.0, 20.0, 10.0],
            "investment_10k": [16000.0, 6000.0, 3000.0, 3000.0, 1500.0],
            "tax_10k": [900.0, 350.0, 160.0, 160.0, 80.0],
            "output_10k": [36000.0, 14000.0, 5000.0, 5000.0, 2500.0],
            "rd_10k": [800.0, None, 0.0, 0.0, 50.0],
            "catalogue": ["鼓励", "允许", "限制类", None, "淘汰"],
            "zoning": ["通过", "有条件", "通过", None, "不通过"],
        }
    )


def test_admission_with_the_longchang_table_lists_every_reason():
    table, rules = admission_thresholds()
    out = admit(projects(), table, rules)
    assert out["admission"].to_list() == [
        "encouraged",
        "restricted",
        "prohibited",
        "restricted",
        "prohibited",
    ]
    assert out["admission_zh"].to_list() == ["鼓励支持", "限制", "禁入", "限制", "禁入"]
    reasons = out["reasons"].to_list()
    # P1 装备制造: 160 ≥ 150, 9 ≥ 8, 360 ≥ 350, R&D 800/36000 = 2.2 % ≥ 2 %, 鼓励类, zoning passed
    assert reasons[0] == ""
    # P2 食品饮料: 6000/50 = 120 < 150; 350/50 = 7 < 8; 14000/50 = 280 < 300; no R&D; zoning conditional
    assert reasons[1] == (
        "固定资产投资强度 (investment_intensity) 120 < 150 万元/亩; 亩均税收 (tax_per_mu) 7 < 8 万元/亩; "
        "亩均产出 (output_per_mu) 280 < 300 万元/亩; R&D投入强度 (rd_intensity): no committed figure "
        "(threshold >= 0.01); 三线一单 zoning check: 有条件通过"
    )
    # P3 玻璃 meets every threshold exactly (150, 8, 250; no R&D floor) but is 限制类 in the catalogue
    assert reasons[2] == "产业结构调整指导目录 限制类"
    # P4: no catalogue entry = 允许类; no zoning result
    assert reasons[3] == "三线一单 zoning check: no result"
    # P5 新材料: R&D 50/2500 = 2 % meets 2 %; 淘汰类 and zoning failed
    assert reasons[4] == "产业结构调整指导目录 淘汰类; 三线一单 zoning check: 不通过"
    assert out["investment_intensity"].to_list() == [160.0, 120.0, 150.0, 150.0, 150.0]


def test_admission_thresholds_from_a_table_with_wildcards_and_custom_rules():
    table = pl.DataFrame(
        {
            "park": ["*", "内荣工业园"],
            "industry": ["*", "玻璃"],
            "min_investment_intensity": [100.0, 200.0],
            "plot_ratio_min": [1.0, None],
            "plot_ratio_max": [2.0, None],
            "max_energy_per_output": [0.5, None],
        }
    )
    data = pl.DataFrame(
        {
            "project_id": ["A", "B"],
            "park": ["其他园区", "内荣工业园"],
            "industry": ["电子", "玻璃"],
            "land_mu": [10.0, 10.0],
            "investment_10k": [1000.0, 1500.0],
            "tax_10k": [1.0, 1.0],
            "output_10k": [100.0, 100.0],
            "plot_ratio": [2.5, 0.5],
            "energy_tce": [60.0, 100.0],
        }
    )
    out = admit(data, table, AdmissionRules(threshold_missed="prohibited"))
    assert out["admission"].to_list() == ["prohibited", "prohibited"]
    assert out["reasons"].to_list() == [
        "容积率 (plot_ratio) 2.5 > 2; 单位产出能耗 (energy_per_output) 0.6 > 0.5 tce/万元",
        "固定资产投资强度 (investment_intensity) 150 < 200 万元/亩",
    ]


def test_admission_bad_input():
    table, rules = admission_thresholds()
    with pytest.raises(InputError, match=r"no standard-land thresholds for park '别处'.*data row 2"):
        admit(
            projects().with_columns(park=pl.Series(["内荣工业园", "别处", *["内荣工业园"] * 3])), table, rules
        )
    with pytest.raises(InputError, match=r"column 'catalogue': unknown value in data row 1"):
        admit(projects().with_columns(catalogue=pl.Series(["maybe", *[None] * 4])), table, rules)
    with pytest.raises(InputError, match=r"column 'land_mu': zero denominator.*data row 3"):
        admit(projects().with_columns(land_mu=pl.Series([1.0, 1.0, 0.0, 1.0, 1.0])), table, rules)
    with pytest.raises(InputError, match="missing column 'output_10k'"):
        admit(projects().drop("output_10k"), table, rules)
    with pytest.raises(InputError, match="unknown outcome"):
        AdmissionRules.from_dict({"threshold_missed": "maybe"})


def test_veto_column_gives_the_lowest_class():
    data = firms().slice(0, 3).with_columns(veto=pl.Series([0, 0, 1]))
    out = evaluate(data, land_scheme("huangyan-2022"))
    # F3 has the best score but a veto (e.g. an environmental accident): last, class D
    assert out["rank"].to_list() == [1, 2, 3]
    assert out["class"].to_list() == ["B", "C", "D"]
