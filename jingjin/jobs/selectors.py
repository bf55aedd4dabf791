"""Reads of background jobs (后台任务)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jingjin.core.permissions import visible_jobs
from jingjin.jobs.choices import ACTIVE_STATES, JobState
from jingjin.jobs.models import Job


def job_list(*, user: Any, state: str = "", kind: str = "") -> QuerySet[Job]:
    """The jobs ``user`` sees (the plan office: all; others: their own and their units'), newest
    first, optionally of one state and kind."""
    jobs = visible_jobs(user, Job.objects.select_related("owner", "unit"))
    if state:
        jobs = jobs.filter(state=state)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at", "-id")


def job_get(*, user: Any, pk: int) -> Job | None:
    """One job the user sees, or None."""
    return job_list(user=user).filter(pk=pk).first()


def any_active(jobs: list[Job]) -> bool:
    """Is one of these jobs still queued or running (the page keeps polling)?"""
    return any(job.state in ACTIVE_STATES for job in jobs)


__all__ = ["JobState", "any_active", "job_get", "job_list"]
