"""The key projects' demo: synthetic, deterministic, idempotent, consistent with its as-of day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import Max

from jingjin.core.models import AuditEntry
from jingjin.projects.demo import PROJECTS, demo_projects
from jingjin.projects.models import (
    Campaign,
    KeyProject,
    NetworkLine,
    NetworkPlan,
    ProjectMilestone,
    ProjectReport,
)

pytestmark = pytest.mark.django_db
TODAY = date(2023, 10, 15)


def test_the_demo_projects(loaded_plan: Any) -> None:
    made = demo_projects(today=TODAY)
    assert made["projects"] == PROJECTS == KeyProject.objects.filter(is_synthetic=True).count()
    assert all(p.name_zh.startswith("示例重点项目") for p in KeyProject.objects.all())
    assert made["reports"] == ProjectReport.objects.filter(is_synthetic=True).count() > 1000
    assert (
        AuditEntry.objects.filter(content_type__model="projectreport", source="demo").count()
        == made["reports"]
    )
    # from the demo's first month to the as-of month, nothing reported or reached after the day
    months = ProjectReport.objects.values_list("period__year", "period__month")
    assert min(months) == (2021, 9) and max(months) == (2023, 10)
    assert ProjectReport.objects.aggregate(m=Max("submitted_at"))["m"].date() < TODAY
    assert ProjectMilestone.objects.aggregate(m=Max("actual"))["m"] < TODAY
    october = set(
        ProjectReport.objects.filter(period__month=10, period__year=2023).values_list("status", flat=True)
    )
    assert "draft" in october and "approved" not in october
    assert ProjectReport.objects.exclude(support_needed="").exists()
    # the networks' numbers of lines come from the article: 19; 1 + 9 + 2; the airport 1, and
    # two synthetic waterways
    assert NetworkPlan.objects.count() == 6 and NetworkLine.objects.count() == 34
    assert NetworkLine.objects.get(code="airport-01").name_zh == "遂宁安居民用运输机场"
    assert set(
        NetworkPlan.objects.filter(kind__in=["airport", "waterway"]).values_list("is_synthetic", flat=True)
    ) == {True}
    assert KeyProject.objects.filter(line__isnull=False).count() > 10
    campaign = Campaign.objects.get()
    assert campaign.start == date(2021, 1, 1) and campaign.projects.count() > 50  # the plan's years
    assert set(KeyProject.objects.values_list("state", flat=True)) >= {"reserve", "construction", "completed"}
    # deterministic and idempotent
    first = list(
        ProjectReport.objects.order_by("project__code", "period_index").values_list(
            "investment_ytd", "status"
        )[:50]
    )
    assert demo_projects(today=TODAY)["projects"] == 0
    KeyProject.objects.all().delete()
    NetworkPlan.objects.all().delete()
    Campaign.objects.all().delete()
    demo_projects(today=TODAY)
    again = list(
        ProjectReport.objects.order_by("project__code", "period_index").values_list(
            "investment_ytd", "status"
        )[:50]
    )
    assert again == first
