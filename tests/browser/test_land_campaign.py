"""The per-mu campaign's main way on a phone: the plan office imports the land register, the tax
and the energy sources, runs the evaluation (a job), opens the review; a county user appeals a
firm's grade with evidence; the plan office accepts it with the corrected tax (the campaign runs
again and the grade changes) and publishes the grades."""

from __future__ import annotations

import pytest

from jingjin.core.models import Unit
from jingjin.land import services
from jingjin.land.models import Appeal, EvaluationCampaign, FirmResult
from jingjin.parks.models import Firm
from tests.browser.test_plan_tree import sign_in
from tests.land.conftest import BODY, CODES, csv_bytes, energy_rows, land_rows, tax_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_run_appeal_and_publish(live_server, users, page):
    base = live_server.url
    county = Unit.objects.get(code="t.c")
    for i, code in enumerate(CODES, start=1):
        Firm.objects.create(name=f"示例企业{i}", credit_code=code, county=county)
    scheme = services.scheme_create(
        actor=users["office"], code="city", title="本市办法", based_on="", body=BODY
    )
    services.campaign_create(actor=users["office"], year=2022, title="2022年度亩均评价", scheme=scheme)

    sign_in(page, base, "office")
    for kind, rows in (("land", land_rows()), ("tax", tax_rows()), ("energy", energy_rows())):
        page.goto(f"{base}/land/2022/")
        page.get_by_test_id("source-kind").select_option(kind)
        page.get_by_test_id("source-file").set_input_files(
            files=[{"name": f"{kind}.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
        )
        page.get_by_test_id("source-submit").click()
        page.locator(f'[data-testid="sources"] tr[data-kind="{kind}"]').wait_for()
    page.get_by_test_id("run").click()
    page.wait_for_url(f"{base}/land/2022/")
    assert page.get_by_test_id("campaign-state").get_attribute("data-state") == "evaluated"
    assert page.locator('[data-testid="chart-classes"][data-rendered="1"]').count() == 1
    page.get_by_test_id("start-review").click()
    page.locator('[data-testid="campaign-state"][data-state="under_review"]').wait_for()

    page.context.clear_cookies()
    sign_in(page, base, "county_c")
    page.goto(f"{base}/land/firms/{CODES[3]}/")
    assert page.get_by_test_id("firm-class").get_attribute("data-class") == "D"
    page.fill("#id_reason", "税务部门漏计入库税款")
    page.set_input_files(
        "#id_evidence", files=[{"name": "完税证明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_test_id("file-appeal").click()
    page.get_by_test_id("firm-appeals").locator("a").first.wait_for()
    appeal = Appeal.objects.get()

    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/land/appeals/{appeal.pk}/")
    page.select_option("#id_accept", "1")
    page.fill("#id_decision", "核实完税证明，更正税收")
    page.fill("#id_tax_10k", "90")
    page.get_by_test_id("decide").click()
    page.locator('[data-testid="appeal-state"][data-state="accepted"]').wait_for()
    assert "D" in page.get_by_test_id("grade-change").inner_text()
    appeal.refresh_from_db()
    assert (appeal.class_before, appeal.class_after) == ("D", "A")
    page.goto(f"{base}/land/2022/")
    page.get_by_test_id("publish").click()
    page.locator('[data-testid="campaign-state"][data-state="published"]').wait_for()
    assert EvaluationCampaign.objects.get().state == "published"
    page.goto(f"{base}/land/firms/{CODES[3]}/")
    assert page.get_by_test_id("firm-class").get_attribute("data-class") == "A"
    assert FirmResult.objects.get(credit_code=CODES[3]).firm_class == "A"
    assert page.get_by_test_id("firm-policies").is_visible()
