"""The toilet programme on a phone: a county user records the households built and an acceptance
on a village's page; the plan office's city overview shows them."""

from __future__ import annotations

import pytest

from jingjin.core.models import Unit
from jingjin.villages.models import ToiletPlan
from jingjin.villages.services import toilet_target_set
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_user_records_toilets_and_the_city_sees_them(live_server, users, settings, page):
    settings.JINGJIN_AS_OF = "2023-10-15"
    base = live_server.url
    county = Unit.objects.get(code="t.c")
    town = Unit.objects.create(
        code="t.c.t1", kind="township", parent=county, name_zh="一镇", name_en="Town 1"
    )
    Unit.objects.create(code="t.c.t1.v1", kind="village", parent=town, name_zh="一村", name_en="Village 1")
    toilet_target_set(actor=None, year=2023, villages=105, households=57996)

    sign_in(page, base, "county_c")
    page.goto(f"{base}/villages/v/t.c.t1.v1/")
    page.get_by_test_id("toilet-entry").locator("summary").click()
    page.fill("#toilet_year", "2023")
    page.fill("#toilet_planned", "180")
    page.fill("#toilet_built", "150")
    page.get_by_test_id("save-toilets").click()
    page.locator('[data-testid="toilets"] [data-year="2023"]').wait_for()
    page.get_by_test_id("acceptance-entry").locator("summary").click()
    page.fill("#accept_year", "2023")
    page.fill("#accept_date", "2023-10-12")
    page.fill("#accept_inspector", "县验收组")
    page.fill("#accept_households", "120")
    page.get_by_test_id("save-acceptance").click()
    row = page.locator('[data-testid="toilets"] [data-year="2023"]')
    row.get_by_test_id("accepted").filter(has_text="120").wait_for()
    assert ToiletPlan.objects.get().accepted == 120

    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/villages/toilets/?year=2023")
    assert page.get_by_test_id("city-built").inner_text() == "150"
    assert page.get_by_test_id("city-accepted").inner_text() == "120"
    county_row = page.get_by_test_id("county-toilets").locator('[data-unit="t.c"]')
    assert county_row.get_by_test_id("built").inner_text() == "150"
    assert "57996" in page.get_by_test_id("city-rollup").inner_text()
    page.goto(f"{base}/villages/?year=2023")
    assert page.get_by_test_id("city-built").inner_text() == "150"
    page.locator('#chart-toilets[data-rendered="1"]').wait_for()
