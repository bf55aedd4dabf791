"""Project campaigns (攻坚大会战): figures worked by hand on three projects, the page, the API and
who may write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.projects.campaign_selectors import campaign_figures
from jingjin.projects.campaign_services import campaign_create, campaign_update
from jingjin.projects.models import Campaign, KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from jingjin.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def _period(year: int, month: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create(
        year=year, month=month, defaults={"deadline": date(year, month, 28)}
    )[0]


def _project(code: str, unit: Unit, county: Unit | None = None, **fields: Any) -> KeyProject:
    return KeyProject.objects.create(
        code=code,
        name_zh=f"示例{code}",
        name_en=code,
        level="city",
        category="industry",
        owner_unit=unit,
        county=county,
        total_investment=10000,
        **fields,
    )


def _report(project: KeyProject, year: int, month: int, month_amount: int, ytd: int, status: str) -> None:
    ProjectReport.objects.create(
        project=project,
        period=_period(year, month),
        investment_month=month_amount,
        investment_ytd=ytd,
        status=status,
    )


@pytest.fixture
def campaign(loaded_plan: Any) -> Campaign:
    """Window 2024-03-01 … 2024-12-31; P1 (t.a, county t.c), P2 (t.b), P3 (t.a, started before)."""
    a, b, c = (Unit.objects.get(code=code) for code in ("t.a", "t.b", "t.c"))
    p1 = _project("P1", a, county=c, state="construction")
    p2 = _project("P2", b, state="preparation")
    p3 = _project("P3", a, state="construction")
    outside = _project("P4", b, state="construction")  # not in the campaign
    for project, plan in ((p1, 1200), (p2, 600), (p3, 2400), (outside, 100)):
        ProjectYearPlan.objects.create(project=project, year=2024, planned_investment=plan)
    ProjectMilestone.objects.create(
        project=p1, kind="started", planned=date(2024, 3, 1), actual=date(2024, 4, 2)
    )
    ProjectMilestone.objects.create(project=p3, kind="started", actual=date(2023, 5, 1))
    # P1: February is before the window; March, April, May reported; June a draft
    _report(p1, 2024, 2, 100, 100, "approved")
    _report(p1, 2024, 3, 200, 300, "approved")
    _report(p1, 2024, 4, 150, 450, "submitted")
    _report(p1, 2024, 5, 150, 600, "approved")
    _report(p1, 2024, 6, 999, 1599, "draft")
    # P2: nothing started, one report of 30 in April
    _report(p2, 2024, 4, 30, 30, "approved")
    # P3: started in 2023 (before the window), 500 in May; returned in April (does not count)
    _report(p3, 2024, 4, 70, 70, "returned")
    _report(p3, 2024, 5, 500, 500, "approved")
    _report(outside, 2024, 5, 1000, 1000, "approved")
    campaign = Campaign.objects.create(
        code="c1",
        name_zh="示例大会战",
        name_en="Example campaign",
        start=date(2024, 3, 1),
        end=date(2024, 12, 31),
        target_started=4,
        target_investment=Decimal("2000"),
    )
    campaign.projects.set([p1, p2, p3])
    return campaign


def test_targets_against_actual_worked_by_hand(campaign: Campaign) -> None:
    with CaptureQueriesContext(connection) as queries:
        f = campaign_figures(campaign, year=2024, month=6)
    assert len(queries) <= 10
    assert f.projects == 3
    # started in the window: P1 (2 April); P3 started in 2023 (no); P2 not started
    assert f.started == 1 and f.started_pct == pytest.approx(25.0)
    # March 200 + April 150 + 30 + May 150 + 500 = 1,030 (Feb is before, June's draft and the
    # returned April report of P3 do not count, P4 is not in the campaign)
    assert f.investment == pytest.approx(1030.0)
    assert f.investment_pct == pytest.approx(51.5)
    assert f.months == ["2024-03", "2024-04", "2024-05", "2024-06"]
    assert f.cumulative == [200.0, 380.0, 1030.0, 1030.0]
    assert f.started_by_month == [0, 1, 1, 1]
    # ranking by completion of the 2024 plan as of June: P1 600/1200 = 50 %, P3 500/2400 ≈ 20.8 %,
    # P2 30/600 = 5 %
    assert [p.code for p in f.ranking] == ["P1", "P3", "P2"]
    assert f.ranking[0].completion_pct == pytest.approx(50.0)
    # units: t.a (P1 + P3) = 1,100 / 3,600 ≈ 30.6 %; t.b 30 / 600 = 5 %
    assert [(g.code, g.projects) for g in f.units] == [("t.a", 2), ("t.b", 1)]
    assert f.units[0].completion_pct == pytest.approx(1100 / 36)
    assert [(g.code, g.completion_pct) for g in f.counties] == [("t.c", pytest.approx(50.0))]


def test_an_undated_start_counts_and_the_window_cuts_the_months(campaign: Campaign) -> None:
    p2 = KeyProject.objects.get(code="P2")
    p2.state = "construction"
    p2.save()
    f = campaign_figures(campaign, year=2024, month=4)
    assert f.months == ["2024-03", "2024-04"]
    assert f.started == 2 and f.started_by_month == [0, 2]
    assert f.investment == pytest.approx(380.0)


def test_only_the_plan_office_creates_and_changes_campaigns(
    users: dict[str, Any], campaign: Campaign
) -> None:
    data = {
        "code": "c2",
        "name_zh": "新会战",
        "name_en": "New",
        "start": date(2024, 1, 1),
        "end": date(2024, 6, 30),
    }
    with pytest.raises(PermissionDenied):
        campaign_create(actor=users["reporter_a"], data=data)
    made = campaign_create(
        actor=users["office"], data={**data, "projects": [KeyProject.objects.get(code="P1")]}
    )
    assert AuditEntry.objects.filter(
        object_id=made.pk, content_type__model="campaign", action="create"
    ).exists()
    assert list(made.projects.values_list("code", flat=True)) == ["P1"]
    campaign_update(campaign=made, actor=users["office"], data={"target_started": 3})
    assert AuditEntry.objects.filter(object_id=made.pk, action="update").count() == 1
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        campaign_update(campaign=made, actor=users["office"], data={"end": date(2023, 1, 1)})


def test_the_page_shows_targets_and_rankings(client: Any, users: dict[str, Any], campaign: Campaign) -> None:
    client.force_login(users["reporter_a"])
    response = client.get("/projects/campaigns/c1/?period=2024-06")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="started">1' in html and 'id="campaign-data"' in html
    assert html.index('data-project="P1"') < html.index('data-project="P3"') < html.index('data-project="P2"')
    assert client.get("/projects/campaigns/").status_code == 200
    assert client.get("/projects/campaigns/nope/").status_code == 404


def test_the_api_lists_reads_and_lets_only_the_office_write(
    client: Any, users: dict[str, Any], campaign: Campaign
) -> None:
    client.force_login(users["reporter_a"])
    listed = client.get("/api/campaigns").json()
    assert [c["code"] for c in listed["results"]] == ["c1"]
    body = client.get(f"/api/campaigns/{campaign.pk}?period=2024-06").json()
    assert body["projects"] == ["P1", "P2", "P3"]
    assert body["figures"]["investment"] == 1030.0 and body["figures"]["started"] == 1
    assert (
        client.patch(
            f"/api/campaigns/{campaign.pk}", {"target_started": 9}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.post("/api/campaigns", {}, content_type="application/json").status_code == 403
    client.force_login(users["office"])
    changed = client.patch(
        f"/api/campaigns/{campaign.pk}", {"target_started": 9}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["target_started"] == 9
    made = client.post(
        "/api/campaigns",
        {
            "code": "c3",
            "name_zh": "三",
            "name_en": "Three",
            "start": "2024-01-01",
            "end": "2024-12-31",
            "projects": ["P2"],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert Campaign.objects.get(code="c3").projects.get().code == "P2"
