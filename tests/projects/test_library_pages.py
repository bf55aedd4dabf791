"""The project library's pages, export and API (slice projlib)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jingjin.projects.models import KeyProject, ProjectReport, ProjectYearPlan
from jingjin.reporting.models import ReportingPeriod
from tests.projects.library_data import project, row, workbook

pytestmark = pytest.mark.django_db

MONTH = "2024-06"


def _with_progress(code: str, owner: str, *, planned: int, ytd: int, **fields: Any) -> KeyProject:
    """A project planned for 2024 with an approved report of 2024-06 (half the year elapsed)."""
    p = project(code, owner, **fields)
    ProjectYearPlan.objects.create(project=p, year=2024, planned_investment=planned)
    period = ReportingPeriod.objects.get_or_create(
        year=2024, month=6, defaults={"deadline": date(2024, 7, 5)}
    )[0]
    ProjectReport.objects.create(project=p, period=period, investment_ytd=ytd, status="approved")
    return p


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_shows_progress_totals_and_lags_in_flat_queries(client: Any, users: Any) -> None:
    _with_progress("XM-01", "t.a", planned=1000, ytd=500)  # 50 % at half the year: on track
    _with_progress("XM-02", "t.b", planned=1000, ytd=100, leader="=1+1")  # 10 %: far behind
    client.force_login(users["leader"])
    html = client.get(f"/projects/?month={MONTH}").content.decode()
    assert 'data-code="XM-01"' in html and 'data-lag="on_track"' in html and 'data-lag="far_behind"' in html
    assert "30.0" in html  # the totals' completion: 600 of 2000
    by_gap = client.get(f"/projects/?month={MONTH}&sort=gap").content.decode()
    assert by_gap.index('data-code="XM-02"') < by_gap.index('data-code="XM-01"')
    filtered = client.get(f"/projects/?month={MONTH}&search=XM-01").content.decode()
    assert 'data-code="XM-01"' in filtered and 'data-code="XM-02"' not in filtered
    few = _queries(client, f"/projects/?month={MONTH}&sort=gap")
    for i in range(3, 48):
        _with_progress(f"XM-{i:02d}", "t.a", planned=1000, ytd=i * 10)
    assert _queries(client, f"/projects/?month={MONTH}&sort=gap") == few
    assert _queries(client, f"/projects/?month={MONTH}") == few


def test_detail_edit_and_the_task_page(client: Any, users: Any) -> None:
    from jingjin.plans.models import Task

    p = _with_progress("XM-10", "t.a", planned=1200, ytd=300, leader="示例领导")
    p.tasks.add(Task.objects.get(code="A1.M1.T1"))
    client.force_login(users["reporter_a"])
    html = client.get(f"/projects/XM-10/?month={MONTH}").content.decode()
    assert 'data-complete="no"' in html and 'data-testid="edit-project"' in html
    assert "25.0" in html  # 300 of 1200
    form = client.get("/projects/XM-10/edit/").content.decode()
    assert 'name="team"' in form and 'name="total_investment"' not in form and 'name="plan_2024"' not in form
    answer = client.post(
        "/projects/XM-10/edit/",
        {
            "industry": "",
            "leader": "示例领导",
            "team": "示例专班",
            "plan_document": "",
            "timeline": "",
            "support_measures": "",
            "description": "",
            "start": "",
            "end": "",
            "state": "construction",
            "milestone_started": "2024-04-01",
        },
    )
    assert answer.status_code == 302
    p.refresh_from_db()
    assert p.team == "示例专班" and p.state == "construction" and p.milestones.get().kind == "started"
    assert 'data-testid="task-key-projects"' in client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    client.force_login(users["reporter_b"])
    assert client.get("/projects/XM-10/edit/").status_code == 403


def test_export_neutralises_formulas_and_carries_the_progress(client: Any, users: Any) -> None:
    _with_progress("XM-20", "t.a", planned=1000, ytd=250, leader='=HYPERLINK("http://x","y")')
    client.force_login(users["leader"])
    answer = client.get(f"/projects/export.xlsx?month={MONTH}")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows())
    leader = next(c for c in rows[1] if c.value == '=HYPERLINK("http://x","y")')
    assert leader.data_type == "s" and leader.quotePrefix
    values = [c.value for c in rows[1]]
    assert "XM-20" in values and MONTH in values and 25 in values  # completion 25 %
    from docx import Document

    word = client.get(f"/projects/XM-20/export.docx?month={MONTH}")
    assert word.status_code == 200
    cells = [c.text for t in Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells]
    assert '=HYPERLINK("http://x","y")' in cells and "25.00" in cells  # Word keeps the text as it is


def test_import_page_lists_errors_and_imports(client: Any, users: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["office"])
    bad = SimpleUploadedFile("p.xlsx", workbook([row("XM-30", **{"类别": "火星"})]))
    answer = client.post("/projects/import/", {"file": bad})
    assert answer.status_code == 400 and "火星" in answer.content.decode()
    assert not KeyProject.objects.exists()
    good = SimpleUploadedFile("p.xlsx", workbook([row("XM-30")]))
    assert client.post("/projects/import/", {"file": good}).status_code == 302
    assert KeyProject.objects.filter(code="XM-30").exists()
    template = client.get("/projects/import/template.xlsx")
    assert template.status_code == 200
    client.force_login(users["reporter_a"])
    assert client.get("/projects/import/").status_code == 403


def test_the_api_by_role(client: Any, users: Any) -> None:
    own = _with_progress("XM-40", "t.a", planned=1000, ytd=500)
    client.force_login(users["reporter_a"])
    listed = client.get(f"/api/projects?month={MONTH}&level=city").json()
    assert listed["count"] == 1 and listed["results"][0]["progress"]["completion_pct"] == 50.0
    assert client.get("/api/projects?level=nope").status_code == 400
    assert client.get("/api/projects?owner_unit=zz").json()["count"] == 0
    patch = client.patch(
        f"/api/projects/{own.pk}", {"leader": "示例领导", "state": "construction"}, "application/json"
    )
    assert patch.status_code == 200 and patch.json()["state"] == "construction"
    refused = client.patch(f"/api/projects/{own.pk}", {"total_investment": "1"}, "application/json")
    assert refused.status_code == 403
    assert client.post("/api/projects", {}, "application/json").status_code == 403
    client.force_login(users["office"])
    body = {
        "code": "XM-41",
        "name_zh": "示例项目",
        "name_en": "Demo project",
        "level": "county",
        "category": "ecology",
        "owner_unit": "t.c",
        "total_investment": "300",
        "year_plans": [{"year": 2024, "planned_investment": "100"}],
        "milestones": [{"kind": "signed", "planned": "2024-02-01"}],
    }
    created = client.post("/api/projects", json.dumps(body), "application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["year_plans"] == [{"year": 2024, "planned_investment": "100.00"}]
    assert data["milestones"][0]["planned"] == "2024-02-01" and data["five_ones_complete"] is False
    assert client.delete(f"/api/projects/{data['id']}").status_code == 204
    assert KeyProject.objects.filter(code="XM-41").count() == 0
    assert ProjectYearPlan.objects.filter(planned_investment=Decimal("100")).count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"year_plans": [{"planned_investment": "1"}]},  # a partial item of a PATCH
        {"year_plans": [{"year": 2024, "planned_investment": "1e400"}]},
        {"milestones": [{"planned": "2024-01-01"}]},
        {"total_investment": 10**30},
        {"name_zh": "a\x00b"},
        {"state": "nowhere"},
        {"code": "XM-OTHER"},
    ],
    ids=["plan-without-year", "huge-plan", "milestone-without-kind", "huge-total", "nul", "state", "code"],
)
def test_hostile_changes_answer_400(client: Any, users: Any, body: dict[str, Any]) -> None:
    p = project("XM-50", "t.a")
    client.force_login(users["office"])
    answer = client.patch(f"/api/projects/{p.pk}", json.dumps(body), "application/json")
    assert answer.status_code == 400, answer.content
    assert KeyProject.objects.get(pk=p.pk).code == "XM-50"


def test_a_code_that_cannot_be_an_address_is_refused(client: Any, users: Any) -> None:
    client.force_login(users["office"])
    for code in ("a/b", "..", "a b"):
        body = {"code": code, "name_zh": "示例", "name_en": "Demo", "level": "city", "category": "industry"}
        answer = client.post(
            "/api/projects",
            json.dumps({**body, "owner_unit": "t.a", "total_investment": 1}),
            "application/json",
        )
        assert answer.status_code == 400 and "code" in answer.json(), code
    assert not KeyProject.objects.exists()
