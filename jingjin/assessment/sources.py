"""The registry of figures a configurable scheme can use (指标来源): criteria and event counts.

Each source gives one array per subject (the peer set's units, in order): a figure of the period,
``nan`` where the unit has none. Criterion sources (percentages unless said):

* ``on_time`` 按时报送率, ``progress`` 进度完成率, ``attainment`` 指标达成率 — the red/black lists'
  criteria (:func:`jingjin.assessment.selectors.units_criteria`), nan for a unit without due tasks;
* ``investment`` 重点项目投资完成率 — the unit's key projects' completion of the year's plan (capped 100);
* ``milestones`` 项目节点按时率 — new: the unit's key projects' milestones on time, as scored by the
  key-project lists (:func:`jingjin.projects.ranking.owner_criteria`);
* ``project_on_time``, ``project_investment``, ``project_gap``, ``project_on_schedule`` — the
  key-project owners' list criteria of the unit's projects (reports on time, completion of the
  year's plan, the gap score, 100 when the investment is on schedule else 0: a gate of minimum 100
  is the owners' list's target rule);
* ``land_ab_share`` / ``land_mean_score`` — the per-mu evaluation (亩均评价): the share of the
  unit's classed firms in class A or B and their mean score, from the newest published campaign
  of a data year up to the period's year (a county's firms by their county, a park's by its name);
* ``good_days`` 优良天数比率 — the unit's air stations' good days (AQI ≤ 100) from 1 January to
  the end of the period; ``water_good`` — the unit's water sections at class III or better in
  the period's month (their county);
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
from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.assessment import selectors
from jingjin.assessment.scheme_models import RecordedFigure
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.ecology.air_models import StationDay
from jingjin.ecology.choices import WaterClass
from jingjin.ecology.water_models import SectionClass
from jingjin.land.choices import CampaignState
from jingjin.land.models import EvaluationCampaign, FirmResult
from jingjin.projects.ranking import ProjectCriteria, owner_criteria
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
    def land_firms(self) -> dict[int, list[tuple[float | None, str]]]:
        return _land_firms(self)

    @cached_property
    def owner_rows(self) -> dict[int, ProjectCriteria]:
        """The key-project criteria of each unit owning ranked projects (every project)."""
        owners = Unit.objects.filter(pk__in=[u.pk for u in self.units])
        filters: dict[str, Any] = {"levels": [], "categories": [], "campaign": None, "county": None}
        rows = owner_criteria(filters=filters, owners=owners, period=self.period)
        return {r.unit.pk: r for r in rows}

    def tasks_due(self, unit_id: int) -> int:
        """The unit's tasks due in the period (0 without any)."""
        row = self.unit_rows.get(unit_id)
        return 0 if row is None else row.tasks_due

    def projects_due(self, unit_id: int) -> int:
        """The unit's key projects with a plan for the period's year (0 without any)."""
        row = self.owner_rows.get(unit_id)
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


def _from_owners(attribute: str) -> Callable[[SourceContext, str], np.ndarray]:
    """A figure of the unit's key projects, as the key-project owners' lists score them."""

    def read(ctx: SourceContext, key: str) -> np.ndarray:
        return ctx.array({pk: float(getattr(r, attribute)) for pk, r in ctx.owner_rows.items()})

    return read


