"""GB 3838-2002 classes at every limit, sample class, grades, river evaluation, black-odorous water."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from jingjin.engines.water import InvalidInputError, blackodor, classify, parameter_class, river, share_grade

# GB 3838-2002 Table 1, classes I–V (REFERENCE.md §2), typed from the standard's table.
LE_LIMITS = {
    "codmn": (2, 4, 6, 10, 15),
    "cod": (15, 15, 20, 30, 40),
    "bod5": (3, 3, 4, 6, 10),
    "nh3_n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "f": (1.0, 1.0, 1.0, 1.5, 1.5),
    "se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "as": (0.05, 0.05, 0.05, 0.1, 0.1),
    "hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "cn": (0.005, 0.05, 0.2, 0.2, 0.2),
    "phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "petroleum": (0.05, 0.05, 0.05, 0.5, 1.0),
    "las": (0.2, 0.2, 0.2, 0.3, 0.3),
    "sulfide": (0.05, 0.1, 0.2, 0.5, 1.0),
    "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}
RIVER_TP = (0.02, 0.1, 0.2, 0.3, 0.4)
LAKE_TP = (0.01, 0.025, 0.05, 0.1, 0.2)
LAKE_TN = (0.2, 0.5, 1.0, 1.5, 2.0)
DO = (7.5, 6, 5, 3, 2)


def best_class_meeting(value: float, limits: tuple[float, ...]) -> int:
    """The best class whose limit the value meets (≤), 6 (劣V) for none."""
    return next((k + 1 for k, limit in enumerate(limits) if value <= limit), 6)


def cases(limits_by_name, waterbody):
    for name, limits in limits_by_name.items():
        for limit in limits:
            yield name, waterbody, limit, best_class_meeting(limit, limits)
            above = limit * 1.001
            yield name, waterbody, above, best_class_meeting(above, limits)


LIMIT_CASES = [
    *cases(LE_LIMITS, "river"),
    *cases(LE_LIMITS, "lake"),
    *cases({"tp": RIVER_TP}, "river"),
    *cases({"tp": LAKE_TP}, "lake"),
    *cases({"tn": LAKE_TN}, "lake"),
]


@pytest.mark.parametrize(("name", "waterbody", "value", "expected"), LIMIT_CASES)
def test_every_limit_and_just_above(name, waterbody, value, expected):
    assert parameter_class([value], parameter=name, waterbody=waterbody)[0] == expected


def test_worked_classes_by_hand():
    assert list(parameter_class([0.15, 0.16, 0.5, 0.51, 2.0, 2.01], parameter="nh3_n")) == [1, 2, 2, 3, 5, 6]
    assert list(parameter_class([15, 15.1, 40, 40.1], parameter="cod")) == [1, 3, 5, 6]
    assert list(parameter_class([0.2, 0.05], parameter="tp", waterbody="river")) == [3, 2]
    assert list(parameter_class([0.2, 0.05], parameter="tp", waterbody="lake")) == [5, 3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9.0, 1),
        (7.5, 1),
        (7.49, 2),
        (6, 2),
        (5.99, 3),
        (5, 3),
        (4.99, 4),
        (3, 4),
        (2.99, 5),
        (2, 5),
        (1.99, 6),
        (0, 6),
    ],
)
def test_dissolved_oxygen_higher_is_better(value, expected):
    assert parameter_class([value], parameter="do")[0] == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(6.0, 1), (5.99, 6), (9.0, 1), (9.01, 6), (7.2, 1), (0.0, 6)]
)
def test_ph_range_6_to_9(value, expected):
    assert parameter_class([value], parameter="ph")[0] == expected


def test_missing_parameter_class_is_zero():
    assert list(parameter_class([float("nan")], parameter="cod")) == [0]


def test_sample_class_is_the_worst_with_limiting_grade_good_and_exceedances():
    frame = pl.DataFrame(
        {
            "section": ["S1", "S2", "S3", "S4", "S5"],
            "ph": [7.0, 7.0, 7.0, 5.5, None],
            "do": [8.0, 5.0, 4.0, 8.0, None],
            "cod": [10.0, 20.0, 30.0, 10.0, None],
            "nh3_n": [0.1, 1.0, 1.8, 0.1, None],
            "tp": [0.01, 0.2, 0.3, 0.5, None],
        }
    )
    out = classify(frame, waterbody="river")
    assert out["class"].to_list() == ["I", "III", "V", "劣V", None]
    assert out["class_num"].to_list() == [1, 3, 5, 6, None]
    assert out["grade"].to_list() == ["优", "良好", "中度污染", "重度污染", None]
    assert out["good"].to_list() == [True, True, False, False, None]
    assert out["limiting"].to_list() == ["", "do;cod;nh3_n;tp", "nh3_n", "ph;tp", ""]
    # Over class III: COD (30 − 20)/20 = 0.50, NH3-N (1.8 − 1.0)/1.0 = 0.80, TP (0.3 − 0.2)/0.2 = 0.50;
    # TP 0.5: (0.5 − 0.2)/0.2 = 1.50. No multiple for DO and pH.
    assert out["exceedances"].to_list() == ["", "", "cod:0.50;nh3_n:0.80;tp:0.50", "tp:1.50", ""]
    assert out.columns[:6] == frame.columns


def test_grades_for_every_class():
    values = [0.1, 0.3, 0.8, 1.2, 1.8, 2.5]  # NH3-N classes I … 劣V
    out = classify({"nh3_n": values}, waterbody="river")
    assert out["class"].to_list() == ["I", "II", "III", "IV", "V", "劣V"]
    assert out["grade"].to_list() == ["优", "优", "良好", "轻度污染", "中度污染", "重度污染"]
    assert out["good"].to_list() == [True, True, True, False, False, False]


def test_exceedance_multiple_rounds_half_to_even_on_the_decimals():
    # Multiples over class III COD (20 mg/L), to two decimals by GB/T 8170 on the decimals:
    # 20.25 → 0.0125 → 0.01; 20.3 → 0.015 → 0.02 (tie, 1 odd); 20.5 → 0.025 → 0.02 (tie, 2 even;
    # binary gives 0.025000000000000001 → 0.03); 20.7 → 0.035 → 0.04 (binary 0.034999… → 0.03).
    out = classify({"cod": [20.25, 20.3, 20.5, 20.7]}, waterbody="river")
    assert out["exceedances"].to_list() == ["cod:0.01", "cod:0.02", "cod:0.02", "cod:0.04"]


def test_routine_items_leave_out_tn_and_coliform_for_rivers():
    frame = {"nh3_n": [0.1], "tn": [5.0], "fecal_coliform": [50000.0]}
    assert classify(frame, waterbody="river")["class"].to_list() == ["I"]
    # --items all: faecal coliform counts; TN still has no river limit.
    out = classify(frame, waterbody="river", items="all")
    assert out["class"].to_list() == ["劣V"]
    assert out["limiting"].to_list() == ["fecal_coliform"]


def test_lakes_assess_tn_separately_in_routine_and_with_all_items():
    frame = {"nh3_n": [0.1], "tp": [0.02], "tn": [1.2]}
    routine = classify(frame, waterbody="lake")
    assert routine["class"].to_list() == ["II"]  # lake TP 0.02 → II
    assert routine["class_tn"].to_list() == ["IV"]
    every = classify(frame, waterbody="lake", items="all")
    assert every["class"].to_list() == ["IV"]
    assert every["limiting"].to_list() == ["tn"]


def test_water_bad_input():
    with pytest.raises(InvalidInputError, match="column cod: negative value in data row 2"):
        classify({"cod": [1.0, -1.0]}, waterbody="river")
    with pytest.raises(InvalidInputError, match="none of the known water quality columns"):
        classify({"x": [1.0]}, waterbody="river")
    out = classify({"cod": ["1", "bad"]}, waterbody="river", invalid="skip")
    assert out["class"].to_list() == ["I", None]


@pytest.mark.parametrize(
    ("good", "worst", "grade"),
    [
        (100, 0, "优"),
        (90, 0, "优"),
        (89.9, 0, "良好"),
        (75, 10, "良好"),
        (74.9, 19.9, "轻度污染"),
        (60, 20, "中度污染"),
        (50, 39.9, "中度污染"),
        (50, 40, "重度污染"),
    ],
)
def test_class_share_grades(good, worst, grade):
    assert share_grade(good, worst) == grade


def test_river_evaluation_by_shares_and_by_means():
    # River A: 10 sections, 8 at III or better (80 %) → 良好. River B: 10 sections, 7 good,
    # 2 劣V (20 %) → 中度污染. River C: 2 sections → mean NH3-N (0.4 + 1.2)/2 = 0.8 → III 良好.
    a = [0.5] * 8 + [1.8, 1.8]
    b = [0.5] * 7 + [1.8, 3.0, 3.0]
    c = [0.4, 1.2]
    frame = pl.DataFrame({"river": ["A"] * 10 + ["B"] * 10 + ["C"] * 2, "nh3_n": a + b + c})
    out = river(frame, group_column="river")
    assert out["river"].to_list() == ["A", "B", "C"]
    assert out["method"].to_list() == ["shares", "shares", "mean"]
    assert out["share_good"].to_list() == [80.0, 70.0, 50.0]
    assert out["share_worst"].to_list() == [0.0, 20.0, 0.0]
    assert out["grade"].to_list() == ["良好", "中度污染", "良好"]
    assert out["class"].to_list() == [None, None, "III"]


@pytest.mark.parametrize(
    ("column", "values", "levels"),
    [
        ("transparency", [25.0, 24.9, 10.0, 9.9], ["非黑臭", "轻度黑臭", "轻度黑臭", "重度黑臭"]),
        ("do", [2.0, 1.99, 0.2, 0.19], ["非黑臭", "轻度黑臭", "轻度黑臭", "重度黑臭"]),
        ("orp", [50.0, 49.0, -200.0, -201.0], ["非黑臭", "轻度黑臭", "轻度黑臭", "重度黑臭"]),
        ("nh3_n", [8.0, 8.1, 15.0, 15.1], ["非黑臭", "轻度黑臭", "轻度黑臭", "重度黑臭"]),
    ],
)
def test_blackodor_indicator_ranges(column, values, levels):
    frame = pl.DataFrame({"point": ["p1", "p2", "p3", "p4"], column: values})
    out = blackodor(frame)
    assert out[f"level_{column}"].to_list() == levels


def test_blackodor_shallow_water_uses_40_percent_of_depth():
    frame = pl.DataFrame(
        {"point": ["a", "b", "c"], "transparency": [7.9, 8.0, 20.0], "depth": [20.0, 20.0, 20.0]}
    )
    # depth 20 cm: < 8 cm (40 %) severe; 8 – 20 light... 20 = clear to the bottom: not.
    assert blackodor(frame)["level_transparency"].to_list() == ["重度黑臭", "轻度黑臭", "非黑臭"]


def test_blackodor_point_rules():
    # Point a: DO severe in 3 of 5 results (60 %) → severe.
    # Point b: DO and ORP severe in 2 of 5 (40 % ≥ 30 %) → severe (two indicators).
    # Point c: DO severe in 2 of 5 (40 %), nothing else → not severe; light results ≥ 60 % → light.
    # Point d: one light DO result of 5 → not black-odorous.
    do = {
        "a": [0.1, 0.1, 0.1, 3.0, 3.0],
        "b": [0.1, 0.1, 3.0, 3.0, 3.0],
        "c": [0.1, 0.1, 1.0, 3.0, 3.0],
        "d": [1.0, 3.0, 3.0, 3.0, 3.0],
    }
    orp = {"a": [100.0] * 5, "b": [-300.0, -300.0, 100.0, 100.0, 100.0], "c": [100.0] * 5, "d": [100.0] * 5}
    rows = [
        {"point": p, "do": do[p][i], "orp": orp[p][i], "date": f"2025-06-0{i + 1}"}
        for p in "abcd"
        for i in range(5)
    ]
    out = blackodor(pl.DataFrame(rows))
    points = out.group_by("point", maintain_order=True).agg(pl.col("point_level").first())
    assert points["point_level"].to_list() == ["重度黑臭", "重度黑臭", "轻度黑臭", "非黑臭"]
    # 2 of 4 points severe (50 % < 60 %), no run of 3: the water body is light.
    assert set(out["waterbody_level"].to_list()) == {"轻度黑臭"}
    assert not any(out["severe_stretch"].to_list())


def test_blackodor_water_body_rules():
    severe = {"do": 0.1}
    clean = {"do": 5.0}
    order = [severe, severe, severe, clean, clean]  # 3 consecutive severe points: a stretch; 60 %
    rows = [{"body": "X", "point": f"x{i}", **v} for i, v in enumerate(order)]
    order_y = [severe, clean, severe, clean, severe]  # 60 % severe, no stretch
    rows += [{"body": "Y", "point": f"y{i}", **v} for i, v in enumerate(order_y)]
    order_z = [severe, severe, clean, clean, clean]  # 40 %
    rows += [{"body": "Z", "point": f"z{i}", **v} for i, v in enumerate(order_z)]
    out = blackodor(pl.DataFrame(rows), waterbody_column="body")
    assert out["waterbody_level"].to_list() == ["重度黑臭"] * 10 + ["轻度黑臭"] * 5
    assert out["severe_stretch"].to_list()[:5] == [True, True, True, True, True]  # body severe
    assert out["severe_stretch"].to_list()[10:] == [False] * 5


def test_blackodor_stretch_without_the_whole_body():
    severe = {"do": 0.1}
    clean = {"do": 5.0}
    order = [clean, severe, severe, severe, clean, clean]  # 3 of 6 = 50 %: stretch only
    rows = [{"point": f"p{i}", **v} for i, v in enumerate(order)]
    out = blackodor(pl.DataFrame(rows))
    assert out["severe_stretch"].to_list() == [False, True, True, True, False, False]
    assert set(out["waterbody_level"].to_list()) == {"轻度黑臭"}


def test_blackodor_orp_may_be_negative_but_not_text():
    with pytest.raises(InvalidInputError, match="column orp: not a number in data row 1"):
        blackodor(pl.DataFrame({"point": ["a"], "orp": ["low"]}))


def test_exceedance_multiple_for_values_with_many_decimals():
    # Hg class III 0.0001: 0.000112500001 → (0.000112500001 − 0.0001)/0.0001 = 0.12500001 → 0.13;
    # 0.0001125 → 0.125 → 0.12 (tie to even).
    from jingjin.engines.water import multiple_hundredths

    got = multiple_hundredths(np.array([0.000112500001, 0.0001125]), 0.0001)
    assert got.tolist() == [13, 12]


# --- Rivers, lakes and reservoirs in one file (a type column) -------------------------------

MIXED = pl.DataFrame(
    {
        "section": ["R1", "L1", "R2", "L2", "V1", "R3", "L3", "V2"],
        "type": ["river", "lake", "河流", "湖泊", "水库", " River ", "LAKE", "Reservoir"],
        "ph": [7.0, 7.0, 7.0, 7.0, 7.0, 5.5, 7.0, 7.0],
        "do": [8.0, 8.0, 6.0, 6.0, 8.0, 8.0, 8.0, 4.0],
        "codmn": [2.0, 2.0, 4.0, 4.0, 2.0, 2.0, 11.0, 2.0],
        "nh3_n": [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        # River TP limits 0.02 0.1 0.2 0.3 0.4; lake and reservoir 0.01 0.025 0.05 0.1 0.2.
        "tp": [0.05, 0.05, 0.1, 0.1, 0.025, 0.3, 0.3, 0.01],
        "tn": [5.0, 0.4, 9.0, 1.2, 2.5, None, 0.2, 0.5],
    }
)


def test_type_column_classes_by_hand():
    out = classify(MIXED, waterbody_column="type")
    # R1 TP 0.05 river II; L1 lake III; R2 TP 0.1 river II (DO 6 II); L2 lake IV; V1 TP 0.025
    # reservoir (lake column) II; R3 pH 5.5 劣V, TP 0.3 river IV; L3 TP 0.3 lake 劣V, CODMn 11 V;
    # V2 DO 4 IV, TP 0.01 I.
    assert out["class"].to_list() == ["II", "III", "II", "IV", "II", "劣V", "劣V", "IV"]
    assert out["waterbody_used"].to_list() == [
        "river",
        "lake",
        "river",
        "lake",
        "reservoir",
        "river",
        "lake",
        "reservoir",
    ]
    # Over class III: river TP (0.3 − 0.2)/0.2 = 0.50; lake TP (0.3 − 0.05)/0.05 = 5.00,
    # CODMn (11 − 6)/6 = 0.8333 → 0.83.
    assert out["exceedances"].to_list() == ["", "", "", "tp:1.00", "", "tp:0.50", "codmn:0.83;tp:5.00", ""]
    # TN is assessed separately on lake and reservoir rows only (routine items).
    assert out["class_tn"].to_list() == [None, "II", None, "IV", "劣V", None, "I", "II"]
    assert out.columns[: MIXED.width] == MIXED.columns


@pytest.mark.parametrize("items", ["routine", "all"])
def test_type_column_gives_row_by_row_what_separate_runs_give(items):
    mixed = classify(MIXED, waterbody_column="type", items=items)
    lake_rows = mixed["waterbody_used"] != "river"
    for body, rows in (("river", ~lake_rows), ("lake", lake_rows)):
        alone = classify(MIXED, waterbody=body, items=items).filter(rows)
        assert alone.height == rows.sum()
        for column in alone.columns:
            assert mixed.filter(rows)[column].to_list() == alone[column].to_list(), (body, column)
    if items == "all":
        # TN counts on lake rows only: L1 TN 0.4 → II; V1 TN 2.5 → 劣V; R1 TN 5.0 ignored.
        assert mixed["class"].to_list()[:5] == ["II", "III", "II", "IV", "劣V"]
        assert mixed["limiting"].to_list()[4] == "tn"
    else:
        assert mixed.filter(~lake_rows)["class_tn"].to_list() == [None, None, None]


def test_reservoirs_are_lakes_but_keep_their_name():
    frame = pl.DataFrame({"type": ["reservoir", "水库", "湖库", "lake"], "tp": [0.05, 0.06, 0.06, 0.05]})
    out = classify(frame, waterbody_column="type")
    assert out["class"].to_list() == ["III", "IV", "IV", "III"]  # lake column: 0.05 III, 0.06 IV
    assert out["waterbody_used"].to_list() == ["reservoir", "reservoir", "lake", "lake"]
    assert classify(frame, waterbody="river")["class"].to_list() == ["II", "II", "II", "II"]


def test_chinese_and_spelled_types():
    frame = pl.DataFrame({"类型": ["河流", "湖泊", "水库", "河", "湖", "库"], "tp": [0.1] * 6})
    out = classify(frame, waterbody_column="类型")
    assert out["waterbody_used"].to_list() == ["river", "lake", "reservoir", "river", "lake", "reservoir"]
    assert out["class"].to_list() == ["II", "IV", "IV", "II", "IV", "IV"]


def test_unknown_type_is_an_error_naming_row_and_column_even_with_a_default():
    frame = pl.DataFrame({"type": ["river", "sea", "lake", "lkae"], "tp": [0.1] * 4})
    for default in (None, "river"):
        message = r"column type: unknown water body type \('sea', 'lkae'\) in data rows 2, 4"
        with pytest.raises(InvalidInputError, match=message):
            classify(frame, waterbody=default, waterbody_column="type")


def test_empty_type_takes_the_default_or_is_an_error():
    frame = pl.DataFrame({"type": ["lake", "", None, "  "], "tp": [0.1] * 4})
    with pytest.raises(InvalidInputError, match="column type: empty water body type in data rows 2, 3, 4"):
        classify(frame, waterbody_column="type")
    out = classify(frame, waterbody="lake", waterbody_column="type")
    assert out["waterbody_used"].to_list() == ["lake"] * 4
    assert out["class"].to_list() == ["IV"] * 4
    out = classify(frame, waterbody="river", waterbody_column="type")
    assert out["waterbody_used"].to_list() == ["lake", "river", "river", "river"]
    assert out["class"].to_list() == ["IV", "II", "II", "II"]


def test_type_column_missing_or_not_given():
    with pytest.raises(InvalidInputError, match="water body type column 'kind' is not in the input"):
        classify({"tp": [0.1]}, waterbody_column="kind")
    with pytest.raises(ValueError, match="give waterbody"):
        classify({"tp": [0.1]})


def test_river_rows_tn_is_not_read_lake_rows_tn_is():
    frame = pl.DataFrame({"type": ["river", "lake"], "tp": [0.1, 0.1], "tn": ["n/d", "1.0"]})
    out = classify(frame, waterbody_column="type")  # a river run never reads TN
    assert out["class_tn"].to_list() == [None, "III"]
    bad = frame.with_columns(type=pl.Series(["lake", "river"]))
    with pytest.raises(InvalidInputError, match="column tn: not a number in data row 1"):
        classify(bad, waterbody_column="type")


# --- Cells that failed quality control ---------------------------------------------------------


def test_flagged_cells_are_left_out_and_listed():
    frame = pl.DataFrame(
        {
            "ph": [7.0, 7.0, 7.0, 7.0],
            "do": [8.0, 8.0, 8.0, 8.0],
            "nh3_n": ["1.8", "--", "1.8", "0.1"],
            "nh3_n_flag": ["", "当天质控不合格", "qc", None],
            "tp": [0.3, 0.3, 0.5, 0.01],
            "tp_flag": [None, "qc", "  ", "x"],
        }
    )
    out = classify(frame, waterbody="river", missing_flag_suffix="_flag")
    # Row 1 nothing flagged: NH3-N 1.8 V. Row 2 both flagged: pH, DO I (and "--" is not read).
    # Row 3 NH3-N flagged, TP 0.5 劣V (a blank flag is no flag). Row 4 TP flagged: NH3-N 0.1 I.
    assert out["class"].to_list() == ["V", "I", "劣V", "I"]
    assert out["excluded"].to_list() == ["", "nh3_n;tp", "nh3_n", "tp"]
    assert out["assessed"].to_list() == [4, 2, 3, 3]
    assert out.columns[: frame.width] == frame.columns
    with pytest.raises(InvalidInputError, match="column nh3_n: not a number in data row 2"):
        classify(frame, waterbody="river")


def test_flags_of_other_kinds_and_a_wrong_suffix():
    frame = pl.DataFrame({"TP": [0.3, 0.3, 0.3], "TP_qc": [True, False, None], "cod": [30.0, 10.0, -1.0]})
    frame = frame.with_columns(cod_qc=pl.Series([None, None, 1]))
    out = classify(frame, waterbody="river", missing_flag_suffix="_qc")
    # Boolean flag: True only; a number flag: any number (the negative COD in row 3 is not read).
    assert out["excluded"].to_list() == ["tp", "", "cod"]
    assert out["class"].to_list() == ["IV", "IV", "IV"]
    with pytest.raises(InvalidInputError, match="no flag column ending in '_flag'"):
        classify(frame, waterbody="river", missing_flag_suffix="_flag")


def test_flagged_tn_of_a_river_row_is_not_listed():
    frame = pl.DataFrame(
        {"type": ["river", "lake"], "tp": [0.1, 0.1], "tn": [1.0, 1.0], "tn_flag": ["qc", "qc"]}
    )
    out = classify(frame, waterbody_column="type", missing_flag_suffix="_flag")
    assert out["excluded"].to_list() == ["", "tn"]
    assert out["class_tn"].to_list() == [None, None]


def test_worked_example_of_the_docs_a_taihu_point_both_ways():
    # docs/engines/water.md: 拖山 (Taihu), 2026-08-21 20:00, published IV; 密云水库, CODMn failed QC.
    frame = pl.DataFrame(
        {
            "section": ["拖山", "密云水库"],
            "type": ["湖泊", "水库"],
            "ph": [8.72, 8.20],
            "do": [7.68, 9.36],
            "codmn": [5.95, 2.5],
            "nh3_n": [None, 0.022],
            "tp": [0.071, 0.008],
            "tn": [1.16, 3.46],
            "codmn_qc": [None, "当天质控不合格"],
        }
    )
    river_run = classify(frame, waterbody="river")
    # TP 0.071 river II, CODMn 5.95 III; without the flag 密云水库's CODMn 2.5 (a value that
    # failed QC) counts: II.
    assert river_run["class"].to_list() == ["III", "II"]
    assert river_run["limiting"].to_list() == ["codmn", "codmn"]
    out = classify(frame, waterbody_column="type", missing_flag_suffix="_qc")
    assert out["class"].to_list() == ["IV", "I"]  # TP 0.071 lake IV
    assert out["limiting"].to_list() == ["tp", ""]
    assert out["exceedances"].to_list() == ["tp:0.42", ""]  # (0.071 − 0.05)/0.05 = 0.42
    assert out["class_tn"].to_list() == ["IV", "劣V"]  # TN out of the class
    assert out["excluded"].to_list() == ["", "codmn"]
    assert out["assessed"].to_list() == [4, 4]
