"""Recomputation end to end: raising, idempotence, resolution, acknowledgement, notifications and mail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail

from jingjin.alerts.models import EarlyWarning, Notification
from jingjin.alerts.services import warning_acknowledge, warnings_refresh
from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied

pytestmark = pytest.mark.django_db


def _open(rule: str = "") -> list[EarlyWarning]:
    warnings = EarlyWarning.objects.filter(resolved_at__isnull=True)
    if rule:
        warnings = warnings.filter(rule=rule)
    return list(warnings.order_by("key"))


def test_report_missing_at_the_edge_and_resolution(
    users: Any, task_a: Any, task_b: Any, period: Any, submit: Any
) -> None:
    summary = warnings_refresh(as_of=date(2024, 4, 7))  # deadline 04-05 + 2 days
    assert _open("report_missing") == []
    assert summary.raised == 0
    summary = warnings_refresh(as_of=date(2024, 4, 8))  # + 3 days
    missing = _open("report_missing")
    assert [w.task for w in missing] == [task_a, task_b]
    assert summary.raised == 2
    assert {w.unit.code for w in missing} == {"t.a", "t.b"}
    assert missing[0].level == "red"
    assert "A1.M1.T1" in missing[0].reason_text and "2024-03" in missing[0].reason_text
    assert missing[0].params["deadline"] == "2024-04-05"
    submit(task_a, period)
    summary = warnings_refresh(as_of=date(2024, 4, 9))
    assert summary.resolved == 1
    assert [w.task for w in _open("report_missing")] == [task_b]
    gone = EarlyWarning.objects.get(key=f"report_missing:task:{task_a.pk}:2024-03")
    assert gone.resolved_at is not None  # kept, with the time it was resolved


def test_refresh_is_idempotent(users: Any, period: Any, item: Any) -> None:
    first = warnings_refresh(as_of=date(2024, 4, 8))
    assert first.raised > 0
    audits = AuditEntry.objects.filter(source="warnings").count()
    assert audits == first.raised
    keys = sorted(EarlyWarning.objects.values_list("key", flat=True))
    second = warnings_refresh(as_of=date(2024, 4, 8))
    assert (second.raised, second.updated, second.resolved) == (0, 0, 0)
    assert sorted(EarlyWarning.objects.values_list("key", flat=True)) == keys
    assert AuditEntry.objects.filter(source="warnings").count() == audits  # nothing changed, no rows
    assert Notification.objects.count() == Notification.objects.values("user", "warning").distinct().count()


def test_status_red_from_the_status_engine(users: Any, task_a: Any, period: Any, submit: Any) -> None:
    submit(task_a, period, pct=10)  # ~59 % expected at 2024-03-31: far behind
    warnings_refresh(as_of=date(2024, 4, 8))
    red = _open("status_red")
    assert [(w.task, w.level) for w in red] == [(task_a, "red")]
    assert "far behind" in red[0].reason_text


def test_status_on_track_raises_nothing(users: Any, task_a: Any, period: Any, submit: Any) -> None:
    submit(task_a, period, pct=55)
    warnings_refresh(as_of=date(2024, 4, 8))
    assert _open("status_red") == []


@pytest.mark.parametrize(("value", "level"), [("2000", "red"), ("3900", "yellow"), ("4400", None)])
def test_indicator_projected_to_miss(
    users: Any, task_a: Any, submit: Any, value: str, level: str | None
) -> None:
    from jingjin.plans.models import Indicator
    from jingjin.reporting.services import period_get_or_create

    Indicator.objects.filter(code="A1.M1.T1.I1").update(target_year=2025, target_value=10000)
    # baseline 0 in 2020, one actual in 2022: projected 2.5 × value in 2025
    submit(task_a, period_get_or_create(year=2022, month=6), pct=20, values={"A1.M1.T1.I1": value})
    warnings_refresh(as_of=date(2022, 7, 20))
    found = _open("indicator_projected_to_miss")
    assert [w.level for w in found] == ([level] if level else [])


def test_indicator_without_actuals_is_skipped(users: Any, period: Any) -> None:
    warnings_refresh(as_of=date(2024, 4, 8))
    assert _open("indicator_projected_to_miss") == []


def test_supervision_due_soon_then_overdue(users: Any, item: Any) -> None:
    warnings_refresh(as_of=date(2024, 4, 6))
    assert _open() == []
    warnings_refresh(as_of=date(2024, 4, 7))
    assert [(w.rule, w.level) for w in _open()] == [("supervision_due_soon", "yellow")]
    summary = warnings_refresh(as_of=date(2024, 4, 11))
    assert [(w.rule, w.level) for w in _open()] == [("supervision_overdue", "red")]
    assert (summary.raised, summary.resolved) == (1, 1)
    item.state = "closed"
    item.save()
    warnings_refresh(as_of=date(2024, 4, 12))
    assert _open() == []


def test_black_list_escalation(users: Any, period: Any) -> None:
    from jingjin.assessment.models import RankingEntry, RankingList, RankingScheme
    from jingjin.core.models import Unit

    scheme = RankingScheme.objects.create(
        code="dept", name_zh="部门", name_en="Departments", peer_group="departments"
    )
    listed = RankingList.objects.create(scheme=scheme, period=period, status="published")
    RankingEntry.objects.create(
        ranking_list=listed,
        unit=Unit.objects.get(code="t.b"),
        on_time_pct=0,
        progress_pct=0,
        attainment_pct=0,
        score=0,
        target_met=False,
        verdict="black",
        escalated=True,
    )
    warnings_refresh(as_of=date(2024, 4, 6))
    found = _open("black_list_escalation")
    assert [(w.unit.code, w.level) for w in found] == [("t.b", "red")]
    # names, not codes (defect 5 of issue 10: "单位 sn.gxq 连续两期列入 counties-parks 黑榜")
    assert "Bureau B" in found[0].reason_text and "Departments" in found[0].reason_text
    assert "t.b" not in found[0].reason_text and "dept" not in found[0].reason_text
    assert "乙局" in found[0].reason and "部门" in found[0].reason  # the stored Chinese reason


def test_acknowledge_permissions(users: Any, make_user: Any, item: Any) -> None:
    warnings_refresh(as_of=date(2024, 4, 7))
    (warning,) = _open()
    for name in ("leader", "reporter_b", "county_c"):
        with pytest.raises(PermissionDenied):
            warning_acknowledge(actor=users[name], warning=warning, note="x")
    done = warning_acknowledge(actor=users["reporter_a"], warning=warning, note="正在办理")
    assert done.acknowledged_by == users["reporter_a"]
    assert done.acknowledge_note == "正在办理"
    assert AuditEntry.objects.filter(object_id=warning.pk, user=users["reporter_a"]).exists()
    warning_acknowledge(actor=users["office"], warning=warning, note="")
    # acknowledging does not resolve: the warning stays open until its condition is gone
    warnings_refresh(as_of=date(2024, 4, 8))
    assert EarlyWarning.objects.get(pk=warning.pk).acknowledged_at is not None


def test_notifications_and_mail(users: Any, item: Any, django_capture_on_commit_callbacks: Any) -> None:
    users["reporter_a"].email = "a@example.com"
    users["reporter_a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        warnings_refresh(as_of=date(2024, 4, 7))
    (warning,) = _open()
    notified = set(Notification.objects.filter(warning=warning).values_list("user__username", flat=True))
    assert notified == {"reporter_a"}  # the users of the responsible unit t.a only
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.com"]
    assert warning.reason in message.body
    with django_capture_on_commit_callbacks(execute=True):
        warnings_refresh(as_of=date(2024, 4, 8))
    assert len(mail.outbox) == 1  # nothing new, no second mail
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_demo_warnings(users: Any, period: Any, item: Any) -> None:
    from jingjin.alerts.demo import demo_warnings

    assert demo_warnings(today=date(2024, 4, 8)) == 3  # two missing reports, one item due soon
    assert Notification.objects.count() == 0  # the demo sends nothing
    assert demo_warnings(today=date(2024, 4, 8)) == 3
