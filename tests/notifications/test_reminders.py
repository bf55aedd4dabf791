"""Reminders (催报) by the schedule: 3 and 1 days before the deadline, daily after it, escalated to
the unit's leaders after N days, once per unit, period, kind and day; nobody who has submitted,
nobody about a struck-off task."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.models import Notification
from jingjin.core.models import AuditEntry
from jingjin.notifications.choices import ReminderKind
from jingjin.notifications.models import Reminder
from jingjin.notifications.services import reminders_send
from tests.notifications.conftest import submit

pytestmark = pytest.mark.django_db


def reminded(kind: str = NotificationKind.REMINDER) -> dict[str, list[str]]:
    """username → the stages of their reminder notifications, oldest first."""
    seen: dict[str, list[str]] = {}
    for note in Notification.objects.filter(kind=kind).select_related("user").order_by("id"):
        seen.setdefault(note.user.username, []).append(note.params.get("stage", ""))
    return seen


def test_three_and_one_day_before_the_deadline(people: dict[str, Any], period: Any) -> None:
    summary = reminders_send(as_of=date(2024, 4, 2))  # 3 days before 2024-04-05
    assert summary.sent == {ReminderKind.BEFORE: 2}
    assert reminded() == {"reporter_a": ["before"], "reporter_b": ["before"]}
    note = Notification.objects.get(user=people["reporter_a"])
    assert note.params["days"] == 3 and note.params["tasks"] == ["A1.M1.T1"]
    assert note.link == "/reports/?period=2024-03"
    assert note.text == (
        "Reminder: Bureau A has 1 report(s) for 2024-03 not submitted yet; "
        "the deadline is 2024-04-05, in 3 day(s)."
    )
    assert reminders_send(as_of=date(2024, 4, 3)).total == 0  # 2 days before: nothing
    assert reminders_send(as_of=date(2024, 4, 4)).sent == {ReminderKind.BEFORE: 2}
    assert reminders_send(as_of=date(2024, 4, 5)).total == 0  # the deadline itself
    assert reminded() == {"reporter_a": ["before", "before"], "reporter_b": ["before", "before"]}
    reminders = Reminder.objects.filter(kind=ReminderKind.BEFORE).order_by("day", "unit__code")
    assert [(r.unit.code, r.day, r.days, r.recipients) for r in reminders] == [
        ("t.a", date(2024, 4, 2), 3, 1),
        ("t.b", date(2024, 4, 2), 3, 1),
        ("t.a", date(2024, 4, 4), 1, 1),
        ("t.b", date(2024, 4, 4), 1, 1),
    ]
    assert AuditEntry.objects.filter(content_type__model="reminder", action="create").count() == 4


def test_nobody_who_has_submitted_is_reminded(people: dict[str, Any], period: Any, task_a: Any) -> None:
    submit(people["reporter_a"], task_a, period)
    summary = reminders_send(as_of=date(2024, 4, 4))
    assert summary.units == ["t.b"]
    assert reminded() == {"reporter_b": ["before"]}
    assert not Reminder.objects.filter(unit__code="t.a").exists()


def test_a_returned_report_counts_as_not_submitted(people: dict[str, Any], period: Any, task_a: Any) -> None:
    from jingjin.reporting.services import report_return

    report = submit(people["reporter_a"], task_a, period)
    report_return(actor=people["approver_a"], report=report, comment="补充佐证材料")
    assert sorted(reminders_send(as_of=date(2024, 4, 4)).units) == ["t.a", "t.b"]


def test_nobody_is_reminded_about_a_struck_off_task(people: dict[str, Any], task_b: Any) -> None:
    """T2 (lead unit t.b) reported 100 % in 2024-02 and approved: struck off from 2024-03, so t.b owes
    nothing for 2024-03 and gets no reminder; t.a still does."""
    from jingjin.reporting.selectors import tasks_due
    from jingjin.reporting.services import period_get_or_create, report_approve

    february = period_get_or_create(year=2024, month=2)
    march = period_get_or_create(year=2024, month=3)
    report_approve(actor=people["approver_b"], report=submit(people["reporter_b"], task_b, february, pct=100))
    assert not tasks_due(period=march).filter(pk=task_b.pk).exists()
    reminders_send(as_of=date(2024, 4, 4))
    # t.a: 1 day before March's deadline, and overdue and escalated for February; t.b: nothing
    assert sorted(Reminder.objects.values_list("unit__code", "period__month", "kind")) == [
        ("t.a", 2, ReminderKind.ESCALATION),
        ("t.a", 2, ReminderKind.OVERDUE),
        ("t.a", 3, ReminderKind.BEFORE),
    ]
    assert "reporter_b" not in reminded() and "approver_b" not in reminded()


def test_daily_after_the_deadline_and_escalation_after_n_days(people: dict[str, Any], period: Any) -> None:
    assert reminders_send(as_of=date(2024, 4, 6)).sent == {ReminderKind.OVERDUE: 2}
    assert reminders_send(as_of=date(2024, 4, 7)).sent == {ReminderKind.OVERDUE: 2}
    assert reminded(NotificationKind.REMINDER) == {
        "reporter_a": ["overdue"] * 2,
        "reporter_b": ["overdue"] * 2,
    }
    # 3 days after the deadline (JINGJIN_REMINDER_ESCALATE_DAYS): the leaders are told as well
    summary = reminders_send(as_of=date(2024, 4, 8))
    assert summary.sent == {ReminderKind.OVERDUE: 2, ReminderKind.ESCALATION: 2}
    seen = reminded()
    assert seen["approver_a"] == ["escalation"]
    assert seen["approver_b"] == ["escalation"] and seen["leader_b"] == ["escalation"]
    assert "office" not in seen and "leader" not in seen  # the city's leader is not the unit's
    assert seen["reporter_a"] == ["overdue"] * 3
    escalated = Notification.objects.get(user=people["leader_b"])
    assert escalated.text == (
        "Escalation: Bureau B still has 1 report(s) for 2024-03 not submitted, "
        "3 day(s) after the deadline 2024-04-05."
    )
    assert Reminder.objects.get(kind=ReminderKind.ESCALATION, unit__code="t.b").recipients == 2


def test_escalation_days_are_a_setting(people: dict[str, Any], period: Any, settings: Any) -> None:
    settings.JINGJIN_REMINDER_ESCALATE_DAYS = 1
    assert reminders_send(as_of=date(2024, 4, 6)).sent == {
        ReminderKind.OVERDUE: 2,
        ReminderKind.ESCALATION: 2,
    }


def test_idempotent_per_day(people: dict[str, Any], period: Any) -> None:
    first = reminders_send(as_of=date(2024, 4, 8))
    notes = Notification.objects.count()
    audits = AuditEntry.objects.count()
    again = reminders_send(as_of=date(2024, 4, 8))
    assert first.total == 4 and again.total == 0 and again.skipped == 4
    assert Notification.objects.count() == notes and AuditEntry.objects.count() == audits
    assert Reminder.objects.count() == 4


def test_no_reminder_long_after_the_deadline(people: dict[str, Any], period: Any) -> None:
    assert reminders_send(as_of=date(2024, 5, 5)).total == 4  # 30 days after: still daily
    assert reminders_send(as_of=date(2024, 5, 6)).total == 0  # 31 days after (the setting is 30)


def test_unit_with_every_report_in_gets_nothing(
    people: dict[str, Any], period: Any, task_a: Any, task_b: Any
) -> None:
    submit(people["reporter_a"], task_a, period)
    submit(people["reporter_b"], task_b, period)
    assert reminders_send(as_of=date(2024, 4, 8)).total == 0
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


def test_supervision_items_due_soon_and_overdue(people: dict[str, Any]) -> None:
    from jingjin.core.models import Unit
    from jingjin.notifications.services import supervision_reminders_send
    from jingjin.supervision.services import item_issue

    unit_a, unit_b = Unit.objects.get(code="t.a"), Unit.objects.get(code="t.b")
    soon = item_issue(
        actor=people["office"],
        title="整改河道",
        assignee_unit=unit_a,
        deadline=date(2024, 4, 3),
        issued_on=date(2024, 3, 1),
    )
    late = item_issue(
        actor=people["office"],
        title="补报台账",
        assignee_unit=unit_b,
        deadline=date(2024, 3, 28),
        issued_on=date(2024, 3, 1),
    )
    # the new items were announced to the handling units
    assert set(reminded(NotificationKind.SUPERVISION_NEW)) == {
        "reporter_a",
        "approver_a",
        "reporter_b",
        "approver_b",
    }
    summary = supervision_reminders_send(as_of=date(2024, 4, 1))
    assert summary.sent == {ReminderKind.ITEM_DUE_SOON: 1, ReminderKind.ITEM_OVERDUE: 1}
    assert supervision_reminders_send(as_of=date(2024, 4, 1)).total == 0  # once a day
    due = Notification.objects.filter(kind=NotificationKind.SUPERVISION_DUE)
    assert {(n.user.username, n.params["stage"]) for n in due} == {
        ("reporter_a", "due_soon"),
        ("approver_a", "due_soon"),
        ("reporter_b", "overdue"),
        ("approver_b", "overdue"),
    }
    note = due.get(user=people["reporter_b"])
    assert (
        note.text
        == f"Supervision item {late.code} 补报台账 of Bureau B is overdue since 2024-03-28; please answer it."
    )
    assert Reminder.objects.get(supervision_item=soon).days == 2
