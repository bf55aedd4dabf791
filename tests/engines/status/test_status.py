"""Status lights from expected and reported progress, and the task table.

Default thresholds: behind when the shortfall E − R (percentage points) exceeds 10, far behind
when it exceeds 25; done at R ≥ 100; overdue when as_of > end and not done. Codes are ordered by
severity: unknown −1, done 0, on track 1, behind 2, far behind 3, overdue 4.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from jingjin.engines.scoring import InputError
from jingjin.engines.status import (
    STATUS_LABELS,
    Status,
    StatusThresholds,
    progress_status,
    shortfall,
    status_labels,
    task_status,
)

U, D, OK, B, FB, OD = (
    Status.UNKNOWN,
    Status.DONE,
    Status.ON_TRACK,
    Status.BEHIND,
    Status.FAR_BEHIND,
    Status.OVERDUE,
)


@pytest.mark.parametrize(
    ("expected", "reported", "past_end", "status"),
    [
        (50.0, 50.0, False, OK),  # on schedule
        (50.0, 70.0, False, OK),  # ahead: shortfall −20
        (50.0, 40.0, False, OK),  # shortfall exactly 10: not above 10
        (50.0, 39.9, False, B),  # 10.1
        (50.0, 25.0, False, B),  # exactly 25: not above 25
        (50.0, 24.9, False, FB),  # 25.1
        (100.0, 0.0, False, FB),  # the whole window gone, nothing done, end day not passed
        (0.0, 0.0, False, OK),  # not started yet
        (50.0, 100.0, False, D),  # done early
        (100.0, 100.0, True, D),  # done beats overdue
        (100.0, 99.9, True, OD),  # past the end, not done
        (100.0, np.nan, True, OD),  # past the end, nothing reported: overdue
        (50.0, np.nan, False, U),  # nothing reported
        (np.nan, 50.0, False, U),  # no window
        (np.nan, 50.0, True, OD),  # no start but past the end
        (np.nan, 100.0, False, D),  # done without a window
    ],
)
def test_status_table(expected, reported, past_end, status):
    assert progress_status(expected, reported, past_end) == status


def test_vectorised_and_int8():
    codes = progress_status([50, 50, 50, 100], [45, 35, 20, 100], [False, False, False, True])
    assert codes.dtype == np.int8
    np.testing.assert_array_equal(codes, [OK, B, FB, D])


def test_rounding_at_the_threshold_stays_on_track():
    # an expected fraction 0.55 is 55.00000000000001 % in floating point: 10.000000000000007 short
    e = 0.55 * 100
    assert e - 45 > 10
    assert progress_status(e, 45.0) == OK
    assert progress_status(e, 44.999) == B


def test_relative_measure():
    relative = StatusThresholds(measure="relative")
    # E = 40: R = 36 is 4/40 = 10 % short (on track), R = 35 is 12.5 % (behind), R = 30 is 25 %
    # (behind), R = 29 is 27.5 % (far behind)
    np.testing.assert_allclose(
        shortfall([40, 40, 40, 40], [36, 35, 30, 29], measure="relative"), [10, 12.5, 25, 27.5]
    )
    codes = progress_status([40, 40, 40, 40], [36, 35, 30, 29], thresholds=relative)
    np.testing.assert_array_equal(codes, [OK, B, B, FB])
    # E = 0: nothing was expected, nothing is short
    assert shortfall(0.0, 0.0, measure="relative") == 0.0
    assert progress_status(0.0, 0.0, thresholds=relative) == OK
    # the same E − R = 8 points is on track in points, far behind relative to E = 20 (40 %)
    assert progress_status(20.0, 12.0) == OK
    assert progress_status(20.0, 12.0, thresholds=relative) == FB


def test_custom_thresholds_and_done_level():
    strict = StatusThresholds(behind=5, far_behind=15, done_pct=95)
    np.testing.assert_array_equal(
        progress_status([50, 50, 50, 50, 100], [45, 44, 35, 34, 95], [0, 0, 0, 0, 1], thresholds=strict),
        [OK, B, B, FB, D],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"behind": 30, "far_behind": 20},
        {"behind": -1},
        {"measure": "ratio"},
        {"done_pct": 0},
        {"done_pct": 101},
    ],
)
def test_bad_thresholds(kwargs):
    with pytest.raises(ValueError):
        StatusThresholds(**kwargs)


def test_thresholds_are_frozen():
    with pytest.raises(AttributeError):
        StatusThresholds().behind = 5  # type: ignore[misc]


def test_shortfall_points_sign_and_nan():
    got = shortfall([50, 50, np.nan], [60, 30, 10])
    np.testing.assert_allclose(got[:2], [-10, 20])
    assert np.isnan(got[2])


@pytest.mark.parametrize(("reported", "row"), [([50, 101], 2), ([-1, 50], 1)])
def test_reported_out_of_range_names_the_row(reported, row):
    with pytest.raises(ValueError, match=rf"reported progress outside 0–100 % in data row {row}\b"):
        progress_status([50, 50], reported)


def test_empty():
    assert progress_status([], []).shape == (0,)


def test_labels():
    assert STATUS_LABELS[Status.ON_TRACK] == ("on track", "正常", "green")
    assert STATUS_LABELS[Status.BEHIND] == ("behind", "滞后", "yellow")
    assert STATUS_LABELS[Status.FAR_BEHIND] == ("far behind", "严重滞后", "red")
    assert STATUS_LABELS[Status.DONE] == ("done", "已完成", "blue")
    assert STATUS_LABELS[Status.OVERDUE] == ("overdue", "逾期", "red")
    assert STATUS_LABELS[Status.UNKNOWN][2] == "grey"
    frame = status_labels()
    assert frame.columns == ["code", "name_en", "name_zh", "colour"]
    assert frame.height == len(Status)
    # worst of several = the maximum code
    assert max(Status.DONE, Status.ON_TRACK, Status.BEHIND) == Status.BEHIND
    assert Status.OVERDUE > Status.FAR_BEHIND > Status.BEHIND > Status.ON_TRACK > Status.DONE > Status.UNKNOWN


# --- the task table -------------------------------------------------------------------------


def tasks() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "task_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
            "start": ["2021-09-10", "2021-09-10", "2022-01-01", "2022-01-01", None, "2023-01-01"],
            "end": ["2025-12-31", "2025-12-31", "2023-06-30", "2023-06-29", "2024-12-31", "2023-12-31"],
            "reported_pct": [30.0, 16.0, 80.0, 100.0, 50.0, None],
            "as_of": ["2023-06-30"] * 6,
        }
    )


def test_task_table_worked_example():
    out = task_status(tasks())
    assert out.columns == [*tasks().columns, "expected_pct", "shortfall_pct", "status"]
    assert out.schema["status"] == pl.Int8
    rows = out.rows_by_key("task_id", named=True, unique=True)
    # T1: expected 659/1574 = 41.868 %, 30 reported → 11.868 points short: behind
    assert rows["T1"]["expected_pct"] == pytest.approx(100 * 659 / 1574)
    assert rows["T1"]["shortfall_pct"] == pytest.approx(100 * 659 / 1574 - 30)
    assert rows["T1"]["status"] == B
    # T2: 16 reported → 25.868 short: far behind
    assert rows["T2"]["status"] == FB
    # T3: ends 2023-06-30 = as_of: its last day is not past, 100 % expected, 80 → 20 short: behind
    assert rows["T3"]["expected_pct"] == 100.0
    assert rows["T3"]["status"] == B
    # T4: ended the day before, but reports 100 %: done
    assert rows["T4"]["status"] == D
    # T5: no start, no expected progress, not past its end: unknown
    assert rows["T5"]["expected_pct"] is None
    assert rows["T5"]["status"] == U
    # T6: 181 of 365 days, nothing reported: unknown
    assert rows["T6"]["expected_pct"] == pytest.approx(100 * 181 / 365)
    assert rows["T6"]["shortfall_pct"] is None
    assert rows["T6"]["status"] == U


def test_day_after_the_end_is_overdue():
    out = task_status(tasks().with_columns(pl.lit("2023-07-01").alias("as_of")))
    assert out.filter(pl.col("task_id") == "T3").item(0, "status") == OD


def test_dates_as_polars_dates_and_one_as_of_for_all():
    frame = tasks().drop("as_of").with_columns(pl.col("start", "end").str.to_date())
    out = task_status(frame, as_of=dt.date(2023, 6, 30))
    np.testing.assert_array_equal(out.get_column("status").to_numpy(), [B, FB, B, D, U, U])
    datetimes = frame.with_columns(pl.col("start", "end").cast(pl.Datetime))
    assert task_status(datetimes, as_of="2023-06-30").get_column("status").to_list() == [B, FB, B, D, U, U]


def test_a_task_on_several_report_dates():
    frame = pl.DataFrame(
        {
            "task_id": ["T1"] * 3,
            "start": ["2023-01-01"] * 3,
            "end": ["2023-01-31"] * 3,
            "reported_pct": [10.0, 40.0, 90.0],
            "as_of": ["2023-01-10", "2023-01-20", "2023-02-01"],
        }
    )
    # 10/31 = 32.3 % expected vs 10: 22.3 short, behind; 20/31 = 64.5 vs 40: 24.5, behind;
    # past the end at 90 %: overdue
    assert task_status(frame).get_column("status").to_list() == [B, B, OD]


def test_milestone_schedule_for_some_tasks():
    schedule = pl.DataFrame(
        {
            "task_id": ["T1", "T1", "T2"],
            "date": ["2022-12-31", "2025-12-31", "2023-12-31"],
            "cumulative_pct": [50.0, 100.0, 10.0],
        }
    )
    out = task_status(tasks(), schedule=schedule)
    rows = out.rows_by_key("task_id", named=True, unique=True)
    # T1: 50 % by 2022-12-31, then 181 of the 1096 days to 2025-12-31 toward 100 %:
    # 50 + 50 × 181/1096 = 58.257 %; 30 reported → 28.26 short: far behind
    assert rows["T1"]["expected_pct"] == pytest.approx(50 + 50 * 181 / 1096)
    assert rows["T1"]["status"] == FB
    # T2: from (2021-09-09, 0) to (2023-12-31, 10 %): 659 of 843 days → 7.817 %; 16 reported: ahead
    assert rows["T2"]["expected_pct"] == pytest.approx(10 * 659 / 843)
    assert rows["T2"]["status"] == OK
    # T3 has no schedule: linear as before
    assert rows["T3"]["expected_pct"] == 100.0
    step = task_status(tasks(), schedule=schedule, interpolation="step").rows_by_key(
        "task_id", named=True, unique=True
    )
    assert step["T1"]["expected_pct"] == 50.0
    assert step["T2"]["expected_pct"] == 0.0


def test_schedule_errors_name_the_schedule_row():
    bad = pl.DataFrame(
        {
            "task_id": ["T1", "T1", "T2"],
            "date": ["2022-12-31", "2025-12-31", "2023-01-01"],
            "cumulative_pct": [60.0, 50.0, 5.0],
        }
    )
    with pytest.raises(ValueError, match=r"schedule: the cumulative % decreases in data row 2\b"):
        task_status(tasks(), schedule=bad)
    twice = bad.with_columns(pl.Series("date", ["2022-12-31", "2022-12-31", "2023-01-01"]))
    with pytest.raises(ValueError, match=r"same date twice for a task in data row [12]\b"):
        task_status(tasks(), schedule=twice)
    over = bad.with_columns(pl.Series("cumulative_pct", [50.0, 100.0, 120.0]))
    with pytest.raises(ValueError, match=r"outside 0–100 in data row 3\b"):
        task_status(tasks(), schedule=over)


def test_relative_thresholds_on_the_table():
    out = task_status(tasks(), thresholds=StatusThresholds(measure="relative"))
    # T1: (41.868 − 30) / 41.868 = 28.35 % of expected: far behind
    assert out.item(0, "shortfall_pct") == pytest.approx((659 / 1574 * 100 - 30) / (659 / 1574))
    assert out.item(0, "status") == FB


def test_end_before_start_names_the_row():
    frame = tasks().with_columns(pl.Series("end", ["2025-12-31", "2021-09-09", *["2023-06-30"] * 4]))
    with pytest.raises(ValueError, match=r"end is before the start in data row 2\b"):
        task_status(frame)


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("start", ["2021-09-10", "10/09/2021", *[None] * 4], r"'start': not a date .* data row 2\b"),
        ("reported_pct", [30.0, 100.5, *[1.0] * 4], r"'reported_pct': over 100 % in data row 2\b"),
        ("reported_pct", [30.0, -1.0, *[1.0] * 4], r"'reported_pct': negative value in data row 2\b"),
        ("reported_pct", ["30", "abc", *["1"] * 4], r"'reported_pct': not a number in data row 2\b"),
    ],
)
def test_bad_cells(column, values, message):
    with pytest.raises(InputError, match=message):
        task_status(tasks().with_columns(pl.Series(column, values)))


def test_missing_column():
    with pytest.raises(ValueError, match="missing column 'end'"):
        task_status(tasks().drop("end"))


def test_empty_table():
    empty = tasks().head(0)
    out = task_status(empty)
    assert out.height == 0
    assert out.columns[-3:] == ["expected_pct", "shortfall_pct", "status"]


def test_schedule_task_ids_of_another_type_still_match():
    frame = tasks().with_columns(pl.Series("task_id", [1, 2, 3, 4, 5, 6]))
    schedule = pl.DataFrame({"task_id": ["1"], "date": ["2022-12-31"], "cumulative_pct": [50.0]})
    # task 1: 50 % by 2022-12-31 and held after the last point
    assert task_status(frame, schedule=schedule).item(0, "expected_pct") == 50.0
