"""Jobs over HTTP: who sees which job (own unit, another unit, the plan office), the pages with
their polling fragment, the result download, retry, and the API; a report's approval queues a
warnings refresh."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingjin.jobs import services
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job
from tests.conftest import PASSWORD
from tests.jobs.conftest import BAD_CSV, GOOD_CSV

pytestmark = pytest.mark.usefixtures("test_kinds")


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def jobs(users: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Job]:
    """A done and a failed job of reporter_a (unit t.a), a done job of reporter_b (t.b), and a
    queued one of reporter_a."""
    made = {}
    for name, user, content in [
        ("a_done", "reporter_a", GOOD_CSV),
        ("a_failed", "reporter_a", BAD_CSV),
        ("b_done", "reporter_b", GOOD_CSV),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.job_submit(
                actor=users[user],
                kind="test-sum",
                params={},
                input_file=SimpleUploadedFile("v.csv", content),
                input_name="v.csv",
            )
        made[name] = Job.objects.get(pk=job.pk)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.job_submit(
            actor=users["reporter_a"],
            kind="test-sum",
            params={},
            input_file=SimpleUploadedFile("v.csv", GOOD_CSV),
            input_name="v.csv",
        )
    made["a_queued"] = job
    return made


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_who_sees_which_job(users: dict[str, Any], jobs: dict[str, Job]) -> None:
    everything = {j.pk for j in jobs.values()}
    of_a = {jobs["a_done"].pk, jobs["a_failed"].pk, jobs["a_queued"].pk}
    assert _ids(_client(users["office"]).get("/api/jobs")) == everything
    assert _ids(_client(users["reporter_a"]).get("/api/jobs")) == of_a
    assert _ids(_client(users["reporter_b"]).get("/api/jobs")) == {jobs["b_done"].pk}
    assert _ids(_client(users["county_c"]).get("/api/jobs")) == set()
    # the leader's unit is the city: the jobs of every unit below it
    assert _ids(_client(users["leader"]).get("/api/jobs")) == everything
    b = _client(users["reporter_b"])
    a_done = jobs["a_done"].pk
    for url in (
        f"/api/jobs/{a_done}",
        f"/api/jobs/{a_done}/result",
        f"/jobs/{a_done}/",
        f"/jobs/{a_done}/result",
        f"/jobs/{a_done}/status/",
    ):
        assert b.get(url).status_code == 404, url
    assert Client().get("/api/jobs").status_code in (401, 403)
    assert Client().get("/jobs/").status_code == 302


def test_the_api_reads_a_job_and_its_result(users: dict[str, Any], jobs: dict[str, Job]) -> None:
    client = _client(users["reporter_a"])
    done = jobs["a_done"]
    data = client.get(f"/api/jobs/{done.pk}").json()
    assert data["id"] == done.pk and data["kind"] == "test-sum" and data["state"] == "done"
    assert data["progress"] == 100 and data["message"] == "done" and data["error"] == ""
    assert data["summary"] == {"rows": 3, "total": 7.5}
    assert data["owner"] == "reporter_a" and data["unit"] == "t.a" and data["input_name"] == "v.csv"
    assert data["result"].endswith(f"/api/jobs/{done.pk}/result") and data["result_name"] == "doubled.csv"
    assert {"created_at", "started_at", "finished_at", "attempts"} <= set(data)
    response = client.get(f"/api/jobs/{done.pk}/result")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().splitlines()[:2] == [
        "name,value,double",
        "a,1.0,2.0",
    ]
    assert 'filename="doubled.csv"' in response["Content-Disposition"]
    failed = client.get(f"/api/jobs/{jobs['a_failed'].pk}").json()
    assert failed["state"] == "failed" and failed["error"] == "row 3, column value: 'two' is not a number"
    assert failed["result"] is None
    assert client.get(f"/api/jobs/{jobs['a_failed'].pk}/result").status_code == 404
    assert client.get(f"/api/jobs/{jobs['a_queued'].pk}/result").status_code == 404
    assert _ids(client.get("/api/jobs?state=failed")) == {jobs["a_failed"].pk}
    assert client.get("/api/jobs?state=lost").status_code == 400


def test_the_api_retries_a_failed_job(
    users: dict[str, Any], jobs: dict[str, Job], django_capture_on_commit_callbacks: Any
) -> None:
    failed = jobs["a_failed"]
    assert _client(users["reporter_b"]).post(f"/api/jobs/{failed.pk}/retry").status_code == 404
    assert _client(users["leader"]).post(f"/api/jobs/{failed.pk}/retry").status_code == 403
    assert _client(users["reporter_a"]).post(f"/api/jobs/{jobs['a_done'].pk}/retry").status_code == 400
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(users["office"]).post(f"/api/jobs/{failed.pk}/retry")
    assert response.status_code == 202
    assert response.json()["state"] == "queued" and response.json()["attempts"] == 2
    assert len(callbacks) == 1
    callbacks[0]()
    failed.refresh_from_db()
    assert failed.state == JobState.FAILED  # the same bad input fails the same way, again
    assert failed.error == "row 3, column value: 'two' is not a number"


def test_my_jobs_page_polls_while_a_job_is_not_finished(users: dict[str, Any], jobs: dict[str, Job]) -> None:
    client = _client(users["reporter_a"])
    page = client.get("/jobs/").content.decode()
    assert 'hx-get="/jobs/rows/?' in page and 'hx-trigger="every 2s"' in page
    assert f'data-job="{jobs["a_done"].pk}"' in page and f'data-job="{jobs["b_done"].pk}"' not in page
    assert f'href="/jobs/{jobs["a_done"].pk}/result"' in page
    assert "row 3, column value: &#x27;two&#x27; is not a number" in page
    assert 'data-testid="job-retry"' in page
    assert "<script>" not in page.split("</main>")[0]
    rows = client.get("/jobs/rows/").content.decode()
    assert rows.startswith('<div id="job-rows"') and "<html" not in rows
    Job.objects.filter(pk=jobs["a_queued"].pk).update(state=JobState.DONE, progress=100)
    rows = client.get("/jobs/rows/").content.decode()
    assert "hx-trigger" not in rows  # nothing left to follow: the polling stops
    assert client.get("/jobs/?state=failed").content.decode().count('data-testid="job"') == 1


def test_a_job_page_with_its_progress_and_retry(users: dict[str, Any], jobs: dict[str, Job]) -> None:
    client = _client(users["reporter_a"])
    queued = jobs["a_queued"]
    Job.objects.filter(pk=queued.pk).update(state=JobState.RUNNING, progress=42, message="row 7")
    page = client.get(f"/jobs/{queued.pk}/").content.decode()
    assert 'value="42"' in page and "row 7" in page and f'hx-get="/jobs/{queued.pk}/status/"' in page
    status = client.get(f"/jobs/{queued.pk}/status/").content.decode()
    assert status.startswith('<div id="job-status"') and "42%" in status
    done = client.get(f"/jobs/{jobs['a_done'].pk}/").content.decode()
    assert "hx-trigger" not in done and 'data-testid="job-summary"' in done
    assert client.get(f"/jobs/{jobs['a_done'].pk}/result").status_code == 200
    failed = jobs["a_failed"]
    assert _client(users["leader"]).post(f"/jobs/{failed.pk}/retry/").status_code == 403
    response = client.post(f"/jobs/{failed.pk}/retry/", {"next": "/jobs/?state=failed"})
    assert response.status_code == 302 and response["Location"] == "/jobs/?state=failed"
    failed.refresh_from_db()
    assert failed.attempts == 2
    assert client.get("/jobs/").status_code == 200
    assert (
        'href="/jobs/"' in client.get("/").content.decode()
        or 'href="/jobs/"' in client.get("/jobs/").content.decode()
    )


def test_approving_a_report_queues_a_warnings_refresh(
    users: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.plans.models import Task
    from jingjin.reporting.services import (
        period_get_or_create,
        report_approve,
        report_save_draft,
        report_submit,
    )

    approver = make_user("approver_a", "approver", "t.a")
    period = period_get_or_create(year=2024, month=3)
    report = report_save_draft(
        actor=users["reporter_a"],
        task=Task.objects.get(code="A1.M1.T1"),
        period=period,
        data={"progress": "进展", "completion_pct": 55},
    )
    report = report_submit(actor=users["reporter_a"], report=report)
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(actor=approver, report=report)
    (job,) = Job.objects.filter(kind="warnings-refresh")
    assert job.state == JobState.DONE and job.owner is None
    assert set(job.summary) == {"as_of", "raised", "updated", "resolved"}
    # a refresh already waiting in the queue is enough for the next approval
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    services.after_approval()
    assert Job.objects.filter(kind="warnings-refresh").count() == 1
    # the system's jobs: the plan office sees them, a unit user does not
    assert job.pk in _ids(_client(users["office"]).get("/api/jobs"))
    assert job.pk not in _ids(_client(users["reporter_a"]).get("/api/jobs"))


def test_my_jobs_page_queries_do_not_grow_with_the_jobs(users: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = users["office"]
    client = _client(office)

    def make(n: int) -> None:
        for i in range(n):
            state = [JobState.QUEUED, JobState.RUNNING, JobState.DONE, JobState.FAILED][i % 4]
            Job.objects.create(
                kind="test-sum", owner=users["reporter_a"], unit=users["reporter_a"].profile.unit, state=state
            )

    make(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/jobs/").status_code == 200
    make(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/jobs/").status_code == 200
    assert len(many) == len(few)
