"""A leader opens a campaign's page on a phone: the progress chart is drawn and the ranking lists
the projects by completion."""

from __future__ import annotations

import pytest

from tests.browser.test_plan_tree import sign_in
from tests.projects.test_campaigns import campaign  # noqa: F401 - the campaign of the campaign tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("campaign")
def test_the_campaign_page_draws_its_chart_and_ranking(live_server, users, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/projects/campaigns/")
    page.locator("[data-campaign=c1] a").first.click()
    page.wait_for_load_state()
    page.select_option("select[name=period]", "2024-06")
    page.wait_for_url("**period=2024-06")
    chart = page.get_by_test_id("chart-campaign")
    assert chart.get_attribute("data-rendered") == "1"
    assert chart.locator("canvas").count() >= 1
    assert page.get_by_test_id("started").inner_text().startswith("1")
    rows = page.get_by_test_id("project-ranking").locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-project") for i in range(3)] == ["P1", "P3", "P2"]
    context.close()
