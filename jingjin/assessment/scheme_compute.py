"""Compute a configurable scheme for a period: figures from the registry → the engine → rows.

:func:`scheme_rows` is what both the preview and the publication store, so the published result
equals the preview whenever the data did not change in between (the service checks it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingjin.assessment.scheme_models import AssessmentScheme, GateCount
from jingjin.assessment.selectors import too_few_reason
from jingjin.assessment.sources import CRITERION_SOURCES, EVENT_SOURCES, SourceContext, read
from jingjin.core.models import Unit
from jingjin.engines.assessment_schemes import AdjustmentRule, CriterionRule, Evaluation, SchemeRule, evaluate
from jingjin.reporting.models import ReportingPeriod


def scheme_rule(scheme: AssessmentScheme) -> SchemeRule:
    """The engine's rule of a scheme version (its rows in their order)."""
    return SchemeRule(
        criteria=tuple(
            CriterionRule(c.key, c.weight, c.direction, c.normalisation, c.target, c.minimum)
            for c in scheme.criteria.all()
        ),
        adjustments=tuple(AdjustmentRule(a.key, a.kind, a.points, a.cap) for a in scheme.adjustments.all()),
        bonus_cap=scheme.bonus_cap,
        deduction_cap=scheme.deduction_cap,
        red_top_n=scheme.red_top_n,
        black_bottom_m=scheme.black_bottom_m,
        target_score=scheme.target_score,
    )


def _figure(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def _reasons(
    scheme: AssessmentScheme,
    result: Evaluation,
    values: dict[str, np.ndarray],
    i: int,
    too_few: int | None = None,
) -> list[str]:
    """Why a unit has its verdict; ``too_few``: its tasks due when fewer than the gate."""
    out = []
    for c in scheme.criteria.all():
        x = values[c.key][i]
        if c.minimum is not None and not np.isnan(x):
            failed = x > c.minimum if c.direction == "cost" else x < c.minimum
            if failed:
                out.append(
                    _("%(figure)s %(value).2f misses the minimum %(minimum).2f")
                    % {"figure": CRITERION_SOURCES[c.source].label, "value": x, "minimum": c.minimum}
                )
    for a, (_key, pts) in zip(scheme.adjustments.all(), result.points.items(), strict=True):
        if pts[i]:
            sign = "+" if a.kind == "bonus" else "−"
            out.append(f"{a.label or EVENT_SOURCES[a.source].label}: {sign}{pts[i]:.2f}")
    if result.ranked[i] and not result.target_met[i] and result.total[i] < scheme.target_score:
        out.append(_("score below the target %(target).2f") % {"target": scheme.target_score})
    if too_few is not None:
        out.append(_too_few(scheme, too_few))
    elif not result.ranked[i] and not any(not np.isnan(v[i]) for v in values.values()):
        out.append(_("no figure of the scheme for this unit"))
    return out


def _too_few(scheme: AssessmentScheme, count: int) -> str:
    """The reason of a unit held back by the gate: what it counts, how many, the minimum."""
    if scheme.gate_counts == GateCount.PROJECTS:
        return ngettext(
            "only %(n)d key project with a plan for the year (fewer than %(min)d)",
            "only %(n)d key projects with a plan for the year (fewer than %(min)d)",
            count,
        ) % {"n": count, "min": scheme.min_tasks}
    return too_few_reason(count, scheme.min_tasks)


@dataclass
class SchemeEvaluation:
    """A scheme computed for its peer set: the context the figures were read in (its per-unit
    task counts are shared with the red/black list entries), the units and the rows."""

    ctx: SourceContext
    units: list[Unit]
    rows: list[dict[str, Any]]


def scheme_evaluate(
    *,
    scheme: AssessmentScheme,
    period: ReportingPeriod,
    as_of: date | None,
    exempt: Collection[int] = (),
    overrides: Mapping[tuple[int, str], float] | None = None,
) -> SchemeEvaluation:
    """Compute ``scheme`` for ``period``: one row per unit of the peer set (figures, scores,
    points, total, rank, verdict, reasons), best first, unranked last. The units of ``exempt``
    (unit ids: force majeure on a red/black list) and, with a ``min_tasks`` gate, the units with
    fewer tasks due are scored but not ranked. ``overrides`` ((unit id, criterion key) → value)
    replace figures read from the data: the corrections of an accepted appeal."""
    units = list(scheme.peer_set.units.order_by("position", "code"))
    ctx = SourceContext(units=units, period=period, as_of=as_of)
    if not units:
        return SchemeEvaluation(ctx, units, [])
    criteria = list(scheme.criteria.all())
    adjustments = list(scheme.adjustments.all())
    values = {c.key: read(CRITERION_SOURCES, c.source, c.source_key, ctx) for c in criteria}
    position = {u.pk: i for i, u in enumerate(units)}
    for (unit_id, key), value in (overrides or {}).items():  # a corrected figure (an accepted appeal)
        if unit_id in position and key in values:
            values[key][position[unit_id]] = value
    events = {a.key: read(EVENT_SOURCES, a.source, a.source_key, ctx) for a in adjustments}
    is_exempt = np.array([u.pk in exempt for u in units], dtype=bool)
    tasks = np.zeros(len(units), dtype=np.int64)
    if scheme.min_tasks:
        count = ctx.projects_due if scheme.gate_counts == GateCount.PROJECTS else ctx.tasks_due
        tasks = np.array([count(u.pk) for u in units], dtype=np.int64)
    too_few = tasks < scheme.min_tasks
    result = evaluate(values, events, scheme_rule(scheme), exclude=is_exempt | too_few)
    rows = []
    for i, unit in enumerate(units):
        verdict = "exempt" if is_exempt[i] else result.verdict[i]
        rows.append(
            {
                "unit": unit.code,
                "name_zh": unit.name_zh,
                "name_en": unit.name_en,
                "figures": {c.key: _figure(values[c.key][i]) for c in criteria},
                "scores": {c.key: _figure(result.scores[c.key][i]) for c in criteria},
                "points": {k: round(float(v[i]), 2) for k, v in result.points.items()},
                "base": round(float(result.base[i]), 2),
                "bonus": round(float(result.bonus[i]), 2),
                "deduction": round(float(result.deduction[i]), 2),
                "total": float(result.total[i]),
                "rank": int(result.rank[i]) or None,
                "bottom_rank": int(result.bottom_rank[i]) or None,
                "target_met": bool(result.target_met[i]),
                "verdict": verdict,
                "reasons": _reasons(
                    scheme, result, values, i, int(tasks[i]) if too_few[i] and not is_exempt[i] else None
                ),
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))
    return SchemeEvaluation(ctx, units, rows)


def scheme_rows(
    *, scheme: AssessmentScheme, period: ReportingPeriod, as_of: date | None
) -> list[dict[str, Any]]:
    """One row per unit of the scheme's peer set: figures, scores, points, total, rank, verdict
    and the reasons, best first (unranked last)."""
    return scheme_evaluate(scheme=scheme, period=period, as_of=as_of).rows
