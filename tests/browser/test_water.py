"""The plan office imports a month of section samples and sees the class matrix (issue 16, water)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_plan_tree import sign_in
from tests.ecology.conftest import sections as sections  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = b"""section,year,month,ph,do,codmn,nh3_n,tp
W1,2024,1,7.2,8.0,3,0.15,0.02
W2,2024,1,7,7.6,,,0.03
W3,2024,1,7,8,2,2.5,0.02
"""


def test_import_samples_and_see_the_matrix(live_server, users, sections, page):
    sign_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/ecology/water/import/")
    page.get_by_test_id("samples-file").set_input_files(
        files=[{"name": "samples.csv", "mimeType": "text/csv", "buffer": SAMPLES}]
    )
    page.get_by_test_id("samples-submit").click()
    expect(page.get_by_test_id("import-result")).to_be_visible()
    page.locator("a[href='/ecology/water/']").first.click()
    page.select_option("#w-year", "2024")
    page.locator("[data-testid=water-filter] button[type=submit]").click()
    page.wait_for_load_state()
    matrix = page.get_by_test_id("water-matrix")
    expect(matrix.locator("tr[data-section]")).to_have_count(3)  # waits for the filtered page
    assert matrix.locator("tr[data-section=W3] [data-testid=year-class]").inner_text() in (
        "劣Ⅴ",
        "worse than Ⅴ",
    )
    assert "66.7 %" in page.get_by_test_id("water-share").inner_text()
