"""A supervision item's whole way: the plan office issues it, the unit works it, the office closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jingjin.supervision.models import SupervisionItem
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_issues_unit_answers_office_closes(live_server, users, browser, page):
    base = live_server.url
    deadline = timezone.localdate() + timedelta(days=2)  # due soon: yellow

    # The plan office issues an item to Bureau A (t.a).
    sign_in(page, base, "office")
    page.goto(f"{base}/supervision/")
    page.get_by_test_id("issue-item").click()
    page.fill("#id_title", "报送整改台账")
    page.fill("#id_body", "请报送整改台账。")
    page.select_option("#id_assignee_unit", "t.a")
    page.fill("#id_deadline", deadline.isoformat())
    page.get_by_test_id("issue-submit").click()
    page.get_by_test_id("item-title").wait_for()
    item = SupervisionItem.objects.get()
    assert page.url.endswith(f"/supervision/{item.code}/")
    assert page.get_by_test_id("signal").get_attribute("data-signal") == "due_soon"
    assert page.get_by_test_id("next-steps").count() == 0  # the office waits for the unit

    # A reporter of Bureau A, on a phone, finds it in the list and works it.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    reporter = context.new_page()
    reporter.set_default_timeout(15000)
    sign_in(reporter, base, "reporter_a")
    reporter.goto(f"{base}/supervision/")
    reporter.locator(f'[data-code="{item.code}"] a').click()
    reporter.get_by_test_id("do-acknowledge").click()
    reporter.get_by_test_id("do-start").click()
    reporter.fill("#text-answer", "台账已报送。")
    reporter.get_by_test_id("do-answer").click()
    reporter.get_by_test_id("answer").wait_for()
    assert reporter.get_by_test_id("state").get_attribute("data-state") == "answered"
    context.close()

    # The plan office closes it; the item shows closed with its history.
    page.reload()
    page.fill("#text-close", "同意办结。")
    page.get_by_test_id("do-close").click()
    page.get_by_test_id("history").wait_for()
    assert page.get_by_test_id("state").get_attribute("data-state") == "closed"
    assert page.get_by_test_id("signal").count() == 0
    steps = page.get_by_test_id("steps").locator("li")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
        "issue",
        "acknowledge",
        "start",
        "answer",
        "close",
    ]
    assert "台账已报送。" in page.get_by_test_id("steps").inner_text()
    assert "reporter_a" in page.get_by_test_id("history").inner_text()
    page.goto(f"{base}/supervision/?state=closed")
    assert page.locator(f'[data-code="{item.code}"]').count() == 1
