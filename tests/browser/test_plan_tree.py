"""A user signs in, reads the plan tree in Chinese, switches to English, and edits an own task."""

from __future__ import annotations

import pytest

from jingjin.plans.models import Task
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")


def test_sign_in_read_the_tree_in_chinese_and_switch_to_english(live_server, users, page):
    # The browser asks for English (locale en-US), yet the UI starts in Chinese.
    sign_in(page, live_server.url, "reporter_a")
    tree = page.get_by_test_id("plan-tree")
    assert page.get_by_test_id("plan-title").inner_text() == "测试规划"
    assert "A1 行动一" in tree.inner_text()
    assert "牵头" in tree.inner_text()
    page.get_by_text("措施一").click()  # open the measure
    assert page.get_by_role("link", name="甲局任务").is_visible()

    page.locator("button.navbar-toggler").click()  # phone-sized: the menu is collapsed
    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-title").inner_text() == "Test plan"
    assert "Action one" in page.get_by_test_id("plan-tree").inner_text()
    assert "Lead" in page.get_by_test_id("plan-tree").inner_text()

    # The choice sticks, and a task of the user's own unit can be edited.
    page.get_by_text("Measure one").click()
    page.get_by_role("link", name="Task of A").click()
    page.get_by_test_id("edit-task").click()
    page.fill("#id_description_en", "Started in October")
    page.get_by_role("button", name="Save").click()
    assert "Saved." in page.content()
    assert "Started in October" in page.get_by_test_id("history").inner_text()
    assert Task.objects.get(code="A1.M1.T1").description_en == "Started in October"


def test_another_units_task_has_no_edit_button(live_server, users, page):
    sign_in(page, live_server.url, "reporter_a")
    page.goto(f"{live_server.url}/plan/test-plan/tasks/A1.M1.T2/")
    assert page.get_by_test_id("edit-task").count() == 0
    response = page.goto(f"{live_server.url}/plan/test-plan/tasks/A1.M1.T2/edit/")
    assert response.status == 403
    assert page.get_by_test_id("forbidden").is_visible()


def test_plan_office_downloads_the_excel_export(live_server, users, page, tmp_path):
    sign_in(page, live_server.url, "office")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename == "test-plan.xlsx"
    from openpyxl import load_workbook

    target = tmp_path / download.suggested_filename
    download.save_as(target)
    workbook = load_workbook(target)
    assert workbook.sheetnames[:4] == ["plan", "units", "mechanisms", "actions"]
