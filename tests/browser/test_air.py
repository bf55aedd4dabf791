"""Air data in a browser (phone size): the county's user imports a small hourly file for their
station, sees the import's counts and the daily AQI calendar drawn in the level colours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_small_file_and_see_the_calendar(live_server, users, page, settings, tmp_path):
    from jingjin.core.models import Unit
    from jingjin.ecology.models import Station

    settings.MEDIA_ROOT = tmp_path / "media"
    Station.objects.create(
        code="C1", name_zh="示例丙站", name_en="Demo C", level="national", county=Unit.objects.get(code="t.c")
    )
    lines = ["station,time,so2,no2,pm10,co,pm25,o3"]
    for d in range(3):  # 3 days: PM2.5 20, 90, 20 → AQI 29 (优), 119 (轻度污染), 29
        day = date(2025, 5, 1) + timedelta(days=d)
        pm25 = 90 if d == 1 else 20
        lines += [f"C1,{day} {h:02d}:00,5,10,10,0.5,{pm25},30" for h in range(24)]
    lines.append("C1,2025-05-01 04:00,5,10,10,0.5,20,30")  # a duplicate
    source = tmp_path / "hours.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sign_in(page, live_server.url, "county_c")
    page.goto(f"{live_server.url}/ecology/air/?year=2025")
    page.get_by_test_id("air-import-link").click()
    page.set_input_files("#air-file", str(source))
    page.get_by_test_id("air-import-submit").click()
    page.wait_for_url("**/ecology/air/?year=2025")
    text = page.locator("body").inner_text()
    assert "73 行，新增 72、修订 0 个站点小时，文件内重复 1 行" in text  # the page in Chinese
    page.select_option("#air-station", "C1")
    page.locator('[data-testid="air-form"] button[type=submit]').click()
    page.wait_for_url("**station=C1**")
    page.wait_for_function("document.querySelector('#air-calendar canvas') !== null")
    points = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('air-calendar')).getOption().series[0].data"
    )
    assert points == [["2025-05-01", 29, 1], ["2025-05-02", 119, 3], ["2025-05-03", 29, 1]]
    assert page.get_by_test_id("good-day-ratio").inner_text().strip() == "66.7 %"
