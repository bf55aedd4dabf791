"""Running the Huey consumer: ``jingjin worker`` and the consumer embedded in ``jingjin demo`` and
``jingjin serve`` when no ``REDIS_URL`` is set (a SQLite queue on this machine).

Both first fail the jobs a dead worker left running (:func:`jingjin.jobs.services.jobs_recover`),
then consume with worker threads. The consumer's settings come from ``settings.HUEY["consumer"]``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

log = logging.getLogger("jingjin.jobs")


def load_tasks() -> None:
    """Import every installed app's ``tasks`` module, so that its Huey tasks (and periodic tasks)
    are registered with the consumer."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def consumer_options(workers: int | None = None) -> dict[str, Any]:
    configured: Any = settings.HUEY.get("consumer", {}) if isinstance(settings.HUEY, dict) else {}
    options: dict[str, Any] = dict(configured)
    if workers is not None:
        options["workers"] = workers
    return options


def recover() -> int:
    """Fail the jobs left running by a dead worker; how many."""
    from jingjin.jobs.services import jobs_recover

    recovered = jobs_recover()
    if recovered:
        print(f"Jobs left running by a stopped worker, marked failed (they can be retried): {len(recovered)}")
    return len(recovered)


def run_consumer(workers: int | None = None) -> None:
    """Run the consumer in this process until it is stopped (Ctrl+C, SIGTERM)."""
    from huey.contrib.djhuey import HUEY

    load_tasks()
    recover()
    consumer = HUEY.create_consumer(**consumer_options(workers))
    consumer.run()


class _EmbeddedConsumer:
    """A Huey consumer started from a program that owns the signals (the web server): worker and
    scheduler threads only, no signal handlers."""

    def __init__(self, huey: Any, options: dict[str, Any]) -> None:
        from huey.consumer import Consumer

        class Embedded(Consumer):  # type: ignore[misc,unused-ignore]
            def _set_signal_handlers(self) -> None:  # the web server keeps Ctrl+C
                pass

        options = {**options, "worker_type": "thread"}
        self.consumer = Embedded(huey, **options)

    def start(self) -> None:
        self.consumer.start()

    def stop(self) -> None:
        self.consumer.stop(graceful=False)


def start_embedded_consumer(workers: int | None = None) -> Any | None:
    """Start worker threads in this process when the queue is local (no ``REDIS_URL``) and not in
    immediate mode; returns the running consumer (``.stop()``), or None when jobs are left to
    ``jingjin worker`` processes."""
    from huey.contrib.djhuey import HUEY

    if settings.REDIS_URL or HUEY.immediate:
        return None
    load_tasks()
    recover()
    embedded = _EmbeddedConsumer(HUEY, consumer_options(workers))
    embedded.start()
    print(f"Job worker: {embedded.consumer.workers} thread(s) in this process")
    return embedded
