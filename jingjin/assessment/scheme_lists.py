"""Red/black lists computed by a configurable scheme (红黑榜 from an :class:`AssessmentScheme`).

A :class:`~jingjin.assessment.models.RankingScheme` whose ``assessment_code`` names a configurable
scheme is computed by the published version of that scheme (:func:`linked_scheme`): its criteria,
normalisation, bonuses and deductions with their caps, gates (minimums, target score, the
minimum of scored tasks ``min_tasks``), its own peer set and red N / black M. The list keeps the
version it was computed with (``RankingList.assessment_scheme``) and the version's rule, so a
published list reads as it was published; the entries keep the old columns (on-time rate,
progress, attainment, investment of the unit's tasks) and explain the score item by item — each
criterion's normalised score × its weight, then each bonus (+) and deduction (−) — so the items'
contributions add up to the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from jingjin.assessment.choices import Subject, Verdict
from jingjin.assessment.models import RankingScheme
from jingjin.assessment.scheme_compute import SchemeEvaluation, scheme_evaluate
from jingjin.assessment.scheme_models import AssessmentScheme, SchemeStatus
from jingjin.assessment.selectors import EntryResult, UnitCriteria
from jingjin.assessment.sources import CRITERION_SOURCES, EVENT_SOURCES
from jingjin.core.models import Unit
from jingjin.reporting.models import ReportingPeriod

#: the sources that fill the entries' own columns (``<source>_pct``)
COLUMNS = ("on_time", "progress", "attainment", "investment")
#: the subjects a configurable scheme can rank (units; the key-project schemes rank projects)
LINKABLE = (Subject.UNITS, Subject.PROJECT_OWNERS)
VERDICTS = {
    "red": Verdict.RED,
    "black": Verdict.BLACK,
    "none": Verdict.NONE,
    "unranked": Verdict.NOT_RANKED,
    "exempt": Verdict.EXEMPT,
}


def linked_scheme(scheme: RankingScheme) -> AssessmentScheme | None:
    """The published configurable scheme that computes ``scheme``'s lists (None: the fixed
    weights; a key-project scheme is never linked)."""
    if not is_linked(scheme):
        return None
    return (
        AssessmentScheme.objects.filter(code=scheme.assessment_code, status=SchemeStatus.PUBLISHED)
        .select_related("peer_set")
        .order_by("-version")
        .first()
    )


def is_linked(scheme: RankingScheme) -> bool:
    return bool(scheme.assessment_code) and scheme.subject in LINKABLE


@dataclass
class SchemeCriteria:
    """What an entry keeps of a unit: its columns (nan / None where it has none) and tasks due."""

    unit: Unit
    on_time_pct: float | None
    progress_pct: float | None
    attainment_pct: float | None
    investment_pct: float
    tasks_due: int
    project: None = None


def list_rule(assessment: AssessmentScheme, subject: str = Subject.UNITS) -> dict[str, Any]:
    """The rule a list keeps: the version's parameters, in the shape the list pages read."""
    criteria = list(assessment.criteria.all())
    return {
        "subject": subject,
        "assessment_scheme": assessment.code,
        "version": assessment.version,
        "weights": {c.key: c.weight for c in criteria},
        "minimums": {c.key: c.minimum for c in criteria if c.minimum is not None},
        "adjustments": [a.as_dict() for a in assessment.adjustments.all()],
        "bonus_cap": assessment.bonus_cap,
        "deduction_cap": assessment.deduction_cap,
        "red_top_n": assessment.red_top_n,
        "black_bottom_m": assessment.black_bottom_m,
        "min_items": assessment.min_tasks,
        "target_rule": "score",
        "target_score": assessment.target_score,
    }


def _column(row: dict[str, Any], unit_row: UnitCriteria | None, name: str) -> float | None:
    if name in row["figures"]:
        figure: float | None = row["figures"][name]
        return figure
    if unit_row is None:
        return None
    value = float(getattr(unit_row, f"{name}_pct"))
    return None if math.isnan(value) else value


