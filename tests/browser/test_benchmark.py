"""An analyst opens the comparison for Suining and a peer group, sees the charts, and downloads Excel."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from jingjin.benchmark import services
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_suining_with_a_peer_group_and_download_excel(live_server, users, page, tmp_path):
    services.builtin_load()
    sign_in(page, live_server.url, "reporter_a")
    page.goto(f"{live_server.url}/benchmark/")
    page.select_option("#b-focus", "遂宁")
    page.select_option("#b-group", "chengdu_chongqing")
    page.select_option("#b-year", "2022")
    page.get_by_role("button", name="对标").click()
    table = page.get_by_test_id("compare-table")
    assert "地区生产总值" in table.inner_text()
    page.wait_for_function("document.querySelector('#chart-radar canvas') !== null")
    page.wait_for_function("document.querySelector('#chart-ranks canvas') !== null")
    assert page.get_by_test_id("index-table").is_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == "benchmark-2022-chengdu_chongqing.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    book = load_workbook(target)
    first = list(book.worksheets[0].iter_rows(values_only=True))
    assert first[0][1:4] == ("遂宁", "成渝地区双城经济圈", 2022)
    assert any(row[0] == "地区生产总值" and row[3] is not None for row in first)
