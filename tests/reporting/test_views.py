"""The reporting pages over the test client: my reports, the form, evidence upload, review, overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingjin.reporting.models import Evidence, Report

pytestmark = pytest.mark.django_db

URL = "/reports/2024-03/tasks/{}/"


def _login(client, user):
    client.force_login(user)
    return client


def test_home_lists_the_units_tasks_with_lights(client, users, task_a):
    page = _login(client, users["reporter_a"]).get("/reports/?period=2024-03")
    html = page.content.decode()
    assert page.status_code == 200 and "A1.M1.T1" in html and "A1.M1.T2" not in html
    assert 'data-testid="light"' in html
    # without a month: the month being reported on (last month, due in this one)
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    assert f'value="{last:%Y-%m}" selected' in client.get("/reports/").content.decode()
    assert client.get("/reports/?period=2024-99").status_code == 404


def test_fill_upload_submit_then_approve_in_the_pages(client, users, approver_a, task_a):
    _login(client, users["reporter_a"])
    response = client.post(
        URL.format(task_a.pk),
        {
            "action": "submit",
            "progress": "完成验收",
            "completion_pct": "50",
            "next_plan": "培训",
            f"ind_{task_a.indicators.get().pk}": "88",
            "evidence": SimpleUploadedFile("验收.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "submitted" and report.indicator_values.get().value == 88
    evidence = Evidence.objects.get()
    download = client.get(f"/reports/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in download["Content-Disposition"]
    assert 'data-testid="report-form"' not in client.get(URL.format(task_a.pk)).content.decode()

    client.force_login(approver_a)
    assert "A1.M1.T1" in client.get("/reports/review/").content.decode()
    page = client.get(URL.format(task_a.pk)).content.decode()
    assert 'data-testid="review-panel"' in page
    assert client.post(URL.format(task_a.pk), {"action": "return", "comment": ""}).status_code == 400
    assert client.post(URL.format(task_a.pk), {"action": "approve"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"
    assert 'data-testid="locked"' in client.get(URL.format(task_a.pk)).content.decode()


def test_wrong_file_type_is_refused_with_a_message_and_nothing_saved(client, users, task_a):
    _login(client, users["reporter_a"])
    response = client.post(
        URL.format(task_a.pk),
        {"action": "save", "progress": "x", "evidence": SimpleUploadedFile("run.exe", b"MZ\x90")},
    )
    assert response.status_code == 400
    assert 'data-testid="evidence-error"' in response.content.decode()
    assert not Report.objects.exists() and not Evidence.objects.exists()


def test_other_units_and_leaders_cannot_fill_in(client, users, task_a):
    _login(client, users["reporter_b"])
    assert 'data-testid="report-form"' not in client.get(URL.format(task_a.pk)).content.decode()
    assert client.post(URL.format(task_a.pk), {"action": "save", "progress": "x"}).status_code == 403
    client.force_login(users["leader"])
    assert client.post(URL.format(task_a.pk), {"action": "save", "progress": "x"}).status_code == 403
    assert client.get("/reports/review/").status_code == 403
    assert not Report.objects.exists()


def test_overview_for_office_and_leaders_only(client, users, draft):
    _login(client, users["office"])
    page = client.get("/reports/overview/?period=2024-03").content.decode()
    assert "A1.M1.T1" in page and "A1.M1.T2" in page
    missing = client.get("/reports/overview/?period=2024-03&show=missing").content.decode()
    assert 'data-task="A1.M1.T2"' in missing and 'data-task="A1.M1.T1"' not in missing
    client.force_login(users["reporter_a"])
    assert client.get("/reports/overview/").status_code == 403


def test_synthetic_reports_carry_a_badge(client, users, draft):
    Report.objects.filter(pk=draft.pk).update(is_synthetic=True)
    page = _login(client, users["reporter_a"]).get("/reports/?period=2024-03").content.decode()
    assert 'data-testid="synthetic"' in page


def test_a_failed_submit_keeps_no_file_on_disk(client, users, task_a, settings):
    _login(client, users["reporter_a"])
    response = client.post(
        URL.format(task_a.pk),
        {"action": "submit", "progress": "", "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")},
    )
    assert response.status_code == 400  # no progress: the submission, the draft and the file roll back
    assert not Report.objects.exists() and not Evidence.objects.exists()
    assert not list((settings.MEDIA_ROOT / "evidence").rglob("*.pdf"))


def test_page_queries_do_not_grow_with_the_number_of_tasks(client, users, task_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingjin.plans.models import Task

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    _login(client, users["office"])
    pages = ["/reports/overview/?period=2024-03", "/reports/?period=2024-03"]
    [queries(url) for url in pages]  # the first visit creates the period and loads the session
    before = [queries(url) for url in pages]
    for i in range(10):
        Task.objects.create(
            measure=task_a.measure,
            code=f"A1.M1.T{i + 10}",
            name_zh=f"任务{i}",
            name_en=f"Task {i}",
            lead_unit=task_a.lead_unit,
            position=10 + i,
        )
    assert [queries(url) for url in pages] == before
