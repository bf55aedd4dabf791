"""The plan office computes and publishes a red/black list; a reporter then sees it."""

from __future__ import annotations

import pytest

from jingjin.assessment.models import RankingList
from tests.assessment.conftest import march, schemes  # noqa: F401 - the fixtures of the assessment tests
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("march", "schemes")
def test_office_computes_and_publishes_and_a_reporter_sees_the_list(live_server, users, browser, page):
    sign_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/lists/")
    assert page.get_by_test_id("no-lists").is_visible()
    page.select_option("#id_scheme", "departments")
    page.select_option("#id_period", "2024-03")
    page.get_by_test_id("compute").click()
    page.wait_for_load_state()
    assert "2024-03" in page.get_by_test_id("list-title").inner_text()
    entries = page.get_by_test_id("entries")
    assert "甲局" in entries.inner_text() and "79.63" in entries.inner_text()
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("publish").count() == 0
    assert RankingList.objects.get().status == "published"

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    reporter = context.new_page()
    reporter.set_default_timeout(15000)
    sign_in(reporter, live_server.url, "reporter_a")
    reporter.goto(f"{live_server.url}/lists/")
    black = reporter.get_by_test_id("latest-departments").get_by_test_id("black-list")
    # two departments, both missed the target: only the bottom half can be black-listed (乙局);
    # 甲局, ranked first of two, is on neither list
    assert "乙局" in black.inner_text() and "甲局" not in black.inner_text()
    reporter.get_by_role("link", name="乙局").first.click()
    reporter.wait_for_load_state()
    assert "2024-03" in reporter.get_by_test_id("history").inner_text()
    context.close()
