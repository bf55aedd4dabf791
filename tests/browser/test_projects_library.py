"""The project library's main path (slice projlib): the plan office imports a small workbook on a
phone, opens the list, then a project, and creates one on the new-project form (slice projfix)."""

from __future__ import annotations

import pytest

from tests.browser.test_plan_tree import sign_in
from tests.projects.library_data import row, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_imports_lists_and_opens_a_project(live_server, users, page, tmp_path):
    base = live_server.url
    upload = tmp_path / "projects.xlsx"
    upload.write_bytes(workbook([row("XM-B1"), row("XM-B2", **{"责任领导": None})]))

    sign_in(page, base, "office")
    page.goto(f"{base}/projects/")
    page.get_by_test_id("import-projects").click()
    page.get_by_test_id("import-file").set_input_files(str(upload))
    page.get_by_test_id("import-submit").click()
    page.get_by_test_id("projects").wait_for()
    assert page.locator('[data-testid="project"]').count() == 2
    assert "合计：2 个项目" in page.get_by_test_id("totals").inner_text()  # the page in Chinese

    page.locator('[data-code="XM-B2"] a').click()
    page.get_by_test_id("project-name").wait_for()
    assert page.get_by_test_id("project-name").inner_text() == "示例项目XM-B2"
    assert page.get_by_test_id("five-ones").get_attribute("data-complete") == "no"
    assert page.get_by_test_id("project-state").inner_text() == "在建"

    page.goto(f"{base}/projects/")
    page.get_by_test_id("new-project").click()
    page.fill("#id_code", "XM-B3")
    page.fill("#id_name_zh", "示例新项目")
    page.fill("#id_name_en", "Demo new project")
    for select in ("#id_level", "#id_category", "#id_owner_unit"):
        page.select_option(select, index=1)
    page.fill("#id_total_investment", "800")
    page.locator('[data-testid="project-create-form"] button[type=submit]').click()
    page.get_by_test_id("project-name").wait_for()
    assert page.get_by_test_id("project-name").inner_text() == "示例新项目"
