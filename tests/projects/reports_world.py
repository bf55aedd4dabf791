"""The small world of the project-report tests: two projects (of units t.a and t.b, the first in
county t.c), an approver of t.a, and the month 2024-03 with 2024-02 before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jingjin.core.models import Unit
from jingjin.projects.models import KeyProject, ProjectMilestone
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.services import period_get_or_create


@dataclass
class World:
    users: dict[str, Any]
    project_a: KeyProject
    project_b: KeyProject
    period: ReportingPeriod
    earlier: ReportingPeriod


def project(code: str, unit: str, *, county: str | None = None, state: str = "construction") -> KeyProject:
    return KeyProject.objects.create(
        code=code,
        name_zh=f"示例项目{code}",
        name_en=f"Demo project {code}",
        level="city",
        category="industry",
        owner_unit=Unit.objects.get(code=unit),
        county=Unit.objects.get(code=county) if county else None,
        total_investment=10000,
        state=state,
        is_synthetic=True,
    )


def make_world(users: dict[str, Any], make_user: Any) -> World:
    users = {**users, "approver_a": make_user("approver_a", "approver", "t.a")}
    users["approver_b"] = make_user("approver_b", "approver", "t.b")
    project_a = project("XM-A", "t.a", county="t.c")
    ProjectMilestone.objects.create(project=project_a, kind="started", planned=date(2024, 2, 15))
    return World(
        users=users,
        project_a=project_a,
        project_b=project("XM-B", "t.b"),
        period=period_get_or_create(year=2024, month=3),
        earlier=period_get_or_create(year=2024, month=2),
    )
