"""The key projects' panel of the cockpit, worked by hand, and the cockpit's and the campaign
page's queries that do not grow with the number of projects."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import Unit
from jingjin.dashboard.projects_panel import projects_panel
from jingjin.projects.models import Campaign, KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from jingjin.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def _period(month: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create(
        year=2024, month=month, defaults={"deadline": date(2024, month, 28)}
    )[0]


def _grow(n: int, start: int = 0) -> None:
    """``n`` projects of Bureau A in the campaign c1, plan 1,200 for 2024 and ytd 100 × (i % 4 + 1)
    reported in March; every third one 30 days late on "started"."""
    unit = Unit.objects.get(code="t.a")
    campaign, _ = Campaign.objects.get_or_create(
        code="c1",
        defaults={"name_zh": "会战", "name_en": "C", "start": date(2024, 1, 1), "end": date(2024, 12, 31)},
    )
    for i in range(start, start + n):
        p = KeyProject.objects.create(
            code=f"P{i:03d}",
            name_zh=f"示例{i}",
            name_en=f"P{i}",
            level="city",
            category="industry",
            owner_unit=unit,
            county=Unit.objects.get(code="t.c"),
            total_investment=5000,
        )
        ProjectYearPlan.objects.create(project=p, year=2024, planned_investment=1200)
        ProjectReport.objects.create(
            project=p,
            period=_period(3),
            investment_month=100,
            investment_ytd=100 * (i % 4 + 1),
            status="approved",
        )
        if i % 3 == 0:
            ProjectMilestone.objects.create(project=p, kind="started", planned=date(2024, 3, 1))
        campaign.projects.add(p)


def test_the_panel_worked_by_hand(users: dict[str, Any]) -> None:
    _grow(4)
    panel = projects_panel(user=users["leader"], period=_period(3))
    # March: 25 % of the year elapsed; ytd 100, 200, 300, 400 of 1,200 → 8.3, 16.7, 25, 33.3 %:
    # gaps −16.7 (behind), −8.3 (on track), 0 (on track), +8.3 (ahead)
    assert panel.projects == 4
    assert panel.lag_counts == {"ahead": 1, "on_track": 2, "behind": 1, "far_behind": 0}
    assert panel.completion_pct == pytest.approx(1000 * 100 / 4800)
    assert panel.elapsed_pct == pytest.approx(25.0)
    # P000 and P003: "started" planned 1 March, not reached by 31 March → 30 days
    assert [(d.code, d.delay_days) for d in panel.delays] == [("P000", 30), ("P003", 30)]


def _count(client: Any, url: str) -> int:
    cache.clear()
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_the_cockpit_and_the_campaign_page_do_not_grow_with_the_projects(
    client: Any, users: dict[str, Any]
) -> None:
    client.force_login(users["office"])
    urls = [
        "/cockpit/?period=2024-03",
        "/projects/campaigns/c1/?period=2024-03",
        "/projects/networks/?period=2024-03",
    ]
    _grow(2)
    small = {url: _count(client, url) for url in urls}
    _grow(30, start=2)
    big = {url: _count(client, url) for url in urls}
    assert big == small
    html = client.get("/cockpit/?period=2024-03").content.decode()
    assert 'data-testid="projects-panel"' in html and 'data-lag="ahead"' in html