def _items(assessment: AssessmentScheme, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The explanation of the score: each criterion's score × its (renormalised) weight, then the
    bonuses and deductions as they count (contributions add up to the score)."""
    criteria = list(assessment.criteria.all())
    have = [c for c in criteria if row["scores"][c.key] is not None]
    total_weight = sum(c.weight for c in have) or 1.0
    items: list[dict[str, Any]] = []
    for c in criteria:
        score = row["scores"][c.key]
        weight = c.weight / total_weight if score is not None else 0.0
        items.append(
            {
                "criterion": c.source if c.source in COLUMNS and not c.source_key else c.key,
                "label": str(CRITERION_SOURCES[c.source].label)
                + (f" · {c.source_key}" if c.source_key else ""),
                "value": row["figures"][c.key],
                "score": score,
                "weight": round(weight, 4),
                "contribution": round(weight * (score or 0.0), 4),
            }
        )
    for a, (key, points) in zip(assessment.adjustments.all(), row["points"].items(), strict=True):
        if not points:
            continue
        sign = 1 if a.kind == "bonus" else -1
        items.append(
            {
                "criterion": a.kind,
                "key": key,
                "label": a.label or str(EVENT_SOURCES[a.source].label),
                "value": None,
                "weight": None,
                "contribution": sign * points,
            }
        )
    capped = round(
        row["bonus"] - row["deduction"] - sum(i["contribution"] for i in items if i["weight"] is None), 4
    )
    if capped:
        items.append({"criterion": "cap", "value": None, "weight": None, "contribution": capped})
    return items


def _results(
    assessment: AssessmentScheme, evaluation: SchemeEvaluation, exempt: dict[int, str]
) -> list[EntryResult]:
    units = {u.code: u for u in evaluation.units}
    unit_rows = evaluation.ctx.unit_rows
    out = []
    for row in evaluation.rows:
        unit = units[row["unit"]]
        unit_row = unit_rows.get(unit.pk)
        if not any(v is not None for v in row["figures"].values()):
            continue  # nothing to score (as a unit without due tasks or projects on the old lists)
        investment = _column(row, unit_row, "investment")
        criteria = SchemeCriteria(
            unit=unit,
            on_time_pct=_column(row, unit_row, "on_time"),
            progress_pct=_column(row, unit_row, "progress"),
            attainment_pct=_column(row, unit_row, "attainment"),
            investment_pct=math.nan if investment is None else investment,
            tasks_due=0 if unit_row is None else unit_row.tasks_due,
        )
        verdict = VERDICTS[row["verdict"]]
        reason = exempt[unit.pk] if verdict == Verdict.EXEMPT else "; ".join(row["reasons"])
        out.append(
            EntryResult(
                criteria=criteria,  # type: ignore[arg-type]
                score=row["total"],
                rank=row["rank"],
                bottom_rank=row["bottom_rank"],
                target_met=row["target_met"],
                verdict=verdict,
                reason=reason,
                items=_items(assessment, row),
            )
        )
    return out


def scheme_list_results(
    *,
    assessment: AssessmentScheme,
    period: ReportingPeriod,
    as_of: date | None,
    exempt: dict[int, str],
    overrides: dict[tuple[int, str], float] | None = None,
) -> list[EntryResult]:
    """The entries of a list computed by ``assessment`` (``exempt``: unit id → reason;
    ``overrides``: (unit id, criterion key) → a corrected figure)."""
    evaluation = scheme_evaluate(
        scheme=assessment, period=period, as_of=as_of, exempt=set(exempt), overrides=overrides
    )
    return _results(assessment, evaluation, exempt)


def peer_units(scheme: RankingScheme) -> Any:
    """The units a linked list ranks (its configurable scheme's peer set); None: not linked."""
    assessment = linked_scheme(scheme)
    return None if assessment is None else assessment.peer_set.units.all()