def _on_schedule(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array({pk: 100.0 if r.on_schedule else 0.0 for pk, r in ctx.owner_rows.items()})


def _recorded(ctx: SourceContext, key: str) -> np.ndarray:
    return ctx.array(ctx.recorded(key))


def _land_firms(ctx: SourceContext) -> dict[int, list[tuple[float | None, str]]]:
    """(score, class) of the firms of each unit in the newest published per-mu evaluation
    (亩均评价) of a data year up to the period's year: a county's by the firm's county, a
    park's by the park's name."""
    campaign = (
        EvaluationCampaign.objects.filter(state=CampaignState.PUBLISHED, year__lte=ctx.period.year)
        .order_by("-year")
        .first()
    )
    out: dict[int, list[tuple[float | None, str]]] = {u.pk: [] for u in ctx.units}
    if campaign is None:
        return out
    by_park = {u.name_zh: u.pk for u in ctx.units if u.kind == UnitKind.PARK}
    rows = FirmResult.objects.filter(campaign=campaign).filter(
        Q(county__in=[u.pk for u in ctx.units]) | Q(park_name__in=list(by_park))
    )
    for county_id, park, score, firm_class in rows.values_list(
        "county_id", "park_name", "score", "firm_class"
    ):
        for pk in {county_id, by_park.get(park)}:
            if pk in out:
                out[pk].append((score, firm_class))
    return out


def _land_ab_share(ctx: SourceContext, key: str) -> np.ndarray:
    """Share (%) of the unit's classed firms in class A or B."""
    values = {}
    for pk, firms in ctx.land_firms.items():
        classed = [c for _score, c in firms if c]
        if classed:
            values[pk] = 100.0 * sum(c in ("A", "B") for c in classed) / len(classed)
    return ctx.array(values)


def _land_mean_score(ctx: SourceContext, key: str) -> np.ndarray:
    """Mean per-mu score of the unit's scored firms."""
    values = {}
    for pk, firms in ctx.land_firms.items():
        scores = [x for x, _class in firms if x is not None]
        if scores:
            values[pk] = float(np.mean(scores))
    return ctx.array(values)


def _good_days(ctx: SourceContext, key: str) -> np.ndarray:
    """Good-day ratio (优良天数比率, %) of the unit's air stations from 1 January to the period's
    last day: days with AQI ≤ 100 ÷ days with an AQI."""
    days = (
        StationDay.objects.filter(
            station__county__in=[u.pk for u in ctx.units],
            date__gte=date(ctx.period.year, 1, 1),
            date__lte=ctx.period.last_day,
            aqi__isnull=False,
        )
        .values("station__county")
        .annotate(n_days=Count("pk"), n_good=Count("pk", filter=Q(aqi__lte=100)))
    )
    return ctx.array({d["station__county"]: 100.0 * d["n_good"] / d["n_days"] for d in days if d["n_days"]})


def _water_good(ctx: SourceContext, key: str) -> np.ndarray:
    """Share (%) of the unit's water sections at class III or better (达到或优于Ⅲ类) in the
    period's month."""
    classes = (
        SectionClass.objects.filter(
            section__county__in=[u.pk for u in ctx.units], year=ctx.period.year, month=ctx.period.month
        )
        .values("section__county")
        .annotate(n_sections=Count("pk"), n_good=Count("pk", filter=Q(water_class__lte=WaterClass.III)))
    )
    return ctx.array(
        {c["section__county"]: 100.0 * c["n_good"] / c["n_sections"] for c in classes if c["n_sections"]}
    )


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
        Source("milestones", _("Key-project milestones on time (%)"), _from_owners("milestones_pct")),
        Source("project_on_time", _("Key-project reports on time (%)"), _from_owners("on_time_pct")),
        Source(
            "project_investment",
            _("Key-project investment, all projects (%)"),
            _from_owners("investment_pct"),
        ),
        Source("project_gap", _("Key-project gap to the elapsed share, as a score"), _from_owners("gap_pct")),
        Source(
            "project_on_schedule",
            _("Key-project investment on schedule (100 yes, 0 no)"),
            _on_schedule,
        ),
        Source("land_ab_share", _("Per-mu evaluation: firms in class A or B (%)"), _land_ab_share),
        Source("land_mean_score", _("Per-mu evaluation: mean score of the firms"), _land_mean_score),
        Source("good_days", _("Good-day ratio of the air, year to date (%)"), _good_days),
        Source("water_good", _("Water sections at class III or better (%)"), _water_good),
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
