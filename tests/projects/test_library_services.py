"""The project library's services (slice projlib): audit rows, the state rules, the fields a unit
may change, and who may change which project (by owning unit and by county)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied, may_change_project, may_move_project_state
from jingjin.projects import services
from jingjin.projects.models import KeyProject, ProjectMilestone, ProjectYearPlan
from tests.projects.library_data import project

pytestmark = pytest.mark.django_db


def _audits(p: KeyProject) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=p.pk, content_type__model="keyproject").order_by("pk"))


def test_the_office_creates_a_project_with_plans_and_milestones_in_one_audit_row(users: Any) -> None:
    created = services.project_create(
        actor=users["office"],
        data={
            "code": "XM-1",
            "name_zh": "示例项目一",
            "name_en": "Demo project 1",
            "level": "provincial",
            "category": "infrastructure",
            "owner_unit": Unit.objects.get(code="t.a"),
            "total_investment": Decimal("8000"),
        },
        year_plans={2024: "1,500.5"},
        milestones={"started": date(2024, 5, 1)},
    )
    assert created.state == "reserve"
    assert ProjectYearPlan.objects.get(project=created, year=2024).planned_investment == Decimal("1500.50")
    assert ProjectMilestone.objects.get(project=created, kind="started").planned == date(2024, 5, 1)
    [entry] = _audits(created)
    assert entry.action == "create" and entry.user_name == "office"
    assert entry.after["year_plans"] == {"2024": 1500.5}
    assert entry.after["milestones"] == {"started": ["2024-05-01", None]}


def test_only_the_office_creates_and_deletes(users: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.project_create(actor=users["reporter_a"], data={"code": "X"})
    p = project("XM-2", "t.a")
    with pytest.raises(PermissionDenied):
        services.project_delete(actor=users["reporter_a"], project=p)
    pk = p.pk
    services.project_delete(actor=users["office"], project=p)
    assert not KeyProject.objects.filter(code="XM-2").exists()
    deleted = AuditEntry.objects.get(object_id=pk, content_type__model="keyproject", action="delete")
    assert deleted.before["code"] == "XM-2" and deleted.after is None


def test_a_unit_user_changes_its_own_projects_unit_fields_only(users: Any) -> None:
    own = project("XM-3", "t.a")
    other = project("XM-4", "t.b")
    services.project_update(actor=users["reporter_a"], project=own, data={"leader": "示例领导"})
    own.refresh_from_db()
    assert own.leader == "示例领导"
    [entry] = _audits(own)
    assert entry.before["leader"] == "" and entry.after["leader"] == "示例领导"
    with pytest.raises(PermissionDenied, match="total_investment"):
        services.project_update(actor=users["reporter_a"], project=own, data={"total_investment": 1})
    with pytest.raises(PermissionDenied):
        services.project_update(actor=users["reporter_a"], project=other, data={"leader": "x"})
    with pytest.raises(PermissionDenied):
        services.project_update(actor=users["leader"], project=own, data={"leader": "x"})
    # a change that changes nothing writes no audit row
    services.project_update(actor=users["reporter_a"], project=own, data={"leader": "示例领导"})
    assert len(_audits(own)) == 1


def test_a_county_user_changes_the_projects_in_its_county_and_not_others(users: Any) -> None:
    in_county = project("XM-5", "t.b", county="t.c")  # owned by Bureau B, in County C
    elsewhere = project("XM-6", "t.b")
    county = users["county_c"]
    assert may_change_project(county, in_county) and not may_change_project(county, elsewhere)
    assert not may_change_project(users["reporter_a"], in_county)
    services.project_update(actor=county, project=in_county, data={"team": "县专班"})
    with pytest.raises(PermissionDenied):
        services.project_update(actor=county, project=elsewhere, data={"team": "县专班"})
    assert KeyProject.objects.get(code="XM-6").team == ""


def test_state_moves_forward_for_units_and_anywhere_for_the_office(users: Any) -> None:
    p = project("XM-7", "t.a", state="preparation")
    assert not may_move_project_state(users["reporter_a"], p, "reserve")
    with pytest.raises(PermissionDenied):
        services.project_move_state(actor=users["reporter_a"], project=p, state="reserve")
    p = services.project_move_state(actor=users["reporter_a"], project=p, state="completed")
    assert p.state == "completed"
    p = services.project_move_state(actor=users["office"], project=p, state="construction")
    assert KeyProject.objects.get(pk=p.pk).state == "construction"
    moves = [(e.before["state"], e.after["state"]) for e in _audits(p)]
    assert moves == [("preparation", "completed"), ("completed", "construction")]
    with pytest.raises(ValidationError):
        services.project_move_state(actor=users["office"], project=p, state="nowhere")
    with pytest.raises(PermissionDenied):
        services.project_move_state(actor=users["leader"], project=p, state="production")


def test_year_plans_milestones_and_tasks(users: Any) -> None:
    from jingjin.plans.models import Task

    p = project("XM-8", "t.a")
    with pytest.raises(PermissionDenied):
        services.project_set_year_plans(actor=users["reporter_a"], project=p, plans={2024: 10})
    services.project_set_year_plans(actor=users["office"], project=p, plans={2024: 10, 2025: "20"})
    services.project_set_year_plans(actor=users["office"], project=p, plans={2024: None})
    assert dict(p.year_plans.values_list("year", "planned_investment")) == {2025: Decimal("20.00")}
    with pytest.raises(ValidationError):
        services.project_set_year_plans(actor=users["office"], project=p, plans={2025: "1e300"})
    services.project_set_milestones(
        actor=users["reporter_a"], project=p, planned={"signed": date(2024, 2, 1)}
    )
    assert p.milestones.get().planned == date(2024, 2, 1)
    task = Task.objects.get(code="A1.M1.T1")
    with pytest.raises(PermissionDenied):
        services.project_set_tasks(actor=users["reporter_a"], project=p, tasks=[task])
    services.project_set_tasks(actor=users["office"], project=p, tasks=[task])
    assert list(p.tasks.values_list("code", flat=True)) == ["A1.M1.T1"]
    last = _audits(p)[-1]
    assert last.before["tasks"] == [] and last.after["tasks"] == ["A1.M1.T1"]
