"""The scorecard of a unit (单位画像, ``/units/<code>/``): its tasks with their lights, its reports
on time over twelve months, its red/black list history, its open warnings and supervision items.

The scenario is the cockpit's (``tests/dashboard/conftest.py``) at the as-of date 2024-04-15: the
month being reported on is 2024-03 (deadline 2024-04-05, passed).

    Bureau B (t.b) leads A1.M1.T2 (no window: due every month) and A2.M1.T1 (2022–2023, overdue:
    due until it reports 100 %).
    2024-02: A1.M1.T2 first submitted 03-10 (late), A2.M1.T1 03-01 (on time).
    2024-03: A1.M1.T2 nothing, A2.M1.T1 a draft: two not submitted.
    2023-04 … 2024-01: two due each month, none submitted.
    County C (t.c) leads nothing; A1.M1.T1 (on track, 55 %) and A2.M1.T1 (overdue, 40 %) list it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jingjin.alerts.models import EarlyWarning
from jingjin.assessment.models import RankingEntry, RankingList, RankingScheme
from jingjin.core.models import Unit
from jingjin.plans.models import Measure, Task
from jingjin.reporting.services import period_get_or_create
from tests.dashboard.conftest import add_report, build_scenario

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def scenario(users: dict[str, Any], loaded_plan: Any, settings: Any) -> dict[str, Any]:
    settings.JINGJIN_AS_OF = "2024-04-15"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield build_scenario(loaded_plan)


@pytest.fixture
def leader(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["leader"])
    return client


def table(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def month_row(html: str, month: str) -> list[str]:
    row = table(html, "card-months").split(f'<tr data-month="{month}">', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def warning(unit: Unit, key: str, level: str = "red", resolved: bool = False) -> EarlyWarning:
    at = datetime(2024, 4, 10, 9, tzinfo=SHANGHAI)
    return EarlyWarning.objects.create(
        key=key,
        rule="status_red",
        level=level,
        reason=f"预警 {key}",
        unit=unit,
        first_raised_at=at,
        last_seen_at=at,
        resolved_at=at if resolved else None,
    )


def test_the_scorecard_lists_the_units_tasks_with_their_lights(leader, scenario):
    html = leader.get("/units/t.b/").content.decode()
    assert 'data-testid="scorecard" data-unit="t.b" data-period="2024-03"' in html
    led = table(html, "card-tasks-led")
    assert re.findall(r'<tr data-task="([^"]+)" data-status="(\w+)"', led) == [
        ("A1.M1.T2", "unknown"),
        ("A2.M1.T1", "overdue"),
    ]
    assert "40%" in led.split('data-task="A2.M1.T1"')[1]
    assert f'href="/reports/2024-03/tasks/{Task.objects.get(code="A2.M1.T1").pk}/"' in led
    county = leader.get("/units/t.c/").content.decode()
    assert "None." in table(county, "card-tasks-led")
    assert re.findall(r'<tr data-task="([^"]+)" data-status="(\w+)"', table(county, "card-tasks-listed")) == [
        ("A1.M1.T1", "on_track"),
        ("A2.M1.T1", "overdue"),
    ]


def test_a_task_the_county_holds_a_share_of_is_listed_as_the_share(leader, users, scenario):
    from jingjin.plans.shares import task_split

    task = Task.objects.get(code="A1.M1.T1")
    [share] = task_split(actor=users["office"], task=task, units=[Unit.objects.get(code="t.c")])
    county = leader.get("/units/t.c/").content.decode()
    assert re.findall(r'<tr data-task="([^"]+)"', table(county, "card-tasks-led")) == [share.code]
    # the city task is no longer listed as merely naming the county: the county leads its share
    assert re.findall(r'<tr data-task="([^"]+)"', table(county, "card-tasks-listed")) == ["A2.M1.T1"]


def test_the_statuses_agree_with_the_cockpit(leader, scenario):
    cockpit = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    statuses = {t["code"]: t["status"] for a in cockpit["actions"] for t in a["tasks"]}
    html = leader.get("/units/t.c/").content.decode()
    for code, status in re.findall(r'<tr data-task="([^"]+)" data-status="(\w+)"', html):
        assert statuses[code] == status, code


def test_the_reports_on_time_over_twelve_months(leader, scenario):
    html = leader.get("/units/t.b/").content.decode()
    months = re.findall(r'<tr data-month="([\d-]+)">', html)
    assert months[0] == "2023-04" and months[-1] == "2024-03" and len(months) == 12
    # month, due, on time, late, not submitted, on-time rate
    assert month_row(html, "2024-03") == ["2024-03", "2", "0", "0", "2", "0%"]
    assert month_row(html, "2024-02") == ["2024-02", "2", "1", "1", "0", "50%"]
    assert month_row(html, "2023-04") == ["2023-04", "2", "0", "0", "2", "0%"]
    on_time = html.split('data-testid="card-on-time">', 1)[1]
    assert on_time.startswith("4%") and "1 of 24" in on_time
    # another month: the record ends there
    earlier = leader.get("/units/t.b/?period=2024-02").content.decode()
    assert re.findall(r'<tr data-month="([\d-]+)">', earlier)[-1] == "2024-02"
    assert leader.get("/units/t.b/?period=2024-13").status_code == 404
    assert leader.get("/units/t.b/?period=2024-05").status_code == 404  # after the as-of month


def test_a_report_submitted_on_time_counts_on_time(leader, scenario):
    add_report("A1.M1.T2", scenario["march"], 60, "submitted", scenario["march"].deadline)
    assert month_row(leader.get("/units/t.b/").content.decode(), "2024-03") == [
        "2024-03",
        "2",
        "1",
        "0",
        "1",
        "50%",
    ]


def test_the_list_history_warnings_and_items(leader, scenario):
    county = Unit.objects.get(code="t.c")
    from jingjin.assessment.services import schemes_load_builtin

    schemes_load_builtin()
    scheme = RankingScheme.objects.filter(is_active=True).order_by("code").first()
    published = RankingList.objects.create(scheme=scheme, period=scenario["march"], status="published")
    draft = RankingList.objects.create(
        scheme=scheme, period=period_get_or_create(year=2024, month=2), status="draft"
    )
    for ranking in (published, draft):
        RankingEntry.objects.create(
            ranking_list=ranking,
            unit=county,
            on_time_pct=50,
            progress_pct=40,
            attainment_pct=30,
            score=41.5,
            rank=4,
            bottom_rank=1,
            target_met=False,
            verdict="black",
        )
    warning(county, "w-open")
    warning(county, "w-yellow", level="yellow")
    warning(county, "w-resolved", resolved=True)
    warning(Unit.objects.get(code="t.a"), "w-other")
    html = leader.get("/units/t.c/").content.decode()
    lists = table(html, "card-lists")
    assert f'<tr data-list="{published.pk}">' in lists and f'data-list="{draft.pk}"' not in lists
    assert 'data-verdict="black"' in lists and "41.50" in lists
    assert 'data-testid="card-warnings">2<' in html
    assert (
        html.split('data-testid="card-warnings-list"', 1)[1].split("</ul>", 1)[0].count("<li data-rule") == 2
    )
    items = html.split('data-testid="card-items-list"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'data-item="([^"]+)"', items) == ["DB-2024-001", "DB-2024-002", "DB-2024-004"]
    assert 'data-testid="card-items">3<' in html


def test_every_role_may_view_a_scorecard_within_its_rules(client, users, scenario):
    warning(Unit.objects.get(code="t.b"), "w-b")
    client.force_login(users["reporter_a"])
    response = client.get("/units/t.b/")
    assert response.status_code == 200
    assert 'data-testid="card-warnings">0<' in response.content.decode()  # not its unit's warning
    client.force_login(users["reporter_b"])
    assert 'data-testid="card-warnings">1<' in client.get("/units/t.b/").content.decode()
    nobody = get_user_model().objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get("/units/t.b/").status_code == 404
    client.logout()
    assert client.get("/units/t.b/").status_code == 302


def test_the_scorecard_is_linked_from_the_units_list_and_the_task_page(leader, scenario):
    assert 'href="/units/t.b/"' in leader.get("/units/").content.decode()
    assert 'href="/units/t.b/"' in leader.get("/plan/test-plan/tasks/A1.M1.T2/").content.decode()


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_queries_do_not_grow_with_tasks_reports_warnings_and_items(leader, scenario):
    from jingjin.supervision.models import SupervisionItem

    small = _queries(leader, "/units/t.b/")
    bureau_b, county = Unit.objects.get(code="t.b"), Unit.objects.get(code="t.c")
    measure = Measure.objects.get(code="A1.M1")
    for i in range(30):
        task = Task.objects.create(
            measure=measure,
            code=f"A1.M1.B{i}",
            name_zh=f"乙局新任务{i}",
            name_en=f"New task of B {i}",
            lead_unit=bureau_b,
            position=10 + i,
        )
        task.counties.add(county)
        add_report(task.code, scenario["february"], 10 + i, "approved", scenario["february"].deadline)
        add_report(task.code, scenario["march"], 20 + i, "submitted", scenario["march"].deadline)
        warning(bureau_b, f"w-{i}")
        SupervisionItem.objects.create(
            code=f"DB-B-{i:03d}",
            title=f"督办{i}",
            assignee_unit=bureau_b,
            deadline=scenario["march"].deadline + timedelta(days=i),
            issued_on=scenario["march"].deadline,
        )
    assert _queries(leader, "/units/t.b/") == small
    html = leader.get("/units/t.b/").content.decode()
    assert table(html, "card-tasks-led").count("<tr data-task=") == 32
