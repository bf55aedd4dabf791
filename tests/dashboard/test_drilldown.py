"""Drill-down (issue 10): every number, bar, row and light of the cockpit opens the list behind it,
and that list holds what the number counted.

The scenario is ``tests/dashboard/conftest.py``'s, seen at 2024-03 (its deadline, 2024-04-05, has
passed): A1.M1.T1 on track, A1.M1.T2 unknown (no window) and missing, A2.M1.T1 overdue with a
draft (late); one supervision item overdue, one due soon.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

import jingjin
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from tests.dashboard.conftest import add_report

pytestmark = pytest.mark.django_db

COCKPIT = "/cockpit/?period=2024-03"


@pytest.fixture
def leader(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["leader"])
    return client


def hrefs(html: str) -> list[str]:
    """The local links of a page's content (not the menu, the static files or the downloads)."""
    content = html.split("<main", 1)[1] if "<main" in html else html
    found = [unescape(h) for h in re.findall(r'href="(/[^"]*)"', content)]
    return [h for h in found if not h.startswith(("/static/", "/cockpit/bulletin/", "/i18n/"))]


def rows(response: Any) -> list[str]:
    """The task codes of the cockpit's task list."""
    return re.findall(r'<tr data-task="([^"]+)"', response.content.decode())


def test_every_link_of_the_cockpit_opens(leader, scenario):
    html = leader.get(COCKPIT).content.decode()
    links = set(hrefs(html))
    expected = {
        "/cockpit/tasks/?period=2024-03",
        "/cockpit/tasks/?period=2024-03&status=overdue",
        "/cockpit/tasks/?period=2024-03&action=A2&status=overdue",
        "/plan/test-plan/actions/A1/",
        "/plan/test-plan/?period=2024-03",
        "/reports/overview/?period=2024-03&state=late",
        "/reports/overview/?period=2024-03&state=missing",
        "/reports/overview/?period=2024-03&state=submitted",
        # a past month: items and warnings as they stood at its end
        "/supervision/?signal=overdue&on=2024-03-31",
        "/supervision/?signal=due_soon&on=2024-03-31",
        "/warnings/?level=red&on=2024-03-31",
        "/warnings/?level=yellow&on=2024-03-31",
        "/units/t.c/?period=2024-03",  # the county's scorecard at the cockpit's month
        "/plan/test-plan/tasks/A1.M1.T2/",  # the missing report: its task
        "/plan/test-plan/tasks/A1.M1.T1/",  # the county's tasks
        "/plan/test-plan/tasks/A2.M1.T1/",
        f"/reports/2024-03/tasks/{Task.objects.get(code='A2.M1.T1').pk}/",  # the late draft
    }
    assert expected <= links, expected - links
    for url in sorted(links):
        assert leader.get(url).status_code == 200, url


def test_the_status_lights_open_the_tasks_they_count(leader, scenario):
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    for key, count in data["status_counts"].items():
        assert len(rows(leader.get(data["links"]["status"][key]))) == count, key
    assert rows(leader.get(data["links"]["status"]["overdue"])) == ["A2.M1.T1"]
    assert rows(leader.get(data["links"]["tasks"])) == ["A1.M1.T1", "A1.M1.T2", "A2.M1.T1"]
    for action in data["actions"]:
        assert rows(leader.get(action["links"]["tasks"])) == [t["code"] for t in action["tasks"]]
        for key, count in action["status_counts"].items():
            listed = leader.get(action["links"][key])
            assert len(rows(listed)) == count, (action["code"], key)
        assert leader.get(action["url"]).status_code == 200
    county = next(c for c in data["counties"] if c["code"] == "t.c")
    assert rows(leader.get(county["links"]["tasks"])) == [t["code"] for t in county["tasks"]]
    assert rows(leader.get(county["links"]["overdue"])) == ["A2.M1.T1"]
    assert county["url"] == "/units/t.c/?period=2024-03" and leader.get(county["url"]).status_code == 200


