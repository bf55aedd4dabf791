"""Services of monthly reporting: the workflow, who may do each step, locking, audit, evidence, continuity."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied, restrict
from jingjin.reporting import services
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.evidence import evidence_add
from jingjin.reporting.models import Evidence, Report, ReportingPeriod
from jingjin.reporting.services import ContinuityTick, WorkflowError

pytestmark = pytest.mark.django_db


def _audit(report: Report) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(content_type__model="report", object_id=report.pk).order_by("id"))


# --- periods ------------------------------------------------------------------------------------


def test_period_deadline_defaults_to_the_fifth_of_the_next_month(db):
    assert services.period_get_or_create(year=2024, month=3).deadline == date(2024, 4, 5)
    assert services.period_get_or_create(year=2024, month=12).deadline == date(2025, 1, 5)
    assert ReportingPeriod.objects.filter(year=2024, month=3).count() == 1


def test_period_deadline_day_is_a_setting_capped_at_the_month_end(db, settings):
    settings.JINGJIN_REPORT_DEADLINE_DAY = 31
    assert services.period_get_or_create(year=2024, month=1).deadline == date(2024, 2, 29)
    settings.JINGJIN_REPORT_DEADLINE_DAY = 10
    assert services.default_deadline(2024, 6) == date(2024, 7, 10)


@pytest.mark.parametrize("code", ["2024-3", "24-03", "2024-13", "1999-12", "abc", "2024-03-01", ""])
def test_bad_period_codes_are_refused(code):
    with pytest.raises(ValidationError):
        services.period_parse(code)


# --- the workflow --------------------------------------------------------------------------------


def test_draft_submit_return_resubmit_approve_with_audit_rows(draft, users, approver_a):
    assert draft.status == ReportStatus.DRAFT
    assert draft.indicator_values.get().value == Decimal("1200")
    created = _audit(draft)[-1]
    assert created.action == "create" and created.before is None
    assert created.after["completion_pct"] == 55 and created.after["indicator_values"] == {
        "A1.M1.T1.I1": 1200
    }

    report = services.report_submit(actor=users["reporter_a"], report=draft)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == users["reporter_a"]
    entry = _audit(report)[-1]
    assert (entry.before["status"], entry.after["status"]) == ("draft", "submitted")
    assert entry.after["submitted_by"] == "reporter_a"

    with pytest.raises(WorkflowError):  # a second submission
        services.report_submit(actor=users["reporter_a"], report=report)
    with pytest.raises(WorkflowError):  # no edit while waiting for review
        services.report_save_draft(
            actor=users["reporter_a"], task=report.task, period=report.period, data={"progress": "x"}
        )

    with pytest.raises(ValidationError):  # a return needs a comment
        services.report_return(actor=approver_a, report=report, comment="  ")
    report = services.report_return(actor=approver_a, report=report, comment="请补充佐证材料")
    assert report.status == ReportStatus.RETURNED and report.review_comment == "请补充佐证材料"
    with pytest.raises(WorkflowError):  # a returned report is not approved before resubmission
        services.report_approve(actor=approver_a, report=report)

    report = services.report_save_draft(
        actor=users["reporter_a"], task=report.task, period=report.period, data={"completion_pct": 60}
    )
    assert report.status == ReportStatus.RETURNED
    first = report.first_submitted_at
    report = services.report_submit(actor=users["reporter_a"], report=report)
    assert report.status == ReportStatus.RESUBMITTED and report.first_submitted_at == first

    report = services.report_approve(actor=approver_a, report=report)
    assert report.status == ReportStatus.APPROVED and report.reviewed_by == approver_a and report.is_locked
    statuses = [(e.before or {}).get("status") for e in _audit(report)]
    assert statuses == [None, "draft", "submitted", "returned", "returned", "resubmitted"]


def test_approved_reports_are_locked(draft, users, approver_a):
    services.report_submit(actor=users["reporter_a"], report=draft)
    report = services.report_approve(actor=users["office"], report=draft)
    for call in (
        lambda: services.report_save_draft(
            actor=users["reporter_a"], task=report.task, period=report.period, data={"progress": "改"}
        ),
        lambda: services.report_submit(actor=users["reporter_a"], report=report),
        lambda: services.report_approve(actor=approver_a, report=report),
        lambda: services.report_return(actor=approver_a, report=report, comment="晚了"),
        lambda: evidence_add(
            actor=users["reporter_a"], report=report, content=io.BytesIO(b"%PDF-1.4 x"), name="a.pdf"
        ),
    ):
        with pytest.raises(WorkflowError, match="locked"):
            call()
    assert Report.objects.get(pk=report.pk).progress == "完成户厕改造1200户"


def test_submit_needs_progress_and_completion(users, task_a, period):
    report = services.report_save_draft(actor=users["reporter_a"], task=task_a, period=period, data={})
    with pytest.raises(ValidationError) as info:
        services.report_submit(actor=users["reporter_a"], report=report)
    assert set(info.value.message_dict) == {"progress", "completion_pct"}
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("data", "values"),
    [
        ({"completion_pct": 101}, None),
        ({"completion_pct": -1}, None),
        ({"colour": "red"}, None),
        ({}, {"A1.M1.T1.I1": "many"}),
        ({}, {"A1.M1.T2.I1": "1"}),  # another task's indicator
        ({}, {"A1.M1.T1.I1": "1e30"}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(users, task_a, period, data, values):
    with pytest.raises(ValidationError):
        services.report_save_draft(
            actor=users["reporter_a"], task=task_a, period=period, data=data, indicator_values=values
        )
    assert not Report.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="report").exists()


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reporter_b", "leader", "approver_a", "office"])
def test_only_reporters_of_the_lead_unit_fill_in_reports(users, approver_a, task_a, period, who):
    actor = approver_a if who == "approver_a" else users[who]
    with pytest.raises(PermissionDenied):
        services.report_save_draft(actor=actor, task=task_a, period=period, data={"progress": "x"})


def test_a_county_user_reports_on_tasks_of_its_county(users, make_user, loaded_plan, period):
    from jingjin.core.models import Unit
    from jingjin.plans.models import Task

    task = Task.objects.get(code="A1.M1.T2")
    task.lead_unit = Unit.objects.get(code="t.c")
    task.save()
    report = services.report_save_draft(
        actor=users["county_c"], task=task, period=period, data={"progress": "县里推进", "completion_pct": 10}
    )
    assert services.report_submit(actor=users["county_c"], report=report).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b", "leader", "county_c", "approver_b"])
def test_only_approvers_of_the_unit_and_the_office_review(draft, users, make_user, who):
    services.report_submit(actor=users["reporter_a"], report=draft)
    actor = make_user("approver_b", "approver", "t.b") if who == "approver_b" else users[who]
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=actor, report=draft)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=actor, report=draft, comment="不行")
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED


def test_restrict_gives_units_the_reports_of_their_tasks(draft, users, approver_a):
    reports = Report.objects.all()
    assert list(restrict(users["reporter_a"], "change", reports)) == [draft]
    assert list(restrict(approver_a, "change", reports)) == [draft]
    assert not restrict(users["reporter_b"], "change", reports).exists()
    assert not restrict(users["leader"], "change", reports).exists()
    assert restrict(users["leader"], "view", reports).exists()


# --- continuity ----------------------------------------------------------------------------------


def test_last_months_plan_is_ticked_and_moved_items_need_a_reason(draft, users, task_a):
    april = services.period_get_or_create(year=2024, month=4)
    report = services.report_save_draft(
        actor=users["reporter_a"], task=task_a, period=april, data={"progress": "四月"}
    )
    assert [c.text for c in report.continuity_items.all()] == ["1. 验收", "2. 培训"]
    with pytest.raises(ValidationError, match="reason"):
        services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=april,
            data={},
            continuity=[ContinuityTick(position=1, outcome="moved")],
        )
    with pytest.raises(ValidationError):
        services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=april,
            data={},
            continuity=[ContinuityTick(position=5, outcome="done")],
        )
    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=april,
        data={},
        continuity=[
            ContinuityTick(position=0, outcome="done"),
            ContinuityTick(position=1, outcome="dropped", reason="培训并入五月"),
        ],
    )
    items = list(report.continuity_items.values_list("outcome", "reason"))
    assert items == [("done", ""), ("dropped", "培训并入五月")]
    assert _audit(report)[-1].after["continuity"][1] == {
        "item": "2. 培训",
        "outcome": "dropped",
        "reason": "培训并入五月",
    }


# --- evidence ------------------------------------------------------------------------------------


def _docx() -> bytes:
    """A minimal .docx with fixed member dates: the bytes are in the test's id, which must be the
    same in every pytest-xdist worker (the current time would differ across a 2-second tick)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("报告.pdf", b"%PDF-1.7\n..."),
        ("台账.csv", "乡镇,户数\n甲,12\n".encode()),
        ("说明.txt", "进展说明".encode("gb18030")),
        ("方案.docx", _docx()),
    ],
)
def test_evidence_of_allowed_types_is_stored_under_a_random_name(draft, users, name, content, settings):
    evidence = evidence_add(actor=users["reporter_a"], report=draft, content=io.BytesIO(content), name=name)
    assert evidence.original_name == name
    assert evidence.file.name.startswith("evidence/2024/03/")
    stored = evidence.file.name.rsplit("/", 1)[-1]
    assert name.rsplit(".", 1)[0] not in stored and len(stored.split(".")[0]) == 32
    assert (settings.MEDIA_ROOT / evidence.file.name).read_bytes() == content
    assert _audit(draft)[-1].after["evidence"] == [name]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("fake.png", b"%PDF-1.4", "does not match"),
        ("fake.docx", b"PK\x03\x04garbage", "does not match"),
        ("binary.txt", b"\x00\x01\x02\x03", "does not match"),
        ("empty.pdf", b"", "empty"),
        ("../../etc/passwd", b"root:x:0:0", "not accepted"),
    ],
)
def test_evidence_of_wrong_types_is_refused(draft, users, name, content, message):
    with pytest.raises(ValidationError, match=message):
        evidence_add(actor=users["reporter_a"], report=draft, content=io.BytesIO(content), name=name)
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(draft, users, settings):
    settings.JINGJIN_EVIDENCE_MAX_SIZE = 1024
    with pytest.raises(ValidationError, match="larger than"):
        evidence_add(
            actor=users["reporter_a"],
            report=draft,
            content=io.BytesIO(b"%PDF-" + b"x" * 2000),
            name="big.pdf",
        )
    assert not Evidence.objects.exists()


def test_evidence_needs_the_reporting_unit(draft, users):
    with pytest.raises(PermissionDenied):
        evidence_add(actor=users["reporter_b"], report=draft, content=io.BytesIO(b"%PDF-1.4"), name="a.pdf")
