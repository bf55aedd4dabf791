"""The investment progress engine of key projects against hand-worked cases.

Month index = year × 12 + (month − 1); days since 1970-01-01. Amounts in 万元. Default thresholds:
ahead from +5 points, on track down to −10, behind down to −25, far behind below.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from jingjin.engines.errors import InputError
from jingjin.engines.projects import LAG_CLASSES, NOT_JUDGED, UNKNOWN, Thresholds, progress, rollup

NAN = float("nan")
AHEAD, ON_TRACK, BEHIND, FAR_BEHIND = range(4)


def m(year: int, month: int) -> int:
    return year * 12 + month - 1


def d(year: int, month: int, day: int) -> int:
    return (date(year, month, day) - date(1970, 1, 1)).days


def test_lag_classes_are_named_in_order() -> None:
    assert LAG_CLASSES == ("ahead", "on_track", "behind", "far_behind")
    assert NOT_JUDGED == -1


def test_whole_year_project_in_june() -> None:
    # 300 of 1,000 by June: 30 %; 6 of 12 months: 50 %; gap −20 → behind (−25 ≤ gap < −10);
    # run rate 300 / 6 = 50 a month; 300 + 50 × 6 = 600 → 60 %
    r = progress(planned=[1000.0], ytd=[300.0], as_of_month=m(2024, 6))
    assert r.completion_pct.tolist() == [30.0]
    assert r.elapsed_pct.tolist() == [50.0]
    assert r.gap.tolist() == [-20.0]
    assert r.projected_pct.tolist() == [60.0]
    assert r.lag.tolist() == [BEHIND]
    assert r.delay_days.tolist() == [0]


def test_project_starting_mid_year() -> None:
    # starts July, as of September: July, August, September of July–December = 3 of 6 = 50 %;
    # 100 of 600 = 16.67 %; rate 100 / 3 a month, 100 + 3 × 100/3 = 200 → 33.33 %; gap −33.33 → far behind
    r = progress(planned=[600.0], ytd=[100.0], as_of_month=m(2024, 9), start_month=[m(2024, 7)])
    assert r.elapsed_pct.tolist() == [50.0]
    assert r.completion_pct[0] == pytest.approx(100 / 6)
    assert r.projected_pct[0] == pytest.approx(100 / 3)
    assert r.gap[0] == pytest.approx(100 / 6 - 50)
    assert r.lag.tolist() == [FAR_BEHIND]


def test_project_started_in_an_earlier_year_counts_from_january() -> None:
    r = progress(planned=[1200.0], ytd=[600.0], as_of_month=m(2024, 6), start_month=[m(2021, 9)])
    assert r.elapsed_pct.tolist() == [50.0]
    assert r.lag.tolist() == [ON_TRACK]


def test_project_ending_in_march_seen_in_june() -> None:
    # active January–March; all 3 elapsed: 100 %; 400 of 400 → 100 %, gap 0, projection 100 %
    r = progress(planned=[400.0], ytd=[400.0], as_of_month=m(2024, 6), end_month=[m(2024, 3)])
    assert r.elapsed_pct.tolist() == [100.0]
    assert r.completion_pct.tolist() == [100.0]
    assert r.gap.tolist() == [0.0]
    assert r.projected_pct.tolist() == [100.0]
    assert r.lag.tolist() == [ON_TRACK]


def test_project_ending_in_march_seen_in_february() -> None:
    # 2 of 3 active months: 66.67 %; 200 of 600: 33.33 %; 200 + 100 × 1 = 300 → 50 %
    r = progress(planned=[600.0], ytd=[200.0], as_of_month=m(2024, 2), end_month=[m(2024, 3)])
    assert r.elapsed_pct[0] == pytest.approx(200 / 3)
    assert r.projected_pct[0] == pytest.approx(50.0)


def test_no_plan_for_the_year_is_not_judged() -> None:
    r = progress(planned=[NAN, 0.0], ytd=[50.0, 0.0], as_of_month=m(2024, 6))
    assert np.isnan(r.completion_pct).all()
    assert np.isnan(r.gap).all()
    assert np.isnan(r.projected_pct).all()
    assert r.elapsed_pct.tolist() == [50.0, 50.0]
    assert r.lag.tolist() == [NOT_JUDGED, NOT_JUDGED]


def test_project_starting_after_the_as_of_month() -> None:
    # starts in October (this year) or February next year: nothing elapsed, no run rate
    r = progress(
        planned=[500.0, 500.0],
        ytd=[0.0, 0.0],
        as_of_month=m(2024, 6),
        start_month=[m(2024, 10), m(2025, 2)],
    )
    assert r.elapsed_pct.tolist() == [0.0, 0.0]
    assert r.completion_pct.tolist() == [0.0, 0.0]
    assert r.gap.tolist() == [0.0, 0.0]
    assert np.isnan(r.projected_pct).all()
    assert r.lag.tolist() == [ON_TRACK, ON_TRACK]


def test_project_that_ended_in_an_earlier_year() -> None:
    # ended November 2023, a plan of 100 for 2024 with 80 done: elapsed 100 %, nothing left to project
    r = progress(planned=[100.0], ytd=[80.0], as_of_month=m(2024, 6), end_month=[m(2023, 11)])
    assert r.elapsed_pct.tolist() == [100.0]
    assert r.completion_pct.tolist() == [80.0]
    assert r.projected_pct.tolist() == [80.0]
    assert r.gap.tolist() == [-20.0]


@pytest.mark.parametrize(
    ("ytd", "lag"),
    [
        (551.0, AHEAD),  # gap +5.1
        (550.0, AHEAD),  # gap +5: the bound is ahead
        (549.0, ON_TRACK),  # gap +4.9
        (401.0, ON_TRACK),  # gap −9.9
        (400.0, ON_TRACK),  # gap −10: the bound is on track
        (399.0, BEHIND),  # gap −10.1
        (251.0, BEHIND),  # gap −24.9
        (250.0, BEHIND),  # gap −25: the bound is behind
        (249.0, FAR_BEHIND),  # gap −25.1
    ],
)
def test_lag_boundaries_whole_year_in_june(ytd: float, lag: int) -> None:
    r = progress(planned=[1000.0], ytd=[ytd], as_of_month=m(2024, 6))
    assert r.lag.tolist() == [lag]


def test_configured_thresholds() -> None:
    # ahead from +1, on track to −2, behind to −3: gaps +1, 0, −2, −3, −3.1
    r = progress(
        planned=[1000.0] * 5,
        ytd=[510.0, 500.0, 480.0, 470.0, 469.0],
        as_of_month=m(2024, 6),
        thresholds=Thresholds(ahead=1, behind=2, far_behind=3),
    )
    assert r.lag.tolist() == [AHEAD, ON_TRACK, ON_TRACK, BEHIND, FAR_BEHIND]


def test_milestone_delays() -> None:
    # as of June 2024: the as-of day defaults to 30 June
    planned = [
        [d(2024, 3, 1), UNKNOWN],  # reached 11 March: 10 days late
        [d(2024, 3, 10), UNKNOWN],  # reached 1 March, early: 0
        [d(2024, 6, 1), UNKNOWN],  # not reached, past: 30 June − 1 June = 29
        [d(2024, 7, 15), UNKNOWN],  # not reached, future: 0
        [d(2024, 3, 1), d(2024, 6, 1)],  # 10 and 29: the largest, 29
        [UNKNOWN, UNKNOWN],  # nothing planned: 0
        [d(2024, 6, 30), UNKNOWN],  # planned on the as-of day, not reached: not yet late
    ]
    actual = [
        [d(2024, 3, 11), UNKNOWN],
        [d(2024, 3, 1), UNKNOWN],
        [UNKNOWN, UNKNOWN],
        [UNKNOWN, UNKNOWN],
        [d(2024, 3, 11), UNKNOWN],
        [d(2024, 1, 1), UNKNOWN],
        [UNKNOWN, UNKNOWN],
    ]
    r = progress(
        planned=[NAN] * 7,
        ytd=[0.0] * 7,
        as_of_month=m(2024, 6),
        milestone_planned=np.array(planned),
        milestone_actual=np.array(actual),
    )
    assert r.delay_days.tolist() == [10, 0, 29, 0, 29, 0, 0]


def test_milestone_delay_on_a_given_day_and_one_milestone_per_row() -> None:
    # 15 June − 1 June = 14; a 1-D array is one milestone per project
    r = progress(
        planned=[1.0, 1.0],
        ytd=[0.0, 0.0],
        as_of_month=m(2024, 6),
        milestone_planned=[d(2024, 6, 1), d(2024, 2, 28)],
        milestone_actual=[UNKNOWN, d(2024, 3, 1)],
        as_of_day=d(2024, 6, 15),
    )
    assert r.delay_days.tolist() == [14, 2]  # 2024 is a leap year: 28 Feb → 1 March is 2 days


def test_as_of_month_per_row() -> None:
    # the same whole-year project in March and September 2024; one from July 2024 in January 2025
    r = progress(
        planned=[1200.0, 1200.0, 1200.0],
        ytd=[300.0, 900.0, 100.0],
        as_of_month=np.array([m(2024, 3), m(2024, 9), m(2025, 1)]),
        start_month=[UNKNOWN, UNKNOWN, m(2024, 7)],
    )
    assert r.elapsed_pct[:2].tolist() == [25.0, 75.0]
    assert r.elapsed_pct[2] == pytest.approx(100 / 12)
    assert r.completion_pct[:2].tolist() == [25.0, 75.0]
    assert r.lag[:2].tolist() == [ON_TRACK, ON_TRACK]
    # the default as-of day follows each row's month: planned 1 March, not reached
    r = progress(
        planned=[NAN, NAN],
        ytd=[0.0, 0.0],
        as_of_month=[m(2024, 3), m(2024, 4)],
        milestone_planned=[d(2024, 3, 1), d(2024, 3, 1)],
    )
    assert r.delay_days.tolist() == [30, 60]  # 31 March and 30 April


def test_rollup_sums_counts_and_completion() -> None:
    # A: 1,000 planned (the no-plan projects add nothing to it), 300 + 50 + 20 = 370 done,
    #    completion 300 / 1,000 = 30 % (the 70 done without a plan do not dilute it)
    # B: 100 of 600; C: only a project without a plan → completion nan
    r = rollup(
        groups=["A", "B", "A", "A", "C"],
        planned=[1000.0, 600.0, NAN, 0.0, NAN],
        ytd=[300.0, 100.0, 50.0, 20.0, 5.0],
        lag=[BEHIND, FAR_BEHIND, NOT_JUDGED, NOT_JUDGED, NOT_JUDGED],
    )
    assert r.groups.tolist() == ["A", "B", "C"]
    assert r.projects.tolist() == [3, 1, 1]
    assert r.planned.tolist() == [1000.0, 600.0, 0.0]
    assert r.ytd.tolist() == [370.0, 100.0, 5.0]
    assert r.completion_pct[0] == 30.0
    assert r.completion_pct[1] == pytest.approx(100 / 6)
    assert np.isnan(r.completion_pct[2])
    assert r.lag_counts.tolist() == [[0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]


def test_rollup_of_progress_by_integer_groups() -> None:
    p = progress(planned=[1000.0, 1000.0, 1000.0], ytd=[550.0, 500.0, 100.0], as_of_month=m(2024, 6))
    r = rollup(groups=[7, 7, 3], planned=[1000.0] * 3, ytd=[550.0, 500.0, 100.0], lag=p.lag)
    assert r.groups.tolist() == [3, 7]
    assert r.completion_pct.tolist() == [10.0, 52.5]
    assert r.lag_counts.tolist() == [[0, 0, 0, 1], [1, 1, 0, 0]]


ONE = {"planned": [1.0], "ytd": [0.0], "as_of_month": m(2024, 6)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned": [[1.0]]}, "planned must be one-dimensional"),
        ({"planned": ["x"]}, "planned must be numbers"),
        ({"planned": [-1.0]}, "planned must not be negative: negative in data row 1"),
        ({"planned": [np.inf]}, "planned must be finite"),
        ({"ytd": [0.0, 1.0]}, "ytd has 2 values, expected 1"),
        ({"ytd": [NAN]}, "ytd must not be missing"),
        ({"ytd": [-0.5]}, "ytd must not be negative"),
        ({"as_of_month": None}, "as_of_month is required"),
        ({"as_of_month": UNKNOWN}, "as_of_month must be known"),
        ({"as_of_month": 24290.5}, "as_of_month must be whole month indices"),
        ({"as_of_month": "2024-06"}, "as_of_month must be month indices"),
        ({"as_of_month": 2200 * 12}, "as_of_month has a month index out of range"),
        ({"start_month": [-2]}, "start_month has a negative value other than -1"),
        ({"start_month": [1, 2]}, "start_month has shape (2,), expected (1,)"),
        ({"start_month": [m(2024, 5)], "end_month": [m(2024, 4)]}, "end_month is before start_month"),
        ({"milestone_planned": [[1, 2], [3, 4]]}, "milestone_planned must be (projects, milestones)"),
        ({"milestone_planned": [[1, 2]], "milestone_actual": [[1]]}, "milestone_actual has shape (1, 1)"),
        ({"milestone_actual": [[1]]}, "milestone_actual needs milestone_planned"),
        ({"milestone_planned": [[NAN]]}, "milestone_planned must be whole days"),
        ({"as_of_day": 1.5}, "as_of_day must be whole days"),
    ],
)
def test_progress_input_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as raised:
        progress(**{**ONE, **changes})  # type: ignore[arg-type]
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ahead": -1}, "thresholds must be finite numbers, not negative"),
        ({"behind": float("inf")}, "thresholds must be finite numbers, not negative"),
        ({"ahead": "x"}, "thresholds must be finite numbers, not negative"),
        ({"behind": 30}, "far_behind must be at least behind"),
    ],
)
def test_threshold_errors(values: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Thresholds(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": [["A"], ["B"]]}, "groups must be one key per project"),
        ({"groups": ["A", None]}, "groups must be keys of one sortable kind"),
        ({"lag": [0]}, "lag must have one class per project"),
        ({"lag": [0, 4]}, "lag must be -1 to 3: not in data row 2"),
        ({"lag": ["x", "y"]}, "lag must be lag classes"),
        ({"planned": [1.0]}, "planned has 1 values, expected 2"),
        ({"ytd": [1.0, -1.0]}, "ytd must not be negative"),
    ],
)
def test_rollup_input_errors(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "groups": ["A", "B"],
        "planned": [1.0, 1.0],
        "ytd": [0.0, 0.0],
        "lag": [0, 1],
    }
    with pytest.raises(InputError) as raised:
        rollup(**{**arguments, **changes})  # type: ignore[arg-type]
    assert message in str(raised.value)
