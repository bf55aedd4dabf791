"""Expected progress: the linear task window and milestone schedules.

Day counts by hand (dates are whole days; the window includes start and end days and progress is
read at the end of the as_of day, so f = (as_of − start + 1) / (end − start + 1)):

- 2021-09-10 → 2023-06-30: 2021-09-10 → 2022-09-10 is 365 days; 2022-09-10 → 2023-06-10 is
  30+31+30+31+31+28+31+30+31 = 273; → 2023-06-30 is 20 more: 658 days, 659 days inclusive.
- 2021-09-10 → 2025-12-31: four years to 2025-09-10 (365+365+366+365 = 1461, 2024 is a leap
  year) + 20+31+30+31 = 112 → 1573 days, 1574 inclusive.
- So a task 2021-09-10 → 2025-12-31 at 2023-06-30 expects 659 / 1574 = 41.8679 %.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from jingjin.engines.status import expected_linear, expected_schedule


def test_worked_example_task_window():
    assert expected_linear("2021-09-10", "2025-12-31", "2023-06-30") == pytest.approx(659 / 1574, rel=1e-15)
    day = np.datetime64
    assert (day("2023-06-30") - day("2021-09-10")).astype(int) == 658
    assert (day("2025-12-31") - day("2021-09-10")).astype(int) == 1573


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2021-09-09", 0.0),  # the day before the start
        ("2021-09-10", 1 / 1574),  # end of the first day
        ("2025-12-30", 1573 / 1574),  # end of the last day but one
        ("2025-12-31", 1.0),  # end of the last day
        ("2026-06-01", 1.0),  # after the end
        ("1999-01-01", 0.0),  # long before
    ],
)
def test_edges_of_the_window(as_of, expected):
    assert expected_linear("2021-09-10", "2025-12-31", as_of) == pytest.approx(expected, rel=1e-15)


def test_leap_day_and_one_day_task():
    # 2024 has 366 days; 2024-02-29 is day 31 + 29 = 60
    assert expected_linear("2024-01-01", "2024-12-31", "2024-02-29") == pytest.approx(60 / 366)
    # a one-day task: 0 the day before, 1 at the end of its day
    got = expected_linear("2023-05-05", "2023-05-05", ["2023-05-04", "2023-05-05", "2023-05-06"])
    np.testing.assert_array_equal(got, [0.0, 1.0, 1.0])


def test_vectorised_over_tasks_with_date_objects_and_nat():
    starts = np.array(["2021-01-01", "2022-01-01", "NaT", "2021-01-01"], dtype="datetime64[D]")
    ends = [dt.date(2021, 1, 10), dt.date(2022, 1, 4), dt.date(2022, 1, 1), None]
    got = expected_linear(starts, ends, dt.date(2021, 1, 5))
    # task 1: 5 of 10 days; task 2: not started; tasks 3 and 4: no window
    np.testing.assert_allclose(got[:2], [0.5, 0.0])
    assert np.isnan(got[2:]).all()
    assert np.isnan(expected_linear("2021-01-01", "2021-12-31", "NaT"))


def test_matches_a_plain_python_day_count_on_many_tasks():
    rng = np.random.default_rng(7)
    start = np.datetime64("2021-01-01") + rng.integers(0, 1500, 2000)
    end = start + rng.integers(0, 900, 2000)
    as_of = np.datetime64("2020-06-01") + rng.integers(0, 2500, 2000)
    got = expected_linear(start, end, as_of)
    for i in range(0, 2000, 97):
        s, e, t = (x[i].astype(dt.date) for x in (start, end, as_of))
        want = min(max(((t - s).days + 1) / ((e - s).days + 1), 0.0), 1.0)
        assert got[i] == pytest.approx(want, rel=1e-15)


def test_end_before_start_names_the_row():
    with pytest.raises(ValueError, match=r"end is before the start in data row 2\b"):
        expected_linear(["2021-01-01", "2021-05-01"], ["2021-12-31", "2021-04-30"], "2021-06-01")


def test_empty_arrays():
    empty = np.array([], dtype="datetime64[D]")
    assert expected_linear(empty, empty, empty).shape == (0,)
    assert expected_schedule(["2021-01-01"], [100], empty).shape == (0,)


# --- milestone schedules --------------------------------------------------------------------
# Points (2022-01-10, 40 %) and (2022-01-20, 100 %).
DATES = ["2022-01-10", "2022-01-20"]
PCT = [40.0, 100.0]
AS_OF = ["2022-01-05", "2022-01-10", "2022-01-15", "2022-01-19", "2022-01-20", "2022-03-01"]


def test_schedule_step():
    # the last point reached: 0 before the first, 40 % from 01-10, 100 % from 01-20
    got = expected_schedule(DATES, PCT, AS_OF, interpolation="step")
    np.testing.assert_allclose(got, [0.0, 0.4, 0.4, 0.4, 1.0, 1.0])


def test_schedule_linear_without_start():
    # 01-15 is 5 of the 10 days from 40 % to 100 %: 40 + 60 × 5/10 = 70 %; 01-19: 40 + 54 = 94 %.
    # Before the first point, without a start: 0.
    got = expected_schedule(DATES, PCT, AS_OF)
    np.testing.assert_allclose(got, [0.0, 0.4, 0.7, 0.94, 1.0, 1.0])


def test_schedule_linear_with_start_ramps_from_the_day_before_the_start():
    # start 2022-01-01: line from (2021-12-31, 0) to (2022-01-10, 40): 01-05 is 5/10 → 20 %
    got = expected_schedule(DATES, PCT, AS_OF, start="2022-01-01")
    np.testing.assert_allclose(got, [0.2, 0.4, 0.7, 0.94, 1.0, 1.0])
    assert expected_schedule(DATES, PCT, "2021-12-31", start="2022-01-01") == 0.0


def test_schedule_of_one_end_point_equals_the_linear_window():
    as_of = np.datetime64("2021-09-01") + np.arange(0, 1700, 13)
    via_schedule = expected_schedule(["2025-12-31"], [100.0], as_of, start="2021-09-10")
    np.testing.assert_allclose(via_schedule, expected_linear("2021-09-10", "2025-12-31", as_of), rtol=1e-14)


def test_schedule_starting_above_zero_and_ending_below_100():
    # (2022-06-30, 30 %), (2022-12-31, 80 %): holds 80 % after the last point
    got = expected_schedule(["2022-06-30", "2022-12-31"], [30, 80], ["2022-06-30", "2023-05-01"])
    np.testing.assert_allclose(got, [0.3, 0.8])


def test_schedule_per_task_rows_padded_and_unsorted():
    dates = np.array(
        [
            ["2022-01-20", "2022-01-10", "NaT"],  # task 1: the points out of order
            ["2022-01-31", "NaT", "NaT"],  # task 2: one point
            ["NaT", "NaT", "NaT"],  # task 3: no schedule
        ],
        dtype="datetime64[D]",
    )
    pct = np.array([[100, 40, np.nan], [100, np.nan, np.nan], [np.nan] * 3])
    start = np.array(["NaT", "2022-01-01", "2022-01-01"], dtype="datetime64[D]")
    got = expected_schedule(dates, pct, "2022-01-15", start=start)
    # task 1: 70 % as above; task 2: 15 / 31 days from (2021-12-31, 0) to (2022-01-31, 100)
    np.testing.assert_allclose(got[:2], [0.7, 15 / 31])
    assert np.isnan(got[2])
    # the same rows one by one
    for i in range(2):
        one = expected_schedule(dates[i], pct[i], "2022-01-15", start=start[i])
        assert one == pytest.approx(got[i])


def test_schedule_with_start_after_the_first_point_is_zero_before_it():
    got = expected_schedule(DATES, PCT, "2022-01-05", start="2022-01-12")
    assert got == 0.0


@pytest.mark.parametrize(
    ("dates", "pct", "message"),
    [
        (["2022-01-10", "2022-01-20"], [60, 40], "decreases"),
        (["2022-01-10", "2022-01-10"], [40, 60], "same date twice"),
        (["2022-01-10", "2022-01-20"], [40, 101], "outside 0–100"),
        (["2022-01-10", "NaT"], [40, 100], "a date without a %"),
    ],
)
def test_bad_schedules(dates, pct, message):
    with pytest.raises(ValueError, match=message):
        expected_schedule(dates, pct, "2022-01-15")


def test_bad_schedule_names_the_task_row():
    dates = np.array([["2022-01-10", "2022-01-20"], ["2022-01-10", "2022-01-20"]], dtype="datetime64[D]")
    with pytest.raises(ValueError, match=r"data row 2\b"):
        expected_schedule(dates, [[40, 100], [90, 50]], ["2022-01-15", "2022-01-15"])


def test_unknown_interpolation():
    with pytest.raises(ValueError, match="interpolation"):
        expected_schedule(DATES, PCT, "2022-01-15", interpolation="cubic")  # type: ignore[arg-type]