def test_the_task_list_shows_the_cockpit_figures_and_leads_to_the_report(leader, scenario):
    response = leader.get("/cockpit/tasks/?period=2024-03&status=on_track")
    html = response.content.decode()
    assert rows(response) == ["A1.M1.T1"]
    assert 'data-status="on_track"' in html and "55%" in html
    task = Task.objects.get(code="A1.M1.T1")
    report_link = f'href="/reports/2024-03/tasks/{task.pk}/" data-testid="task-report"'
    assert report_link in html
    report = leader.get(f"/reports/2024-03/tasks/{task.pk}/")
    assert report.status_code == 200 and report.context["report"].completion_pct == 55


def test_the_task_list_refuses_what_it_does_not_know(leader, scenario):
    assert leader.get("/cockpit/tasks/?period=2024-03&status=purple").status_code == 404
    assert leader.get("/cockpit/tasks/?period=2024-13").status_code == 404
    assert leader.get("/cockpit/tasks/?plan=no-such-plan").status_code == 404
    assert rows(leader.get("/cockpit/tasks/?period=2024-03&action=A9")) == []
    assert rows(leader.get("/cockpit/tasks/?period=2024-03&county=nowhere")) == []
    assert Client().get("/cockpit/tasks/").status_code == 302  # signed out: the login page


def test_the_report_counts_open_the_overview_filtered_by_state(leader, scenario):
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    reports, links = data["reports"], data["links"]["reports"]

    def listed(url: str) -> list[str]:
        response = leader.get(url)
        assert response.status_code == 200, url
        return [row.code for row in response.context["page_obj"].paginator.object_list]

    assert len(listed(links["late"])) == reports["late"] == 2
    assert len(listed(links["missing"])) == reports["missing"] == 1
    assert listed(links["attention"]) == [r["task"] for r in reports["attention"]]
    assert len(listed(links["all"])) == reports["due"] == 3
    assert len(listed(links["review"])) == reports["review"] == 0
    # a report submitted (late) for the missing one: it waits for review
    add_report("A1.M1.T2", scenario["march"], 30, "submitted", date(2024, 4, 9))
    cache.clear()  # written behind the services' back (no audit row): the cached figures would stay
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    assert listed(data["links"]["reports"]["review"]) == ["A1.M1.T2"] and data["reports"]["review"] == 1
    assert len(listed(data["links"]["reports"]["attention"])) == len(data["reports"]["attention"]) == 2


def test_before_the_deadline_the_attention_count_opens_the_missing_reports(leader, users, scenario):
    from jingjin.dashboard.links import cockpit_links
    from jingjin.dashboard.selectors import cockpit

    data = cockpit(user=users["leader"], period=scenario["march"], today=date(2024, 4, 2))
    assert [r.code for r in data.attention_rows] == ["A1.M1.T2"]  # not late yet
    links = cockpit_links(data, user=users["leader"])
    assert links.reports["attention"] == "/reports/overview/?period=2024-03&state=missing"


def test_each_attention_row_opens_its_report(leader, scenario):
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    by_task = {r["task"]: r["url"] for r in data["reports"]["attention"]}
    draft = Report.objects.get(task__code="A2.M1.T1", period__month=3)
    assert by_task == {
        "A1.M1.T2": "/plan/test-plan/tasks/A1.M1.T2/",
        "A2.M1.T1": f"/reports/2024-03/tasks/{draft.task_id}/",
    }
    page = leader.get(by_task["A2.M1.T1"])
    assert page.status_code == 200 and page.context["report"] == draft
    html = leader.get(COCKPIT).content.decode()
    row = html.split('<tr data-task="A2.M1.T1">', 1)[1].split("</tr>", 1)[0]
    assert f'href="{by_task["A2.M1.T1"]}" data-testid="attention-link"' in row


def test_supervision_and_warning_counts_open_their_lists(leader, scenario):
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    supervision = data["links"]["supervision"]
    overdue = leader.get(supervision["overdue"])
    assert overdue.status_code == 200
    assert overdue.context["page"].paginator.count == data["supervision"]["overdue_count"] == 1
    due_soon = leader.get(supervision["due_soon"])
    assert due_soon.context["page"].paginator.count == data["supervision"]["due_soon_count"] == 1
    red = leader.get(data["links"]["warnings"]["red"])
    assert red.status_code == 200 and red.context["level"] == "red"


