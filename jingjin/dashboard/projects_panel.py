"""The key projects' panel of the cockpit (重点项目): projects by lag class, the year's investment
completion against the share of the year elapsed, and the longest milestone delays, as of the
cockpit's period, from :func:`jingjin.projects.progress.progress_table` (the one place that computes
progress). Cached until the next write like the cockpit's other figures
(:mod:`jingjin.dashboard.figure_cache`); a fixed number of queries whatever the number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import get_language

from jingjin.core.models import bilingual
from jingjin.core.permissions import restrict
from jingjin.dashboard.figure_cache import cached, data_version, scope
from jingjin.engines import projects as engine
from jingjin.projects.models import KeyProject
from jingjin.projects.progress import progress_table
from jingjin.reporting.models import ReportingPeriod

#: the projects listed as the longest delays
DELAY_LIMIT = 5
#: the lag classes' colours (Bootstrap), in the engine's order
LAG_COLOURS = {"ahead": "success", "on_track": "primary", "behind": "warning", "far_behind": "danger"}


@dataclass
class DelayRow:
    code: str
    name: str
    delay_days: int


@dataclass
class ProjectsPanel:
    year: int
    month: int
    projects: int = 0
    lag_counts: dict[str, int] = field(default_factory=dict)
    not_judged: int = 0
    planned: float = 0.0
    ytd: float = 0.0
    completion_pct: float | None = None
    elapsed_pct: float = 0.0
    delays: list[DelayRow] = field(default_factory=list)


def projects_panel(*, user: Any, period: ReportingPeriod) -> ProjectsPanel:
    """The panel's figures for the projects ``user`` may see, as of ``period``; cached."""
    version = data_version()
    projects = restrict(user, "view", KeyProject.objects.all())
    key = ":".join(["jingjin:cockpit-projects", period.code, get_language() or "", scope(projects)])
    return cached(key, version, lambda: _compute(projects, period))


def _compute(projects: Any, period: ReportingPeriod) -> ProjectsPanel:
    panel = ProjectsPanel(year=period.year, month=period.month, elapsed_pct=period.month * 100.0 / 12)
    table = progress_table(projects, period.year, period.month)
    panel.projects = int(table.ids.size)
    if not panel.projects:
        return panel
    lag = table.result.lag.astype(np.int64)
    panel.lag_counts = {name: int((lag == i).sum()) for i, name in enumerate(engine.LAG_CLASSES)}
    panel.not_judged = int((lag == engine.NOT_JUDGED).sum())
    has_plan = np.nan_to_num(table.planned, nan=0.0) > 0
    panel.planned = float(table.planned[has_plan].sum())
    panel.ytd = float(table.ytd.sum())
    if panel.planned > 0:
        panel.completion_pct = float(table.ytd[has_plan].sum()) * 100.0 / panel.planned
    delays = table.result.delay_days
    order = [i for i in np.argsort(-delays, kind="stable")[:DELAY_LIMIT] if delays[i] > 0]
    ids = [int(table.ids[i]) for i in order]
    names = {
        pk: (code, bilingual(zh, en))
        for pk, code, zh, en in KeyProject.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name_zh", "name_en"
        )
    }
    panel.delays = [
        DelayRow(code=names[pk][0], name=names[pk][1], delay_days=int(delays[i]))
        for pk, i in zip(ids, order, strict=True)
    ]
    return panel
