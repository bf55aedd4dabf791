"""Copy last month (复制上月); text limits and control characters in the form, the services and the
API; the friendly 400 page; duplicate evidence."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.reporting.evidence import evidence_add
from jingjin.reporting.models import Evidence, Report
from jingjin.reporting.services import (
    WorkflowError,
    period_get_or_create,
    report_approve,
    report_copy_previous,
    report_save_draft,
    report_submit,
)

pytestmark = pytest.mark.django_db

URL = "/reports/2024-03/tasks/{}/"


@pytest.fixture
def february(users, task_a, approver_a):
    """An approved report of A1.M1.T1 for 2024-02 with an indicator actual and a plan."""
    report = report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=period_get_or_create(year=2024, month=2),
        data={
            "progress": "完成户厕改造1000户",
            "completion_pct": 40,
            "next_plan": "1. 验收\n2. 培训",
            "problems": "资金",
            "support_needed": "协调财政",
        },
        indicator_values={"A1.M1.T1.I1": "1000"},
    )
    report_submit(actor=users["reporter_a"], report=report)
    return report_approve(actor=approver_a, report=report)


# ------------------------------------------------------------------------------ copy last month


def test_copy_previous_makes_a_draft_from_the_last_report(users, task_a, period, february):
    audit_before = AuditEntry.objects.count()
    report = report_copy_previous(actor=users["reporter_a"], task=task_a, period=period)
    assert report.status == "draft" and report.period == period
    assert (report.progress, report.completion_pct, report.next_plan) == (
        "完成户厕改造1000户",
        40,
        "1. 验收\n2. 培训",
    )
    assert (report.problems, report.support_needed) == ("资金", "协调财政")
    assert report.indicator_values.get().value == 1000
    # last month's plan becomes this month's items to tick
    assert [c.text for c in report.continuity_items.all()] == ["1. 验收", "2. 培训"]
    assert AuditEntry.objects.count() == audit_before + 1


def test_copy_previous_is_refused_without_an_earlier_report_or_over_a_filled_in_one(
    users, task_a, period, february, draft
):
    with pytest.raises(WorkflowError):
        report_copy_previous(actor=users["reporter_a"], task=task_a, period=period)
    assert Report.objects.get(pk=draft.pk).progress == "完成户厕改造1200户"
    with pytest.raises(ValidationError) as caught:
        report_copy_previous(
            actor=users["reporter_a"], task=task_a, period=period_get_or_create(year=2024, month=1)
        )
    assert "period" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        report_copy_previous(
            actor=users["reporter_b"], task=task_a, period=period_get_or_create(year=2024, month=4)
        )


def test_copy_previous_fills_an_empty_draft(users, task_a, period, february):
    empty = report_save_draft(actor=users["reporter_a"], task=task_a, period=period, data={})
    report = report_copy_previous(actor=users["reporter_a"], task=task_a, period=period)
    assert report.pk == empty.pk and report.completion_pct == 40


def test_copy_previous_in_the_page_and_the_api(client, users, task_a, february):
    client.force_login(users["reporter_a"])
    page = client.get(URL.format(task_a.pk)).content.decode()
    assert 'data-testid="copy-previous"' in page and "2024-02" in page
    response = client.post(URL.format(task_a.pk) + "copy/")
    assert response.status_code == 302
    assert Report.objects.get(period__month=3).completion_pct == 40
    assert 'data-testid="copy-previous"' not in client.get(URL.format(task_a.pk)).content.decode()
    # a second copy over the filled-in draft is refused with a message, nothing changes
    response = client.post(URL.format(task_a.pk) + "copy/", follow=True)
    assert "would overwrite" in response.content.decode()

    response = client.post(
        "/api/reports/copy-previous",
        {"task": task_a.pk, "period": "2024-04"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["completion_pct"] == 40
    assert response.json()["period"] == "2024-04"
    again = client.post(
        "/api/reports/copy-previous",
        {"task": task_a.pk, "period": "2024-04"},
        content_type="application/json",
    )
    assert again.status_code == 409
    none = client.post(
        "/api/reports/copy-previous",
        {"task": task_a.pk, "period": "2023-01"},
        content_type="application/json",
    )
    assert none.status_code == 400 and "period" in none.json()


# ------------------------------------------------------------------------------ text limits


def test_a_megabyte_of_text_gives_the_form_back_with_the_text_and_the_limit(client, users, task_a):
    client.force_login(users["reporter_a"])
    text = "进" * 1_000_000  # 3 MB of UTF-8: more than Django's default 2.5 MB form limit
    response = client.post(URL.format(task_a.pk), {"action": "save", "progress": text, "problems": "ok"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="report-form"' in html
    assert "Progress this month: at most 5000 characters, now 1000000." in html
    assert html.count("进") >= 1_000_000  # the typed text is kept
    assert not Report.objects.exists()


def test_control_characters_are_refused_naming_the_field(client, users, task_a):
    client.force_login(users["reporter_a"])
    response = client.post(URL.format(task_a.pk), {"action": "save", "problems": "资金\x00缺口\x1b"})
    assert response.status_code == 400
    assert "Problems contains a control character" in response.content.decode()
    response = client.post(URL.format(task_a.pk), {"action": "save", "progress": "第一行\n\t第二行\r\n"})
    assert response.status_code == 302  # line breaks and tabs are fine
    assert not Report.objects.filter(problems__contains="\x1b").exists()


def test_the_services_check_every_text_field(users, task_a, period):
    with pytest.raises(ValidationError) as caught:
        report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=period,
            data={"progress": "x" * 5001, "next_plan": "y" * 3001, "support_needed": "z\x07"},
        )
    errors = caught.value.message_dict
    assert errors["progress"] == ["Progress this month: at most 5000 characters, now 5001."]
    assert "at most 3000" in errors["next_plan"][0] and "control character" in errors["support_needed"][0]
    assert not Report.objects.exists()


def test_the_api_names_the_field_that_is_too_long_or_has_control_characters(client, users, task_a):
    client.force_login(users["reporter_a"])
    for progress in ("x" * 5001, "bad\x1b"):
        response = client.post(
            "/api/reports",
            {"task": task_a.pk, "period": "2024-03", "progress": progress},
            content_type="application/json",
        )
        assert response.status_code == 400 and "progress" in response.json(), response.content
    assert not Report.objects.exists()


def test_a_form_too_large_to_read_gets_the_friendly_400_page(client, settings, users, task_a):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(users["reporter_a"])
    response = client.post(
        URL.format(task_a.pk),
        {"action": "save", "progress": "x" * 20_000},
        HTTP_REFERER="http://testserver/x/",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'data-testid="bad-request"' in html and "too large" in html and 'href="http://testserver/x/"' in html
    )
    api = client.post("/api/reports", {"progress": "x" * 20_000})
    assert api.status_code == 400 and "too large" in api.json()["detail"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.post(URL.format(task_a.pk), {"progress": "x" * 20_000}).status_code == 400


def test_the_default_form_limit_is_raised(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 10 * 1024 * 1024


def test_supervision_forms_refuse_control_characters_and_long_texts():
    from jingjin.supervision.forms import StepForm

    form = StepForm({"text": "ok\x08"})
    assert not form.is_valid() and "control character" in form.errors["text"][0]
    form = StepForm({"text": "x" * 10_001})
    assert not form.is_valid() and "at most 10000 characters, now 10001" in form.errors["text"][0]
    assert StepForm({"text": "第一行\n第二行"}).is_valid()


# ------------------------------------------------------------------------------ duplicate evidence


def test_the_same_evidence_file_cannot_be_attached_twice(users, draft, task_a):
    content = b"%PDF-1.4 same"
    evidence_add(actor=users["reporter_a"], report=draft, content=io.BytesIO(content), name="验收.pdf")
    with pytest.raises(ValidationError) as caught:
        evidence_add(actor=users["reporter_a"], report=draft, content=io.BytesIO(content), name="copy.pdf")
    assert caught.value.message_dict["file"] == [
        "A file with the same content was uploaded already: 验收.pdf"
    ]
    assert Evidence.objects.count() == 1
    # another report may hold the same file
    other = report_save_draft(
        actor=users["reporter_a"], task=task_a, period=period_get_or_create(year=2024, month=4), data={}
    )
    evidence_add(actor=users["reporter_a"], report=other, content=io.BytesIO(content), name="验收.pdf")
    assert Evidence.objects.count() == 2


def test_the_form_says_when_the_evidence_was_uploaded_already(client, users, task_a, draft):
    client.force_login(users["reporter_a"])
    for expected in (302, 400):
        response = client.post(
            URL.format(task_a.pk),
            {
                "action": "save",
                "progress": "x",
                "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4 one", content_type="application/pdf"),
            },
        )
        assert response.status_code == expected
    assert "uploaded already: a.pdf" in response.content.decode()
    assert Evidence.objects.count() == 1
