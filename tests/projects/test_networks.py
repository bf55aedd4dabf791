"""Transport networks as project sets: lines planned / started / completed and investment, worked
by hand, next to the plan indicator's target; who may write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans.models import Indicator
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan, ProjectMilestone, ProjectReport
from jingjin.projects.network_selectors import network_tables
from jingjin.projects.network_services import line_create, line_segments_set, network_create
from jingjin.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def _segment(code: str, line: NetworkLine, state: str, total: int) -> KeyProject:
    return KeyProject.objects.create(
        code=code,
        name_zh=f"示例{code}",
        name_en=code,
        level="provincial",
        category="infrastructure",
        owner_unit=Unit.objects.get(code="t.a"),
        total_investment=total,
        state=state,
        line=line,
    )


@pytest.fixture
def network(loaded_plan: Any, users: dict[str, Any]) -> NetworkPlan:
    """Three lines: L1 (two segments, both completed by 2024-06), L2 (one segment started in
    2024-05, one in preparation), L3 (no project)."""
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    rail = network_create(
        actor=users["office"],
        data={
            "code": "rail",
            "kind": "rail",
            "name_zh": "示例铁路网",
            "name_en": "Rail",
            "indicator": indicator,
        },
    )
    lines = [
        line_create(
            actor=users["office"],
            data={
                "network": rail,
                "code": f"L{i}",
                "name_zh": f"线{i}",
                "name_en": f"Line {i}",
                "position": i,
            },
        )
        for i in (1, 2, 3)
    ]
    a = _segment("S1", lines[0], "completed", 1000)
    b = _segment("S2", lines[0], "construction", 500)  # completed in June by its milestone date
    c = _segment("S3", lines[1], "construction", 2000)
    _segment("S4", lines[1], "preparation", 300)
    ProjectMilestone.objects.create(project=b, kind="completed", actual=date(2024, 6, 20))
    ProjectMilestone.objects.create(project=c, kind="started", actual=date(2024, 5, 3))
    may = ReportingPeriod.objects.create(year=2024, month=5, deadline=date(2024, 6, 5))
    june = ReportingPeriod.objects.create(year=2024, month=6, deadline=date(2024, 7, 5))
    ProjectReport.objects.create(project=a, period=may, investment_month=100, status="approved")
    ProjectReport.objects.create(project=c, period=may, investment_month=250, status="submitted")
    ProjectReport.objects.create(project=c, period=june, investment_month=40, status="draft")
    return rail


def test_the_progress_table_worked_by_hand(network: NetworkPlan) -> None:
    (table,) = network_tables([network], year=2024, month=6)
    assert (table.planned, table.started, table.completed) == (3, 2, 1)
    assert table.planned_investment == pytest.approx(3800.0)
    assert table.completed_investment == pytest.approx(350.0)  # June's draft does not count
    assert table.indicator_target == network.indicator.target_value
    assert [len(line.segments) for line in table.lines] == [2, 2, 0]
    # in April: S2 not completed yet (20 June), S3 not started (3 May); S1 completed by its state
    (april,) = network_tables([network], year=2024, month=4)
    assert (april.started, april.completed) == (1, 0)


def test_only_the_plan_office_writes_networks_and_each_write_is_audited(
    network: NetworkPlan, users: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        network_create(
            actor=users["reporter_a"], data={"code": "x", "kind": "rail", "name_zh": "x", "name_en": "x"}
        )
    assert AuditEntry.objects.filter(content_type__model="networkline", action="create").count() == 3
    line = NetworkLine.objects.get(code="L3")
    s4 = KeyProject.objects.get(code="S4")
    line_segments_set(line=line, projects=[s4], actor=users["office"])
    assert KeyProject.objects.get(code="S4").line == line
    assert (
        AuditEntry.objects.filter(object_id=s4.pk, content_type__model="keyproject", action="update").count()
        == 1
    )


def test_the_pages_show_the_lines_and_the_indicator(
    client: Any, users: dict[str, Any], network: NetworkPlan
) -> None:
    client.force_login(users["leader"])
    html = client.get("/projects/networks/?period=2024-06").content.decode()
    assert 'data-testid="lines-completed">1<' in html and "A1.M1.T1.I1" in html
    detail = client.get("/projects/networks/rail/?period=2024-06")
    assert detail.status_code == 200 and 'data-line="L3"' in detail.content.decode()
    assert client.get("/projects/networks/none/").status_code == 404
