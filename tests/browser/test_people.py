"""A personnel officer on a phone records that half the members of a branch left, runs the early
warning, finds the branch's warning with its reason, and records the rectification plan and that
it was done."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from jingjin.core.models import Unit
from jingjin.people import services, warning_services
from jingjin.people.models import PartyWarning
from tests.browser.test_plan_tree import sign_in
from tests.people.conftest import hold_every_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_change_raises_a_warning_that_is_rectified(live_server, users, make_user, page, settings):
    settings.JINGJIN_AS_OF = "2024-05-15"
    base = live_server.url
    make_user("personnel", "personnel", "t")
    org = services.org_save(
        actor=None,
        data={
            "code": "DZ-B1",
            "name": "示例支部（演示）",
            "kind": "village",
            "unit": Unit.objects.get(code="t.a"),
            "members": 20,
            "secretary": "李某（演示）",
            "founded_on": date(2020, 1, 1),
        },
    )
    hold_every_meeting(org)
    warning_services.rules_default()

    sign_in(page, base, "personnel")
    page.goto(f"{base}/people/organisations/DZ-B1/")
    page.fill("#id_changed_on", "2024-05-10")
    page.fill("#id_delta", "-10")
    page.fill("#id_reason", "组织关系转出")
    page.get_by_test_id("record-change").click()
    expect(page.get_by_test_id("members")).to_have_text("10")  # retried: the old page shows 20

    page.goto(f"{base}/people/warnings/")
    page.get_by_test_id("evaluate").click()
    row = page.locator('[data-testid="warnings"] tr[data-org="DZ-B1"]')
    expect(row).to_have_attribute("data-level", "yellow")
    row.locator("a").click()
    expect(page.get_by_test_id("reasons")).to_contain_text("-50")
    page.fill("#id_rectification_plan", "召开党员大会，发展新党员")
    page.fill("#id_rectification_deadline", "2024-06-30")
    page.get_by_test_id("save-plan").click()
    assert page.get_by_test_id("warning-state").get_attribute("data-state") == "rectifying"
    page.fill("#id_note", "已发展预备党员两名")
    page.get_by_test_id("save-done").click()
    assert page.get_by_test_id("warning-state").get_attribute("data-state") == "rectified"
    warning = PartyWarning.objects.get()
    assert (warning.rectification_deadline, warning.rectified_on) == (date(2024, 6, 30), date(2024, 5, 15))
