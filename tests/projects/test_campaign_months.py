"""The campaigns' monthly investment kept at write time (CampaignMonth) and the project reports'
review-comment history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.cli import main
from jingjin.core.models import Unit
from jingjin.projects import report_services as S
from jingjin.projects.campaign_selectors import campaign_figures_compute
from jingjin.projects.investment_summary import compute, summaries_check, summaries_rebuild
from jingjin.projects.models import Campaign, CampaignMonth, KeyProject, ProjectReport
from jingjin.reporting.services import period_get_or_create
from tests.projects.reports_world import World, make_world, project

pytestmark = pytest.mark.django_db


def _stored(campaign: Campaign) -> dict[int, tuple[Decimal, int]]:
    return {
        m.period_index: (m.investment, m.reports)
        for m in CampaignMonth.objects.filter(campaign=campaign).order_by("period_index")
    }


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> World:
    return make_world(users, make_user)


def _campaign(*projects: KeyProject) -> Campaign:
    campaign = Campaign.objects.create(
        code="c1", name_zh="示例大会战", name_en="Example", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    campaign.projects.set(projects)
    return campaign


def test_every_kind_of_write_keeps_the_months(world: World) -> None:
    a, b = world.project_a, world.project_b
    march, feb = world.period.index, world.earlier.index
    ProjectReport.objects.create(
        project=a, period=world.earlier, investment_month=100, investment_ytd=100, status="approved"
    )
    campaign = _campaign(a)  # membership after the report: the month is filled in
    assert _stored(campaign) == {feb: (Decimal("100.00"), 1)}
    ProjectReport.objects.bulk_create(
        [
            ProjectReport(project=a, period=world.period, investment_month=50, investment_ytd=150),
            ProjectReport(
                project=b, period=world.period, investment_month=7, investment_ytd=7, status="approved"
            ),
        ]
    )
    assert march not in _stored(campaign)  # a draft does not count, b is not a member
    ProjectReport.objects.filter(project=a, period=world.period).update(status="submitted")
    assert _stored(campaign)[march] == (Decimal("50.00"), 1)
    b.campaigns.add(campaign)  # the other side of the link
    assert _stored(campaign)[march] == (Decimal("57.00"), 2)
    report = ProjectReport.objects.get(project=b, period=world.period)
    report.investment_month = Decimal("8")
    report.save()
    assert _stored(campaign)[march] == (Decimal("58.00"), 2)
    report.delete()
    assert _stored(campaign)[march] == (Decimal("50.00"), 1)
    b.campaigns.clear()
    a.delete()
    assert _stored(campaign) == {}
    assert summaries_check() == []


def test_the_service_loop_and_the_page_read_the_months(world: World) -> None:
    u = world.users
    campaign = _campaign(world.project_a)
    report = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=world.period,
        data={"investment_month": "120", "investment_ytd": "120", "image_progress": "主体结构完成"},
        milestones={},
    )
    assert _stored(campaign) == {}
    S.project_report_submit(actor=u["reporter_a"], report=report)
    assert _stored(campaign) == {world.period.index: (Decimal("120.00"), 1)}
    S.project_report_return(actor=u["approver_a"], report=report, comment="累计数请核实")
    assert _stored(campaign) == {}
    S.project_report_submit(actor=u["reporter_a"], report=report)
    S.project_report_approve(actor=u["approver_a"], report=report, comment="同意")
    figures = campaign_figures_compute(campaign, year=2024, month=3)
    assert figures.investment == pytest.approx(120.0)
    assert figures.cumulative == [0.0, 0.0, 120.0]


def test_rebuild_and_check(world: World, capsys: Any) -> None:
    campaign = _campaign(world.project_a, world.project_b)
    ProjectReport.objects.create(
        project=world.project_a, period=world.period, investment_month=9, investment_ytd=9, status="approved"
    )
    CampaignMonth.objects.filter(campaign=campaign).update(investment=1)  # a hand edit of the database
    assert summaries_check() == [campaign.pk]
    assert main(["summaries", "check"]) == 1
    assert "campaign months differ" in capsys.readouterr().out
    assert summaries_rebuild() == 1
    assert summaries_check() == []
    assert compute(campaign.pk) == {(campaign.pk, world.period.index): (Decimal("9.00"), 1)}


def test_each_review_is_kept_and_shown(world: World, client: Any) -> None:
    u = world.users
    report = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=world.period,
        data={"investment_month": "120", "investment_ytd": "120", "image_progress": "主体结构完成"},
        milestones={},
    )
    S.project_report_submit(actor=u["reporter_a"], report=report)
    S.project_report_return(actor=u["approver_a"], report=report, comment="累计数请核实")
    S.project_report_submit(actor=u["reporter_a"], report=report)
    S.project_report_approve(actor=u["approver_a"], report=report, comment="同意")
    history = [(c.verdict, c.text, c.author) for c in report.review_comments.all()]
    assert history == [("returned", "累计数请核实", u["approver_a"]), ("approved", "同意", u["approver_a"])]
    client.force_login(u["office"])
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert 'data-testid="review-history"' in page
    assert "累计数请核实" in page and "同意" in page


def test_a_project_in_no_campaign_writes_no_month(world: World) -> None:
    other = project("XM-C", "t.a")
    period = period_get_or_create(year=2024, month=4)
    ProjectReport.objects.create(project=other, period=period, investment_month=5, status="approved")
    assert not CampaignMonth.objects.exists()
    assert Unit.objects.exists()
