"""Writes of background jobs (后台任务): submit, run (start, progress, finish, fail), retry, recover.

Life of a job: :func:`job_submit` stores it ``queued`` with its input file and, once the
transaction commits, puts ``run_job(id)`` on the Huey queue; a worker calls :func:`job_run`, which
marks it ``running`` (:func:`job_start`), calls the kind's runner with a progress function
(:func:`job_progress`, throttled) and ends in :func:`job_finish` (``done``, the result file renamed
into place) or :func:`job_fail` (``failed``, the error in plain words, no result file). A failed
job can be queued again by :func:`job_retry`. When a worker starts, :func:`jobs_recover` fails the
jobs a dead worker left ``running``.

Every state change writes an audit row (actor: the user, or the system for the worker's steps);
progress updates do not (they are many and say nothing of who did what).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied, may_retry_job, may_submit_job
from jingjin.core.services import audit_change
from jingjin.core.texts import CONTROL_CHARACTERS, text_problem
from jingjin.jobs import kinds
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job

log = logging.getLogger("jingjin.jobs")

#: at most one progress write to the database per job in this many seconds (except at 100 %)
PROGRESS_INTERVAL = 0.5
#: the kind that refreshes the early warnings (registered in :mod:`jingjin.jobs.job_kinds`)
WARNINGS_REFRESH = "warnings-refresh"
#: this process's start, so that a restarted container with the same pid is told apart
PROCESS_TOKEN = uuid.uuid4().hex[:8]

_monotonic = time.monotonic  # tests replace it
_last_progress: dict[int, float] = {}


def user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions whose message is the job's error text as it is: bad input, said plainly."""
    from jingjin.commands._io import TableError
    from jingjin.engines.errors import InputError

    return (kinds.JobInputError, InputError, TableError)


