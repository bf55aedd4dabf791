"""The report summary of each task (报送摘要), kept at write time for the cockpit's trends.

The cockpit's trends (plan progress and on-time rate of every month since the first reporting
month) need, for every report of the plan, its month, the completion % when it counts as reported
and whether it was first submitted by its period's deadline. Reading that from the report table
is a scan of every report of the plan (300,000 rows for 5,000 tasks × 60 months, about half a
second on SQLite), so it is kept here instead: one :class:`~jingjin.reporting.models.TaskSummary`
row per task with reports, holding one entry per period it was reported on — (month index,
reported %, first submission time) — packed into one binary array. The cockpit reads one row per
task.

What the summary holds is a pure function of the task's reports (:func:`pack`), so keeping it is
simple and idempotent: :func:`summaries_refresh` recomputes the rows of the given tasks from their
reports. It is called in ONE place, the report model and its query set
(:class:`~jingjin.reporting.models.Report` ``save``/``delete``, ``bulk_create``, ``update``, and
the deletion signal, which also covers deleting a task or a plan), so every service that writes
reports — drafts, submissions, approvals, returns, copies, the batch import, the demo data —
keeps it without knowing. Everything else the trends need (the plan tree and weights, the task
windows and lead units, strike-offs and reopenings, shares of city tasks, the periods' deadlines)
is small and read live by the cockpit, so writes of those need no summary update.

:func:`summaries_rebuild` recomputes every row (``jingjin summaries rebuild``); :func:`summaries_check`
compares the stored rows with a fresh computation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import numpy as np

#: columns of one entry of a packed summary
FIELDS = ("period_index", "reported_pct", "first_submitted_us")
WIDTH = len(FIELDS)
#: tasks refreshed per query
CHUNK = 500
#: inside :func:`summaries_deferred`: the tasks to refresh when it ends
_DEFERRED: ContextVar[set[int] | None] = ContextVar("jingjin_summaries_deferred", default=None)


def _micros(moment: datetime | None) -> float:
    """Microseconds since the epoch (exact in a float64 until the year 2255), NaN for None."""
    if moment is None:
        return math.nan
    return float(round(moment.timestamp() * 1_000_000))


def pack(
    rows: Iterable[tuple[int, str, int | None, datetime | None]], reported_states: Iterable[str]
) -> bytes:
    """The summary of one task from its reports, each ``(period_index, status, completion_pct,
    first_submitted_at)``: float64 triples (month index, completion % when the status counts as
    reported else NaN, first submission in µs since the epoch or NaN), ordered by month."""
    reported = set(reported_states)
    values = [
        (
            float(index),
            float(pct) if status in reported and pct is not None else math.nan,
            _micros(first),
        )
        for index, status, pct, first in sorted(rows, key=lambda r: r[0])
    ]
    return np.asarray(values, dtype=np.float64).reshape(-1, WIDTH).tobytes()


def unpack(blob: bytes | memoryview) -> np.ndarray:
    """The entries of a packed summary, an n × 3 float64 array."""
    return np.frombuffer(bytes(blob), dtype=np.float64).reshape(-1, WIDTH)


def compute(task_ids: Iterable[int]) -> dict[int, bytes]:
    """The summaries of ``task_ids`` computed from their reports (tasks without reports left out)."""
    from jingjin.reporting.choices import REPORTED_STATES
    from jingjin.reporting.models import Report

    ids = sorted(set(task_ids))
    rows: dict[int, list[tuple[int, str, int | None, datetime | None]]] = {}
    for start in range(0, len(ids), CHUNK):
        for task_id, index, status, pct, first in (
            Report.objects.filter(task_id__in=ids[start : start + CHUNK])
            .order_by()
            .values_list("task_id", "period_index", "status", "completion_pct", "first_submitted_at")
        ):
            rows.setdefault(task_id, []).append((index, status, pct, first))
    return {task_id: pack(task_rows, REPORTED_STATES) for task_id, task_rows in rows.items()}


def summaries_refresh(task_ids: Iterable[int]) -> int:
    """Recompute the stored summaries of ``task_ids`` from their reports; returns how many tasks.

    Idempotent. The tasks' rows are locked first (``SELECT … FOR NO KEY UPDATE`` where the database
    has it: it serialises the refreshes of a task and does not block other transactions' foreign-key
    checks on it) so that two transactions writing reports of the same task cannot leave the
    summary of the one that read first, nor both insert its row. A task without reports has no
    row (which is also what deleting a task, and with it its reports, needs: nothing is inserted
    for a task about to go)."""
    from django.db import transaction

    from jingjin.plans.models import Task
    from jingjin.reporting.models import TaskSummary

    ids = sorted({int(i) for i in task_ids if i is not None})
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.update(ids)
        return 0
    if not ids:
        return 0
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            existing = list(
                Task.objects.select_for_update(no_key=True)
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            fresh = compute(existing)
            TaskSummary.objects.filter(task_id__in=chunk).delete()
            TaskSummary.objects.bulk_create(
                [TaskSummary(task_id=task_id, facts=blob) for task_id, blob in fresh.items()],
                batch_size=CHUNK,
            )
    return len(ids)


@contextmanager
def summaries_deferred() -> Iterator[None]:
    """Refresh the summaries once at the end instead of at every write inside (bulk loaders that
    write the reports of many months one month at a time, e.g. ``bench/bench_cockpit.py``). Nothing
    is refreshed when the block raises (its transaction is expected to roll back)."""
    if _DEFERRED.get() is not None:  # nested: the outer block refreshes
        yield
        return
    token = _DEFERRED.set(set())
    try:
        yield
        ids = _DEFERRED.get() or set()
    finally:
        _DEFERRED.reset(token)
    summaries_refresh(ids)


def summaries_rebuild(*, plan: Any = None) -> int:
    """Recompute the summary of every task (of ``plan``, default all plans); returns how many tasks
    have one. Also removes stray rows. Idempotent."""
    from django.db import transaction

    from jingjin.plans.models import Task
    from jingjin.reporting.models import TaskSummary

    tasks = Task.objects.all() if plan is None else Task.objects.filter(measure__action__plan=plan)
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if plan is None:
            TaskSummary.objects.all().delete()
        summaries_refresh(ids)
    summaries = TaskSummary.objects.all() if plan is None else TaskSummary.objects.filter(task__in=tasks)
    return summaries.count()


def summaries_check(*, plan: Any = None) -> list[int]:
    """The tasks whose stored summary differs from a fresh computation (empty when all agree)."""
    from jingjin.plans.models import Task
    from jingjin.reporting.models import TaskSummary

    tasks = Task.objects.all() if plan is None else Task.objects.filter(measure__action__plan=plan)
    ids = list(tasks.values_list("pk", flat=True))
    fresh = compute(ids)
    stored = {
        task_id: bytes(blob)
        for task_id, blob in TaskSummary.objects.filter(task_id__in=ids).values_list("task_id", "facts")
    }
    return sorted(
        task_id for task_id in set(fresh) | set(stored) if fresh.get(task_id) != stored.get(task_id)
    )


def plan_facts(plan: Any) -> np.ndarray:
    """Every report of ``plan`` as in its tasks' summaries: an n × 4 float64 array (task id, month
    index, reported % or NaN, first submission in µs or NaN). One query, one row per task."""
    from jingjin.reporting.models import TaskSummary

    rows = list(
        TaskSummary.objects.filter(task__measure__action__plan=plan)
        .order_by()
        .values_list("task_id", "facts")
    )
    if not rows:
        return np.empty((0, WIDTH + 1))
    blobs = [bytes(blob) for _task, blob in rows]
    entries = np.frombuffer(b"".join(blobs), dtype=np.float64).reshape(-1, WIDTH)
    lengths = np.fromiter((len(b) // (8 * WIDTH) for b in blobs), dtype=np.int64, count=len(blobs))
    out = np.empty((len(entries), WIDTH + 1))  # a fresh, writable array (the caller may change it)
    out[:, 0] = np.repeat(np.fromiter((t for t, _b in rows), dtype=np.float64, count=len(rows)), lengths)
    out[:, 1:] = entries
    return out
