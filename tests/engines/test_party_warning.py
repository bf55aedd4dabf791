"""The party-organisation early warning (防瘫防软) on hand-worked cases, at each rule's edge."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jingjin.engines.party_warning import DEFAULT_RULES, Rule, change_pct, evaluate

NAN = math.nan


def _one(**values: float) -> dict[str, list[float]]:
    base = {"missed_meetings": 0.0, "member_change_pct": 0.0, "vacancy_days": 0.0, "activity_gap_months": 0.0}
    base.update(values)
    return {k: [v] for k, v in base.items()}


@pytest.mark.parametrize(
    ("measure", "value", "level"),
    [
        ("missed_meetings", 0, 0),
        ("missed_meetings", 0.99, 0),
        ("missed_meetings", 1, 1),  # exactly at the blue threshold
        ("missed_meetings", 2, 1),
        ("missed_meetings", 3, 2),  # yellow at 3
        ("missed_meetings", 5, 2),
        ("missed_meetings", 6, 3),  # red at 6
        ("member_change_pct", 19.99, 0),
        ("member_change_pct", 20, 2),
        ("member_change_pct", -20, 2),  # a loss counts like a gain
        ("member_change_pct", -19.9, 0),
        ("vacancy_days", 29, 0),
        ("vacancy_days", 30, 2),
        ("vacancy_days", 89, 2),
        ("vacancy_days", 90, 3),
        ("activity_gap_months", 2, 0),
        ("activity_gap_months", 3, 1),
        ("activity_gap_months", 5, 1),
        ("activity_gap_months", 6, 3),
        ("activity_gap_months", NAN, 0),  # unknown never triggers
    ],
)
def test_each_edge_of_the_default_rules(measure: str, value: float, level: int) -> None:
    result = evaluate(_one(**{measure: value}), DEFAULT_RULES)
    assert int(result.level[0]) == level


def test_the_highest_level_wins_and_the_reasons_are_every_rule_that_triggered() -> None:
    rules = [
        Rule("missed_meetings", 1, "blue"),
        Rule("vacancy_days", 30, "red"),
        Rule("activity_gap_months", 3, "yellow"),
    ]
    values = {
        "missed_meetings": [2, 0, NAN],
        "member_change_pct": [0, 0, 0],
        "vacancy_days": [30, 0, 100],
        "activity_gap_months": [4, 1, 3],
    }
    result = evaluate(values, rules)
    assert result.level.tolist() == [3, 0, 3]
    assert result.triggered.tolist() == [[True, True, True], [False, False, False], [False, True, True]]


def test_configured_thresholds_replace_the_defaults() -> None:
    strict = [Rule("missed_meetings", 0.5, "red")]
    assert evaluate(_one(missed_meetings=1), strict).level.tolist() == [3]
    assert evaluate(_one(missed_meetings=1), []).level.tolist() == [0]


def test_bad_rules_and_shapes_are_refused() -> None:
    with pytest.raises(ValueError):
        Rule("salary", 1, "red")
    with pytest.raises(ValueError):
        Rule("vacancy_days", 1, "green")
    with pytest.raises(ValueError):
        Rule("vacancy_days", math.inf, "red")
    with pytest.raises(ValueError):
        evaluate({**_one(), "vacancy_days": [1, 2]}, DEFAULT_RULES)


def test_change_pct() -> None:
    out = change_pct([50, 40, 0, 10], [40, 40, 5, 12])
    assert out[0] == -20.0 and out[1] == 0.0 and np.isnan(out[2]) and out[3] == pytest.approx(20.0)
