"""The plan office imports stations from a CSV on a phone, fixes a bad file, and sees them listed."""

from __future__ import annotations

import pytest

from jingjin.ecology.models import Station
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD = "编码,名称,级别,区县\nS1,甲站,国控,t.c\nS2,乙站,区控,t.c\n"
GOOD = "编码,名称,级别,区县,参与城市评价\nS1,甲站,国控,t.c,是\nS2,乙站,市控,t.c,否\n"


def test_office_imports_stations_and_sees_them_listed(live_server, users, page, tmp_path):
    base = live_server.url
    sign_in(page, base, "office")
    page.goto(f"{base}/ecology/")
    assert page.get_by_test_id("count-stations").inner_text() == "0"
    page.goto(f"{base}/ecology/registers/stations/")
    page.get_by_test_id("import").click()

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("import-submit").click()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "C" in errors and "级别" in errors and "区控" in errors  # row 3, column C (级别)
    assert Station.objects.count() == 0  # all or nothing

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    page.get_by_test_id("import-submit").click()
    page.get_by_test_id("records").wait_for()
    assert page.url.endswith("/ecology/registers/stations/")
    rows = page.locator("[data-testid=records] tbody tr")
    assert [rows.nth(i).get_attribute("data-code") for i in range(rows.count())] == ["S1", "S2"]
    assert "甲站" in rows.nth(0).inner_text()
    page.goto(f"{base}/ecology/")
    assert page.get_by_test_id("count-stations").inner_text() == "2"
