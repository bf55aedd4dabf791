"""On a phone, a case worker sees why a household's file is flagged — one member registered of
two, housing not safe — and updates its situation (a wrong size is refused and nothing is saved);
walks a monitored household through the elimination procedure and reads the county's
announcement of it; a closed file's family is monitored again in a new file."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from jingjin.rural import services
from jingjin.rural.models import Household
from tests.browser.test_plan_tree import sign_in
from tests.rural.conftest import household as household  # the fixture
from tests.rural.conftest import world as world  # the fixture
from tests.rural.test_workflow import line_2023 as line_2023  # the fixture
from tests.rural.test_workflow import monitored_and_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_update_the_situation_of_a_household(live_server, world, household, page, settings):
    settings.JINGJIN_AS_OF = "2023-10-15"
    services.household_situation_update(actor=None, household=household, housing_secure=False, source="test")
    sign_in(page, live_server.url, "worker_c")
    page.goto(f"{live_server.url}/rural/households/{household.code}/")
    expect(page.get_by_test_id("size-mismatch")).to_be_visible()  # 2 members, 1 registered
    expect(page.locator('[data-testid=secure] [data-secure="0"]')).to_have_count(1)

    page.fill("#id_situation-size", "0")
    page.get_by_test_id("submit-situation").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("form-situation").locator(".text-danger")).to_have_count(1)
    assert Household.objects.get(pk=household.pk).size == 2  # nothing saved

    page.fill("#id_situation-size", "1")
    page.check("#id_situation-housing_secure")
    page.get_by_test_id("submit-situation").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("size")).to_have_text("1")
    expect(page.get_by_test_id("size-mismatch")).to_have_count(0)
    expect(page.locator('[data-testid=secure] [data-secure="0"]')).to_have_count(0)
    household.refresh_from_db()
    assert household.size == 1 and household.housing_secure


def test_monitor_a_closed_family_again(live_server, world, household, page, settings):
    settings.JINGJIN_AS_OF = "2023-10-15"
    services.household_reject(actor=None, household=household, on=date(2023, 10, 5), note="收入稳定")
    sign_in(page, live_server.url, "worker_c")
    page.goto(f"{live_server.url}/rural/households/{household.code}/")
    page.fill("#id_again-lead_date", "2023-10-12")
    page.select_option("#id_again-channel", "self_application")
    page.fill("#id_again-note", "因灾房屋受损")
    page.get_by_test_id("submit-again").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("earlier-file")).to_have_text(household.code)
    expect(page.get_by_test_id("member")).to_have_count(1)  # the family came along
    new = Household.objects.get(previous=household)
    assert page.url.endswith(f"/rural/households/{new.code}/") and new.state == "identifying"


@pytest.mark.usefixtures("line_2023")
def test_the_elimination_procedure_to_the_county_approval(live_server, world, household, page, settings):
    settings.JINGJIN_AS_OF = "2023-10-15"
    monitored_and_ready(household, world["worker_c"], procedure=False)
    sign_in(page, live_server.url, "worker_c")
    page.goto(f"{live_server.url}/rural/households/{household.code}/")
    for step, day, end in (
        ("elimination_verification", "2023-10-08", ""),
        ("elimination_notice", "2023-10-08", "2023-10-12"),
        ("elimination_review", "2023-10-13", ""),
    ):
        page.select_option("#id_elimination-step", step)
        page.fill("#id_elimination-done_on", day)
        if end:
            page.fill("#id_elimination-notice_end", end)
        page.get_by_test_id("submit-elimination").click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("elimination-notice-link")).to_be_visible()
    page.fill("#id_eliminate-on", "2023-10-15")
    page.get_by_test_id("submit-eliminate").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Risk eliminated|风险已消除|风险消除"))
    assert Household.objects.get(pk=household.pk).state == "eliminated"
    # the county announcement of the approval, from the file (a phone-sized screen)
    page.get_by_test_id("announcement-elimination").click()
    page.wait_for_url("**/rural/announcement/?*")
    expect(page.get_by_test_id("announced-household")).to_have_count(1)
    expect(page.get_by_test_id("announced-household")).to_contain_text("2023-10-15")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    # the whole month, then a period with no approval
    page.fill("#id_start", "2023-10-01")
    page.get_by_test_id("announcement-show").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("announced-household")).to_have_count(1)
    page.fill("#id_start", "2023-10-16")
    page.fill("#id_end", "2023-10-31")
    page.get_by_test_id("announcement-show").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("announcement-empty")).to_be_visible()
