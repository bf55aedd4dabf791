"""The chain page by position leads to the firms of one link (issue 13's registers)."""

from __future__ import annotations

import pytest

from tests.browser.test_plan_tree import sign_in
from tests.parks.conftest import CODE_A, CODE_B, park_world  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chain_page_to_the_firms_of_a_link(live_server, users, park_world, page):  # noqa: F811
    base = live_server.url
    sign_in(page, base, "leader")
    page.goto(f"{base}/parks/chains/")
    page.locator('[data-code="C.LI"] a').click()
    upstream = page.locator('[data-position="up"]')
    upstream.get_by_test_id("link").first.wait_for()
    assert upstream.get_by_test_id("link").count() == 1
    assert upstream.get_by_test_id("link").get_attribute("data-code") == "C.LI.U1"
    assert page.locator('[data-position="mid"] [data-code="C.LI.M1"]').count() == 1
    assert page.locator('[data-position="down"] [data-code="C.LI.D1"]').count() == 1
    page.locator('[data-code="C.LI.U1"]').get_by_test_id("link-firms").click()
    page.get_by_test_id("filter-link").wait_for()
    assert page.url.endswith("/parks/firms/?link=C.LI.U1")
    codes = sorted(page.get_by_test_id("firm").nth(i).get_attribute("data-code") for i in range(2))
    assert codes == [CODE_A, CODE_B] and page.get_by_test_id("firm").count() == 2
