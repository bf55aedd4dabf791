"""Large imports run as background jobs (issue 18, "imports as background jobs when large").

A plan file, statistics file or report batch larger than ``JINGJIN_IMPORT_JOB_BYTES`` is queued as
a job (``plan-import``, ``statistics-import``, ``report-batch``) instead of holding the request: the
page redirects to the job, the batch API answers 202 with it. The job imports all or nothing, with
the same audit rows and permissions as the synchronous path; its errors (rows and columns named,
cut with a count) are shown on the job's page. Smaller files stay synchronous.

The tests lower the threshold to a few hundred bytes, so that small files stand in for large ones;
jobs run at once when the request's transaction commits (immediate mode).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from jingjin.benchmark import services as benchmark_services
from jingjin.benchmark.models import Statistic
from jingjin.core.models import AuditEntry
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from tests.conftest import PASSWORD, small_plan

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATISTICS_HEADER = "city,year,indicator,value,unit,source\n"


@pytest.fixture(autouse=True)
def _small_threshold(settings: Any) -> None:
    settings.JINGJIN_IMPORT_JOB_BYTES = 300


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _post(client: Client, url: str, data: dict[str, Any], capture: Any, **extra: Any) -> Any:
    """POST as a user does; the job queued by the request runs when its transaction commits."""
    with capture(execute=True):
        return client.post(url, data, **extra)


def _job_of(response: Any) -> Job:
    assert response.status_code == 302, response.content[:500]
    found = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert found, response["Location"]
    return Job.objects.get(pk=int(found.group(1)))


def _plan_upload(data: dict[str, Any], name: str = "plan.json") -> SimpleUploadedFile:
    raw = json.dumps(data, ensure_ascii=False, indent=2).encode()
    assert len(raw) > 300  # over the (lowered) threshold
    return SimpleUploadedFile(name, raw, content_type="application/json")


# --------------------------------------------------------------------------------------------
# Plan import


def test_a_large_plan_file_is_imported_by_a_job_with_the_same_audit_rows(
    users, django_capture_on_commit_callbacks
):
    office = _client(users["office"])
    data = small_plan()
    data["actions"][0]["measures"][0]["tasks"][0]["name_zh"] = "甲局任务（修订）"
    before = AuditEntry.objects.count()
    response = _post(
        office, "/plan/import/", {"file": _plan_upload(data)}, django_capture_on_commit_callbacks
    )
    job = _job_of(response)
    assert (job.kind, job.state, job.owner, job.progress) == (
        "plan-import",
        JobState.DONE,
        users["office"],
        100,
    )
    assert job.summary == {"plan": "test-plan", "created": 0, "updated": 1, "deleted": 0}
    assert Task.objects.get(code="A1.M1.T1").name_zh == "甲局任务（修订）"
    # the task's change is audited as the office, from the web, as a small file's import is
    change = AuditEntry.objects.filter(content_type__model="task").order_by("-pk").first()
    assert change is not None and change.user == users["office"] and change.source == "web"
    assert change.after["name_zh"] == "甲局任务（修订）"
    assert AuditEntry.objects.count() > before
    page = office.get(response["Location"])
    assert page.status_code == 200
    assert "Plan import" in page.content.decode() or "规划导入" in page.content.decode()
    assert 'data-testid="job-summary"' in page.content.decode()


def test_a_large_plan_file_with_errors_writes_nothing_and_the_job_page_names_the_places(
    users, django_capture_on_commit_callbacks
):
    office = _client(users["office"])
    data = small_plan()
    task = data["actions"][0]["measures"][0]["tasks"][0]
    task["name_zh"] = "不应写入"
    task["lead_unit"] = "nowhere"
    task["indicators"][0]["target_value"] = "many"
    tasks_before = list(Task.objects.values_list("code", "name_zh"))
    audit_before = AuditEntry.objects.exclude(content_type__model="job").count()
    response = _post(
        office, "/plan/import/", {"file": _plan_upload(data)}, django_capture_on_commit_callbacks
    )
    job = _job_of(response)
    assert job.state == JobState.FAILED
    assert "actions[0].measures[0].tasks[0]" in job.error or "A1.M1.T1" in job.error
    assert "nowhere" in job.error and "\n" in job.error  # one error a line
    assert list(Task.objects.values_list("code", "name_zh")) == tasks_before
    assert AuditEntry.objects.exclude(content_type__model="job").count() == audit_before
    page = office.get(response["Location"]).content.decode()
    shown = re.search(r'data-testid="job-error">(.*?)</div>', page, re.S)
    assert shown is not None and "nowhere" in shown.group(1) and "<br>" in shown.group(1)


def test_a_small_plan_file_is_still_imported_in_the_request(
    users, settings, django_capture_on_commit_callbacks
):
    settings.JINGJIN_IMPORT_JOB_BYTES = 1024 * 1024
    office = _client(users["office"])
    response = _post(
        office, "/plan/import/", {"file": _plan_upload(small_plan())}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and response["Location"].startswith("/plan/")
    assert not Job.objects.exists()


def test_only_the_plan_office_may_queue_a_plan_import(users, django_capture_on_commit_callbacks):
    for name in ("reporter_a", "county_c", "leader"):
        response = _post(
            _client(users[name]),
            "/plan/import/",
            {"file": _plan_upload(small_plan())},
            django_capture_on_commit_callbacks,
        )
        assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_plan_import_job_is_seen_by_its_owner_not_by_a_unit_user(users, django_capture_on_commit_callbacks):
    job = _job_of(
        _post(
            _client(users["office"]),
            "/plan/import/",
            {"file": _plan_upload(small_plan())},
            django_capture_on_commit_callbacks,
        )
    )
    assert _client(users["reporter_a"]).get(f"/api/jobs/{job.pk}").status_code == 404
    assert _client(users["office"]).get(f"/api/jobs/{job.pk}").json()["state"] == "done"


# --------------------------------------------------------------------------------------------
# Statistics import


@pytest.fixture
def statistics_office(users: dict[str, Any]) -> Client:
    benchmark_services.builtin_load()
    return _client(users["office"])


def test_a_large_statistics_file_is_imported_by_a_job(
    statistics_office, users, django_capture_on_commit_callbacks
):
    raw = (
        STATISTICS_HEADER + "".join(f"遂宁,{2030 + i},gdp,{1700 + i},亿元,test\n" for i in range(20))
    ).encode()
    assert len(raw) > 300
    before = Statistic.objects.count()
    response = _post(
        statistics_office,
        "/benchmark/import/",
        {"file": SimpleUploadedFile("s.csv", raw)},
        django_capture_on_commit_callbacks,
    )
    job = _job_of(response)
    assert (job.kind, job.state) == ("statistics-import", JobState.DONE), job.error
    assert job.summary["created"] == 20
    assert Statistic.objects.count() == before + 20
    made = AuditEntry.objects.filter(content_type__model="statistic").order_by("-pk").first()
    assert made is not None and made.user == users["office"] and made.source == "web"


def test_many_bad_statistics_rows_fail_the_job_with_a_count_and_write_nothing(
    statistics_office, django_capture_on_commit_callbacks
):
    bad = 500
    raw = (STATISTICS_HEADER + "遂宁,2030,gdp,1700,亿元,ok\n" + "遂宁,2031,gdp,abc,亿元,x\n" * bad).encode()
    before = (Statistic.objects.count(), AuditEntry.objects.exclude(content_type__model="job").count())
    response = _post(
        statistics_office,
        "/benchmark/import/",
        {"file": SimpleUploadedFile("s.csv", raw)},
        django_capture_on_commit_callbacks,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    job = _job_of(response)
    assert job.state == JobState.FAILED
    lines = job.error.split("\n")
    assert "data row 2 (spreadsheet row 3), column 'value'" in lines[0]
    shown = len(lines) - 1
    assert 10 < shown < bad
    assert lines[-1] == f"… and {bad - shown} more errors"  # every error left out is counted
    assert len(job.error) < 4000
    after = (Statistic.objects.count(), AuditEntry.objects.exclude(content_type__model="job").count())
    assert after == before


def test_only_the_plan_office_may_queue_a_statistics_import(users, django_capture_on_commit_callbacks):
    raw = (STATISTICS_HEADER + "遂宁,2030,gdp,1700,亿元,test\n" * 20).encode()
    response = _post(
        _client(users["reporter_a"]),
        "/benchmark/import/",
        {"file": SimpleUploadedFile("s.csv", raw)},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403 and not Job.objects.exists()


# --------------------------------------------------------------------------------------------
# Report batch (page and API)


def _batch_file(client: Client, *, completion: Any = 60) -> bytes:
    raw = client.get("/reports/batch/template.xlsx?period=2024-03").content
    book = load_workbook(io.BytesIO(raw))
    sheet = book.worksheets[0]
    sheet["D2"].value = completion
    sheet["F2"].value = "完成户厕改造1200户"
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) > 300
    return out.getvalue()


def test_a_large_report_batch_from_the_page_is_imported_by_a_job(users, django_capture_on_commit_callbacks):
    reporter = _client(users["reporter_a"])
    raw = _batch_file(reporter)
    response = _post(
        reporter,
        "/reports/batch/",
        {"period": "2024-03", "submit": "on", "file": SimpleUploadedFile("r.xlsx", raw, content_type=XLSX)},
        django_capture_on_commit_callbacks,
    )
    job = _job_of(response)
    assert (job.kind, job.state) == ("report-batch", JobState.DONE), job.error
    assert job.summary == {"period": "2024-03", "created": 1, "updated": 0, "submitted": 1, "skipped": 0}
    report = Report.objects.get(task__code="A1.M1.T1", period__year=2024, period__month=3)
    assert report.status == "submitted" and report.completion_pct == 60
    entries = AuditEntry.objects.filter(content_type__model="report", object_id=report.pk)
    assert entries.exists() and {e.source for e in entries} == {"web"}
    assert {e.user for e in entries} == {users["reporter_a"]}


def test_a_large_report_batch_over_the_api_answers_202_with_the_job(
    users, django_capture_on_commit_callbacks
):
    reporter = _client(users["reporter_a"])
    raw = _batch_file(reporter, completion=250)  # out of range: the job fails, nothing is written
    response = _post(
        reporter,
        "/api/reports/batch",
        {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", raw, content_type=XLSX)},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202, response.content[:500]
    assert response.json()["kind"] == "report-batch"
    body = reporter.get(f"/api/jobs/{response.json()['id']}").json()  # as a client follows it
    assert body["state"] == "failed", body
    assert "row 2, column D" in body["error"], body["error"]
    assert not Report.objects.exists()
    good = _batch_file(reporter, completion=70)
    response = _post(
        reporter,
        "/api/reports/batch",
        {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", good, content_type=XLSX)},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.state == JobState.DONE, job.error
    assert job.summary["created"] == 1
    assert Report.objects.get().completion_pct == 70
    # the job is the reporter's: another unit's reporter does not see it
    assert _client(users["reporter_b"]).get(f"/api/jobs/{job.pk}").status_code == 404


def test_a_batch_job_runs_as_its_owner_with_the_owners_permissions(users, django_capture_on_commit_callbacks):
    """A task of another unit in the file is refused by the job as by the synchronous import."""
    reporter = _client(users["reporter_a"])
    book = load_workbook(io.BytesIO(_batch_file(reporter)))
    sheet = book.worksheets[0]
    sheet.cell(row=sheet.max_row + 1, column=1).value = "A1.M1.T2"  # reporter_b's task
    sheet.cell(row=sheet.max_row, column=4).value = 10
    out = io.BytesIO()
    book.save(out)
    raw = out.getvalue()
    response = _post(
        reporter,
        "/reports/batch/",
        {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", raw, content_type=XLSX)},
        django_capture_on_commit_callbacks,
    )
    job = _job_of(response)
    assert job.state == JobState.FAILED and "A1.M1.T2" in job.error
    assert not Report.objects.exists()


def test_users_who_may_not_fill_reports_cannot_queue_a_batch(users, django_capture_on_commit_callbacks):
    office_raw = _batch_file(_client(users["reporter_a"]))
    for name in ("leader",):
        client = _client(users[name])
        data = {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", office_raw, content_type=XLSX)}
        assert _post(client, "/reports/batch/", data, django_capture_on_commit_callbacks).status_code == 403
        data = {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", office_raw, content_type=XLSX)}
        assert (
            _post(client, "/api/reports/batch", data, django_capture_on_commit_callbacks).status_code == 403
        )
    assert not Job.objects.exists()


def test_the_import_kinds_are_refused_to_users_their_predicates_refuse(users):
    from jingjin.core.permissions import PermissionDenied
    from jingjin.jobs.services import job_submit

    for kind, name in [
        ("plan-import", "reporter_a"),
        ("statistics-import", "county_c"),
        ("report-batch", "leader"),
    ]:
        with pytest.raises(PermissionDenied):
            job_submit(
                actor=users[name], kind=kind, params={}, input_file=io.BytesIO(b"x"), input_name="f.json"
            )
    assert not Job.objects.exists()
