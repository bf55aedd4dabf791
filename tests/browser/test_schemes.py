"""The plan office builds an assessment scheme on a phone: a peer set, a draft with two criteria,
a preview on real data (2024-03), publication (equal to the preview), then a race and its
leaderboard with the rank history."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from jingjin.assessment.scheme_models import AssessmentScheme, RunKind, SchemeStatus
from tests.assessment.conftest import period_of, report
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_preview_publish_and_race(live_server, users, page):
    base = live_server.url
    march = period_of(2024, 3)
    report("A1.M1.T1", march, pct=55, submitted=date(2024, 4, 9))  # late
    report("A1.M1.T2", march, pct=30, submitted=date(2024, 4, 5))

    sign_in(page, base, "office")
    page.goto(f"{base}/schemes/")
    page.fill("#id_peer-code", "depts")
    page.fill("#id_peer-name_zh", "部门组")
    page.fill("#id_peer-name_en", "Departments")
    page.select_option("#id_peer-units", [str(u) for u in _unit_ids("t.a", "t.b")])
    page.get_by_test_id("save-peer-set").click()
    page.get_by_test_id("schemes").wait_for()

    page.fill("#id_new-code", "econ")
    page.fill("#id_new-name_zh", "工业经济考核")
    page.fill("#id_new-name_en", "Industrial economy")
    page.select_option("#id_new-peer_set", label="部门组")
    page.select_option("#id_c-0-source", "on_time")
    page.fill("#id_c-0-weight", "1")
    page.select_option("#id_c-1-source", "progress")
    page.fill("#id_c-1-weight", "1")
    page.get_by_test_id("create-scheme").click()
    expect(page.get_by_test_id("scheme-status")).to_contain_text("v1")

    page.fill("#id_period", "2024-03")
    page.get_by_test_id("preview").click()
    rows = page.get_by_test_id("run-rows")
    rows.wait_for()
    assert rows.locator("tbody tr").first.get_attribute("data-unit") == "t.b"

    page.get_by_test_id("publish").click()
    page.get_by_test_id("race-form").wait_for()
    scheme = AssessmentScheme.objects.get(code="econ")
    assert scheme.status == SchemeStatus.PUBLISHED
    assert scheme.runs.get(kind=RunKind.PUBLISHED).rows == scheme.runs.get(kind=RunKind.PREVIEW).rows

    page.fill("#id_race-code", "race")
    page.fill("#id_race-name_zh", "赛马")
    page.fill("#id_race-name_en", "Race")
    page.fill("#id_race-start", "2024-02")
    page.fill("#id_race-end", "2024-03")
    page.get_by_test_id("start-race").click()
    board = page.get_by_test_id("leaderboard")
    board.wait_for()
    assert board.locator("tbody tr").first.get_attribute("data-unit") == "t.b"
    page.get_by_test_id("race-chart").locator("canvas").wait_for()


def _unit_ids(*codes):
    from jingjin.core.models import Unit

    return [Unit.objects.get(code=c).pk for c in codes]
