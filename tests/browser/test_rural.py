"""Rural monitoring on a phone: a case worker screens a table, takes up a candidate, walks it
through identification to county approval and adds an assistance measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from jingjin.rural.choices import STEP_ORDER
from jingjin.rural.models import Household
from tests.browser.test_plan_tree import sign_in
from tests.rural.conftest import make_world
from tests.rural.test_workflow import CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screened_candidate_to_identified_household_with_a_measure(
    live_server, users, make_user, page, settings, tmp_path: Path
):
    settings.JINGJIN_AS_OF = "2023-10-15"
    base = live_server.url
    make_world(users, make_user)
    table = tmp_path / "households.csv"
    table.write_text(CSV, encoding="utf-8")

    sign_in(page, base, "worker_c")
    page.goto(f"{base}/rural/screening/")
    page.set_input_files("#id_file", str(table))
    page.fill("#id_year", "2021")
    page.fill("#id_as_of", "2023-10-15")
    page.get_by_test_id("screen").click()
    page.get_by_test_id("candidates").wait_for()
    assert page.get_by_test_id("candidate").count() == 2
    page.get_by_test_id("candidate").first.get_by_test_id("take").click()
    page.get_by_test_id("state").wait_for()
    household = Household.objects.get()
    assert household.channel == "department_screening"

    settings.JINGJIN_AS_OF = "2023-10-25"  # ten days later: the procedure can be completed
    steps = [
        ("home_verification", "2023-10-16", ""),
        ("comparison", "2023-10-17", ""),
        ("village_notice", "2023-10-18", "2023-10-22"),
        ("township_review", "2023-10-23", ""),
        ("county_approval", "2023-10-24", ""),
    ]
    for step, day, notice_end in steps:
        page.select_option("#id_step-step", step)
        page.fill("#id_step-done_on", day)
        if notice_end:
            page.fill("#id_step-notice_end", notice_end)
        page.get_by_test_id("submit-step").click()
        page.get_by_test_id("steps").locator("li").nth(STEP_ORDER.index(step)).wait_for()
    page.get_by_test_id("state").get_by_text("Monitored").or_(
        page.get_by_test_id("state").get_by_text("监测中")
    ).wait_for()
    household.refresh_from_db()
    assert household.state == "monitored" and household.monitored_since.isoformat() == "2023-10-24"
    page.select_option("#id_measure-kind", "employment")
    page.fill("#id_measure-description", "公益性岗位")
    page.fill("#id_measure-started_on", "2023-10-25")
    page.get_by_test_id("submit-measure").click()
    page.get_by_test_id("measures").get_by_text("公益性岗位").wait_for()
    assert household.measures.get().kind == "employment"
