"""The plan tree page: actions and measures only, each measure's tasks in an htmx fragment.

The new strings are checked in English (their Chinese comes with ``.zh/plantree.json``); the
strings that were already translated are checked in Chinese, the default language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jingjin.core.models import Unit
from jingjin.plans.models import Action, Indicator, Measure, Mechanism, Task
from jingjin.reporting.models import Report
from jingjin.reporting.services import period_get_or_create

pytestmark = pytest.mark.django_db

TREE = "/plan/test-plan/"
FRAGMENT = "/plan/test-plan/measures/{}/tasks/"
#: htmx marks its requests; the fragment URL opened directly redirects to the measure page
HX = {"HX-Request": "true"}


@pytest.fixture
def office(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["office"])
    return client


@pytest.fixture
def english(settings: Any) -> Any:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def report(code: str, year: int, month: int, pct: int, status: str) -> Report:
    return Report.objects.create(
        task=Task.objects.get(code=code),
        period=period_get_or_create(year=year, month=month),
        completion_pct=pct,
        progress="本月进展",
        status=status,
    )


def grow(plan: Any, actions: int = 2, measures: int = 3, tasks: int = 12) -> None:
    """Add actions × measures × tasks to ``plan``, each task with a mechanism, indicators and reports."""
    bureau_a, bureau_b = Unit.objects.get(code="t.a"), Unit.objects.get(code="t.b")
    mechanism = Mechanism.objects.get(plan=plan, code="red_black_list")
    may = period_get_or_create(year=2024, month=5)
    for a in range(2, 2 + actions):
        action = Action.objects.create(
            plan=plan, code=f"A{a}", name_zh=f"行动{a}", name_en=f"Action {a}", lead_unit=bureau_a, position=a
        )
        for m in range(1, measures + 1):
            measure = Measure.objects.create(
                action=action,
                code=f"A{a}.M{m}",
                name_zh=f"措施{a}-{m}",
                name_en=f"Measure {a}-{m}",
                position=m,
            )
            for t in range(1, tasks + 1):
                task = Task.objects.create(
                    measure=measure,
                    code=f"{measure.code}.T{t}",
                    name_zh=f"任务{a}-{m}-{t}",
                    name_en=f"Task {a}-{m}-{t}",
                    lead_unit=bureau_b if t % 2 else bureau_a,
                    position=t,
                )
                task.mechanisms.add(mechanism)
                for i in (1, 2):
                    Indicator.objects.create(
                        task=task,
                        code=f"{task.code}.I{i}",
                        name_zh="指标",
                        name_en="Indicator",
                        direction="higher",
                    )
                Report.objects.create(task=task, period=may, completion_pct=t, status="approved")


def test_the_tree_shows_actions_measures_and_counts_but_no_tasks(office):
    response = office.get(TREE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "行动一" in html and "措施一" in html
    assert "1 项行动、1 项措施、2 项任务、2 个指标" in html
    assert "2 项任务" in html.split("措施一", 1)[1]  # the measure's own task count
    assert "甲局任务" not in html and "A1.M1.T1" not in html and 'class="jj-task"' not in html
    # The measure loads its tasks when opened, and links to its page for browsers without JavaScript.
    assert 'hx-get="/plan/test-plan/measures/A1.M1/tasks/"' in html
    assert 'hx-trigger="toggle once"' in html
    assert 'href="/plan/test-plan/measures/A1.M1/"' in html
    assert office.get("/").content.decode().count('hx-get="/plan/test-plan/measures/') == 1


def test_the_tree_counts_in_english(office, english):
    html = office.get(TREE).content.decode()
    assert "1 actions, 1 measures, 2 tasks, 2 indicators" in html
    assert "Loading…" in html


def test_the_fragment_lists_the_measures_tasks_with_their_latest_reported_progress(office, english):
    report("A1.M1.T1", 2024, 4, 50, "approved")
    report("A1.M1.T1", 2024, 5, 60, "submitted")
    report("A1.M1.T1", 2024, 6, 90, "draft")  # a draft is not reported: its 90 % is not shown
    report("A1.M1.T2", 2024, 6, 80, "draft")
    response = office.get(FRAGMENT.format("A1.M1"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not a page
    assert html.count('class="jj-task"') == 2
    task_a, task_b = html.split('class="jj-task"')[1:]
    assert '<a href="/plan/test-plan/tasks/A1.M1.T1/">Task of A</a>' in task_a
    assert "Lead: Bureau A" in task_a and "Red/black list" in task_a and "1 indicator" in task_a
    assert "Progress 60% (2024-05)" in task_a and "90%" not in task_a
    assert '<a href="/plan/test-plan/tasks/A1.M1.T2/">Task of B</a>' in task_b
    assert "Lead: Bureau B" in task_b and "Red/black list" not in task_b
    assert "Progress —" in task_b and "80%" not in task_b


def test_the_fragment_in_chinese(office):
    html = office.get(FRAGMENT.format("A1.M1"), headers=HX).content.decode()
    assert "甲局任务" in html and "牵头: 甲局" in html and "红黑榜" in html and "1 个指标" in html
    assert "进度 —" in html


def test_a_measure_without_tasks(office, loaded_plan, english):
    action = Action.objects.get(code="A1")
    Measure.objects.create(action=action, code="A1.M2", name_zh="空措施", name_en="Empty measure", position=2)
    assert "0 tasks" in office.get(TREE).content.decode()
    html = office.get(FRAGMENT.format("A1.M2"), headers=HX).content.decode()
    assert "This measure has no tasks." in html


def test_unknown_or_foreign_measures_are_404(office, loaded_plan, plan_data):
    from jingjin.plans.services import plan_import

    plan_data["plan"] = {**plan_data["plan"], "code": "other-plan", "name_zh": "另一规划", "name_en": "Other"}
    plan_data["actions"][0]["measures"][0]["tasks"][0]["name_zh"] = "另一规划的任务"
    plan_import(data=plan_data, actor=None, source="test")
    assert office.get(FRAGMENT.format("A1.M9"), headers=HX).status_code == 404
    assert office.get("/plan/no-plan/measures/A1.M1/tasks/", headers=HX).status_code == 404
    # Both plans have a measure A1.M1: each fragment lists its own plan's tasks.
    own = office.get(FRAGMENT.format("A1.M1"), headers=HX).content.decode()
    other = office.get("/plan/other-plan/measures/A1.M1/tasks/", headers=HX).content.decode()
    assert "甲局任务" in own and "另一规划的任务" not in own
    assert "另一规划的任务" in other and "/plan/other-plan/tasks/A1.M1.T1/" in other


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b", "county_c", "leader"])
def test_every_role_reads_the_tree_and_the_fragment(client, users, who):
    client.force_login(users[who])
    assert "措施一" in client.get("/").content.decode()
    assert "乙局任务" in client.get(FRAGMENT.format("A1.M1"), headers=HX).content.decode()


def test_a_user_without_a_role_sees_neither_tree_nor_fragment(client, loaded_plan):
    nobody = get_user_model().objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get(TREE).status_code == 404
    assert client.get(FRAGMENT.format("A1.M1"), headers=HX).status_code == 404


def test_signed_out_users_are_sent_to_the_login_page(client, loaded_plan):
    response = client.get(FRAGMENT.format("A1.M1"), headers=HX)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _queries(client: Any, url: str) -> int:
    client.get(url, headers=HX)  # warm up (session, per-process caches)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=HX).status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_measures_and_tasks(office, loaded_plan):
    report("A1.M1.T1", 2024, 5, 60, "approved")
    tree_small = _queries(office, TREE)
    fragment_small = _queries(office, FRAGMENT.format("A1.M1"))  # 2 tasks

    grow(loaded_plan)  # + 2 actions × 3 measures × 12 tasks, each with 2 indicators and a report
    html = office.get(TREE).content.decode()
    assert "3 项行动、7 项措施、74 项任务、146 个指标" in html
    assert _queries(office, TREE) == tree_small
    assert _queries(office, FRAGMENT.format("A3.M2")) == fragment_small  # 12 tasks
    fragment = office.get(FRAGMENT.format("A3.M2"), headers=HX).content.decode()
    assert fragment.count('class="jj-task"') == 12 and fragment.count("红黑榜") == 12
    assert "2 个指标" in fragment


def test_query_budget(office, loaded_plan, django_assert_max_num_queries):
    grow(loaded_plan, actions=1, measures=2, tasks=30)
    office.get(TREE)
    office.get(FRAGMENT.format("A2.M1"), headers=HX)
    # session + user + profile, the plan, the plan list, actions, measures, task counts, indicators,
    # the period, the tasks' latest reports (progress and lights of every node), the unread
    # notifications of the navigation's badge
    with django_assert_max_num_queries(12):
        office.get(TREE)
    # session + user + profile, the plan, the measure, tasks, mechanisms, latest reports, the
    # period, the tasks' lights, the unread notifications of the navigation's badge
    with django_assert_max_num_queries(12):
        office.get(FRAGMENT.format("A2.M1"), headers=HX)


def test_the_fragment_opened_directly_leads_to_the_measure_page(office):
    response = office.get(FRAGMENT.format("A1.M1"))  # no HX-Request header: a person, not htmx
    assert response.status_code == 302
    assert response["Location"] == "/plan/test-plan/measures/A1.M1/"


def test_the_measure_page_still_lists_its_tasks(office):
    html = office.get("/plan/test-plan/measures/A1.M1/").content.decode()
    assert 'href="/plan/test-plan/tasks/A1.M1.T1/"' in html and "甲局任务" in html
