"""Huey tasks of the notifications app: the schedule's periodic tasks and the sending of e-mails and
webhooks.

Each periodic task is one entry of ``settings.JINGJIN_SCHEDULE`` (a crontab line in ``TIME_ZONE``):
when due, it submits a job of the entry's kind as the system
(:func:`jingjin.notifications.services.schedule_submit`, at most one a day), so the work is
visible in My jobs, retried and audited like any job. The consumer imports this module
(:func:`jingjin.jobs.consumer.load_tasks`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from huey.contrib.djhuey import db_periodic_task, db_task

from jingjin.notifications import schedule, services
from jingjin.notifications.choices import DeliveryState

log = logging.getLogger("jingjin.notifications")


@db_task()  # type: ignore[untyped-decorator,unused-ignore]
def deliver(delivery_id: int) -> None:
    """Send one e-mail or webhook message; after a failed attempt, try again later while attempts
    are left."""
    delivery = services.delivery_send(delivery_id)
    if delivery is not None and delivery.state == DeliveryState.QUEUED:
        services.delivery_enqueue(delivery_id, delay=services.retry_delay(delivery))


def _periodic(entry: schedule.Entry) -> Any:
    line = entry.line
    schedule.cron_matcher(line)  # a bad line fails at start, not silently at night

    def validate(timestamp: datetime) -> bool:
        return schedule.due_now(line, timestamp)

    def run() -> None:
        job = services.schedule_submit(entry.kind)
        log.info("schedule %s: %s", entry.kind, f"job {job.pk}" if job is not None else "already ran today")

    run.__name__ = f"schedule_{entry.kind.replace('-', '_')}"
    run.__qualname__ = run.__name__
    decorated: Callable[[], None] = db_periodic_task(validate, name=run.__name__)(run)
    return decorated


PERIODIC = {entry.kind: _periodic(entry) for entry in schedule.entries()}
