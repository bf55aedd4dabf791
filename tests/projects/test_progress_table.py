"""The projects' progress as the database holds it: plans, the latest reported year-to-date,
milestones, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.core.models import Unit
from jingjin.projects.models import KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from jingjin.projects.progress import progress_table
from jingjin.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def _period(year: int, month: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create(
        year=year, month=month, defaults={"deadline": date(year, month, 28)}
    )[0]


def _project(code: str, unit: Unit, **fields: Any) -> KeyProject:
    return KeyProject.objects.create(
        code=code,
        name_zh=code,
        name_en=code,
        level="city",
        category="industry",
        owner_unit=unit,
        total_investment=1,
        **fields,
    )


def test_the_latest_reported_ytd_of_the_year_counts_and_drafts_do_not(loaded_plan: Any) -> None:
    unit = Unit.objects.get(code="t.a")
    whole = _project("P1", unit)
    mid_year = _project("P2", unit, start=date(2024, 7, 10))
    no_plan = _project("P3", unit)
    ProjectYearPlan.objects.create(project=whole, year=2024, planned_investment=Decimal("1200"))
    ProjectYearPlan.objects.create(project=mid_year, year=2024, planned_investment=Decimal("600"))
    ProjectYearPlan.objects.create(project=whole, year=2023, planned_investment=Decimal("99"))
    ProjectReport.objects.create(
        project=whole, period=_period(2024, 5), investment_ytd=500, status="approved"
    )
    ProjectReport.objects.create(
        project=whole, period=_period(2024, 6), investment_ytd=540, status="submitted"
    )
    ProjectReport.objects.create(project=whole, period=_period(2024, 9), investment_ytd=900, status="draft")
    ProjectReport.objects.create(
        project=whole, period=_period(2024, 10), investment_ytd=1000, status="approved"
    )
    ProjectReport.objects.create(
        project=mid_year, period=_period(2024, 8), investment_ytd=100, status="approved"
    )
    ProjectMilestone.objects.create(project=mid_year, kind="started", planned=date(2024, 8, 1))
    ProjectMilestone.objects.create(
        project=whole, kind="signed", planned=date(2024, 1, 1), actual=date(2024, 1, 11)
    )

    rows = progress_table(KeyProject.objects.all(), 2024, 9).rows()

    # P1: June's 540 of 1,200 (September's draft and October's report do not count): 45 %, 9/12 elapsed
    assert rows[whole.pk]["ytd"] == 540.0
    assert rows[whole.pk]["completion_pct"] == pytest.approx(45.0)
    assert rows[whole.pk]["elapsed_pct"] == pytest.approx(75.0)
    assert rows[whole.pk]["lag"] == "far_behind"  # gap −30 points
    assert rows[whole.pk]["delay_days"] == 10
    # P2: from July, 3 of 6 months elapsed; 100 of 600;
    # "started" not reached, planned 1 August → 60 days late on 30 September
    assert rows[mid_year.pk]["elapsed_pct"] == pytest.approx(50.0)
    assert rows[mid_year.pk]["completion_pct"] == pytest.approx(100 / 6)
    assert rows[mid_year.pk]["projected_pct"] == pytest.approx(100 / 3)
    assert rows[mid_year.pk]["delay_days"] == 60
    # P3: no plan for the year: not judged
    assert rows[no_plan.pk]["lag"] is None
    assert rows[no_plan.pk]["completion_pct"] is None
