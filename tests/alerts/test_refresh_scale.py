"""Recomputation at scale: the due tasks of several periods in one query (the same as
``tasks_due`` of each), writes whose number of queries does not grow with the warnings, and the
audit rows of creations, changes, reopenings and resolutions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.alerts import selectors
from jingjin.alerts.models import EarlyWarning, Notification
from jingjin.alerts.services import RefreshSummary, warning_acknowledge, warnings_refresh
from jingjin.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _audits(action: str = "") -> int:
    entries = AuditEntry.objects.filter(source="warnings")
    return entries.filter(action=action).count() if action else entries.count()


def _items(n: int, *, prefix: str, deadline: date = date(2024, 4, 10)) -> list[Any]:
    """``n`` open supervision items of unit t.a due on ``deadline``."""
    from jingjin.core.models import Unit
    from jingjin.supervision.models import SupervisionItem

    unit = Unit.objects.get(code="t.a")
    return [
        SupervisionItem.objects.create(
            code=f"{prefix}-{i:03d}",
            title="督办事项",
            assignee_unit=unit,
            deadline=deadline,
            issued_on=date(2024, 3, 1),
        )
        for i in range(n)
    ]


def _counted_refresh(as_of: date) -> tuple[int, RefreshSummary, int]:
    """Run a refresh: (its number of queries, its summary, the audit rows it wrote)."""
    audits = _audits()
    with CaptureQueriesContext(connection) as queries:
        summary = warnings_refresh(as_of=as_of)
    return len(queries), summary, _audits() - audits


def test_due_tasks_of_matches_tasks_due(users: Any, task_a: Any, task_b: Any, submit: Any) -> None:
    from jingjin.reporting.selectors import tasks_due
    from jingjin.reporting.services import period_get_or_create

    periods = [period_get_or_create(year=2024, month=m) for m in range(1, 13)]
    # task a: window 2024-02-15 … 2024-05-31, 100 % reported for 2024-07: due 2024-02 … 2024-07;
    # task b: window 2024-03 … 2024-04, never finished: due from 2024-03 on
    type(task_a).objects.filter(pk=task_a.pk).update(start=date(2024, 2, 15), end=date(2024, 5, 31))
    type(task_b).objects.filter(pk=task_b.pk).update(start=date(2024, 3, 1), end=date(2024, 4, 30))
    submit(task_a, periods[5], pct=80)
    submit(task_a, periods[6], pct=100)
    submit(task_b, periods[4], pct=60)

    due = selectors.due_tasks_of(periods=[*periods, periods[0]])  # a repeated period counts once
    assert set(due) == {p.pk for p in periods}
    for period in periods:
        expected = list(tasks_due(period=period).values_list("pk", "code", "lead_unit_id", "start", "end"))
        assert due[period.pk] == expected, period.code
    assert [p.month for p in periods if task_a.pk in {t[0] for t in due[p.pk]}] == [2, 3, 4, 5, 6, 7]
    assert [p.month for p in periods if task_b.pk in {t[0] for t in due[p.pk]}] == list(range(3, 13))
    assert selectors.due_tasks_of(periods=[]) == {}

    # struck off (销号) from 2024-03, reopened from 2024-05: not due in 2024-03 and 2024-04
    from django.utils import timezone

    from jingjin.reporting.models import StrikeOff

    StrikeOff.objects.create(
        task=task_a,
        from_index=periods[2].index,
        reopened_from_index=periods[4].index,
        struck_off_at=timezone.now(),
    )
    due = selectors.due_tasks_of(periods=periods)
    for period in periods:
        expected = list(tasks_due(period=period).values_list("pk", "code", "lead_unit_id", "start", "end"))
        assert due[period.pk] == expected, period.code
    assert [p.month for p in periods if task_a.pk in {t[0] for t in due[p.pk]}] == [2, 5, 6, 7]


def test_due_tasks_and_reports_of_all_periods_in_two_queries(users: Any) -> None:
    from jingjin.reporting.services import period_get_or_create

    periods = [period_get_or_create(year=2024, month=m) for m in range(1, 5)]
    with CaptureQueriesContext(connection) as queries:
        selectors.due_tasks_of(periods=periods)
        selectors.report_facts(period_ids={p.pk for p in periods})
    assert len(queries) == 2


def test_second_refresh_queries_do_not_grow_with_the_warnings(users: Any) -> None:
    _items(1, prefix="A")
    warnings_refresh(as_of=date(2024, 4, 11))  # overdue
    few, summary, audits = _counted_refresh(date(2024, 4, 11))
    assert (summary.raised, summary.updated, summary.resolved, audits) == (0, 0, 0, 0)

    _items(30, prefix="B")
    assert warnings_refresh(as_of=date(2024, 4, 11)).raised == 30
    seen = dict(EarlyWarning.objects.values_list("pk", "last_seen_at"))
    many, summary, audits = _counted_refresh(date(2024, 4, 11))
    assert (summary.raised, summary.updated, summary.resolved) == (0, 0, 0)
    assert audits == 0  # a bare last_seen_at refresh gets no audit row
    assert many == few  # no UPDATE per warning
    assert all(last > seen[pk] for pk, last in EarlyWarning.objects.values_list("pk", "last_seen_at"))


def test_changed_warnings_are_written_in_few_queries(users: Any) -> None:
    _items(1, prefix="A")
    warnings_refresh(as_of=date(2024, 4, 7))  # due soon, in 3 days
    few, summary, audits = _counted_refresh(date(2024, 4, 8))  # in 2 days: the params change
    assert (summary.raised, summary.updated, summary.resolved, audits) == (0, 1, 0, 1)

    _items(30, prefix="B", deadline=date(2024, 4, 11))
    assert warnings_refresh(as_of=date(2024, 4, 8)).raised == 30
    many, summary, audits = _counted_refresh(date(2024, 4, 9))  # every one a day closer
    assert (summary.raised, summary.updated, summary.resolved, audits) == (0, 31, 0, 31)
    assert many == few
    for warning in EarlyWarning.objects.select_related("supervision_item"):
        assert warning.supervision_item is not None
        days = (warning.supervision_item.deadline - date(2024, 4, 9)).days
        assert warning.params["days"] == days
        assert str(days) in warning.reason_text
        assert warning.resolved_at is None


def test_reopened_warning_is_raised_again(users: Any) -> None:
    from jingjin.supervision.choices import ItemState

    (item,) = _items(1, prefix="A")
    warnings_refresh(as_of=date(2024, 4, 11))
    (warning,) = EarlyWarning.objects.all()
    raised_at = warning.first_raised_at
    warning_acknowledge(actor=users["reporter_a"], warning=warning, note="在办")
    item.state = ItemState.CLOSED
    item.save()
    summary = warnings_refresh(as_of=date(2024, 4, 12))
    assert summary.resolved == 1
    warning.refresh_from_db()
    assert warning.resolved_at is not None
    item.state = ItemState.ASSIGNED
    item.save()
    notes = Notification.objects.count()
    updates = _audits("update")
    summary = warnings_refresh(as_of=date(2024, 4, 13))
    assert (summary.raised, summary.updated, summary.resolved) == (1, 0, 0)
    assert _audits("update") == updates + 1  # one audit row for the reopening
    warning.refresh_from_db()
    assert warning.resolved_at is None
    assert warning.acknowledged_at is None and warning.acknowledged_by is None
    assert warning.acknowledge_note == ""
    assert warning.first_raised_at > raised_at
    assert warning.last_seen_at == warning.first_raised_at
    assert Notification.objects.count() == notes + 1  # the responsible user hears of it again
    assert _audits("create") == 1
