"""A project report's way on a phone: the reporter fills it with a support request and submits it,
the approver approves it, the plan office makes the request a supervision item, whose page links
back to the report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jingjin.projects.models import ProjectMilestone, ProjectReport
from jingjin.supervision.models import SupervisionItem
from tests.browser.test_plan_tree import sign_in
from tests.projects.reports_world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_with_a_support_request_to_a_supervision_item(live_server, users, make_user, browser, page):
    base = live_server.url
    make_world(users, make_user)

    sign_in(page, base, "reporter_a")
    page.goto(f"{base}/projects/reports/?period=2024-03")
    page.locator('[data-project="XM-A"]').get_by_test_id("fill-project-report").click()
    page.fill("#id_investment_month", "120")
    page.fill("#id_investment_ytd", "300")
    page.fill("#id_image_progress", "主体结构完成")
    page.fill("#id_support_needed", "请协调施工用电增容")
    page.fill("#id_milestone_started", "2024-03-10")
    page.get_by_test_id("submit-report").click()
    page.get_by_test_id("project-report-view").wait_for()
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "submitted"
    report = ProjectReport.objects.get()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    approver = context.new_page()
    approver.set_default_timeout(15000)
    sign_in(approver, base, "approver_a")
    approver.goto(f"{base}/projects/reports/review/")
    approver.get_by_test_id("project-review-queue").locator("a").first.click()
    approver.get_by_test_id("approve").click()
    approver.get_by_test_id("locked").wait_for()
    context.close()
    assert ProjectMilestone.objects.get(kind="started").actual.isoformat() == "2024-03-10"

    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/projects/reports/{report.pk}/")
    page.select_option("#id_assignee_unit", "t.a")
    page.fill("#id_deadline", "2099-06-30")
    page.get_by_test_id("supervise").click()
    page.get_by_test_id("item-title").wait_for()
    item = SupervisionItem.objects.get()
    assert page.url.endswith(f"/supervision/{item.code}/")
    assert "请协调施工用电增容" in page.content()
    page.get_by_test_id("project-report-link").locator("a").click()
    expect(page.get_by_test_id("supervision-link")).to_have_text(re.compile(f"^{re.escape(item.code)}"))
