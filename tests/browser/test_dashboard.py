"""A leader opens the cockpit on a phone: the charts render; the Word bulletin downloads."""

from __future__ import annotations

import pytest
from docx import Document

from tests.browser.test_plan_tree import sign_in
from tests.dashboard.conftest import build_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_cockpit_on_a_phone_and_downloads_the_bulletin(
    live_server, users, loaded_plan, page
):
    build_scenario(loaded_plan)
    sign_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/cockpit/?period=2024-03")
    assert page.get_by_test_id("plan-progress").inner_text() == "37.5%"
    for chart in ("chart-actions", "chart-status", "chart-trends", "chart-counties"):
        page.locator(f"#{chart} canvas").first.wait_for(state="attached")
    # stacked cards: on a phone the action card and the status card are one above the other
    actions = page.locator("#chart-actions").bounding_box()
    status = page.locator("#chart-status").bounding_box()
    assert actions is not None and status is not None and status["y"] > actions["y"] + actions["height"]
    assert actions["width"] <= 390
    assert "A1.M1.T2" in page.get_by_test_id("attention-reports").inner_text()
    with page.expect_download() as info:
        page.get_by_test_id("bulletin-docx").click()
    download = info.value
    assert download.suggested_filename == "bulletin-2024-03.docx"
    document = Document(download.path())
    assert document.tables[0].rows[1].cells[0].text == "A1"
    assert any("37.5" in p.text for p in document.paragraphs)
