"""The history of review comments (defect 6 of issue 10): approving a report no longer erases the
comment of an earlier return; the report page and the API show every verdict."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from jingjin.reporting import services
from jingjin.reporting.models import ReviewComment

pytestmark = pytest.mark.django_db

URL = "/reports/2024-03/tasks/{}/"


def _returned_then_approved(draft, users, approver_a):
    report = services.report_submit(actor=users["reporter_a"], report=draft)
    report = services.report_return(actor=approver_a, report=report, comment="请补充佐证材料")
    report = services.report_submit(actor=users["reporter_a"], report=report)
    return services.report_approve(actor=approver_a, report=report, comment="同意")


def test_every_verdict_is_kept_with_its_comment(draft, users, approver_a):
    report = _returned_then_approved(draft, users, approver_a)
    history = list(ReviewComment.objects.filter(report=report).order_by("created_at", "pk"))
    assert [(c.verdict, c.text, c.author) for c in history] == [
        ("returned", "请补充佐证材料", approver_a),
        ("approved", "同意", approver_a),
    ]
    assert report.review_comment == "同意"  # the latest stays on the report
    assert history[0].created_at <= history[1].created_at


def test_an_approval_without_comment_keeps_the_return_comment(draft, users, approver_a):
    report = services.report_submit(actor=users["reporter_a"], report=draft)
    report = services.report_return(actor=approver_a, report=report, comment="数据有误")
    report = services.report_submit(actor=users["reporter_a"], report=report)
    report = services.report_approve(actor=users["office"], report=report)
    assert report.review_comment == ""
    assert list(report.review_comments.values_list("verdict", "text")) == [
        ("returned", "数据有误"),
        ("approved", ""),
    ]


def test_the_as_of_clock_dates_the_comments(draft, users, approver_a, settings):
    settings.JINGJIN_AS_OF = "2024-04-08"
    report = services.report_submit(actor=users["reporter_a"], report=draft)
    services.report_return(actor=approver_a, report=report, comment="补充")
    (comment,) = ReviewComment.objects.filter(report=report)
    assert comment.created_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == "2024-04-08"


def test_the_report_page_shows_the_whole_history_in_local_time(client, draft, users, approver_a):
    report = _returned_then_approved(draft, users, approver_a)
    ReviewComment.objects.filter(report=report, verdict="returned").update(
        created_at=datetime(2024, 4, 6, 6, 30, tzinfo=ZoneInfo("UTC"))
    )
    client.force_login(users["reporter_a"])
    page = client.get(URL.format(report.task_id))
    assert page.status_code == 200
    text = page.content.decode()
    history = text[text.index('data-testid="review-history"') :]
    assert "请补充佐证材料" in history and "同意" in history
    assert history.count('data-testid="review-comment"') == 2
    assert "Returned" in history and "Approved" in history  # verdict labels, not "returned"
    assert "2024-04-06 14:30" in history  # 06:30 UTC is 14:30 in Asia/Shanghai
    assert "approver_a" in history


def test_the_report_page_in_chinese(client, draft, users, approver_a, settings):
    report = _returned_then_approved(draft, users, approver_a)
    client.force_login(users["reporter_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    text = client.get(URL.format(report.task_id)).content.decode()
    history = text[text.index('data-testid="review-history"') :]
    assert "已退回" in history and "已审核" in history
    assert not re.search(r">\s*(Returned|Approved)\s*<", history)


def test_the_api_gives_the_review_comments(draft, users, approver_a):
    report = _returned_then_approved(draft, users, approver_a)
    client = APIClient()
    client.force_authenticate(users["reporter_a"])
    data = client.get(f"/api/reports/{report.pk}").json()
    assert [(c["verdict"], c["text"], c["author"]) for c in data["review_comments"]] == [
        ("returned", "请补充佐证材料", "approver_a"),
        ("approved", "同意", "approver_a"),
    ]
    assert data["review_comments"][0]["created_at"].endswith("+08:00")
    listed = client.get("/api/reports?period=2024-03").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [len(r["review_comments"]) for r in rows] == [2]


def test_the_return_over_the_api_records_the_comment(draft, users, approver_a):
    services.report_submit(actor=users["reporter_a"], report=draft)
    client = APIClient()
    client.force_authenticate(approver_a)
    response = client.post(f"/api/reports/{draft.pk}/return", {"comment": "重写进展"}, format="json")
    assert response.status_code == 200
    assert [c["text"] for c in response.json()["review_comments"]] == ["重写进展"]