def _in_site_language(message: Callable[[], str]) -> str:
    """A message stored on the job, made in the site's language (Chinese first)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message())


def internal_error_text() -> str:
    return _in_site_language(
        lambda: _(
            "Internal error: the job could not be finished. "
            "Retry it; if it fails again, tell the administrator."
        )
    )


def stale_error_text() -> str:
    return _in_site_language(lambda: _("The worker stopped while the job ran; retry it."))


def worker_id() -> str:
    """``host:pid:start:thread`` of the worker running a job (who ran it; used by recovery)."""
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_TOKEN}:{threading.current_thread().name}"[:200]


def _plain(text: str, limit: int) -> str:
    return CONTROL_CHARACTERS.sub(" ", str(text))[:limit]


def _json_object(value: Any, *, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({field: _("%(field)s must be a JSON object.") % {"field": field}})
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            {
                field: _("%(field)s must hold plain JSON values (finite numbers, texts, lists).")
                % {"field": field}
            }
        ) from exc
    return value


def _file_name(name: str) -> str:
    """A safe file name keeping the suffix (at most 100 characters)."""
    base = Path(str(name).replace("\\", "/")).name
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # nothing left of it ("..", "")
        cleaned = "input"
    stem, suffix = os.path.splitext(cleaned)
    return f"{stem[: 100 - len(suffix[:16])]}{suffix[:16]}" or "input"


# --------------------------------------------------------------------------------------------
# Submit and retry (users)


def job_submit(
    *,
    actor: Any,
    kind: str,
    params: dict[str, Any] | None = None,
    input_file: File | IO[bytes] | None = None,
    input_name: str = "",
    source: str = "web",
) -> Job:
    """Queue a job of ``kind`` for ``actor`` (None: the system itself, e.g. after an approval).

    Checks that the kind is registered and that the actor may run it (the kind's ``may_run``),
    that ``params`` is a JSON object and the input name plain text; stores the input file under
    ``MEDIA_ROOT/jobs/<id>/`` and enqueues the job once the transaction commits. Raises
    ``ValidationError`` naming the field, or ``PermissionDenied``; nothing is stored then.
    """
    entry = kinds.find(kind)
    if entry is None:
        raise ValidationError({"kind": _("Unknown job kind: %(kind)s.") % {"kind": kind}})
    if actor is not None and not may_submit_job(actor, entry):
        raise PermissionDenied(f"{actor} may not run jobs of kind {kind}")
    params = _json_object(params, field="params")
    input_name = str(input_name or getattr(input_file, "name", "") or "")
    input_name = Path(input_name.replace("\\", "/")).name
    problem = text_problem(input_name, label=_("input file name"), max_length=255)
    if problem:
        raise ValidationError({"file": problem})
    profile = getattr(actor, "profile", None) if actor is not None else None
    job = Job(
        kind=kind,
        owner=actor if actor is not None else None,
        unit=profile.unit if profile is not None else None,
        params=params,
        state=JobState.QUEUED,
        attempts=1,
        input_name=input_name,
    )
    try:
        with transaction.atomic():
            job.save()
            if input_file is not None:
                content = input_file if isinstance(input_file, File) else File(input_file)
                job.input_file.save(f"input-{_file_name(input_name or 'input')}", content, save=True)
            audit_change(actor=actor, obj=job, before=None, source=source)
            transaction.on_commit(lambda: job_enqueue(job.pk))
    except BaseException:
        if job.pk is not None:
            shutil.rmtree(job.directory(), ignore_errors=True)
        raise
    return job


@transaction.atomic
def job_retry(*, actor: Any, job: Job, source: str = "web") -> Job:
    """Queue a failed job again (the owner or the plan office, if the kind still allows them):
    state ``queued``, progress 0, error, times and result cleared, ``attempts`` + 1."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != JobState.FAILED:
        raise ValidationError({"state": _("Only a failed job can be retried.")})
    if not may_retry_job(actor, job):
        raise PermissionDenied(f"{actor} may not retry job {job.pk}")
    before = job.snapshot()
    job.state = JobState.QUEUED
    job.progress = 0
    job.message = ""
    job.error = ""
    job.summary = {}
    job.started_at = None
    job.finished_at = None
    job.worker = ""
    job.result_file.name = ""
    job.attempts += 1
    job.save()
    audit_change(actor=actor, obj=job, before=before, source=source)
    job_id = job.pk
    transaction.on_commit(lambda: job_enqueue(job_id))
    return job


def job_enqueue(job_id: int) -> None:
    """Put ``run_job(job_id)`` on the queue (immediate mode: run it now). A queue that cannot be
    reached fails the job with a plain message instead of leaving it queued for ever."""
    from jingjin.jobs import tasks

    try:
        tasks.run_job(job_id)
    except Exception:
        log.exception("job %s: the queue could not be reached", job_id)
        job_fail(
            job_id,
            error=_in_site_language(lambda: _("The job queue could not be reached; retry the job later.")),
            expected=(JobState.QUEUED,),
        )


def after_approval() -> None:
    """After a report is approved (on commit): queue a warnings refresh, unless one is already
    waiting in the queue (a run of approvals needs one refresh)."""
    if Job.objects.filter(kind=WARNINGS_REFRESH, state=JobState.QUEUED).exists():
        return
    job_submit(actor=None, kind=WARNINGS_REFRESH, params={}, source="approval")


# --------------------------------------------------------------------------------------------
# Running (the worker)


def job_run(job_id: int, *, worker: str | None = None) -> Job | None:
    """Run a queued job by its kind's runner; None when it is not queued (already taken, done, or
    deleted). Bad input fails it with the runner's message; anything else with an internal-error
    text and a log line."""
    job = job_start(job_id, worker=worker or worker_id())
    if job is None:
        return None
    entry = kinds.find(job.kind)
    if entry is None:
        return job_fail(
            job, error=_in_site_language(lambda: _("Unknown job kind: %(kind)s.") % {"kind": job.kind})
        )

    def progress(pct: float, message: str = "") -> None:
        job_progress(job_id, pct, message)

    try:
        with translation.override(settings.LANGUAGE_CODE):
            outcome = entry.runner(job, progress)
        if not isinstance(outcome, kinds.JobOutcome):
            raise TypeError(f"runner of {job.kind} returned {type(outcome).__name__}, not JobOutcome")
    except user_errors() as exc:
        return job_fail(job, error=str(exc) or internal_error_text())
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        return job_fail(job, error=internal_error_text())
    try:
        return job_finish(job, outcome)
    except Exception:
        log.exception("job %s (%s): its result could not be stored", job_id, job.kind)
        return job_fail(job, error=internal_error_text())


def job_start(job_id: int, *, worker: str) -> Job | None:
    """``queued`` → ``running`` (started now, by ``worker``); None if the job is not queued."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return None
        before = job.snapshot()
        job.state = JobState.RUNNING
        job.started_at = clock.now()
        job.finished_at = None
        job.progress = 0
        job.message = ""
        job.worker = worker[:200]
        job.save()
        audit_change(actor=None, obj=job, before=before, source="job")
    _last_progress.pop(job_id, None)
    _clear_scratch(job)
    return job


def job_progress(job_id: int, pct: float, message: str = "") -> bool:
    """Record a running job's progress (0–100, clamped) and message. Writes the database at most
    once every :data:`PROGRESS_INTERVAL` seconds per job, and always at 100; returns whether it
    wrote."""
    try:
        value = float(pct)
    except (TypeError, ValueError):
        value = 0.0
    if value != value:  # NaN
        value = 0.0
    percent = int(max(0.0, min(100.0, value)))
    now = _monotonic()
    last = _last_progress.get(job_id)
    if percent < 100 and last is not None and now - last < PROGRESS_INTERVAL:
        return False
    _last_progress[job_id] = now
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        progress=percent, message=_plain(message, 300)
    )
    return True


def job_finish(job: Job, outcome: kinds.JobOutcome) -> Job:
    """``running`` → ``done``: the result file renamed from the scratch directory into
    ``MEDIA_ROOT/jobs/<id>/`` (a rename: there is never a half-written result in place), the
    summary stored, progress 100."""
    summary = _json_object(dict(outcome.summary or {}), field="summary")
    placed: Path | None = None
    try:
        if outcome.result_path is not None:
            source = Path(outcome.result_path)
            if not source.is_file():
                raise FileNotFoundError(f"job {job.pk}: result {source} was not written")
            scratch = job.scratch_path(source.name)
            if source.resolve() != scratch.resolve():  # written elsewhere: copy next to its place first
                partial = scratch.with_name(f".{scratch.name}.part")
                shutil.copyfile(source, partial)
                os.replace(partial, scratch)
            placed = job.directory() / scratch.name
            os.replace(scratch, placed)
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.state != JobState.RUNNING:
                raise RuntimeError(f"job {job.pk} is {job.state}, not running")
            before = job.snapshot()
            job.state = JobState.DONE
            job.progress = 100
            job.finished_at = clock.now()
            job.summary = summary
            job.error = ""
            job.result_file.name = f"jobs/{job.pk}/{placed.name}" if placed is not None else ""
            job.save()
            audit_change(actor=None, obj=job, before=before, source="job")
    except BaseException:
        if placed is not None:
            placed.unlink(missing_ok=True)
        raise
    finally:
        _last_progress.pop(job.pk, None)
        _clear_scratch(job)
    return job


def job_fail(
    job: Job | int, *, error: str, expected: tuple[str, ...] = (JobState.QUEUED, JobState.RUNNING)
) -> Job:
    """→ ``failed`` with ``error`` (plain words for users), finished now, no result file. Only a job
    in one of the ``expected`` states changes; another is returned as it is."""
    job_id = job if isinstance(job, int) else job.pk
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job_id)
        if current.state in expected:
            before = current.snapshot()
            current.state = JobState.FAILED
            current.error = _plain(error, 4000).strip() or internal_error_text()
            current.finished_at = clock.now()
            current.result_file.name = ""
            current.save()
            audit_change(actor=None, obj=current, before=before, source="job")
    _last_progress.pop(job_id, None)
    _clear_scratch(current)
    return current


def _clear_scratch(job: Job) -> None:
    shutil.rmtree(job.directory() / ".scratch", ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Recovery (a worker starts)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def worker_is_gone(worker: str, *, me: str) -> bool:
    """Is the worker that marked a job ``running`` gone, as seen from worker ``me`` on its host?
    Yes when it left no id, or ran on this host in a process that is no longer alive (or in this
    very process's pid before a restart). A worker of another host is left to that host."""
    parts = worker.split(":")
    if len(parts) < 3:
        return True
    host, pid_text, token = parts[0], parts[1], parts[2]
    my_host, my_pid, my_token = me.split(":")[:3]
    if host != my_host:
        return False
    try:
        pid = int(pid_text)
    except ValueError:
        return True
    if str(pid) == my_pid:
        return token != my_token
    return not _pid_alive(pid)


def jobs_recover(*, worker: str | None = None) -> list[Job]:
    """Fail the jobs left ``running`` by a worker that died (run when a worker starts): their error
    says the worker stopped and that they can be retried. Returns the jobs it failed."""
    me = worker or worker_id()
    recovered = []
    for pk, who in Job.objects.filter(state=JobState.RUNNING).values_list("pk", "worker"):
        if worker_is_gone(who, me=me):
            log.warning("job %s: its worker %s is gone; marked failed", pk, who or "?")
            recovered.append(job_fail(pk, error=stale_error_text(), expected=(JobState.RUNNING,)))
    return recovered
