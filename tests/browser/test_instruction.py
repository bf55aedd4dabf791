"""A leader's instruction (领导批示) on a monthly report, on a phone, to its closing: the leader
writes it on the report page, the unit answers its item, the plan office closes it, and the report
page shows the instruction closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jingjin.core import clock
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from jingjin.reporting.services import period_get_or_create
from jingjin.supervision.models import Instruction
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instruction_on_a_report_to_its_closing(live_server, users, page):
    base = live_server.url
    period = period_get_or_create(year=2024, month=3)
    task = Task.objects.get(code="A1.M1.T1")
    Report.objects.create(task=task, period=period, completion_pct=30, status="submitted")
    report_page = f"{base}/reports/{period.code}/tasks/{task.pk}/"

    sign_in(page, base, "leader")
    page.goto(report_page)
    page.get_by_test_id("give-instruction").click()
    page.fill("#id_text", "进度偏慢，请说明原因并提出措施")
    page.select_option("#id_units", ["t.a"])
    page.fill("#id_deadline", (clock.today() + timedelta(days=10)).isoformat())
    page.get_by_test_id("practice-submit").click()
    page.get_by_test_id("instruction-text").wait_for()
    instruction = Instruction.objects.get()
    item = instruction.items.get()
    assert instruction.report is not None and instruction.leader_name == "leader"

    page.context.clear_cookies()
    sign_in(page, base, "reporter_a")
    page.goto(f"{base}/supervision/{item.code}/")
    assert page.get_by_test_id("instruction-link").inner_text().startswith(instruction.code)
    page.get_by_test_id("do-acknowledge").click()
    page.get_by_test_id("do-start").click()
    page.fill("#text-answer", "已查明原因，增派施工队伍")
    page.get_by_test_id("do-answer").click()
    page.get_by_test_id("answer").wait_for()

    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/supervision/{item.code}/")
    page.get_by_test_id("do-close").click()
    page.get_by_test_id("answer").wait_for()
    page.goto(report_page)
    here = page.get_by_test_id("instructions-here")
    assert "进度偏慢" in here.inner_text() and "已查明原因" in here.inner_text()
    here.get_by_test_id("instruction-closed").wait_for()
