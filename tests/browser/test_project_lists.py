"""The plan office computes and publishes the key-project red/black list; a reporter sees it."""

from __future__ import annotations

import pytest

from jingjin.assessment.models import RankingList
from tests.assessment.conftest import schemes  # noqa: F401 - the fixtures of the assessment tests
from tests.assessment.test_project_lists import june  # noqa: F401
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("june", "schemes")
def test_office_computes_and_publishes_the_project_list(live_server, users, browser, page):
    sign_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/lists/")
    page.select_option("#id_scheme", "key-projects")
    page.select_option("#id_period", "2024-06")
    page.get_by_test_id("compute").click()
    page.wait_for_load_state()
    assert "2024-06" in page.get_by_test_id("list-title").inner_text()
    entries = page.get_by_test_id("entries")
    assert "P1" in entries.inner_text() and "85.00" in entries.inner_text()
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("publish").count() == 0
    assert RankingList.objects.get(scheme__code="key-projects").status == "published"

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    reporter = context.new_page()
    reporter.set_default_timeout(15000)
    sign_in(reporter, live_server.url, "reporter_b")
    reporter.goto(f"{live_server.url}/lists/")
    latest = reporter.get_by_test_id("latest-key-projects")
    # worked in tests/assessment/test_project_lists.py: P1 and P5 red (P3, third, is behind the
    # elapsed share), P4 and P7 black
    red, black = (
        latest.get_by_test_id("red-list").inner_text(),
        latest.get_by_test_id("black-list").inner_text(),
    )
    assert "P1" in red and "P5" in red and "P3" not in red
    assert "P4" in black and "P7" in black
    context.close()
