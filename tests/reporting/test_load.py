"""The reporting load (填报负担): forms and fields per unit and month on a small fixture, the sort by
code or load, the trend, the page and the API for the plan office only — and no clicks or logins."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jingjin.core.models import Unit
from jingjin.ecology.water_models import IndicatorFeed
from jingjin.plans.models import Indicator, Task
from jingjin.projects.models import KeyProject, ProjectReport, ProjectReportMilestone
from jingjin.reporting import load
from jingjin.reporting.services import period_get_or_create, report_save_draft
from jingjin.supervision.models import SupervisionItem, SupervisionStep

pytestmark = pytest.mark.django_db

UNTIL = date(2024, 4, 1)


@pytest.fixture
def world(users):
    t1, t2 = Task.objects.get(code="A1.M1.T1"), Task.objects.get(code="A1.M1.T2")
    feb, mar = period_get_or_create(year=2024, month=2), period_get_or_create(year=2024, month=3)
    # t.a: February's report of T1 (5 fields + 1 indicator) plans two items, which March ticks (+2)
    report_save_draft(actor=users["reporter_a"], task=t1, period=feb, data={"next_plan": "验收\n培训"})
    report_save_draft(actor=users["reporter_a"], task=t1, period=mar, data={"progress": "x"})
    # t.a: a project report of March with one milestone reached (5 + 1)
    project = KeyProject.objects.create(
        code="XM-1",
        name_zh="项目",
        name_en="Project",
        level="city",
        category="industry",
        owner_unit=Unit.objects.get(code="t.a"),
        total_investment=1,
    )
    report = ProjectReport.objects.create(project=project, period=mar)
    ProjectReportMilestone.objects.create(report=report, kind="started", actual=date(2024, 3, 2))
    # t.b: March's report of T2 (5, a milestone task: no numeric indicator) and one answer (1)
    report_save_draft(actor=users["reporter_b"], task=t2, period=mar, data={"progress": "y"})
    item = SupervisionItem.objects.create(
        code="DB-2024-1", title="督办", assignee_unit=Unit.objects.get(code="t.b"), deadline=date(2024, 4, 1)
    )
    SupervisionStep.objects.create(
        item=item,
        step="answer",
        actor_name="reporter_b",
        actor_unit=Unit.objects.get(code="t.b"),
        time=datetime(2024, 3, 10, 4, tzinfo=UTC),
        to_state="answered",
    )
    return users


def _cells(table, code):
    unit = next(u for u in table.units if u.code == code)
    return [(c.items, c.fields) for c in unit.cells]


def test_the_counts_per_unit_and_month(world):
    table = load.reporting_load(months=3, until=UNTIL)
    assert table.months == ["2024-02", "2024-03", "2024-04"]
    assert [u.code for u in table.units] == ["t.a", "t.b"]
    assert _cells(table, "t.a") == [(1, 6), (2, 14), (0, 0)]
    assert _cells(table, "t.b") == [(0, 0), (2, 6), (0, 0)]
    march = table.units[0].cells[1].kinds
    assert march == {"task_report": [1, 8], "project_report": [1, 6]}
    assert table.units[0].trend == -10  # 0 in April against a mean of 10 before
    assert [(c.items, c.fields) for c in table.totals] == [(1, 6), (4, 20), (0, 0)]
    # sorted by load: the most fields first
    assert [u.code for u in load.reporting_load(months=3, until=UNTIL, sort="load").units] == ["t.a", "t.b"]
    assert [u.code for u in load.reporting_load(months=1, until=date(2024, 3, 1), sort="load").units] == [
        "t.a",
        "t.b",
    ]


def test_a_figure_the_system_holds_is_not_counted_as_asked(world):
    IndicatorFeed.objects.create(indicator=Indicator.objects.get(code="A1.M1.T1.I1"), figure="x")
    assert _cells(load.reporting_load(months=3, until=UNTIL), "t.a")[0] == (1, 5)


def test_the_page_and_the_api_are_for_the_plan_office_and_leaders(client, world):
    client.force_login(world["reporter_a"])
    assert client.get("/reports/load/").status_code == 403
    assert client.get("/api/reporting-load").status_code == 403
    client.force_login(world["office"])
    page = client.get("/reports/load/?months=3&until=2024-04&sort=load")
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="reporting-load"')[1].split("</table>")[0]
    assert '<tr data-unit="t.a">' in table and "2 / 14" in table and "↓ -10" in table
    data = client.get("/api/reporting-load?months=3&until=2024-04&sort=code").json()
    assert data["months"] == ["2024-02", "2024-03", "2024-04"]
    first = data["units"][0]
    assert (first["code"], first["items"], first["fields"], first["trend"]) == ("t.a", 3, 20, -10)
    assert first["months"][1]["by_kind"]["project_report"] == {"items": 1, "fields": 6}
    assert set(first) == {"code", "name", "items", "fields", "trend", "months"}  # no clicks, no logins
    assert client.get("/api/reporting-load?months=99").status_code == 400
    assert client.get("/api/reporting-load?sort=clicks").status_code == 400


def test_the_queries_do_not_grow_with_the_data(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        load.reporting_load(months=3, until=UNTIL)
    t1 = Task.objects.get(code="A1.M1.T1")
    for month in (1, 4):
        period = period_get_or_create(year=2024, month=month)
        report_save_draft(actor=world["reporter_a"], task=t1, period=period, data={"progress": "z"})
    with CaptureQueriesContext(connection) as more:
        table = load.reporting_load(months=4, until=UNTIL)
    assert _cells(table, "t.a")[0] == (1, 6) and len(more) == len(few)
