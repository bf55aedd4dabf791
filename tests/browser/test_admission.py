"""Admission on a phone: the plan office checks a submitted application against the registers,
sees every register's reason and decides it; then starts an allocation run, solved in the
background, and sees the optimum with the quotas' use."""

from __future__ import annotations

import pytest

from jingjin.admission import services
from jingjin.admission.models import AllocationRun, Application
from tests.admission.conftest import application_data, make_world
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_application_checked_decided_and_a_run_saved(live_server, loaded_plan, users, page):
    base = live_server.url
    world = make_world()
    app = services.application_submit(actor=None, data=application_data(world))

    sign_in(page, base, "office")
    page.goto(f"{base}/admission/")
    page.locator(f'[data-code="{app.code}"] a').click()
    page.get_by_test_id("check").click()
    reasons = page.get_by_test_id("reasons")
    reasons.wait_for()
    assert reasons.locator("li").count() == 3
    page.get_by_test_id("decide").click()
    page.get_by_test_id("decision").wait_for()
    assert Application.objects.get(pk=app.pk).state == "decided"

    page.goto(f"{base}/admission/runs/new/")
    page.fill("#id_code", "R-UI")
    page.fill("#id_name", "示例分配")
    page.select_option("#id_pool", label="2023")
    page.get_by_test_id("start-run").click()
    page.get_by_test_id("run-state").wait_for()
    run = AllocationRun.objects.get(code="R-UI")
    assert run.state == "done"
    page.get_by_test_id("quotas").wait_for()
    assert page.locator(f'[data-project="{app.code}"]').count() == 1
