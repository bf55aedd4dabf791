"""The progress of a city task's shares (任务分解): each share's latest reported completion and its
light. It reads reports, so it lives here rather than in the plan registry, which lies below
reporting (tests/core/test_layers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jingjin.plans.models import Task
from jingjin.reporting.lists import LIGHTS
from jingjin.reporting.selectors import latest_reported


@dataclass
class ShareRow:
    """A county's or park's share of a city task with its latest reported completion and light."""

    share: Task
    pct: int | float | None
    month: str | None
    light: int

    @property
    def light_label(self) -> Any:
        return LIGHTS[self.light][0]

    @property
    def light_colour(self) -> str:
        return LIGHTS[self.light][1]


def task_share_rows(*, task: Task, as_of: date | None = None) -> list[ShareRow]:
    """The shares of ``task`` (任务分解) with each one's latest reported completion and the status
    engine's light at ``as_of`` (default: the system's today). Two queries, however many shares."""
    import polars as pl

    from jingjin.core import clock
    from jingjin.engines.status import Status, task_status

    shares = list(task.shares.select_related("lead_unit").order_by("position", "code"))
    if not shares:
        return []
    latest = latest_reported(s.pk for s in shares)
    frame = pl.DataFrame(
        {
            "task_id": [s.pk for s in shares],
            "start": [s.start for s in shares],
            "end": [s.end for s in shares],
            "reported_pct": [float(latest[s.pk][0]) if s.pk in latest else None for s in shares],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    lights = dict(task_status(frame, as_of=as_of or clock.today()).select("task_id", "status").iter_rows())
    return [
        ShareRow(
            share=s,
            pct=latest[s.pk][0] if s.pk in latest else None,
            month=latest[s.pk][1] if s.pk in latest else None,
            light=int(lights.get(s.pk, Status.UNKNOWN)),
        )
        for s in shares
    ]
