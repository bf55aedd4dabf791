"""Clusters feed the plan: the plan office links a cluster to an indicator (audited), the
reporter of the indicator's task applies a year's actual output to a monthly report (through
the reporting services: audited, permission-checked), the page shows both targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.parks import cluster_feed
from jingjin.parks.models import Cluster, ClusterIndicator, ClusterYear
from jingjin.plans.models import Indicator, Task
from jingjin.reporting.models import ReportIndicatorValue
from jingjin.reporting.services import period_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_world(loaded_plan: Any) -> dict[str, Any]:
    task = Task.objects.get(code="A1.M1.T1")
    indicator = Indicator.objects.create(
        task=task,
        code="A1.M1.T1.CL",
        name_zh="示例集群产值",
        name_en="Demo cluster output",
        unit="亿元",
        direction="higher",
        target_value=Decimal(1000),
        target_year=2025,
    )
    cluster = Cluster.objects.create(code="CL", name_zh="示例集群", name_en="Demo cluster")
    ClusterYear.objects.create(
        cluster=cluster, year=2024, target_output=Decimal(800), actual_output=Decimal("712.5")
    )
    ClusterYear.objects.create(cluster=cluster, year=2025, target_output=Decimal(1000))
    return {"indicator": indicator, "cluster": cluster}


def test_the_office_links_a_cluster_audited(users, feed_world) -> None:
    cluster, indicator = feed_world["cluster"], feed_world["indicator"]
    with pytest.raises(PermissionDenied):
        cluster_feed.cluster_indicator_set(actor=users["reporter_a"], cluster=cluster, indicator=indicator)
    with pytest.raises(ValidationError, match="measured in 户"):
        cluster_feed.cluster_indicator_set(
            actor=users["office"], cluster=cluster, indicator=Indicator.objects.get(code="A1.M1.T1.I1")
        )
    before = AuditEntry.objects.count()
    link = cluster_feed.cluster_indicator_set(actor=users["office"], cluster=cluster, indicator=indicator)
    assert link is not None and link.indicator == indicator
    assert AuditEntry.objects.count() == before + 1
    assert cluster_feed.cluster_indicator_set(actor=users["office"], cluster=cluster, indicator=None) is None
    assert not ClusterIndicator.objects.exists() and AuditEntry.objects.count() == before + 2


def test_the_reporter_applies_a_years_actual_to_the_report(users, feed_world) -> None:
    cluster, indicator = feed_world["cluster"], feed_world["indicator"]
    year_2024, year_2025 = ClusterYear.objects.filter(cluster=cluster).order_by("year")
    december = period_get_or_create(year=2024, month=12)
    with pytest.raises(ValidationError, match="not linked"):
        cluster_feed.cluster_year_apply(actor=users["reporter_a"], cluster_year=year_2024, period=december)
    cluster_feed.cluster_indicator_set(actor=users["office"], cluster=cluster, indicator=indicator)
    with pytest.raises(ValidationError, match="no actual output"):
        cluster_feed.cluster_year_apply(actor=users["reporter_a"], cluster_year=year_2025, period=december)
    with pytest.raises(ValidationError, match="of 2024 or of the next year"):
        cluster_feed.cluster_year_apply(
            actor=users["reporter_a"],
            cluster_year=year_2024,
            period=period_get_or_create(year=2023, month=12),
        )
    with pytest.raises(PermissionDenied):
        cluster_feed.cluster_year_apply(actor=users["leader"], cluster_year=year_2024, period=december)
    before = AuditEntry.objects.count()
    report = cluster_feed.cluster_year_apply(
        actor=users["reporter_a"], cluster_year=year_2024, period=december
    )
    assert (report.task.code, report.period.code, report.status) == ("A1.M1.T1", "2024-12", "draft")
    assert ReportIndicatorValue.objects.get(report=report, indicator=indicator).value == Decimal("712.5")
    assert AuditEntry.objects.count() == before + 1
    feed = cluster_feed.plan_feed(cluster)
    assert (feed.last_actual, feed.last_period.code if feed.last_period else None) == (
        Decimal("712.5"),
        "2024-12",
    )


def test_the_cluster_plan_page_and_its_forms(client, users, feed_world) -> None:
    client.force_login(users["office"])
    client.cookies["django_language"] = "en"  # the English messages compared below
    assert client.post("/parks/clusters/CL/plan/link", {"indicator": "NOPE"}).status_code == 400
    assert client.post("/parks/clusters/CL/plan/link", {"indicator": "A1.M1.T1.CL"}).status_code == 302
    page = client.get("/parks/clusters/CL/plan/").content.decode()
    assert 'data-indicator="A1.M1.T1.CL"' in page and "1000" in page and 'data-testid="link-form"' in page
    assert "Apply to the plan" not in page  # the office does not fill reports
    assert (
        client.post("/parks/clusters/CL/plan/apply", {"year": "2024", "period": "2024-12"}).status_code == 403
    )
    client.force_login(users["reporter_a"])
    page = client.get("/parks/clusters/CL/plan/").content.decode()
    assert "Apply to the plan" in page and 'data-testid="link-form"' not in page
    assert client.post("/parks/clusters/CL/plan/link", {"indicator": ""}).status_code == 403
    assert (
        client.post("/parks/clusters/CL/plan/apply", {"year": "1999", "period": "2024-12"}).status_code == 400
    )
    assert (
        client.post("/parks/clusters/CL/plan/apply", {"year": "2024", "period": "2024-13"}).status_code == 400
    )
    assert (
        client.post("/parks/clusters/CL/plan/apply", {"year": "2024", "period": "2024-12"}).status_code == 302
    )
    value = ReportIndicatorValue.objects.get(indicator=feed_world["indicator"])
    assert (value.value, value.report.period.code) == (Decimal("712.5"), "2024-12")


def test_the_demo_links_its_clusters_once(loaded_plan) -> None:
    from jingjin.parks.demo import CLUSTER_INDICATORS, demo_cluster_links

    ((cluster_code, indicator_code),) = CLUSTER_INDICATORS.items()
    task = Task.objects.get(code="A1.M1.T1")
    indicator = Indicator.objects.create(
        task=task, code=indicator_code, name_zh="示例", name_en="Demo", unit="亿元", direction="higher"
    )
    Cluster.objects.create(code=cluster_code, name_zh="示例集群", name_en="Demo", is_synthetic=True)
    before = AuditEntry.objects.count()
    demo_cluster_links()
    demo_cluster_links()
    assert ClusterIndicator.objects.get(cluster__code=cluster_code).indicator == indicator
    assert AuditEntry.objects.count() == before + 1
