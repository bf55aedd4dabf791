"""From a chain's biggest gap to a lead moved through the pipeline and seen in the funnel
(issue 13's done-when)."""

from __future__ import annotations

import pytest

from jingjin.parks.models import AttractionLead, ChainLink
from tests.browser.test_plan_tree import sign_in
from tests.parks.conftest import park_world  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_chain_gap_to_a_lead_moved_through_the_pipeline(live_server, users, park_world, page):  # noqa: F811
    for code, reference in (("C.LI.U1", 4000), ("C.LI.M1", 1600), ("C.LI.D1", 1000)):
        ChainLink.objects.filter(code=code).update(reference_output=reference)  # gaps 0.48, 0.75, 0.5
    base = live_server.url
    sign_in(page, base, "reporter_a")
    page.goto(f"{base}/parks/chains/C.LI/")
    cards = page.get_by_test_id("link")
    cards.first.wait_for()
    scores = {
        cards.nth(i).get_attribute("data-code"): float(cards.nth(i).get_attribute("data-score"))
        for i in range(3)
    }
    biggest = max(scores, key=lambda code: scores[code])
    assert biggest == "C.LI.M1" and scores[biggest] == 0.75
    page.locator(f'[data-code="{biggest}"]').get_by_test_id("new-lead").click()
    page.get_by_test_id("lead-form").wait_for()
    page.fill("#id_firm_name", "示例浏览器企业")
    page.fill("#id_owner_person", "示例责任人")
    page.get_by_test_id("save-lead").click()
    page.get_by_test_id("move-form").wait_for()
    lead = AttractionLead.objects.get(firm_name="示例浏览器企业")
    assert [link.code for link in lead.chain_links.all()] == ["C.LI.M1"] and lead.owner_unit.code == "t.a"
    for stage in ("contact", "visit"):
        page.select_option("#id_stage", stage)
        page.get_by_test_id("move").click()
        page.get_by_test_id("history").wait_for()
    assert page.get_by_test_id("history").locator("li").count() == 3
    assert AttractionLead.objects.get(pk=lead.pk).stage == "visit"
    page.goto(f"{base}/parks/attraction/funnel/")
    total = page.get_by_test_id("funnel").first
    assert total.locator('[data-stage="visit"] [data-testid="reached"]').inner_text() == "1"
    assert total.locator('[data-stage="signed"] [data-testid="reached"]').inner_text() == "0"
