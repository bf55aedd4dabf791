"""A personnel officer on a phone adds a talent on the form, sees it in the pool with the phone
number, and adds a growth-file entry — no page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jingjin.people.models import Talent
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: object) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))  # type: ignore[attr-defined]


def test_a_talent_is_added_on_a_phone_and_seen_in_the_pool(live_server, users, make_user, page, settings):
    settings.JINGJIN_AS_OF = "2024-05-15"
    base = live_server.url
    page.set_default_timeout(60000)  # a loaded machine: the first pages can be slow
    make_user("personnel", "personnel", "t")
    sign_in(page, base, "personnel")
    page.goto(f"{base}/people/talents/")
    page.get_by_test_id("talent-add").click()
    assert _fits(page)
    page.fill("#id_code", "RC-B1")
    page.fill("#id_name", "赵某（演示）")
    page.select_option("#id_category", "rural")
    page.select_option("#id_unit", label=page.locator("#id_unit option").nth(2).inner_text())
    page.fill("#id_phone", "19900007777")
    page.get_by_test_id("form-save").click()
    assert page.url.endswith("/people/talents/RC-B1/")
    assert page.get_by_test_id("phone").inner_text() == "19900007777"
    page.select_option("#id_kind", "training")
    page.fill("#id_day", "2024-04-01")
    page.fill("#id_text", "乡村振兴专题培训")
    page.get_by_test_id("growth-add").click()
    expect(page.get_by_test_id("growth")).to_contain_text("乡村振兴专题培训")  # after the reload
    page.goto(f"{base}/people/talents/")
    row = page.locator('[data-testid="talents"] tr[data-talent="RC-B1"]')
    assert "赵某（演示）" in row.inner_text() and "19900007777" in row.inner_text()
    assert _fits(page)
    assert Talent.objects.get(code="RC-B1").growth.count() == 1
