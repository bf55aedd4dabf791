"""Huey tasks of the job queue: ``run_job(job_id)`` runs a :class:`~jingjin.jobs.models.Job` by its
kind. Other apps put their own Huey tasks (periodic ones too) in ``<app>/tasks.py``; the worker
imports every app's ``tasks`` module (:func:`jingjin.jobs.consumer.load_tasks`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from jingjin.jobs import services


@db_task()  # type: ignore[untyped-decorator,unused-ignore]
def run_job(job_id: int) -> None:
    """Run job ``job_id`` (nothing when it is no longer queued: a duplicate delivery)."""
    services.job_run(job_id)
