"""A reporter fills in and submits this month's report; the approver approves it; it shows as locked."""

from __future__ import annotations

import pytest

from jingjin.reporting.models import Report
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_fill_submit_and_approve(live_server, users, make_user, page, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("approver_a", "approver", "t.a")

    sign_in(page, live_server.url, "reporter_a")
    page.goto(f"{live_server.url}/reports/")
    mine = page.get_by_test_id("my-reports")
    assert "A1.M1.T1" in mine.inner_text() and "A1.M1.T2" not in mine.inner_text()
    mine.locator("[data-task='A1.M1.T1']").get_by_test_id("open-report").click()
    page.fill("#id_progress", "本月完成户厕改造验收")
    page.fill("#id_completion_pct", "100")
    page.fill("#id_next_plan", "巩固成果")
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-view").is_visible()
    assert page.get_by_test_id("report-form").count() == 0
    report = Report.objects.get(task__code="A1.M1.T1")
    assert report.status == "submitted"

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    approver = context.new_page()
    approver.set_default_timeout(15000)
    sign_in(approver, live_server.url, "approver_a")
    approver.goto(f"{live_server.url}/reports/review/")
    approver.get_by_test_id("review-queue").get_by_role("link").first.click()
    approver.get_by_test_id("approve").click()
    approver.wait_for_load_state()
    assert approver.get_by_test_id("locked").is_visible()
    assert approver.get_by_test_id("review-panel").count() == 0
    context.close()

    report.refresh_from_db()
    assert report.status == "approved" and report.reviewed_by.username == "approver_a"
    page.reload()
    assert page.get_by_test_id("locked").is_visible()
    assert page.get_by_test_id("report-form").count() == 0
