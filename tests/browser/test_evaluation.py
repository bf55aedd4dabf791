"""An evaluation in a browser: a reporter uploads a firms file for the per-mu evaluation, watches
the progress bar reach 100 %, reads the first rows of the upload and of the result, and downloads
the grades as CSV (the file's content checked)."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tests.browser.test_plan_tree import sign_in
from tests.evaluations.conftest import FIRMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_firms_watch_the_progress_and_download_the_grades(
    live_server, users, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = tmp_path / "firms.csv"
    source.write_text(FIRMS, encoding="utf-8")
    sign_in(page, live_server.url, "reporter_a")
    assert page.locator('nav a[href="/evaluations/"]').count() == 1  # the menu entry
    page.goto(f"{live_server.url}/evaluations/")
    page.get_by_test_id("kind-land").click()
    page.set_input_files("#id_file", str(source))
    page.select_option("#id_scheme", "huangyan-2022")
    page.get_by_test_id("evaluation-submit").click()
    page.wait_for_url("**/evaluations/land/*/")
    page.wait_for_function(
        "document.querySelector('[data-testid=job-progress]').value === 100"
        " && document.querySelector('[data-testid=job-state]').dataset.state === 'done'"
    )
    assert page.get_by_test_id("job-percent").inner_text().strip() == "100%"
    assert "4819.4" in page.get_by_test_id("input-preview").inner_text()
    result = page.get_by_test_id("result-table")
    assert "score" in result.inner_text() and "F3" in result.inner_text()
    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename == "land-result.csv"
    with open(download.path(), "rb") as handle:
        grades = pl.read_csv(io.BytesIO(handle.read()))
    assert grades["enterprise_id"].to_list() == ["F1", "F2", "F3"]
    assert grades["rank"].to_list() == [2, 3, 1]
    assert sorted(grades["class"].to_list()) == ["B", "C", "D"]
