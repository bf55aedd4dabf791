"""Indicator projection to the target year and the outlook (预计达成 / 存在风险 / 难以达成).

Default tolerance 5 %: with w = 0.05 × |target|, "higher" is likely when P ≥ t + w, unlikely
when P < t − w, at risk in between; "lower" mirrors it; "range" applies a band at each edge.
Hand computations are in the comments (x = year − mean year, b = Σ x·v / Σ x²).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from jingjin.engines.status import (
    OUTLOOK_LABELS,
    Outlook,
    indicator_outlook,
    outlook_labels,
    projection_outlook,
)

LIKELY, AT_RISK, UNLIKELY = Outlook.LIKELY, Outlook.AT_RISK, Outlook.UNLIKELY
UNKNOWN, NA = Outlook.UNKNOWN, Outlook.NOT_APPLICABLE


def actuals(series: dict[str, dict[int, float | None]]) -> pl.DataFrame:
    rows = [(key, year, value) for key, points in series.items() for year, value in points.items()]
    return pl.DataFrame(rows, schema=["indicator_id", "year", "value"], orient="row")


def targets(*rows: dict[str, object]) -> pl.DataFrame:
    columns = ["indicator_id", "direction", "target_year", "target_value", "target_min", "target_max",
               "baseline_value", "baseline_year"]  # fmt: skip
    return pl.DataFrame(
        [{c: row.get(c, 2025 if c == "target_year" else None) for c in columns} for row in rows],
        schema={c: pl.String if c in ("indicator_id", "direction") else pl.Float64 for c in columns},
    )


def by_id(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return frame.rows_by_key("indicator_id", named=True, unique=True)


# --- higher is better ------------------------------------------------------------------------
# 5 actuals 2019–2023: 10, 12, 13, 15, 16. Mean year 2021, mean value 13.2, x = −2 … 2,
# Σ x·v = −20 − 12 + 0 + 15 + 32 = 15, Σ x² = 10, b = 1.5 → P(2025) = 13.2 + 1.5 × 4 = 19.2.
HIGHER_5 = {2019: 10, 2020: 12, 2021: 13, 2022: 15, 2023: 16}


@pytest.mark.parametrize(
    ("target", "outlook"),
    [
        (18.0, LIKELY),  # 19.2 ≥ 18 + 0.9
        (20.0, AT_RISK),  # 19 ≤ 19.2 < 21
        (21.0, UNLIKELY),  # 19.2 < 21 − 1.05 = 19.95
    ],
)
def test_higher_five_actuals_linear(target, outlook):
    out = by_id(
        indicator_outlook(
            actuals({"A": HIGHER_5}),
            targets({"indicator_id": "A", "direction": "higher", "target_value": target}),
        )
    )["A"]
    assert out["projected_linear"] == pytest.approx(19.2)
    assert out["projected"] == pytest.approx(19.2)
    assert out["basis"] == "trend"
    assert out["method"] == "linear"
    assert out["n_actuals"] == 5
    assert out["last_year"] == 2023
    assert out["last_value"] == 16
    assert out["outlook"] == outlook


def test_higher_five_actuals_compound_on_a_geometric_series():
    # 100 × 1.1^k for 2019–2023: the log-linear fit is exact, P(2025) = 100 × 1.1^6 = 177.1561.
    # Linear: mean 610.51 / 5 = 122.102; Σ x·v = −200 − 110 + 0 + 133.1 + 292.82 = 115.92,
    # b = 11.592 → P = 122.102 + 4 × 11.592 = 168.47.
    series = {2019 + k: 100 * 1.1**k for k in range(5)}
    goal = targets({"indicator_id": "G", "direction": "higher", "target_value": 185.0})
    linear = by_id(indicator_outlook(actuals({"G": series}), goal))["G"]
    compound = by_id(indicator_outlook(actuals({"G": series}), goal, method="compound"))["G"]
    assert linear["projected_linear"] == pytest.approx(168.47)
    assert linear["projected_compound"] == pytest.approx(177.1561)
    # band 185 ± 9.25: 168.47 < 175.75 unlikely; 177.16 at risk
    assert linear["outlook"] == UNLIKELY
    assert compound["projected"] == pytest.approx(177.1561)
    assert compound["method"] == "compound"
    assert compound["outlook"] == AT_RISK


def test_higher_two_actuals_compound_is_the_cagr():
    # (2021, 100), (2022, 110): linear 110 + 3 × 10 = 140; compound 110 × 1.1³ = 146.41
    goal = targets({"indicator_id": "A", "direction": "higher", "target_value": 150.0})
    data = actuals({"A": {2021: 100, 2022: 110}})
    linear = by_id(indicator_outlook(data, goal))["A"]
    assert linear["projected"] == pytest.approx(140.0)
    assert linear["outlook"] == UNLIKELY  # 140 < 142.5
    compound = by_id(indicator_outlook(data, goal, method="compound"))["A"]
    assert compound["projected"] == pytest.approx(146.41)
    assert compound["outlook"] == AT_RISK  # 142.5 ≤ 146.41 < 157.5


def test_higher_one_actual_against_the_line_from_baseline():
    # baseline 50 in 2020, target 100 in 2025: the straight line passes 60 in 2021.
    # actual 60 in 2021 → linear P = 50 + 10 × 5 = 100 = target: at risk (inside ±5)
    # actual 62 → P = 110 ≥ 105: likely; actual 58 → P = 90 < 95: unlikely.
    # compound for 60: 60 × 1.2⁴ = 124.416
    data = actuals({"on": {2021: 60}, "above": {2021: 62}, "below": {2021: 58}})
    goal = targets(
        *(
            {
                "indicator_id": i,
                "direction": "higher",
                "target_value": 100.0,
                "baseline_value": 50.0,
                "baseline_year": 2020,
            }
            for i in ("on", "above", "below")
        )
    )
    out = by_id(indicator_outlook(data, goal))
    assert [out[i]["projected"] for i in ("on", "above", "below")] == pytest.approx([100, 110, 90])
    assert [out[i]["outlook"] for i in ("on", "above", "below")] == [AT_RISK, LIKELY, UNLIKELY]
    assert out["on"]["basis"] == "baseline"
    assert out["on"]["projected_compound"] == pytest.approx(124.416)


def test_one_actual_without_a_usable_baseline_is_unknown():
    data = actuals({"nobase": {2022: 5}, "sameyear": {2020: 5}})
    goal = targets(
        {"indicator_id": "nobase", "direction": "higher", "target_value": 6.0},
        {
            "indicator_id": "sameyear",
            "direction": "higher",
            "target_value": 6.0,
            "baseline_value": 4.0,
            "baseline_year": 2020,
        },
    )
    out = by_id(indicator_outlook(data, goal))
    for key in ("nobase", "sameyear"):
        assert out[key]["basis"] == "none"
        assert out[key]["projected"] is None
        assert out[key]["method"] is None
        assert out[key]["outlook"] == UNKNOWN
        assert out[key]["n_actuals"] == 1


# --- lower is better -------------------------------------------------------------------------
# 5 actuals 2019–2023: 20, 19, 17, 16, 14: mean 17.2, Σ x·v = −40 − 19 + 0 + 16 + 28 = −15,
# b = −1.5 → P(2025) = 17.2 − 6 = 11.2.


@pytest.mark.parametrize(
    ("target", "outlook"),
    [
        (12.0, LIKELY),  # 11.2 ≤ 12 − 0.6
        (11.0, AT_RISK),  # 10.45 < 11.2 ≤ 11.55
        (10.0, UNLIKELY),  # 11.2 > 10.5
    ],
)
def test_lower_five_actuals(target, outlook):
    data = actuals({"L": {2019: 20, 2020: 19, 2021: 17, 2022: 16, 2023: 14}})
    out = by_id(
        indicator_outlook(data, targets({"indicator_id": "L", "direction": "lower", "target_value": target}))
    )["L"]
    assert out["projected"] == pytest.approx(11.2)
    assert out["outlook"] == outlook


def test_lower_two_actuals():
    # (2021, 8), (2022, 7): linear 7 − 3 = 4 ≤ 4.5 − 0.225: likely;
    # compound 7 × (7/8)³ = 4.68945: 4.275 < P ≤ 4.725: at risk
    data = actuals({"L": {2021: 8, 2022: 7}})
    goal = targets({"indicator_id": "L", "direction": "lower", "target_value": 4.5})
    assert by_id(indicator_outlook(data, goal))["L"]["outlook"] == LIKELY
    compound = by_id(indicator_outlook(data, goal, method="compound"))["L"]
    assert compound["projected"] == pytest.approx(7 * (7 / 8) ** 3)
    assert compound["outlook"] == AT_RISK


def test_lower_one_actual():
    # baseline 6 (2020), 5 in 2021: linear 6 − 1 × 5 = 1 ≤ 2.85: likely; compound 5 × (5/6)⁴ = 2.4113
    data = actuals({"L": {2021: 5}})
    goal = targets(
        {
            "indicator_id": "L",
            "direction": "lower",
            "target_value": 3.0,
            "baseline_value": 6.0,
            "baseline_year": 2020,
        }
    )
    out = by_id(indicator_outlook(data, goal, method="compound"))["L"]
    assert out["projected_linear"] == pytest.approx(1.0)
    assert out["projected"] == pytest.approx(5 * (5 / 6) ** 4)
    assert out["outlook"] == LIKELY


# --- range -----------------------------------------------------------------------------------
# 5 actuals 2019–2023: 3.0, 3.2, 3.4, 3.6, 3.8 → b = 0.2, P(2025) = 3.4 + 0.8 = 4.2.


@pytest.mark.parametrize(
    ("low", "high", "outlook"),
    [
        (4.0, 5.0, LIKELY),  # 4 + 0.2 ≤ 4.2 ≤ 5 − 0.25 (on the inner edge)
        (4.3, 6.0, AT_RISK),  # 4.085 ≤ 4.2 < 4.515
        (4.5, 6.0, UNLIKELY),  # 4.2 < 4.5 − 0.225
        (3.0, 4.1, AT_RISK),  # above 4.1 − 0.205 but within 4.1 + 0.205
        (3.0, 3.9, UNLIKELY),  # 4.2 > 3.9 + 0.195
    ],
)
def test_range_five_actuals(low, high, outlook):
    data = actuals({"R": {2019: 3.0, 2020: 3.2, 2021: 3.4, 2022: 3.6, 2023: 3.8}})
    goal = targets({"indicator_id": "R", "direction": "range", "target_min": low, "target_max": high})
    out = by_id(indicator_outlook(data, goal))["R"]
    assert out["projected"] == pytest.approx(4.2)
    assert out["outlook"] == outlook


def test_range_two_and_one_actuals():
    # two: (2021, 5), (2022, 5.5) → 7 in [6.3, 7.6]: likely.
    # one: baseline 5 (2020), 5.2 in 2021 → 5 + 0.2 × 5 = 6.0 inside [6 − 0.3, 6 + 0.3]: at risk.
    data = actuals({"two": {2021: 5, 2022: 5.5}, "one": {2021: 5.2}})
    goal = targets(
        {"indicator_id": "two", "direction": "range", "target_min": 6.0, "target_max": 8.0},
        {
            "indicator_id": "one",
            "direction": "range",
            "target_min": 6.0,
            "target_max": 8.0,
            "baseline_value": 5.0,
            "baseline_year": 2020,
        },
    )
    out = by_id(indicator_outlook(data, goal))
    assert out["two"]["projected"] == pytest.approx(7.0)
    assert out["two"]["outlook"] == LIKELY
    assert out["one"]["projected"] == pytest.approx(6.0)
    assert out["one"]["outlook"] == AT_RISK


# --- skipped, unknown, fallbacks -------------------------------------------------------------


def test_boolean_and_milestone_are_not_projected():
    data = actuals({"B": {2021: 0, 2022: 1}, "M": {2022: 1}})
    goal = targets(
        {"indicator_id": "B", "direction": "boolean", "target_value": 1.0},
        {"indicator_id": "M", "direction": "milestone"},
    )
    out = by_id(indicator_outlook(data, goal))
    for key in ("B", "M"):
        assert out[key]["outlook"] == NA
        assert out[key]["projected"] is None
        assert out[key]["basis"] == "none"


def test_no_actuals_no_target_no_target_year():
    data = actuals({"A": {2021: 1, 2022: 2}, "C": {2021: 1, 2022: 2}})
    goal = targets(
        {"indicator_id": "A", "direction": "higher"},  # no target value
        {"indicator_id": "B", "direction": "higher", "target_value": 3.0},  # no actuals
        {"indicator_id": "C", "direction": "higher", "target_value": 3.0, "target_year": None},
    )
    out = by_id(indicator_outlook(data, goal))
    assert out["A"]["projected"] == pytest.approx(5.0)
    assert [out[k]["outlook"] for k in "ABC"] == [UNKNOWN, UNKNOWN, UNKNOWN]
    assert out["B"]["n_actuals"] == 0
    # a default target year for the empty cell
    assert by_id(indicator_outlook(data, goal, target_year=2025))["C"]["outlook"] == LIKELY


def test_compound_falls_back_to_linear_on_zero_or_negative_values():
    # (2021, 0), (2022, 10): no logarithm of 0 → linear 10 + 3 × 10 = 40, flagged
    # one actual with baseline −5: no growth rate → linear −5 + (5 − (−5)) × 5 = 45, flagged
    data = actuals({"zero": {2021: 0, 2022: 10}, "neg": {2021: 5}, "ok": {2021: 1, 2022: 2}})
    goal = targets(
        {"indicator_id": "zero", "direction": "higher", "target_value": 40.0},
        {
            "indicator_id": "neg",
            "direction": "higher",
            "target_value": 40.0,
            "baseline_value": -5.0,
            "baseline_year": 2020,
        },
        {"indicator_id": "ok", "direction": "higher", "target_value": 16.0},
    )
    out = by_id(indicator_outlook(data, goal, method="compound"))
    assert out["zero"]["projected_compound"] is None
    assert out["zero"]["projected"] == pytest.approx(40.0)
    assert (out["zero"]["method"], out["zero"]["fallback"]) == ("linear", True)
    assert out["neg"]["projected"] == pytest.approx(45.0)
    assert out["neg"]["fallback"] is True
    # 2 × 2³ = 16
    assert (out["ok"]["projected"], out["ok"]["method"], out["ok"]["fallback"]) == (
        pytest.approx(16.0),
        "compound",
        False,
    )
    assert by_id(indicator_outlook(data, goal))["zero"]["fallback"] is False


def test_per_indicator_method_column():
    data = actuals({"A": {2021: 100, 2022: 110}, "B": {2021: 100, 2022: 110}})
    goal = targets({"indicator_id": "A", "direction": "higher", "target_value": 150.0},
                   {"indicator_id": "B", "direction": "higher", "target_value": 150.0})  # fmt: skip
    goal = goal.with_columns(pl.Series("method", ["compound", None]))
    out = by_id(indicator_outlook(data, goal))
    assert (out["A"]["method"], out["B"]["method"]) == ("compound", "linear")


def test_target_year_actual_is_the_outcome_without_a_band():
    # an actual in the target year decides: met (likely) or missed (unlikely), no tolerance
    data = actuals(
        {"met": {2024: 90, 2025: 100}, "missed": {2024: 90, 2025: 99.9}, "late": {2024: 90, 2026: 50}}
    )
    goal = targets(
        *(
            {"indicator_id": k, "direction": "higher", "target_value": 100.0}
            for k in ("met", "missed", "late")
        )
    )
    out = by_id(indicator_outlook(data, goal))
    assert (out["met"]["basis"], out["met"]["outlook"]) == ("actual", LIKELY)
    assert (out["missed"]["projected"], out["missed"]["outlook"]) == (99.9, UNLIKELY)
    # a year after the target year is ignored: one actual, no baseline → unknown
    assert (out["late"]["n_actuals"], out["late"]["outlook"]) == (1, UNKNOWN)


def test_empty_values_are_skipped():
    data = actuals({"A": {2021: 100, 2022: None, 2023: 120}})
    out = by_id(
        indicator_outlook(data, targets({"indicator_id": "A", "direction": "higher", "target_value": 100.0}))
    )["A"]
    # (2021, 100), (2023, 120): b = 10 → 140
    assert out["n_actuals"] == 2
    assert out["projected"] == pytest.approx(140.0)


def test_many_indicators_match_one_by_one():
    rng = np.random.default_rng(3)
    series = {
        f"I{i}": {2019 + k: float(v) for k, v in enumerate(rng.uniform(1, 100, rng.integers(2, 6)))}
        for i in range(60)
    }
    goal = targets(*({"indicator_id": k, "direction": "higher", "target_value": 50.0} for k in series))
    together = by_id(indicator_outlook(actuals(series), goal, method="compound"))
    for key in list(series)[:10]:
        years = np.array(list(series[key]))
        values = np.array(list(series[key].values()))
        slope, intercept = np.polyfit(years - 2000, np.log(values), 1)
        assert together[key]["projected"] == pytest.approx(np.exp(intercept + slope * 25), rel=1e-9)
        alone = by_id(
            indicator_outlook(actuals({key: series[key]}), goal.filter(pl.col("indicator_id") == key))
        )
        assert together[key]["projected_linear"] == pytest.approx(alone[key]["projected_linear"], rel=1e-12)


def test_empty_inputs():
    empty_actuals = pl.DataFrame(schema={"indicator_id": pl.String, "year": pl.Int64, "value": pl.Float64})
    out = indicator_outlook(
        empty_actuals, targets({"indicator_id": "A", "direction": "higher", "target_value": 1.0})
    )
    assert out.item(0, "outlook") == UNKNOWN
    none = indicator_outlook(empty_actuals, targets({"indicator_id": "A", "direction": "higher"}).head(0))
    assert none.height == 0
    assert none.columns[-1] == "outlook"


@pytest.mark.parametrize(
    ("data", "goal", "message"),
    [
        (
            actuals({"A": {2021: 1}}).vstack(actuals({"A": {2021: 2}})),
            None,
            r"two values for one indicator and year in data rows 1, 2\b",
        ),
        (
            pl.DataFrame({"indicator_id": ["A", "A"], "year": [2021.0, 2021.5], "value": [1, 2]}),
            None,
            r"not a whole year in data row 2\b",
        ),
        (
            None,
            targets({"indicator_id": "A", "direction": "higher"}, {"indicator_id": "B", "direction": "up"}),
            r"direction must be one of .* data row 2\b",
        ),
        (
            None,
            targets(
                {"indicator_id": "A", "direction": "higher"}, {"indicator_id": "A", "direction": "lower"}
            ),
            r"repeated indicator_id in data rows 1, 2\b",
        ),
        (pl.DataFrame({"indicator_id": ["A"], "year": [2021]}), None, "missing column 'value'"),
    ],
)
def test_bad_input(data, goal, message):
    data = actuals({"A": {2021: 1}}) if data is None else data
    goal = targets({"indicator_id": "A", "direction": "higher"}) if goal is None else goal
    with pytest.raises(ValueError, match=message):
        indicator_outlook(data, goal)


def test_bad_tolerance_and_method():
    data, goal = actuals({"A": {2021: 1}}), targets({"indicator_id": "A", "direction": "higher"})
    with pytest.raises(ValueError, match="tolerance"):
        indicator_outlook(data, goal, tolerance=1.5)
    with pytest.raises(ValueError, match="method"):
        indicator_outlook(data, goal, method="exponential")  # type: ignore[arg-type]


# --- the classifier on arrays ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "projected", "outlook"),
    [
        ("higher", 105.0, LIKELY),  # t + w exactly
        ("higher", 104.99, AT_RISK),
        ("higher", 95.0, AT_RISK),  # t − w exactly
        ("higher", 94.99, UNLIKELY),
        ("lower", 95.0, LIKELY),
        ("lower", 95.01, AT_RISK),
        ("lower", 105.0, AT_RISK),
        ("lower", 105.01, UNLIKELY),
        ("boolean", 1.0, NA),
        ("milestone", np.nan, NA),
        ("higher", np.nan, UNKNOWN),
    ],
)
def test_classifier_boundaries(direction, projected, outlook):
    assert projection_outlook(projected, direction, target=100.0) == outlook


def test_classifier_zero_target_uses_the_baseline_for_the_band_and_zero_tolerance():
    # lower, target 0, baseline 10: band 0.5
    got = projection_outlook([-0.5, 0.4, 0.6], "lower", target=0.0, baseline=10.0)
    np.testing.assert_array_equal(got, [LIKELY, AT_RISK, UNLIKELY])
    # no baseline: no band
    np.testing.assert_array_equal(projection_outlook([0.0, 0.1], "lower", target=0.0), [LIKELY, UNLIKELY])
    # tolerance 0: meeting the target is enough
    np.testing.assert_array_equal(
        projection_outlook([100.0, 99.99], "higher", target=100.0, tolerance=0), [LIKELY, UNLIKELY]
    )


def test_classifier_vectorised_over_directions():
    got = projection_outlook(
        [19.2, 11.2, 4.2, 1.0],
        ["higher", "Lower ", "range", "boolean"],
        target=[20.0, 12.0, np.nan, np.nan],
        target_min=[np.nan, np.nan, 4.0, np.nan],
        target_max=[np.nan, np.nan, 5.0, np.nan],
    )
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, [AT_RISK, LIKELY, LIKELY, NA])
    with pytest.raises(ValueError, match=r"direction must be one of .* data row 2\b"):
        projection_outlook([1.0, 2.0], ["higher", "more"], target=1.0)


def test_outlook_labels():
    assert OUTLOOK_LABELS[LIKELY] == ("likely", "预计达成", "green")
    assert OUTLOOK_LABELS[AT_RISK] == ("at risk", "存在风险", "yellow")
    assert OUTLOOK_LABELS[UNLIKELY] == ("unlikely", "难以达成", "red")
    assert outlook_labels().height == len(Outlook)


def test_indicator_ids_of_another_type_still_match():
    data = pl.DataFrame({"indicator_id": ["7", "7"], "year": [2021, 2022], "value": [100.0, 110.0]})
    goal = targets({"indicator_id": "x", "direction": "higher", "target_value": 150.0}).with_columns(
        pl.Series("indicator_id", [7])
    )
    assert indicator_outlook(data, goal).item(0, "projected") == pytest.approx(140.0)


def test_an_empty_duplicate_year_is_not_a_second_value():
    data = pl.DataFrame(
        {"indicator_id": ["A", "A", "A"], "year": [2021, 2022, 2022], "value": [100.0, None, 110.0]}
    )
    goal = targets({"indicator_id": "A", "direction": "higher", "target_value": 150.0})
    assert indicator_outlook(data, goal).item(0, "projected") == pytest.approx(140.0)
