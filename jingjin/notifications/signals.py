"""Notifications of events of other apps that have no service hook of their own: a job finished
(done or failed) tells its owner — a job of the system tells the plan office when it failed, and
when it is a monthly bulletin."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse

from jingjin.alerts.choices import NotificationKind
from jingjin.core.permissions import plan_office_users

#: system jobs whose success the plan office hears of
ANNOUNCED_SYSTEM_KINDS = {"bulletin"}


def job_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from jingjin.jobs.choices import JobState

    if created or instance.state not in (JobState.DONE, JobState.FAILED) or instance.finished_at is None:
        return
    job_id, state, attempt = instance.pk, instance.state, instance.attempts
    transaction.on_commit(lambda: job_notify(job_id=job_id, state=state, attempt=attempt))


def job_notify(*, job_id: int, state: str, attempt: int) -> int:
    """Notify the owner (or the plan office, for the system's jobs) that job ``job_id`` ended in
    ``state``; once per job, attempt and state."""
    from jingjin.alerts.models import Notification
    from jingjin.jobs.models import Job
    from jingjin.notifications.services import notify

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return 0
    failed = state == "failed"
    if job.owner_id is not None:
        users = [job.owner_id]
    elif failed or job.kind in ANNOUNCED_SYSTEM_KINDS:
        users = list(plan_office_users().values_list("pk", flat=True))
    else:
        return 0
    seen = Notification.objects.filter(
        kind=NotificationKind.JOB_FINISHED, params__job=job_id, params__attempt=attempt, params__stage=state
    )
    if seen.exists():
        return 0
    params = {
        "job": job_id,
        "kind": job.kind,
        "attempt": attempt,
        "stage": state,
        "error": job.error[:300] if failed else "",
    }
    return notify(
        users=users,
        kind=NotificationKind.JOB_FINISHED,
        params=params,
        link=reverse("jobs:detail", args=[job_id]),
    )


def connect() -> None:
    from jingjin.jobs.models import Job

    post_save.connect(job_saved, sender=Job, dispatch_uid="notifications.job_saved")
