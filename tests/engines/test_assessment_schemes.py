"""The configurable-scheme engine against values worked by hand: normalisations, caps of the
bonus and deduction rules, gates, lists and the pay bands at their edges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jingjin.engines.assessment_schemes import (
    AdjustmentRule,
    CriterionRule,
    PayBand,
    SchemeError,
    SchemeRule,
    adjustment_points,
    band_index,
    check_bands,
    evaluate,
    normalise,
)

NAN = math.nan


def test_normalisations_worked_by_hand():
    x = np.array([50.0, 80.0, 100.0, NAN])
    assert normalise(x, "none")[:3].tolist() == [50.0, 80.0, 100.0]
    assert normalise(x, "none", "cost")[:3].tolist() == [50.0, 20.0, 0.0]
    assert normalise(x, "minmax")[:3].tolist() == [0.0, 60.0, 100.0]
    assert normalise(x, "minmax", "cost")[:3].tolist() == [100.0, 40.0, 0.0]
    assert normalise(x, "target", target=80)[:3].tolist() == [62.5, 100.0, 100.0]
    assert normalise(np.array([0.0, 40.0, 160.0]), "target", "cost", target=80).tolist() == [
        100.0,
        100.0,
        50.0,
    ]
    # rank: 3 values → 100, 50, 0; ties share the better rank
    assert normalise(x, "rank")[:3].tolist() == [0.0, 50.0, 100.0]
    assert normalise(np.array([5.0, 5.0, 1.0]), "rank").tolist() == [100.0, 100.0, 0.0]
    assert math.isnan(normalise(x, "minmax")[3])
    assert normalise(np.array([7.0, 7.0]), "minmax").tolist() == [100.0, 100.0]
    assert normalise(np.array([7.0]), "rank").tolist() == [100.0]
    with pytest.raises(SchemeError):
        normalise(x, "target", target=0)
    with pytest.raises(SchemeError):
        normalise(x, "zscore")


def test_deductions_capped_per_rule_then_overall():
    events = {
        "late": np.array([0.0, 2.0, 10.0]),
        "off": np.array([1.0, 3.0, 4.0]),
        "award": np.array([0, 1, 5.0]),
    }
    rules = [
        AdjustmentRule("late", "deduction", 2.0, cap=6.0),  # 0, 4, 20 → cap 6
        AdjustmentRule("off", "deduction", 1.5),  # 1.5, 4.5, 6
        AdjustmentRule("award", "bonus", 3.0, cap=5.0),  # 0, 3, 15 → 5
    ]
    per_rule, bonus, deduction = adjustment_points(events, rules, 3, bonus_cap=4.0, deduction_cap=10.0)
    assert per_rule["0:late"].tolist() == [0.0, 4.0, 6.0]
    assert per_rule["2:award"].tolist() == [0.0, 3.0, 5.0]
    # deductions 1.5, 8.5, 12 → overall cap 10; bonus 0, 3, 5 → overall cap 4
    assert deduction.tolist() == [1.5, 8.5, 10.0]
    assert bonus.tolist() == [0.0, 3.0, 4.0]
    with pytest.raises(SchemeError):
        adjustment_points(events, [AdjustmentRule("late", "deduction", -1.0)], 3)


def test_evaluate_weighs_renormalises_gates_and_lists():
    values = {
        "a": np.array([90.0, 80.0, 70.0, 60.0, NAN, 95.0]),
        "b": np.array([100.0, 50.0, 70.0, 20.0, NAN, NAN]),
    }
    events = {"late": np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0])}
    rule = SchemeRule(
        criteria=(CriterionRule("a", 3.0), CriterionRule("b", 1.0, minimum=40.0)),
        adjustments=(AdjustmentRule("late", "deduction", 5.0),),
        red_top_n=2,
        black_bottom_m=1,
        target_score=70.0,
    )
    result = evaluate(values, events, rule)
    # base = (3a + b) / 4; the 6th has only a: its weight renormalised → 95
    assert result.base.tolist()[:4] == [92.5, 72.5, 70.0, 50.0]
    assert result.total.tolist() == [92.5, 72.5, 65.0, 50.0, 0.0, 95.0]
    assert result.gates_ok.tolist() == [True, True, True, False, True, True]
    assert result.verdict == ["red", "none", "none", "black", "unranked", "red"]
    assert result.rank.tolist() == [2, 3, 4, 5, 0, 1]


PAY = [
    PayBand(None, 60.0, 0.8),  # (−∞, 60)
    PayBand(60.0, 80.0, 1.0, lower_inclusive=True, upper_inclusive=False),  # [60, 80)
    PayBand(80.0, 90.0, 1.1, lower_inclusive=True, upper_inclusive=True),  # [80, 90]
    PayBand(90.0, None, 1.2, lower_inclusive=False),  # (90, +∞)
]


def test_pay_bands_at_their_edges():
    assert check_bands(PAY) == []
    scores = np.array([59.99, 60.0, 79.99, 80.0, 90.0, 90.01, NAN])
    assert band_index(scores, PAY).tolist() == [0, 1, 1, 2, 2, 3, -1]


def test_pay_bands_refuse_overlaps_and_gaps_are_allowed():
    assert check_bands([PayBand(0, 60, 1.0, upper_inclusive=True), PayBand(60, 100, 1.1)]) == [
        "bands 1 and 2 overlap"
    ]
    assert check_bands([PayBand(0, 50, 1.0), PayBand(60, 100, 1.1)]) == []
    assert band_index(np.array([55.0]), [PayBand(0, 50, 1.0), PayBand(60, 100, 1.1)]).tolist() == [-1]
    assert check_bands([PayBand(5, 5, 1.0)]) == ["band 1: empty"]
    assert check_bands([PayBand(0, 5, -1.0)]) == ["band 1: the coefficient must be a finite number ≥ 0"]
