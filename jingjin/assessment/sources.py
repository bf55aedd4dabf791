"""The registry of figures a configurable scheme can use (指标来源): criteria and event counts.

Each source gives one array per subject (the peer set's units, in order): a figure of the period,
``nan`` where the unit has none. Criterion sources (percentages unless said):

* ``on_time`` 按时报送率, ``progress`` 进度完成率, ``attainment`` 指标达成率 — the red/black lists'
  criteria (:func:`jingjin.assessment.selectors.units_criteria`), nan for a unit without due tasks;
* ``investment`` 重点项目投资完成率 — the unit's key projects' completion of the year's plan (capped 100);
* ``milestones`` 项目节点按时率 — new: the unit's key projects' milestones on time, as scored by the
  key-project lists (:func:`jingjin.projects.ranking.owner_criteria`);
* ``recorded`` — a figure the office records per unit and period under a key (a township's
  party-building review, a village's annual review): :class:`RecordedFigure`.

Event sources (counts, for bonus and deduction rules): ``missed_reports`` (due reports not in by
the deadline), ``off_track_indicators`` (judged indicators off track), ``tasks_on_track`` (due
tasks done or on track) and ``recorded`` (a recorded count, e.g. petitions or awards).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.assessment import selectors
from jingjin.assessment.scheme_models import RecordedFigure
from jingjin.core.models import Unit
from jingjin.projects.ranking import owner_criteria
from jingjin.reporting.models import ReportingPeriod


@dataclass
class SourceContext:
    """What the sources read: the subjects (in order), the period and the as-of day; the shared
    computations are made once per context."""

    units: list[Unit]
    period: ReportingPeriod
    as_of: date | None = None
    _recorded: dict[str, dict[int, float]] = field(default_factory=dict)

    @cached_property
    def unit_rows(self) -> dict[int, selectors.UnitCriteria]:
        rows = selectors.units_criteria(
            units=self.units, period=self.period, as_of=self.as_of, with_investment=True
        )
        return {r.unit.pk: r for r in rows}

    @cached_property
    def owner_rows(self) -> dict[int, float]:
        owners = Unit.objects.filter(pk__in=[u.pk for u in self.units])
        filters: dict[str, Any] = {"levels": [], "categories": [], "campaign": None, "county": None}
        rows = owner_criteria(filters=filters, owners=owners, period=self.period)
        return {r.unit.pk: float(r.milestones_pct) for r in rows}

    def tasks_due(self, unit_id: int) -> int:
        """The unit's tasks due in the period (0 without any)."""
        row = self.unit_rows.get(unit_id)
        return 0 if row is None else row.tasks_due

    def recorded(self, key: str) -> dict[int, float]:
        if key not in self._recorded:
            self._recorded[key] = dict(
                RecordedFigure.objects.filter(
                    key=key, period=self.period, unit__in=[u.pk for u in self.units]
                ).values_list("unit_id", "value")
            )
        return self._recorded[key]

    def array(self, values: dict[int, float]) -> np.ndarray:
        return np.array([values.get(u.pk, math.nan) for u in self.units], dtype=np.float64)


def _from_units(attribute: str) -> Callable[[SourceContext, str], np.ndarray]:
    def read(ctx: SourceContext, key: str) -> np.ndarray:
        return ctx.array({pk: float(getattr(r, attribute)) for pk, r in ctx.unit_rows.items()})

    return read


def _missed(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array({pk: float(r.tasks_due - r.on_time) for pk, r in ctx.unit_rows.items()})


def _off_track(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array(
        {pk: float(r.indicators_judged - r.indicators_on_track) for pk, r in ctx.unit_rows.items()}
    )


def _milestones(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array(ctx.owner_rows)


def _recorded(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array(ctx.recorded(key))


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise
    read: Callable[[SourceContext, str], np.ndarray]
    needs_key: bool = False


CRITERION_SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("on_time", _("On-time reporting (%)"), _from_units("on_time_pct")),
        Source("progress", _("Progress against schedule (%)"), _from_units("progress_pct")),
        Source("attainment", _("Indicator attainment (%)"), _from_units("attainment_pct")),
        Source("investment", _("Key-project investment completion (%)"), _from_units("investment_pct")),
        Source("milestones", _("Key-project milestones on time (%)"), _milestones),
        Source("recorded", _("Recorded figure (by key)"), _recorded, needs_key=True),
    )
}

EVENT_SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("missed_reports", _("Reports not in by the deadline"), _missed),
        Source("off_track_indicators", _("Indicators off track"), _off_track),
        Source("tasks_on_track", _("Tasks done or on track"), _from_units("tasks_on_track")),
        Source("recorded", _("Recorded count (by key)"), _recorded, needs_key=True),
    )
}


def criterion_choices() -> list[tuple[str, str]]:
    return [(s.key, str(s.label)) for s in CRITERION_SOURCES.values()]


def event_choices() -> list[tuple[str, str]]:
    return [(s.key, str(s.label)) for s in EVENT_SOURCES.values()]


def read(registry: dict[str, Source], source: str, key: str, ctx: SourceContext) -> np.ndarray:
    """The array of ``source`` (with its recorded ``key``) for the context's units."""
    return registry[source].read(ctx, key)
