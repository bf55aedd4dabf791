"""Progress on the pages of a task, a measure and an action: the latest reported completion,
rolled up by weight as on the cockpit; a task's page lists its recent reports.

The test plan: A1 → A1.M1 → A1.M1.T1 (weight 1, Bureau A) and A1.M1.T2 (weight 2.5, Bureau B).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.plans.models import Action, Measure, Task
from jingjin.reporting.models import Report
from jingjin.reporting.selectors import node_progress
from jingjin.reporting.services import period_get_or_create

pytestmark = pytest.mark.django_db


def report(code: str, year: int, month: int, pct: int, status: str) -> Report:
    return Report.objects.create(
        task=Task.objects.get(code=code),
        period=period_get_or_create(year=year, month=month),
        completion_pct=pct,
        status=status,
    )


@pytest.fixture
def office(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["office"])
    return client


def test_nothing_reported_yet(users, office):
    assert node_progress(user=users["office"], node=Task.objects.get(code="A1.M1.T1")).pct is None
    html = office.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    assert "尚无上报的进度。" in html
    assert 'data-testid="task-reports"' not in html
    assert "尚无上报的进度。" in office.get("/plan/test-plan/measures/A1.M1/").content.decode()


def test_a_task_shows_its_latest_reported_completion_and_recent_reports(users, office):
    report("A1.M1.T1", 2024, 4, 50, "approved")
    report("A1.M1.T1", 2024, 5, 60, "submitted")
    report("A1.M1.T1", 2024, 6, 80, "draft")  # a draft does not count
    progress = node_progress(user=users["office"], node=Task.objects.get(code="A1.M1.T1"))
    assert (progress.pct, progress.coverage, progress.month) == (60.0, 1.0, "2024-05")
    html = office.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    assert "60%（2024-05 月报）" in html
    table = html[html.index('data-testid="task-reports"') :]
    # newest first, drafts listed too, each linked to its report page
    assert table.index("2024-06") < table.index("2024-05") < table.index("2024-04")
    task = Task.objects.get(code="A1.M1.T1")
    assert f'href="/reports/2024-05/tasks/{task.pk}/"' in table


def test_a_measure_and_an_action_roll_up_their_tasks_by_weight(users, office):
    report("A1.M1.T1", 2024, 5, 60, "approved")
    measure = Measure.objects.get(code="A1.M1")
    only_t1 = node_progress(user=users["office"], node=measure)
    # only T1 (weight 1 of 3.5) has reported: 60 %, from 1/3.5 of the weight
    assert only_t1.pct == 60.0 and only_t1.coverage == pytest.approx(1 / 3.5) and only_t1.month == "2024-05"
    assert "29%" in office.get("/plan/test-plan/measures/A1.M1/").content.decode()

    report("A1.M1.T2", 2024, 3, 20, "resubmitted")
    both = node_progress(user=users["office"], node=measure)
    assert both.pct == pytest.approx((1 * 60 + 2.5 * 20) / 3.5)  # 31.43
    assert both.coverage == 1.0 and both.month == "2024-05"
    html = office.get("/plan/test-plan/measures/A1.M1/").content.decode()
    assert "31.4%，按各任务最近一次上报加权（已上报的权重占 100%；最近 2024-05）" in html
    action = node_progress(user=users["office"], node=Action.objects.get(code="A1"))
    assert action == both  # one measure: the action is its measure
    assert "31.4%" in office.get("/plan/test-plan/actions/A1/").content.decode()


def test_the_roll_up_takes_three_queries_at_most(users):
    for code in ("A1.M1.T1", "A1.M1.T2"):
        report(code, 2024, 5, 40, "approved")
    action = Action.objects.get(code="A1")
    with CaptureQueriesContext(connection) as captured:
        node_progress(user=users["office"], node=action)
    assert len(captured.captured_queries) <= 3


def test_a_plan_node_is_required():
    with pytest.raises(TypeError, match="not a plan node"):
        node_progress(user=None, node="A1")
