"""The plan tree shows each node's progress and status light (drill-down, issue 10).

The small plan (``tests/conftest.py``): A1 → A1.M1 → T1 (weight 1, 2021-09-10 → 2025-12-31) and
T2 (weight 2.5, no window). With T1 at 30 % and T2 at 50 % reported for 2024-02, at the end of
2024-03 T1 is expected at about 59 %: far behind; T2 has no window: unknown. The measure, the
action and the plan get the weighted roll-up (30 × 1 + 50 × 2.5) / 3.5 = 44.3 % and the worst
known light, far behind.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from jingjin.reporting.services import period_get_or_create

pytestmark = pytest.mark.django_db

TREE = "/plan/test-plan/"
FRAGMENT = "/plan/test-plan/measures/A1.M1/tasks/"
HX = {"HX-Request": "true"}


@pytest.fixture
def office(client: Any, users: dict[str, Any], settings: Any) -> Any:
    settings.JINGJIN_AS_OF = "2024-04"  # the month being reported on: 2024-03
    settings.LANGUAGE_CODE = "en"
    client.force_login(users["office"])
    with translation.override("en"):
        yield client


def report(code: str, year: int, month: int, pct: int, status: str) -> Report:
    return Report.objects.create(
        task=Task.objects.get(code=code),
        period=period_get_or_create(year=year, month=month),
        completion_pct=pct,
        progress="本月进展",
        status=status,
    )


@pytest.fixture
def reports(office: Any) -> None:
    report("A1.M1.T1", 2024, 2, 30, "approved")
    report("A1.M1.T2", 2024, 2, 50, "submitted")
    report("A1.M1.T2", 2024, 3, 95, "draft")  # a draft does not count
    report("A1.M1.T1", 2024, 4, 100, "approved")  # after the period shown: not counted


def figure(html: str, code: str) -> tuple[str, str]:
    """(status key, progress text) of the node ``code`` in the tree."""
    found = re.search(
        rf'data-testid="node-figure" data-node="{re.escape(code)}" data-status="(\w+)">.*?'
        r'class="jj-progress[^"]*"[^>]*>([^<]*)</span>',
        html,
        re.S,
    )
    assert found, code
    return found.group(1), found.group(2)


def test_every_node_of_the_tree_shows_its_progress_and_light(office, reports):
    html = office.get(TREE).content.decode()
    assert "as of the reports of 2024-03" in html
    assert figure(html, "A1") == ("far_behind", "44.3%")
    assert figure(html, "A1.M1") == ("far_behind", "44.3%")
    assert figure(html, "test-plan") == ("far_behind", "44.3%")


def test_the_tree_of_another_month(office, reports):
    html = office.get(TREE + "?period=2024-01").content.decode()
    assert "as of the reports of 2024-01" in html
    assert figure(html, "A1.M1") == ("unknown", "—")
    assert 'hx-get="/plan/test-plan/measures/A1.M1/tasks/?period=2024-01"' in html
    assert office.get(TREE + "?period=2024-13").status_code == 404
    assert office.get(TREE + "?period=2099-01").status_code == 404


def test_the_task_branch_shows_each_tasks_light(office, reports):
    html = office.get(FRAGMENT, headers=HX).content.decode()
    task_1, task_2 = html.split('class="jj-task"')[1:]
    assert 'data-testid="task-light" data-status="far_behind"' in task_1 and "far behind" in task_1
    assert "Progress 30% (2024-02)" in task_1  # the April 100 % is after the period shown
    assert 'data-testid="task-light" data-status="unknown"' in task_2
    assert "Progress 50% (2024-02)" in task_2 and "95%" not in task_2
    later = office.get(FRAGMENT + "?period=2024-04", headers=HX).content.decode()
    assert 'data-status="done"' in later.split('class="jj-task"')[1]


def test_the_tree_agrees_with_the_cockpit(office, reports):
    cockpit = office.get("/api/cockpit?period=2024-03").json()
    html = office.get(TREE).content.decode()
    action = cockpit["actions"][0]
    assert figure(html, "A1")[1] == f"{action['progress']:.1f}%"
    assert figure(html, "A1")[0] == action["worst_status"]
    statuses = {t["code"]: t["status"] for t in action["tasks"]}
    fragment = office.get(FRAGMENT, headers=HX).content.decode()
    for part in fragment.split('class="jj-task"')[1:]:
        code = re.search(r'data-task="([^"]+)"', part).group(1)
        assert f'data-status="{statuses[code]}"' in part


def test_a_reporter_sees_the_same_figures(client, users, reports, settings):
    client.force_login(users["reporter_b"])
    with translation.override("en"):
        html = client.get(TREE).content.decode()
    assert figure(html, "A1.M1") == ("far_behind", "44.3%")
