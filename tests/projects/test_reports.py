"""The monthly project reports' services: the draft → submitted → returned → resubmitted → approved
loop with its audit rows and messages, who may do what by unit, the year-to-date rule, milestones
copied on approval, and a support request made into a supervision item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from jingjin.alerts.models import Notification
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.projects import report_services as S
from jingjin.projects.models import KeyProject, ProjectMilestone, ProjectReport
from jingjin.reporting.services import WorkflowError, period_get_or_create
from tests.projects.reports_world import World, make_world, project

pytestmark = pytest.mark.django_db

FILLED = {
    "investment_month": "120",
    "investment_ytd": "300.5",
    "image_progress": "主体结构完成60%",
    "support_needed": "请协调解决施工用电增容",
}


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> World:
    return make_world(users, make_user)


def _audit(obj: Any) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=obj.pk).order_by("pk"))


def _draft(world: World, *, user: str = "reporter_a", **data: Any) -> ProjectReport:
    return S.project_report_save_draft(
        actor=world.users[user],
        project=world.project_a,
        period=world.period,
        data={**FILLED, **data},
        milestones={"started": "2024-03-10"},
    )


def test_the_loop_with_its_audit_rows_messages_and_milestones(world: World) -> None:
    u = world.users
    report = _draft(world)
    assert (report.status, report.investment_month, report.investment_ytd) == (
        "draft",
        Decimal("120.00"),
        Decimal("300.50"),
    )
    assert [e.action for e in _audit(report)] == ["create"]
    report = S.project_report_submit(actor=u["reporter_a"], report=report)
    assert report.status == "submitted" and report.submitted_by == u["reporter_a"]
    # the reviewers of t.a are told: its approver and the plan office, not t.b's approver
    told = set(Notification.objects.filter(kind="report_submitted").values_list("user__username", flat=True))
    assert told == {"approver_a", "office"}
    with pytest.raises(PermissionDenied):
        S.project_report_approve(actor=u["approver_b"], report=report)
    with pytest.raises(ValidationError):
        S.project_report_return(actor=u["approver_a"], report=report, comment=" ")
    report = S.project_report_return(actor=u["approver_a"], report=report, comment="累计数请核实")
    assert (report.status, report.review_comment) == ("returned", "累计数请核实")
    assert Notification.objects.filter(kind="report_returned", user=u["reporter_a"]).count() == 1
    report = S.project_report_save_draft(
        actor=u["reporter_a"], project=world.project_a, period=world.period, data={"investment_ytd": "310"}
    )
    report = S.project_report_submit(actor=u["reporter_a"], report=report)
    assert report.status == "resubmitted"
    # nothing was copied to the project before the approval
    assert ProjectMilestone.objects.get(project=world.project_a, kind="started").actual is None
    report = S.project_report_approve(actor=u["approver_a"], report=report, comment="同意")
    assert report.status == "approved" and report.is_locked
    started = ProjectMilestone.objects.get(project=world.project_a, kind="started")
    assert (started.planned, started.actual) == (date(2024, 2, 15), date(2024, 3, 10))
    actions = [
        (e.action, e.before["status"] if e.before else None, e.after["status"]) for e in _audit(report)
    ]
    assert actions == [
        ("create", None, "draft"),
        ("update", "draft", "submitted"),
        ("update", "submitted", "returned"),
        ("update", "returned", "returned"),  # the changed year to date
        ("update", "returned", "resubmitted"),
        ("update", "resubmitted", "approved"),
    ]
    project_rows = _audit(world.project_a)
    assert project_rows[-1].before["milestones"]["started"] == ["2024-02-15", None]
    assert project_rows[-1].after["milestones"]["started"] == ["2024-02-15", "2024-03-10"]
    with pytest.raises(WorkflowError):
        S.project_report_save_draft(
            actor=u["reporter_a"], project=world.project_a, period=world.period, data={"problems": "x"}
        )
    with pytest.raises(WorkflowError):
        S.project_report_approve(actor=u["office"], report=report)


def test_a_milestone_the_project_lacks_is_created_on_approval(world: World) -> None:
    u = world.users
    report = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=world.period,
        data=FILLED,
        milestones={"signed": date(2024, 1, 5)},
    )
    S.project_report_submit(actor=u["reporter_a"], report=report)
    S.project_report_approve(actor=u["office"], report=report)
    signed = ProjectMilestone.objects.get(project=world.project_a, kind="signed")
    assert (signed.planned, signed.actual) == (None, date(2024, 1, 5))


def test_who_fills_and_reviews_by_unit(world: World) -> None:
    u = world.users
    for user in ("reporter_b", "leader", "approver_a", "office"):
        with pytest.raises(PermissionDenied):
            _draft(world, user=user)
    assert not ProjectReport.objects.exists()
    # the county user of t.c fills the reports of a project in the county
    report = _draft(world, user="county_c")
    assert report.project == world.project_a
    b = S.project_report_save_draft(
        actor=u["reporter_b"], project=world.project_b, period=world.period, data=FILLED
    )
    b = S.project_report_submit(actor=u["reporter_b"], report=b)
    with pytest.raises(PermissionDenied):
        S.project_report_approve(actor=u["approver_a"], report=b)
    with pytest.raises(PermissionDenied):
        S.project_report_approve(actor=u["reporter_b"], report=b)
    assert S.project_report_approve(actor=u["approver_b"], report=b).status == "approved"


def test_the_year_to_date_rule(world: World) -> None:
    u = world.users
    earlier = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=world.earlier,
        data={**FILLED, "investment_ytd": "400"},
    )
    # an earlier draft does not count: 250 after a draft of 400 is fine
    assert _draft(world, investment_ytd="250").investment_ytd == Decimal("250.00")
    S.project_report_submit(actor=u["reporter_a"], report=earlier)
    # submitted, it counts: the March draft below it no longer submits
    with pytest.raises(ValidationError) as caught:
        S.project_report_submit(actor=u["reporter_a"], report=ProjectReport.objects.get(period=world.period))
    assert "2024-02" in caught.value.message_dict["investment_ytd"][0]
    with pytest.raises(ValidationError) as caught:
        _draft(world, investment_ytd="399.99")
    assert set(caught.value.message_dict) == {"investment_ytd"}
    # with the reason it is accepted and kept
    report = _draft(world, investment_ytd="380", ytd_reason="统计部门核减")
    assert report.ytd_reason == "统计部门核减"
    # the year to date is never below the month's investment
    with pytest.raises(ValidationError) as caught:
        _draft(world, investment_month="500", investment_ytd="450", ytd_reason="")
    assert set(caught.value.message_dict) == {"investment_ytd"}
    # a new year starts again: January 2025 may be below December 2024
    december = period_get_or_create(year=2024, month=12)
    S.project_report_submit(
        actor=u["reporter_a"],
        report=S.project_report_save_draft(
            actor=u["reporter_a"],
            project=world.project_a,
            period=december,
            data={**FILLED, "investment_ytd": "900"},
        ),
    )
    january = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=period_get_or_create(year=2025, month=1),
        data={**FILLED, "investment_month": "50", "investment_ytd": "50"},
    )
    assert january.investment_ytd == Decimal("50.00")


def test_bad_values_name_their_field_and_save_nothing(world: World) -> None:
    for data, milestones, field in (
        ({"investment_month": "abc"}, None, "investment_month"),
        ({"investment_month": "-1"}, None, "investment_month"),
        ({"investment_ytd": "1e20"}, None, "investment_ytd"),
        ({"problems": "坏\x07字"}, None, "problems"),
        ({}, {"started": "2024-04-01"}, "milestones"),
        ({}, {"launched": "2024-03-01"}, "milestones"),
        ({}, {"started": "2024-02-30"}, "milestones"),
    ):
        with pytest.raises(ValidationError) as caught:
            S.project_report_save_draft(
                actor=world.users["reporter_a"],
                project=world.project_a,
                period=world.period,
                data={**FILLED, **data},
                milestones=milestones,
            )
        assert field in caught.value.message_dict, (data, milestones)
    assert not ProjectReport.objects.exists()
    with pytest.raises(ValidationError):
        S.project_report_save_draft(
            actor=world.users["reporter_a"],
            project=world.project_a,
            period=world.period,
            data={"status": "approved"},
        )


def test_submitting_needs_the_image_progress(world: World) -> None:
    report = _draft(world, image_progress="  ")
    with pytest.raises(ValidationError) as caught:
        S.project_report_submit(actor=world.users["reporter_a"], report=report)
    assert set(caught.value.message_dict) == {"image_progress"}


def test_a_support_request_becomes_a_supervision_item(world: World) -> None:
    u = world.users
    report = _draft(world)
    with pytest.raises(WorkflowError):  # a draft has not been sent yet
        S.project_report_supervise(actor=u["office"], report=report)
    report = S.project_report_submit(actor=u["reporter_a"], report=report)
    for user in ("reporter_a", "approver_a", "leader"):
        with pytest.raises(PermissionDenied):
            S.project_report_supervise(actor=u[user], report=report)
    item = S.project_report_supervise(
        actor=u["office"],
        report=report,
        deadline=date(2099, 1, 31),
        assignee_unit=Unit.objects.get(code="t.b"),
    )
    report.refresh_from_db()
    assert report.supervision_item == item
    assert (item.assignee_unit.code, item.deadline, item.state) == ("t.b", date(2099, 1, 31), "assigned")
    assert "XM-A" in item.title and "2024-03" in item.title
    assert item.body.endswith("\n请协调解决施工用电增容")
    assert "XM-A" in item.body.splitlines()[0] and "2024-03" in item.body.splitlines()[0]
    assert [e.action for e in _audit(item)] == ["create"]
    last = _audit(report)[-1]
    assert (last.before["supervision_item"], last.after["supervision_item"]) == (None, item.code)
    with pytest.raises(WorkflowError):
        S.project_report_supervise(actor=u["office"], report=report)


def test_the_default_item_goes_to_the_owning_unit_and_a_request_is_needed(world: World) -> None:
    u = world.users
    report = S.project_report_submit(actor=u["reporter_a"], report=_draft(world, support_needed=""))
    with pytest.raises(ValidationError):
        S.project_report_supervise(actor=u["office"], report=report)
    report = S.project_report_return(actor=u["office"], report=report, comment="补充支持事项")
    report = S.project_report_save_draft(
        actor=u["reporter_a"],
        project=world.project_a,
        period=world.period,
        data={"support_needed": "用地指标"},
    )
    item = S.project_report_supervise(actor=u["office"], report=report)
    assert item.assignee_unit == world.project_a.owner_unit
    assert item.deadline > item.issued_on
    assert KeyProject.objects.get(pk=world.project_a.pk).reports.get().supervision_item == item


def test_the_reminders_count_the_missing_project_reports(world: World) -> None:
    from jingjin.notifications.selectors import missing_by_unit

    project("XM-R", "t.a", state="reserve")  # a reserve project owes no report
    project("XM-P", "t.a", state="production")  # nor one in production
    a, b = (Unit.objects.get(code=code).pk for code in ("t.a", "t.b"))
    missing = missing_by_unit(period=world.period)
    assert [c for c in missing[a] if c.startswith("XM-")] == ["XM-A"]
    assert [c for c in missing[b] if c.startswith("XM-")] == ["XM-B"]
    report = _draft(world)
    assert "XM-A" in missing_by_unit(period=world.period)[a]  # a draft is not in
    S.project_report_submit(actor=world.users["reporter_a"], report=report)
    assert [c for c in missing_by_unit(period=world.period).get(a, []) if c.startswith("XM-")] == []
