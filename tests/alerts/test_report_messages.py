"""In-app messages about reports (defect 6 of issue 10): a returned report tells the users who may
edit it, with the reviewer's comment; a submitted one tells the users who may review it. Both show
on the warnings page (the notifications list) in the reader's language, with a link to the report."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.alerts.models import Notification
from jingjin.reporting import services

pytestmark = pytest.mark.django_db

REPORT_URL = "/reports/2024-03/tasks/{}/"


@pytest.fixture
def approver_a(make_user: Any, users: Any) -> Any:
    return make_user("approver_a", "approver", "t.a")


@pytest.fixture
def draft(users: Any, task_a: Any, period: Any) -> Any:
    return services.report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=period,
        data={"progress": "完成户厕改造1200户", "completion_pct": 55},
    )


def _recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_submission_tells_the_reviewers_only(users: Any, make_user: Any, approver_a: Any, draft: Any) -> None:
    make_user("approver_b", "approver", "t.b")  # another unit's approver: not told
    make_user("approver_city", "approver", "t")  # an approver above t.a: told
    services.report_submit(actor=users["reporter_a"], report=draft)
    assert _recipients("report_submitted") == {"approver_a", "approver_city", "office"}
    note = Notification.objects.filter(kind="report_submitted").first()
    assert note is not None and note.warning is None
    assert note.link == REPORT_URL.format(draft.task_id)
    assert note.params["task"] == "A1.M1.T1" and note.params["period"] == "2024-03"
    assert (
        note.text
        == "Bureau A submitted the report of A1.M1.T1 Task of A for 2024-03: it waits for your review."
    )


def test_return_tells_the_reporters_with_the_comment(
    users: Any, make_user: Any, approver_a: Any, draft: Any
) -> None:
    make_user("reporter_a2", "reporter", "t.a")
    make_user("approver_other", "approver", "t.a")  # may not edit: not told
    report = services.report_submit(actor=users["reporter_a"], report=draft)
    services.report_return(actor=approver_a, report=report, comment="请补充佐证材料")
    assert _recipients("report_returned") == {"reporter_a", "reporter_a2"}
    note = Notification.objects.get(kind="report_returned", user=users["reporter_a"])
    assert note.text == (
        "Your report of A1.M1.T1 Task of A for 2024-03 was returned by approver_a: 请补充佐证材料"
    )
    # resubmitted: the reviewers hear again, with the other wording
    report.refresh_from_db()
    services.report_submit(actor=users["reporter_a"], report=report)
    latest = Notification.objects.filter(kind="report_submitted", user=approver_a).first()
    assert latest is not None and "resubmitted" in latest.text


def test_reporter_sees_the_returned_message_on_the_page(
    client: Any, settings: Any, users: Any, approver_a: Any, draft: Any
) -> None:
    report = services.report_submit(actor=users["reporter_a"], report=draft)
    client.force_login(approver_a)
    response = client.post(REPORT_URL.format(draft.task_id), {"action": "return", "comment": "数据有误"})
    assert response.status_code == 302
    assert Notification.objects.filter(kind="report_returned", user=users["reporter_a"]).count() == 1

    client.force_login(users["reporter_a"])
    home = client.get("/reports/?period=2024-03").content.decode()
    assert 'data-testid="unread-badge"' in home  # the bell in the navigation
    page = client.get("/warnings/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    assert 'data-kind="report_returned"' in page
    assert f'href="{REPORT_URL.format(report.task_id)}"' in page
    assert "returned by approver_a: 数据有误" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/warnings/").content.decode()
    assert "甲局任务" in page and "数据有误" in page and "approver_a" in page
    assert "Task of A" not in page and "returned by" not in page


def test_approver_sees_the_submitted_message_on_the_page(
    client: Any, settings: Any, users: Any, approver_a: Any, draft: Any
) -> None:
    client.force_login(users["reporter_a"])
    response = client.post(
        REPORT_URL.format(draft.task_id),
        {"action": "submit", "progress": "完成户厕改造1200户", "completion_pct": "55"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(approver_a)
    page = client.get("/warnings/").content.decode()
    assert 'data-kind="report_submitted"' in page
    assert "Bureau A submitted the report of A1.M1.T1 Task of A for 2024-03" in page
    assert f'href="{REPORT_URL.format(draft.task_id)}"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/warnings/").content.decode()
    assert "甲局" in page and "甲局任务" in page and "Bureau A" not in page
    # read: the badge goes
    client.post("/warnings/notifications/read/")
    assert 'data-testid="unread-badge"' not in client.get("/warnings/").content.decode()


def test_no_messages_when_a_review_fails(users: Any, approver_a: Any, draft: Any) -> None:
    from django.core.exceptions import ValidationError

    report = services.report_submit(actor=users["reporter_a"], report=draft)
    with pytest.raises(ValidationError):
        services.report_return(actor=approver_a, report=report, comment="  ")
    assert not Notification.objects.filter(kind="report_returned").exists()
