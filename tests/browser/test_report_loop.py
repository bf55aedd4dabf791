"""The whole monthly loop in a browser: a reporter fills in and submits a report with a file, the
approver returns it, the reporter resubmits, the approver approves, and the cockpit shows the change.

The cockpit counts a task's completion % once its report is submitted, resubmitted or approved
(drafts and returned reports do not count), so the plan office reads the cockpit of the report's
month three times: before any report (no progress), while the report is returned (still none) and
after the approval (the reported completion, the task no longer unknown).
"""

from __future__ import annotations

import struct
import zlib

import pytest

from jingjin.reporting.models import Evidence, Report
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "2024-03"


def png_bytes() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def new_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def cockpit_figures(page, base: str) -> tuple[str, dict[str, str]]:
    """Plan progress and the status counts of the cockpit for the report's month."""
    page.goto(f"{base}/cockpit/?period={PERIOD}")
    progress = page.get_by_test_id("plan-progress").inner_text().strip()
    counts = {}
    items = page.get_by_test_id("status-counts").locator("li[data-status]")
    for i in range(items.count()):
        item = items.nth(i)
        counts[item.get_attribute("data-status")] = item.locator(".badge").inner_text().strip()
    return progress, counts


def review(page, base: str, action: str, comment: str = "") -> None:
    page.goto(f"{base}/reports/review/")
    page.get_by_test_id("review-queue").get_by_role("link").first.click()
    if comment:
        page.fill("#review-comment", comment)
    page.get_by_test_id(action).click()
    page.wait_for_load_state()


def test_report_submit_return_resubmit_approve_and_the_cockpit_shows_it(
    live_server, users, make_user, page, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("approver_a", "approver", "t.a")
    base = live_server.url
    evidence_file = tmp_path / "验收照片.png"
    evidence_file.write_bytes(png_bytes())

    office_context, office = new_page(browser)
    sign_in(office, base, "office")
    before_progress, before_counts = cockpit_figures(office, base)
    assert before_progress == "—"  # no task has reported a completion yet
    assert before_counts["unknown"] == "2"

    # The reporter fills in the month's report, attaches a photo and submits it.
    sign_in(page, base, "reporter_a")
    page.goto(f"{base}/reports/?period={PERIOD}")
    page.get_by_test_id("my-reports").locator("[data-task='A1.M1.T1']").get_by_test_id("open-report").click()
    page.fill("#id_progress", "本月完成户厕改造1200户")
    page.fill("#id_completion_pct", "40")
    page.fill("#id_next_plan", "组织验收")
    page.set_input_files("input[type=file][name=evidence]", str(evidence_file))
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-form").count() == 0
    assert "验收照片.png" in page.get_by_test_id("evidence").inner_text()
    report = Report.objects.get(task__code="A1.M1.T1", period__year=2024, period__month=3)
    assert report.status == "submitted"
    assert Evidence.objects.filter(report=report).count() == 1
    report_url = page.url

    # The approver returns it with a comment.
    approver_context, approver = new_page(browser)
    sign_in(approver, base, "approver_a")
    review(approver, base, "return", comment="请补充验收数据")
    report.refresh_from_db()
    assert report.status == "returned"
    assert office_progress_unchanged(office, base)

    # The reporter reads the comment, corrects the report and resubmits it.
    page.goto(report_url)
    assert "请补充验收数据" in page.get_by_test_id("returned-comment").inner_text()
    page.fill("#id_completion_pct", "60")
    page.fill("#id_progress", "本月完成户厕改造1800户，已验收")
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-form").count() == 0
    report.refresh_from_db()
    assert report.status == "resubmitted"

    # The approver approves it: the report is locked.
    review(approver, base, "approve")
    assert approver.get_by_test_id("locked").is_visible()
    approver_context.close()
    report.refresh_from_db()
    assert report.status == "approved" and report.reviewed_by.username == "approver_a"
    assert float(report.completion_pct) == 60
    page.reload()
    assert page.get_by_test_id("locked").is_visible()

    # The cockpit of the month now shows the reported completion and a known status for the task.
    after_progress, after_counts = cockpit_figures(office, base)
    office_context.close()
    assert after_progress == "60.0%"  # T1's 60 %, renormalised over the tasks that have a value
    assert after_counts["unknown"] == "1"
    assert sum(int(v) for k, v in after_counts.items() if k != "unknown") == 1


def office_progress_unchanged(office, base: str) -> bool:
    """A returned report does not count: the cockpit still shows no progress."""
    progress, counts = cockpit_figures(office, base)
    return progress == "—" and counts["unknown"] == "2"
