"""The life of a job in immediate mode: queued → running → done or failed, the error texts, the
throttled progress, recovery of a job a dead worker left running, and retry."""

from __future__ import annotations

import logging
import os
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.jobs import services
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job
from tests.jobs.conftest import BAD_CSV, GOOD_CSV

pytestmark = pytest.mark.usefixtures("test_kinds")


def _submit(user: Any, content: bytes, capture: Any, **params: Any) -> Job:
    with capture(execute=True):
        job = services.job_submit(
            actor=user,
            kind="test-sum",
            params=params,
            input_file=SimpleUploadedFile("values.csv", content),
            input_name="values.csv",
        )
    return Job.objects.get(pk=job.pk)


def _states(job: Job) -> list[str]:
    entries = AuditEntry.objects.filter(object_id=job.pk, content_type__model="job").order_by("time", "id")
    return [e.after["state"] for e in entries]


def test_a_job_runs_queued_running_done(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    reporter = users["reporter_a"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.job_submit(
            actor=reporter,
            kind="test-sum",
            params={},
            input_file=SimpleUploadedFile("values.csv", GOOD_CSV),
            input_name="values.csv",
        )
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.progress == 0 and job.attempts == 1
    assert job.owner == reporter and job.unit is not None and job.unit.code == "t.a"
    assert job.input_file.name == f"jobs/{job.pk}/input-values.csv"
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: Huey (immediate mode) runs it now
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.progress == 100 and job.message == "done" and job.error == ""
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at
    assert job.summary == {"rows": 3, "total": 7.5}
    assert job.result_file.name == f"jobs/{job.pk}/doubled.csv"
    with job.result_file.open("rb") as handle:
        assert handle.read().decode().splitlines() == [
            "name,value,double",
            "a,1.0,2.0",
            "b,2.5,5.0",
            "c,4.0,8.0",
        ]
    assert not (job.directory() / ".scratch").exists()
    assert _states(job) == ["queued", "running", "done"]
    assert job.worker.split(":")[1] == str(os.getpid())


def test_bad_input_fails_with_the_runners_words_and_no_result(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = _submit(users["reporter_a"], BAD_CSV, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert job.error == "row 3, column value: 'two' is not a number"
    assert job.result_file.name == ""
    # the half-written result in the scratch directory is gone; only the input is left
    assert sorted(p.name for p in job.directory().iterdir()) == ["input-values.csv"]
    assert _states(job) == ["queued", "running", "failed"]


def test_an_engine_error_is_shown_as_it_is(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = _submit(users["reporter_a"], GOOD_CSV, django_capture_on_commit_callbacks, engine=True)
    assert job.state == JobState.FAILED
    assert job.error == "column 'value' is missing"


def test_an_unexpected_error_gives_plain_words_and_a_log_line(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    with caplog.at_level(logging.ERROR, logger="jingjin.jobs"):
        job = _submit(users["reporter_a"], GOOD_CSV, django_capture_on_commit_callbacks, crash=True)
    assert job.state == JobState.FAILED
    assert job.error.startswith("Internal error")
    assert "secret" not in job.error and "Traceback" not in job.error
    assert any("disk /secret/path exploded" in (r.exc_text or "") for r in caplog.records)
    assert not list(job.directory().glob("doubled*"))
    assert not (job.directory() / ".scratch").exists()


def test_submit_checks_kind_params_and_permission(users: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        services.job_submit(actor=users["office"], kind="no-such-kind", params={})
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.job_submit(actor=users["office"], kind="test-sum", params={"x": float("nan")})
    assert "params" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.job_submit(actor=users["office"], kind="test-sum", params=[1, 2])  # type: ignore[arg-type]
    assert "params" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.job_submit(
            actor=users["office"], kind="test-sum", input_file=BytesIO(b"x"), input_name="a\x07.csv"
        )
    assert "file" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.job_submit(actor=users["leader"], kind="test-sum", params={})
    with pytest.raises(PermissionDenied):  # warnings refresh: the plan office only
        services.job_submit(actor=users["reporter_a"], kind="warnings-refresh", params={})
    assert Job.objects.count() == 0
    assert not AuditEntry.objects.filter(content_type__model="job").exists()


def test_progress_is_written_at_most_twice_a_second(users: dict[str, Any], monkeypatch: Any) -> None:
    job = Job.objects.create(kind="test-sum", owner=users["office"], state=JobState.RUNNING)
    now = [1000.0]
    monkeypatch.setattr(services, "_monotonic", lambda: now[0])

    def progress() -> tuple[int, str]:
        return Job.objects.values_list("progress", "message").get(pk=job.pk)

    assert services.job_progress(job.pk, 10, "reading") is True
    assert progress() == (10, "reading")
    now[0] += 0.2
    assert services.job_progress(job.pk, 20, "more") is False
    now[0] += 0.2
    assert services.job_progress(job.pk, 30, "more") is False
    assert progress() == (10, "reading")
    now[0] += 0.11  # 0.51 s after the last write
    assert services.job_progress(job.pk, 40, "half") is True
    assert progress() == (40, "half")
    now[0] += 0.01
    assert services.job_progress(job.pk, 100, "done") is True  # always at 100
    assert progress() == (100, "done")
    now[0] += 1
    assert services.job_progress(job.pk, 250, "too\x00much") is True  # clamped, control characters out
    assert progress() == (100, "too much")
    now[0] += 1
    assert services.job_progress(job.pk, float("nan")) is True
    assert progress()[0] == 0


def test_a_job_left_running_by_a_dead_worker_fails_and_can_be_retried(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    office = users["office"]
    reporter = users["reporter_a"]
    dead = _dead_pid()
    me = f"host-a:{os.getpid()}:newstart:MainThread"
    stale = Job.objects.create(
        kind="test-sum",
        owner=reporter,
        unit=reporter.profile.unit,
        state=JobState.RUNNING,
        worker=f"host-a:{dead}:oldstart:Worker-1",
        attempts=1,
    )
    restarted = Job.objects.create(  # this very pid, from before a restart (a container's pid 1)
        kind="test-sum",
        owner=office,
        state=JobState.RUNNING,
        worker=f"host-a:{os.getpid()}:oldstart:Worker-1",
    )
    alive = Job.objects.create(  # another worker of this host, still running
        kind="test-sum", owner=office, state=JobState.RUNNING, worker=f"host-a:{os.getppid()}:x:Worker-1"
    )
    elsewhere = Job.objects.create(  # a worker of another machine: left to that machine
        kind="test-sum", owner=office, state=JobState.RUNNING, worker=f"host-b:{dead}:x:Worker-1"
    )
    recovered = services.jobs_recover(worker=me)
    assert sorted(j.pk for j in recovered) == sorted([stale.pk, restarted.pk])
    stale.refresh_from_db()
    assert stale.state == JobState.FAILED
    assert stale.error == "The worker stopped while the job ran; retry it."
    assert Job.objects.get(pk=alive.pk).state == JobState.RUNNING
    assert Job.objects.get(pk=elsewhere.pk).state == JobState.RUNNING

    # the owner retries; it needs its input again: give it one and run it
    stale.input_file.save("input-values.csv", SimpleUploadedFile("values.csv", GOOD_CSV), save=True)
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=users["reporter_b"], job=stale)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=reporter, job=stale)
    stale.refresh_from_db()
    assert stale.state == JobState.DONE and stale.attempts == 2 and stale.error == ""
    with pytest.raises(ValidationError):
        services.job_retry(actor=reporter, job=stale)  # done: nothing to retry


def _dead_pid() -> int:
    pid = 2**22 - 7
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_queue_that_cannot_be_reached_fails_the_job(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from jingjin.jobs import tasks

    def unreachable(job_id: int) -> None:
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "run_job", unreachable)
    job = _submit(users["reporter_a"], GOOD_CSV, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert job.error == "The job queue could not be reached; retry the job later."


def test_a_job_already_taken_is_not_run_twice(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = _submit(users["reporter_a"], GOOD_CSV, django_capture_on_commit_callbacks)
    assert services.job_run(job.pk) is None  # a second delivery of the same job
    assert _states(job) == ["queued", "running", "done"]
