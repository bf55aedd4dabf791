"""A county's share of a city task through the monthly loop, in a browser.

The plan office has split the city task A1.M1.T1 into a share for the county 丙县 (t.c); the
share's February report (60 %) is approved. In March the county user reports a lower completion:
the form refuses it until a reason is given (the error sits under the completion field and the
typed text stays), then takes it with the reason. The county's approver sees the drop in the
review queue and on the report, and returns the report with a comment; the county user gets an
in-app message (the badge in the menu, the list on the warnings page) that leads to the report,
which shows the comment. Finally the plan office goes from the cockpit of March down to the
share's report: through the attention list, and through the cockpit's task list.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from jingjin.alerts.models import Notification
from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.plans.shares import task_split
from jingjin.reporting import services
from jingjin.reporting.models import Report
from tests.browser.test_plan_tree import sign_in
from tests.browser.test_report_loop import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "2024-03"
APPROVED_MONTH = "2024-02"
REASON = "省级复核核减了已完工程量"
COMMENT = "完成率下降，请附省级复核文件"


def approved_february_share(office, county_user, approver) -> Task:
    """The county's share of A1.M1.T1, with an approved February report at 60 %."""
    city_task = Task.objects.get(code="A1.M1.T1")
    (share,) = task_split(actor=office, task=city_task, units=[Unit.objects.get(code="t.c")], source="test")
    february = services.period_get_or_create(year=2024, month=2)
    first = services.report_save_draft(
        actor=county_user,
        task=share,
        period=february,
        data={"progress": "完成改造600户", "completion_pct": 60},
        source="test",
    )
    services.report_submit(actor=county_user, report=first, source="test")
    services.report_approve(actor=approver, report=first, source="test")
    return share


def march_report(share: Task) -> Report | None:
    return Report.objects.filter(task=share, period__year=2024, period__month=3).first()


def test_county_share_lower_completion_is_returned_and_the_cockpit_reaches_it(
    live_server, users, make_user, page, browser
):
    approver = make_user("approver_c", "approver", "t.c")
    county_user = users["county_c"]
    share = approved_february_share(users["office"], county_user, approver)
    assert share.parent.code == "A1.M1.T1" and share.lead_unit.code == "t.c"
    # February's approval told the county so; it has read that message already
    approved = Notification.objects.filter(user=county_user, kind="report_approved")
    assert approved.count() == 1
    approved.update(read_at=timezone.now())
    base = live_server.url

    # The county user opens "my reports" of March: its share is listed; no message is waiting yet.
    sign_in(page, base, "county_c")
    page.goto(f"{base}/reports/?period={PERIOD}")
    assert page.get_by_test_id("unread-badge").count() == 0
    row = page.get_by_test_id("my-reports").locator(f"[data-task='{share.code}']")
    assert row.count() == 1
    row.get_by_test_id("open-report").click()
    page.wait_for_load_state()
    report_path = f"/reports/{PERIOD}/tasks/{share.pk}/"
    assert page.url == f"{base}{report_path}"

    # A lower completion without a reason is refused: the error names the completion field (the
    # approved 60 % of February), the typed text is kept and nothing is written.
    page.fill("#id_progress", "本月复核后核减改造户数")
    page.fill("#id_completion_pct", "40")
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    error = page.get_by_test_id("error-completion_pct")
    assert error.count() == 1
    assert "60" in error.inner_text() and APPROVED_MONTH in error.inner_text()
    assert page.get_by_test_id("error-progress").count() == 0
    assert page.input_value("#id_progress") == "本月复核后核减改造户数"
    assert page.input_value("#id_completion_pct") == "40"
    assert march_report(share) is None

    # With a reason the report goes in, the reason kept and the drop shown on the page.
    page.fill("#id_regression_reason", REASON)
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-form").count() == 0
    report = march_report(share)
    assert report is not None
    assert report.status == "submitted" and report.completion_pct == 40
    assert report.regression_reason == REASON
    assert REASON in page.get_by_test_id("regression").inner_text()

    # The approver of the county sees the drop highlighted in the review queue and on the report,
    # and returns it with a comment.
    approver_context, approver_page = new_page(browser)
    sign_in(approver_page, base, "approver_c")
    approver_page.goto(f"{base}/reports/review/")
    queued = approver_page.get_by_test_id("review-queue").locator("li").filter(has_text=share.code)
    assert queued.count() == 1
    drop = queued.get_by_test_id("regression")
    assert "60" in drop.inner_text() and APPROVED_MONTH in drop.inner_text()
    assert REASON in drop.inner_text()
    queued.get_by_role("link").first.click()
    approver_page.wait_for_load_state()
    assert approver_page.url == f"{base}{report_path}"
    warning = approver_page.get_by_test_id("regression")
    assert warning.is_visible()
    assert "60" in warning.inner_text() and REASON in warning.inner_text()
    approver_page.fill("#review-comment", COMMENT)
    approver_page.get_by_test_id("return").click()
    approver_page.wait_for_load_state()
    approver_context.close()
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == COMMENT
    assert report.reviewed_by == approver

    # The county user sees the message: a badge in the menu and the message on the warnings page,
    # whose link opens the report with the return comment.
    assert Notification.objects.filter(user=county_user, kind="report_returned").count() == 1
    page.goto(f"{base}/reports/?period={PERIOD}")
    badge = page.get_by_test_id("unread-badge")
    assert badge.text_content().strip() == "1"
    page.locator("button[aria-controls='nav']").click()  # the phone's menu
    page.locator("#nav a", has=badge).click()
    page.wait_for_load_state()
    assert page.url == f"{base}/warnings/"
    assert page.get_by_test_id("unread-count").inner_text().strip() == "1"
    message = page.get_by_test_id("notifications").locator("[data-kind='report_returned']")
    assert message.count() == 1
    assert COMMENT in message.inner_text() and share.code in message.inner_text()
    message.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url == f"{base}{report_path}"
    assert COMMENT in page.get_by_test_id("returned-comment").inner_text()
    history = page.get_by_test_id("review-history").locator("[data-verdict='returned']")
    assert COMMENT in history.inner_text()
    assert page.get_by_test_id("report-form").is_visible()  # the county can correct it

    # The plan office goes down from the cockpit of March to the share's report: the returned,
    # late report is on the attention list …
    office_context, office = new_page(browser)
    sign_in(office, base, "office")
    cockpit = f"{base}/cockpit/?period={PERIOD}"
    office.goto(cockpit)
    attention = office.get_by_test_id("attention-reports").locator(f"tr[data-task='{share.code}']")
    assert attention.count() == 1
    attention.get_by_test_id("attention-link").click()
    office.wait_for_load_state()
    assert office.url == f"{base}{report_path}"
    assert COMMENT in office.get_by_test_id("returned-comment").inner_text()

    # … and the cockpit's task list leads to it as well.
    office.goto(cockpit)
    office.get_by_test_id("tasks-count").click()
    office.wait_for_load_state()
    assert re.search(rf"/cockpit/tasks/\?(.*&)?period={PERIOD}", office.url)
    task_row = office.get_by_test_id("cockpit-tasks").locator(f"tr[data-task='{share.code}']")
    assert task_row.count() == 1
    task_row.get_by_test_id("task-report").click()
    office.wait_for_load_state()
    assert office.url == f"{base}{report_path}"
    assert office.get_by_test_id("report-view").is_visible()
    assert "40 %" in office.get_by_test_id("report-view").inner_text()
    office_context.close()
