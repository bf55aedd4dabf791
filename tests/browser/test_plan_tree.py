"""A user signs in, reads the plan tree in Chinese, switches to English, and edits an own task."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jingjin.plans.models import Action, Measure, Task
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    # wait for the page the login leads to: an assertion straight after the click could otherwise
    # read the login page still on screen (a CI run failed so under load)
    with page.expect_navigation():
        page.click("#login-submit")
    page.wait_for_load_state()
    expect(page.locator("#login-submit")).to_have_count(0)


def test_sign_in_read_the_tree_in_chinese_and_switch_to_english(live_server, users, page):
    # The browser asks for English (locale en-US), yet the UI starts in Chinese.
    sign_in(page, live_server.url, "reporter_a")
    tree = page.get_by_test_id("plan-tree")
    assert page.get_by_test_id("plan-title").inner_text() == "测试规划"
    assert "A1 行动一" in tree.inner_text()
    assert "牵头" in tree.inner_text()
    assert page.get_by_role("link", name="甲局任务").count() == 0  # tasks load when a measure opens
    page.get_by_text("措施一").click()  # open the measure: its tasks load (htmx)
    expect(page.get_by_role("link", name="甲局任务")).to_be_visible()
    expect(tree.locator(".jj-task")).to_have_count(2)

    page.locator("button.navbar-toggler").click()  # phone-sized: the menu is collapsed
    # wait until the menu has opened (Bootstrap's "collapsing" transition is over): a click during
    # the transition may miss the button, as it did under load
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    with page.expect_navigation():  # the switch posts and reloads the page
        page.get_by_test_id("language-en").click()
    expect(page.get_by_test_id("plan-title")).to_have_text("Test plan")
    assert "Action one" in page.get_by_test_id("plan-tree").inner_text()
    assert "Lead" in page.get_by_test_id("plan-tree").inner_text()

    # The choice sticks, and a task of the user's own unit can be edited.
    page.get_by_text("Measure one").click()
    first_row = page.get_by_test_id("plan-tree").locator(".jj-task").first
    expect(first_row.get_by_test_id("task-progress")).to_have_text("Progress —")  # no report yet
    page.get_by_role("link", name="Task of A").click()
    page.get_by_test_id("edit-task").click()
    page.fill("#id_description_en", "Started in October")
    page.get_by_role("button", name="Save").click()
    # the save posts and loads the task's page: wait for it (``page.content()`` read during the
    # navigation gave an empty page once, in CI on 2026-12-07)
    expect(page.locator("body")).to_contain_text("Saved.")
    assert "Started in October" in page.get_by_test_id("history").inner_text()
    assert Task.objects.get(code="A1.M1.T1").description_en == "Started in October"


def test_expand_all_loads_every_measures_tasks_and_collapse_all_hides_them(live_server, users, page):
    from jingjin.reporting.models import Report
    from jingjin.reporting.services import period_get_or_create

    action = Action.objects.get(code="A1")
    second = Measure.objects.create(
        action=action, code="A1.M2", name_zh="措施二", name_en="Measure two", position=2
    )
    Task.objects.create(
        measure=second, code="A1.M2.T1", name_zh="第二措施任务", name_en="Task two", position=1
    )
    Report.objects.create(
        task=Task.objects.get(code="A1.M1.T1"),
        period=period_get_or_create(year=2024, month=5),
        completion_pct=60,
        status="approved",
    )
    sign_in(page, live_server.url, "office")
    tree = page.get_by_test_id("plan-tree")
    expect(tree.locator(".jj-task")).to_have_count(0)
    page.get_by_role("button", name="全部展开").click()
    expect(tree.locator(".jj-task")).to_have_count(3)
    for name in ("甲局任务", "乙局任务", "第二措施任务"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(tree.locator(".jj-loading")).to_have_count(0)
    row = tree.locator(".jj-task", has=page.get_by_role("link", name="甲局任务"))
    expect(row.get_by_test_id("task-progress")).to_contain_text("60%")
    expect(row.get_by_test_id("task-progress")).to_contain_text("2024-05")

    page.get_by_role("button", name="全部收起").click()
    expect(page.get_by_role("link", name="甲局任务")).to_be_hidden()
    page.get_by_role("button", name="全部展开").click()  # loaded once: shown again without a request
    expect(tree.locator(".jj-task")).to_have_count(3)
    expect(page.get_by_role("link", name="第二措施任务")).to_be_visible()


def test_without_javascript_a_measure_links_to_its_page(live_server, users, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server.url, "reporter_a")
        measure = page.locator("details.jj-measure", has_text="措施一")
        measure.locator("summary").get_by_role("link", name="详情").click()
        page.wait_for_url("**/plan/test-plan/measures/A1.M1/")
        expect(page.get_by_role("link", name="甲局任务")).to_be_visible()
    finally:
        context.close()


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
