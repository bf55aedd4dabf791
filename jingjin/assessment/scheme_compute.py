"""Compute a configurable scheme for a period: figures from the registry → the engine → rows.

:func:`scheme_rows` is what both the preview and the publication store, so the published result
equals the preview whenever the data did not change in between (the service checks it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from jingjin.assessment.scheme_models import AssessmentScheme
from jingjin.assessment.sources import CRITERION_SOURCES, EVENT_SOURCES, SourceContext, read
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
    scheme: AssessmentScheme, result: Evaluation, values: dict[str, np.ndarray], i: int
) -> list[str]:
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
    if not result.ranked[i]:
        out.append(_("no figure of the scheme for this unit"))
    return out


def scheme_rows(
    *, scheme: AssessmentScheme, period: ReportingPeriod, as_of: date | None
) -> list[dict[str, Any]]:
    """One row per unit of the scheme's peer set: figures, scores, points, total, rank, verdict
    and the reasons, best first (unranked last)."""
    units = list(scheme.peer_set.units.order_by("position", "code"))
    if not units:
        return []
    ctx = SourceContext(units=units, period=period, as_of=as_of)
    criteria = list(scheme.criteria.all())
    adjustments = list(scheme.adjustments.all())
    values = {c.key: read(CRITERION_SOURCES, c.source, c.source_key, ctx) for c in criteria}
    events = {a.key: read(EVENT_SOURCES, a.source, a.source_key, ctx) for a in adjustments}
    result = evaluate(values, events, scheme_rule(scheme))
    rows = []
    for i, unit in enumerate(units):
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
                "verdict": result.verdict[i],
                "reasons": _reasons(scheme, result, values, i),
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))
    return rows
