"""Due tasks, late and missing reports, status lights, the review queue."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from jingjin.engines.status import Status
from jingjin.reporting import lists, selectors, services
from jingjin.reporting.models import Report

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_due_tasks_follow_the_task_window(loaded_plan):
    before = services.period_get_or_create(year=2021, month=8)  # T1 starts 2021-09-10
    first = services.period_get_or_create(year=2021, month=9)
    assert [t.code for t in selectors.tasks_due(period=before)] == ["A1.M1.T2"]  # no window: always due
    assert sorted(t.code for t in selectors.tasks_due(period=first)) == ["A1.M1.T1", "A1.M1.T2"]


def test_an_unfinished_task_stays_due_after_its_end_until_reported_done(users, task_a):
    after = services.period_get_or_create(year=2026, month=2)  # T1 ended 2025-12-31
    assert "A1.M1.T1" in {t.code for t in selectors.tasks_due(period=after)}
    december = services.period_get_or_create(year=2025, month=12)
    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=december,
        data={"progress": "完成", "completion_pct": 100},
    )
    services.report_submit(actor=users["reporter_a"], report=report)
    assert "A1.M1.T1" not in {t.code for t in selectors.tasks_due(period=after)}


def test_an_ended_task_asks_for_its_reports_of_100_percent_by_one_index(users, task_a):
    """Who is due after their end: each task's reports that said 100 % are found by the partial
    index ``report_task_done``, not by a walk through every earlier month of the task."""
    from django.db import connection

    after = services.period_get_or_create(year=2026, month=2)
    sql, params = selectors.tasks_due(period=after).values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "report_task_done" in plan


def test_every_report_keeps_its_month_index(task_a, task_b):
    """``period_index`` (year × 12 + month − 1) is set on save and on bulk_create."""
    march = services.period_get_or_create(year=2024, month=3)
    december = services.period_get_or_create(year=2023, month=12)
    saved = Report.objects.create(task=task_a, period=march)
    bulk = Report.objects.bulk_create([Report(task=task_b, period=december)])[0]
    assert Report.objects.get(pk=saved.pk).period_index == 2024 * 12 + 2 == march.index
    assert Report.objects.get(task=task_b, period=december).period_index == 2023 * 12 + 11
    assert bulk.period_index == december.index
    assert december.index + 3 == march.index  # consecutive months differ by one


def test_latest_reported_completion(users, task_a, task_b):
    """The latest submitted/resubmitted/approved report with a completion % up to a month;
    drafts and returned reports do not count."""
    months = [services.period_get_or_create(year=2024, month=m) for m in (1, 2, 3, 4)]
    Report.objects.create(task=task_a, period=months[0], completion_pct=10, status="approved")
    Report.objects.create(task=task_a, period=months[1], completion_pct=30, status="submitted")
    Report.objects.create(task=task_a, period=months[2], completion_pct=55, status="returned")
    Report.objects.create(task=task_a, period=months[3], completion_pct=70, status="draft")
    Report.objects.create(task=task_b, period=months[2], completion_pct=None, status="approved")
    assert selectors.latest_reported([task_a.pk, task_b.pk]) == {task_a.pk: (30, "2024-02")}
    assert selectors.latest_reported([task_a.pk], up_to=months[0]) == {task_a.pk: (10, "2024-01")}
    assert selectors.latest_reported([]) == {}
    Report.objects.filter(task=task_a, period=months[2]).update(status="resubmitted")
    assert selectors.latest_reported([task_a.pk]) == {task_a.pk: (55, "2024-03")}


def _submit_on(report: Report, day: date) -> None:
    Report.objects.filter(pk=report.pk).update(
        first_submitted_at=datetime(day.year, day.month, day.day, 23, 30, tzinfo=SHANGHAI)
    )


def test_late_and_missing_against_the_deadline(draft, users, period):
    # 2024-03: deadline 2024-04-05; A1.M1.T1 has a draft, A1.M1.T2 nothing
    assert period.deadline == date(2024, 4, 5)
    rows = {
        r.task.code: r
        for r in lists.overview_rows(user=users["office"], period=period, as_of=date(2024, 4, 5))
    }
    assert rows["A1.M1.T1"].state == "draft" and not rows["A1.M1.T1"].late
    assert rows["A1.M1.T2"].state == lists.MISSING and rows["A1.M1.T2"].missing and not rows["A1.M1.T2"].late

    rows = {
        r.task.code: r
        for r in lists.overview_rows(user=users["office"], period=period, as_of=date(2024, 4, 6))
    }
    assert rows["A1.M1.T1"].late and rows["A1.M1.T2"].late

    services.report_submit(actor=users["reporter_a"], report=draft)
    _submit_on(draft, date(2024, 4, 5))  # on the deadline day, late in the evening: on time
    row = lists.overview_rows(user=users["office"], period=period, as_of=date(2024, 5, 1))[0]
    assert row.state == "submitted" and not row.late
    _submit_on(draft, date(2024, 4, 6))
    row = lists.overview_rows(user=users["office"], period=period, as_of=date(2024, 5, 1))[0]
    assert row.late


def test_status_lights_come_from_the_status_engine(users, task_a):
    # T1 runs 2021-09-10 → 2025-12-31; at the end of 2023-12: 843 / 1574 days = 53.6 % expected
    december = services.period_get_or_create(year=2023, month=12)
    cases = [(55, Status.ON_TRACK), (40, Status.BEHIND), (20, Status.FAR_BEHIND), (100, Status.DONE)]
    report = None
    for pct, light in cases:
        report = services.report_save_draft(
            actor=users["reporter_a"], task=task_a, period=december, data={"completion_pct": pct}
        )
        row = lists.my_rows(user=users["reporter_a"], period=december)[0]
        assert row.light == light, pct
        assert round(row.expected_pct, 1) == 53.6
    assert report is not None
    late = services.period_get_or_create(year=2026, month=1)
    services.report_save_draft(
        actor=users["reporter_a"], task=task_a, period=late, data={"completion_pct": 90}
    )
    assert lists.my_rows(user=users["reporter_a"], period=late)[0].light == Status.OVERDUE


def test_my_rows_are_the_units_tasks(users, approver_a, period):
    assert [r.task.code for r in lists.my_rows(user=users["reporter_a"], period=period)] == ["A1.M1.T1"]
    assert [r.task.code for r in lists.my_rows(user=users["reporter_b"], period=period)] == ["A1.M1.T2"]
    assert lists.my_rows(user=users["leader"], period=period) == []
    assert lists.overview_rows(user=users["reporter_a"], period=period) == []
    assert len(lists.overview_rows(user=users["leader"], period=period)) == 2


def test_review_queue_by_role_and_unit(draft, users, approver_a, make_user):
    assert not selectors.review_queue(user=approver_a).exists()
    services.report_submit(actor=users["reporter_a"], report=draft)
    assert list(selectors.review_queue(user=approver_a)) == [draft]
    assert list(selectors.review_queue(user=users["office"])) == [draft]
    assert not selectors.review_queue(user=make_user("approver_b", "approver", "t.b")).exists()
    assert not selectors.review_queue(user=users["reporter_a"]).exists()


def test_period_choices_run_back_to_the_first_month(db):
    choices = selectors.period_choices(today=date(2022, 1, 20), first=(2021, 9))
    assert choices[0] == "2022-01" and choices[-1] == "2021-09" and len(choices) == 5


def test_the_first_month_comes_from_the_data(db, loaded_plan):
    from jingjin.reporting.services import period_get_or_create

    # no period yet: January of the plan's start year
    start = loaded_plan.start_year
    assert selectors.first_month() == (start, 1)
    period_get_or_create(year=start, month=9)
    period_get_or_create(year=start + 1, month=3)
    assert selectors.first_month() == (start, 9)  # the trends start where reporting started
    # the months one may open start with the plan, even before anyone reported
    assert selectors.first_month(with_plan_start=True) == (start, 1)
    assert selectors.period_choices(today=date(start + 1, 1, 20))[-1] == f"{start:04d}-01"
