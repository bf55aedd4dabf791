"""The plan office's web forms of issue 12 (slice projfix): a new project, a campaign; the
covering index of the monthly project reports; the unranked project's explanation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from jingjin.core import clock
from jingjin.core.models import AuditEntry, Unit
from jingjin.projects.models import Campaign, KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from tests.projects.library_data import project

pytestmark = pytest.mark.django_db


def _new_project(**overrides: Any) -> dict[str, Any]:
    this = clock.today().year
    t_a = Unit.objects.get(code="t.a")
    return {
        "code": "XM-NEW",
        "name_zh": "示例新项目",
        "name_en": "Demo new project",
        "level": "city",
        "category": "industry",
        "owner_unit": t_a.pk,
        "total_investment": "5000",
        "start": f"{this}-03-01",
        "end": f"{this + 1}-12-31",
        "leader": "示例领导",
        "state": "preparation",
        f"plan_{this}": "1200.5",
        "milestone_started": f"{this}-04-01",
        **overrides,
    }


def test_the_plan_office_creates_a_project_with_plans_and_milestones(client: Any, users: Any) -> None:
    this = clock.today().year
    client.force_login(users["office"])
    page = client.get("/projects/").content.decode()
    assert 'data-testid="new-project"' in page
    form = client.get("/projects/new/").content.decode()
    assert 'name="code"' in form and f'name="plan_{this + 1}"' in form and 'name="milestone_started"' in form
    answer = client.post("/projects/new/", _new_project())
    assert answer.status_code == 302 and answer["Location"] == "/projects/XM-NEW/"
    made = KeyProject.objects.get(code="XM-NEW")
    assert (made.state, made.owner_unit.code, made.leader) == ("preparation", "t.a", "示例领导")
    assert ProjectYearPlan.objects.get(project=made, year=this).planned_investment == Decimal("1200.50")
    assert not ProjectYearPlan.objects.filter(project=made, year=this + 1).exists()
    started = ProjectMilestone.objects.get(project=made)
    assert (started.kind, started.planned, started.actual) == ("started", date(this, 4, 1), None)
    entry = AuditEntry.objects.get(object_id=made.pk, action="create", content_type__model="keyproject")
    assert entry.user == users["office"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"code": "XM 1"}, "code", "no slash or space"),
        ({"total_investment": "-5"}, "total_investment", ""),
        ({"end": "2000-01-01"}, "end", ""),
        ({"name_zh": "坏\x07名"}, "name_zh", ""),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    client: Any, users: Any, overrides: dict[str, Any], field: str, words: str
) -> None:
    client.force_login(users["office"])
    answer = client.post("/projects/new/", _new_project(**overrides))
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert list(errors) == [field] and words in " ".join(errors[field])
    assert not KeyProject.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="keyproject").exists()


def test_a_duplicate_code_is_named(client: Any, users: Any) -> None:
    project("XM-NEW", "t.a")
    client.force_login(users["office"])
    answer = client.post("/projects/new/", _new_project())
    assert answer.status_code == 400 and list(answer.context["form"].errors) == ["code"]
    assert KeyProject.objects.count() == 1


def test_only_the_plan_office_creates_projects(client: Any, users: Any) -> None:
    client.force_login(users["reporter_a"])
    assert 'data-testid="new-project"' not in client.get("/projects/").content.decode()
    assert client.get("/projects/new/").status_code == 403
    assert client.post("/projects/new/", _new_project()).status_code == 403
    assert not KeyProject.objects.exists()


def _campaign_data(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "hz-1",
        "name_zh": "示例大会战",
        "name_en": "Demo campaign",
        "start": "2024-03-01",
        "end": "2024-12-31",
        "lead_unit": Unit.objects.get(code="t.a").pk,
        "target_started": "2",
        "target_investment": "3000",
        "description": "",
        "project_codes": "P1\nP2，P1",
        **overrides,
    }


def test_the_plan_office_creates_and_changes_a_campaign(client: Any, users: Any) -> None:
    project("P1", "t.a")
    project("P2", "t.b")
    project("P3", "t.b")
    client.force_login(users["office"])
    assert 'data-testid="new-campaign"' in client.get("/projects/campaigns/").content.decode()
    answer = client.post("/projects/campaigns/new/", _campaign_data())
    assert answer.status_code == 302 and answer["Location"] == "/projects/campaigns/hz-1/"
    made = Campaign.objects.get(code="hz-1")
    assert sorted(made.projects.values_list("code", flat=True)) == ["P1", "P2"]
    assert (made.target_started, made.target_investment, made.lead_unit.code) == (2, Decimal("3000"), "t.a")
    assert AuditEntry.objects.filter(
        object_id=made.pk, action="create", content_type__model="campaign"
    ).exists()
    form = client.get("/projects/campaigns/hz-1/edit/").content.decode()
    assert "P1\nP2</textarea>" in form
    changed = client.post("/projects/campaigns/hz-1/edit/", _campaign_data(project_codes="P3, P2"))
    assert changed.status_code == 302
    assert sorted(made.projects.values_list("code", flat=True)) == ["P2", "P3"]
    assert AuditEntry.objects.filter(
        object_id=made.pk, action="update", content_type__model="campaign"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"project_codes": "P1 NOPE-1 NOPE-2"}, "project_codes", "NOPE-1, NOPE-2"),
        ({"code": "a/b"}, "code", "no slash"),
        ({"end": "2024-01-01"}, "end", ""),
        ({"target_investment": "1e30"}, "target_investment", ""),
    ],
)
def test_a_bad_campaign_names_the_field(
    client: Any, users: Any, overrides: dict[str, Any], field: str, words: str
) -> None:
    project("P1", "t.a")
    project("P2", "t.b")
    client.force_login(users["office"])
    answer = client.post("/projects/campaigns/new/", _campaign_data(**overrides))
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert list(errors) == [field] and words in " ".join(errors[field])
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="campaign").exists()


def test_only_the_plan_office_writes_campaigns(client: Any, users: Any) -> None:
    Campaign.objects.create(
        code="hz-1", name_zh="示例", name_en="Demo", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    client.force_login(users["reporter_a"])
    assert (
        'data-testid="edit-campaign"'
        not in client.get("/projects/campaigns/hz-1/?period=2024-06").content.decode()
    )
    assert client.get("/projects/campaigns/new/").status_code == 403
    assert client.post("/projects/campaigns/new/", _campaign_data(code="hz-2")).status_code == 403
    assert client.post("/projects/campaigns/hz-1/edit/", _campaign_data(name_zh="改")).status_code == 403
    assert Campaign.objects.get().name_zh == "示例" and Campaign.objects.count() == 1


def test_the_reports_index_covers_the_campaign_sums(loaded_plan: Any) -> None:
    """The covering index replaces the old one and the campaign's monthly sum (kept in the
    campaign's months) reads it alone."""
    from django.test.utils import CaptureQueriesContext

    from jingjin.projects.investment_summary import compute
    from jingjin.reporting.models import month_index

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ProjectReport._meta.db_table)
    assert "projectreport_month" not in constraints
    assert constraints["projectreport_month_cover"]["columns"] == [
        "project_id",
        "period_index",
        "status",
        "investment_month",
        "investment_ytd",
    ]
    campaign = Campaign.objects.create(
        code="c", name_zh="示例", name_en="Demo", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    campaign.projects.add(project("P1", "t.a"))
    # the campaign's months are kept at write time (projects slice): their computation is the sum
    with CaptureQueriesContext(connection) as captured:
        compute(campaign.pk, range(month_index(2024, 1), month_index(2024, 6) + 1))
    (sql,) = [q["sql"] for q in captured.captured_queries if "SUM(" in q["sql"]]
    assert "reporting_reportingperiod" not in sql and "projects_keyproject" not in sql
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "projectreport_month_cover" in plan
    if connection.vendor == "sqlite":
        assert "COVERING INDEX projectreport_month_cover" in plan


@pytest.mark.parametrize(("project_id", "words"), [(7, "investment plan for the year"), (None, "at least 3")])
def test_an_unranked_project_is_explained_as_a_project(project_id: int | None, words: str) -> None:
    entry = SimpleNamespace(verdict="unranked", project_id=project_id, reason="")
    with translation.override("en"):
        text = render_to_string("assessment/_why.html", {"entry": entry, "rule": {"min_items": 3}})
    assert words in text and ("scored tasks" in text) == (project_id is None)