def test_red_and_black_list_entries_open_the_list_and_the_units_scorecard(leader, users, scenario):
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import schemes_load_builtin

    schemes_load_builtin()
    scheme = RankingScheme.objects.filter(is_active=True).order_by("code").first()
    published = RankingList.objects.create(scheme=scheme, period=scenario["march"], status="published")
    for unit_code, verdict, rank in (("t.a", "red", 1), ("t.c", "black", 2)):
        RankingEntry.objects.create(
            ranking_list=published,
            unit=Unit.objects.get(code=unit_code),
            on_time_pct=90,
            progress_pct=90,
            attainment_pct=90,
            score=90 - rank,
            rank=rank,
            bottom_rank=3 - rank,
            target_met=verdict == "red",
            verdict=verdict,
        )
    data = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    ranking = next(r for r in data["ranking_lists"] if r["id"] == published.pk)
    assert ranking["url"] == f"/lists/{published.pk}/"
    # each unit's scorecard at the list's month
    month = ranking["period"]
    assert [e["url"] for e in ranking["red"]] == [f"/units/t.a/?period={month}"]
    assert [e["url"] for e in ranking["black"]] == [f"/units/t.c/?period={month}"]
    html = leader.get(COCKPIT).content.decode()
    assert f'href="/lists/{published.pk}/" data-testid="ranking-list-link"' in html
    assert f'href="/units/t.c/?period={month}" data-testid="ranking-unit" data-unit="t.c"' in html
    for url in (ranking["url"], f"/units/t.a/?period={month}", f"/units/t.c/?period={month}"):
        assert leader.get(url).status_code == 200, url
    # the list's page leads to each unit's scorecard too, at the list's month
    page = leader.get(ranking["url"]).content.decode()
    assert f'href="/units/t.c/?period={month}" data-testid="entry-scorecard"' in page


def test_the_charts_carry_a_link_for_every_bar_slice_and_point(leader, scenario):
    response = leader.get(COCKPIT)
    chart = response.context["chart_data"]
    links = chart["links"]
    assert len(links["actions"]) == len(chart["actions"]["labels"])
    assert links["actions"] == ["/plan/test-plan/actions/A1/", "/plan/test-plan/actions/A2/"]
    assert len(links["status"]) == len(chart["status"])
    for slice_, url in zip(chart["status"], links["status"], strict=True):
        assert len(rows(leader.get(url))) == slice_["value"]
    assert len(links["trends"]) == len(chart["trends"]["months"])
    assert links["trends"][-1] == "/cockpit/?period=2024-03"
    for series, urls in zip(chart["counties"]["series"], links["counties"], strict=True):
        assert len(urls) == len(series["values"])
        for value, url in zip(series["values"], urls, strict=True):
            assert len(rows(leader.get(url))) == value
    assert links["county_pages"] == ["/units/t.c/?period=2024-03"]
    # the chart script reads the links from the page's JSON and opens them on a click (each chart)
    script = Path(jingjin.__file__).parent / "dashboard" / "static" / "jingjin" / "dashboard.js"
    assert script.read_text(encoding="utf-8").count("drill(chart,") == 4


def test_users_who_may_not_see_the_overview_get_no_link_to_it(client, users, scenario):
    client.force_login(users["reporter_a"])
    html = client.get(COCKPIT).content.decode()
    links = hrefs(html)
    assert not [h for h in links if h.startswith("/reports/overview/")]
    assert client.get("/api/cockpit", {"period": "2024-03"}).json()["links"]["reports"] == {}
    for url in sorted(set(links)):
        assert client.get(url).status_code == 200, url


def test_the_api_links_match_the_documented_schema(leader, scenario):
    from jingjin.dashboard.api import CockpitSerializer

    body = leader.get("/api/cockpit", {"period": "2024-03"}).json()
    serializer = CockpitSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert set(body["links"]) == {"tasks", "status", "reports", "supervision", "warnings"}
