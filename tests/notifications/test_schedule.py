"""The schedule: next runs of the crontab lines at given clock times, the consumer's UTC clock,
``jingjin schedule``, and the periodic tasks submitting their jobs once a day."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jingjin.notifications import schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("line", "now", "expected"),
    [
        ("0 8 * * *", "2025-03-06 05:11", "2025-03-06 08:00"),  # later today
        ("0 8 * * *", "2025-03-06 08:00", "2025-03-07 08:00"),  # strictly after: tomorrow
        ("30 1 * * *", "2025-12-31 23:59", "2026-01-01 01:30"),  # over the year's end
        ("0 7 6 * *", "2025-03-06 07:00", "2025-04-06 07:00"),  # the bulletin: the 6th, next month
        ("0 7 6 * *", "2025-01-31 12:00", "2025-02-06 07:00"),
        ("0 9 * * 1", "2025-03-09 10:00", "2025-03-10 09:00"),  # Mondays (2025-03-09 is a Sunday)
        ("*/15 * * * *", "2025-03-06 10:07", "2025-03-06 10:15"),
        ("0 0 29 2 *", "2025-03-01 00:00", "2028-02-29 00:00"),  # the next leap day
    ],
)
def test_next_run(line: str, now: str, expected: str) -> None:
    assert schedule.next_run(line, at(now)) == at(expected)


def test_next_run_is_the_first_matching_minute() -> None:
    """Checked minute by minute against Huey's own crontab."""
    line = "20 6,18 */2 * *"
    start = at("2025-03-06 05:11")
    found = schedule.next_run(line, start)
    assert found is not None
    matches = schedule.cron_matcher(line)
    assert matches(found.replace(tzinfo=None))
    moment = start.replace(tzinfo=None, second=0) + timedelta(minutes=1)
    while moment < found.replace(tzinfo=None):
        assert not matches(moment), moment
        moment += timedelta(minutes=1)


def test_next_run_of_an_aware_utc_time() -> None:
    utc = datetime(2025, 3, 5, 23, 30, tzinfo=ZoneInfo("UTC"))  # 07:30 on the 6th in Shanghai
    assert schedule.next_run("0 8 * * *", utc) == at("2025-03-06 08:00")


def test_a_line_that_never_runs() -> None:
    assert schedule.next_run("0 0 31 2 *", at("2025-03-06 00:00")) is None


@pytest.mark.parametrize("line", ["0 8 * *", "61 8 * * *", "0 8 * * mon-fri-x", ""])
def test_bad_lines(line: str) -> None:
    with pytest.raises(schedule.ScheduleError):
        schedule.cron_matcher(line)


def test_due_now_reads_the_consumers_utc_clock(settings: Any) -> None:
    """Huey passes naive UTC times; the lines are in TIME_ZONE (Asia/Shanghai, UTC+8)."""
    settings.HUEY = {**settings.HUEY, "utc": True}
    assert schedule.due_now("0 8 * * *", datetime(2025, 3, 6, 0, 0))
    assert not schedule.due_now("0 8 * * *", datetime(2025, 3, 6, 8, 0))
    assert schedule.due_now("0 7 6 * *", datetime(2025, 3, 5, 23, 0))  # 07:00 on the 6th locally
    settings.HUEY = {**settings.HUEY, "utc": False}
    assert schedule.due_now("0 8 * * *", datetime(2025, 3, 6, 8, 0))


def test_schedule_command(capsys: Any, monkeypatch: Any, settings: Any) -> None:
    from jingjin.cli import main
    from jingjin.core import clock

    settings.JINGJIN_SCHEDULE = {
        "warnings-refresh": "30 1 * * *",
        "reminders": "0 8 * * *",
        "supervision-reminders": "15 8 * * *",
        "bulletin": "0 7 6 * *",
    }
    monkeypatch.setattr(clock, "now", lambda: at("2025-03-06 07:30"))
    assert main(["schedule", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["now"] == "2025-03-06T07:30+08:00"
    assert {row["job"]: row["next_run"] for row in shown["schedule"]} == {
        "warnings-refresh": "2025-03-07T01:30+08:00",
        "reminders": "2025-03-06T08:00+08:00",
        "supervision-reminders": "2025-03-06T08:15+08:00",
        "bulletin": "2025-04-06T07:00+08:00",
    }
    assert main(["schedule"]) == 0
    table = capsys.readouterr().out
    assert "bulletin" in table and "next 2025-04-06 07:00" in table


def test_schedule_command_names_a_bad_line(capsys: Any, settings: Any) -> None:
    from jingjin.cli import main

    settings.JINGJIN_SCHEDULE = {"reminders": "0 25 * * *"}
    assert main(["schedule"]) == 2
    assert "JINGJIN_SCHEDULE reminders" in capsys.readouterr().err


def test_periodic_tasks_are_registered_for_every_entry() -> None:
    from jingjin.notifications import tasks

    assert set(tasks.PERIODIC) == {
        "warnings-refresh",
        "reminders",
        "supervision-reminders",
        "bulletin",
        "urging",
    }
    task = tasks.PERIODIC["reminders"]
    assert task.task_class.validate_datetime(None, datetime(2025, 3, 6, 0, 0))  # 08:00 in Shanghai
    assert not task.task_class.validate_datetime(None, datetime(2025, 3, 6, 0, 1))


@pytest.mark.django_db
def test_a_due_entry_submits_its_job_once_a_day(
    people: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.choices import JobState
    from jingjin.jobs.models import Job
    from jingjin.notifications import tasks

    settings.JINGJIN_AS_OF = "2024-04-04"
    with django_capture_on_commit_callbacks(execute=True):
        tasks.PERIODIC["reminders"].call_local()
    job = Job.objects.get(kind="reminders")
    assert job.state == JobState.DONE and job.owner is None
    assert job.params == {"scheduled": "2024-04-04"}
    assert job.summary["total"] == 0  # no period yet: nothing due
    with django_capture_on_commit_callbacks(execute=True):
        tasks.PERIODIC["reminders"].call_local()  # a second consumer, or a restart within the minute
    assert Job.objects.filter(kind="reminders").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        tasks.PERIODIC["warnings-refresh"].call_local()
    assert Job.objects.get(kind="warnings-refresh").state == JobState.DONE
