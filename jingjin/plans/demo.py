"""Demo county and park shares (示例任务分解): the built-in plan's tasks that name counties or parks
are split into shares for them, so that counties and parks report and are ranked on their own
shares. The built-in plan file stays as it is: the shares are demo data (audit source "demo").

Call :func:`demo_shares` after the built-in plan is loaded and before the demo reports are made,
so that the shares get monthly reports of their own.
"""

from __future__ import annotations

from django.db import transaction

from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.plans.shares import SHARE_KINDS, task_split


@transaction.atomic
def demo_shares() -> int:
    """Split every city task that names counties or parks into a share (weight 1, the task's
    window) for each of them. Idempotent: a unit that holds a share keeps it. Returns how many
    shares were created."""
    tasks = (
        Task.objects.filter(parent__isnull=True, counties__kind__in=SHARE_KINDS)
        .distinct()
        .prefetch_related("counties")
        .order_by("measure__action__plan__code", "measure__action__position", "measure__position", "position")
    )
    created = 0
    for task in tasks:
        units: list[Unit] = sorted(
            (u for u in task.counties.all() if u.kind in SHARE_KINDS), key=lambda u: (u.position, u.code)
        )
        created += len(task_split(actor=None, task=task, units=units, source="demo"))
    return created
