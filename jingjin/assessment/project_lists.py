"""The key-project lists (subject ``projects``) scored, ranked and gated as columns.

The same list as :func:`jingjin.assessment.selectors.ranking_compute` over
:func:`jingjin.projects.ranking.project_criteria` — the same scores, ranks, gates, verdicts,
reasons and items — computed from :func:`jingjin.projects.ranking.project_columns` without a
Python object per project (a list ranks up to 10,000 projects, issue 12): the engine scores and
ranks every row in one call, the gates are array operations, and the items' JSON is written for
every row at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from jingjin.assessment.choices import Subject, TargetRule, Verdict
from jingjin.assessment.selectors import list_limits, rule_criteria, scores_of, too_few_reason
from jingjin.engines.scoring import rank
from jingjin.projects.ranking import ProjectColumns

#: the items of a project entry, in their order (``selectors._items``)
ITEMS = ("on_time", "investment", "gap", "milestones")


@dataclass
class ListColumns:
    """A computed (not yet stored) project list: one value per row of ``projects``."""

    projects: ProjectColumns
    score: list[float]
    rank: list[int | None]
    bottom_rank: list[int | None]
    target_met: list[bool]
    verdict: list[str]
    reason: list[str]
    items: list[str]  # JSON text of each entry's items
    values: dict[str, np.ndarray]  # criterion → its percentages


def rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(x, digits)`` of every value without a Python call per value: ``rint(x·10ᵈ)÷10ᵈ``
    is the double nearest the rounded decimal — what ``round`` returns — unless ``x·10ᵈ`` is so
    near a half that its own rounding may have crossed it; those few (and nan, ±inf, huge values)
    go through ``round``."""
    values = np.asarray(values, dtype=np.float64)
    scale = 10.0**digits
    scaled = values * scale
    with np.errstate(invalid="ignore"):
        out = np.rint(scaled) / scale
        frac = np.abs(scaled - np.trunc(scaled))
        doubtful = ~(np.abs(frac - 0.5) > 1e-9 + np.abs(scaled) * 1e-13) | ~(np.abs(scaled) < 1e15)
    for i in np.flatnonzero(doubtful).tolist():
        x = float(values[i])
        out[i] = round(x, digits) if math.isfinite(x) else x
    return out


def _float_text(x: float, null: bool) -> str:
    """A float as ``json.dumps`` writes it (nan as null when ``null``: an item's missing value)."""
    if math.isnan(x):
        return "null" if null else "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def texts(values: np.ndarray, *, null: bool = False) -> list[str]:
    """The JSON text of each value (floats, or integers for an int array), each distinct value
    (bit for bit: -0.0 is not 0.0) written once."""
    values = np.ascontiguousarray(values)
    if values.dtype.kind in "iub":
        distinct, inverse = np.unique(values.astype(np.int64), return_inverse=True)
        return list(np.array([str(v) for v in distinct.tolist()], dtype=object)[inverse])
    bits = values.astype(np.float64).view(np.int64)
    distinct, inverse = np.unique(bits, return_inverse=True)
    floats = distinct.view(np.float64)
    words = list(map(repr, floats.tolist()))
    for i in np.flatnonzero(~np.isfinite(floats)).tolist():
        words[i] = _float_text(float(floats[i]), null)
    return list(np.array(words, dtype=object)[inverse])


def _target_met(
    rule: dict[str, Any], values: dict[str, np.ndarray], totals: np.ndarray, on_schedule: np.ndarray
) -> np.ndarray:
    """:func:`jingjin.assessment.selectors.target_met` of every row."""
    if rule["target_rule"] == TargetRule.MINIMUMS:
        met = np.ones(totals.size, dtype=bool)
        for c in rule_criteria(rule):
            met &= np.isnan(values[c]) | (values[c] >= rule["minimums"][c] - 1e-9)
        return met
    if rule["target_rule"] == TargetRule.SCHEDULE:
        return np.asarray(on_schedule, dtype=bool)
    return np.asarray(totals >= float(rule["target_score"]) - 1e-9, dtype=bool)


#: one entry's items as ``json.dumps`` writes the list of ``selectors._items`` (keys in their order)
_ITEMS_JSON = (
    '[{"criterion": "on_time", "value": %s, "numerator": %s, "denominator": 1, "weight": %s, '
    '"contribution": %s}, {"criterion": "investment", "value": %s, "numerator": %s, "denominator": %s, '
    '"completion": %s, "weight": %s, "contribution": %s}, {"criterion": "gap", "value": %s, "gap": %s, '
    '"elapsed": %s, "weight": %s, "contribution": %s}, {"criterion": "milestones", "value": %s, '
    '"delay_days": %s, "weight": %s, "contribution": %s}]'
)


def items_json(
    projects: ProjectColumns, weights: list[dict[str, float]], contributions: dict[str, np.ndarray]
) -> list[str]:
    """Each entry's items (``selectors._items`` of a project) as the JSON text ``json.dumps``
    writes, from the columns' texts (values rounded as there, each distinct value written once)."""
    n = len(projects)
    if n == 0:
        return []
    zeros = np.zeros(n)
    w = {c: texts(rounded(np.array([x.get(c, 0.0) for x in weights], dtype=np.float64), 4)) for c in ITEMS}
    share = {c: texts(rounded(contributions.get(c, zeros), 4)) for c in ITEMS}
    columns = (
        texts(rounded(projects.on_time_pct, 4), null=True),
        texts(projects.on_time),
        w["on_time"],
        share["on_time"],
        texts(rounded(projects.investment_pct, 4), null=True),
        texts(rounded(projects.ytd, 2)),
        texts(rounded(projects.planned, 2)),
        texts(rounded(projects.completion_pct, 4)),
        w["investment"],
        share["investment"],
        texts(rounded(projects.gap_pct, 4), null=True),
        texts(rounded(projects.gap, 4)),
        texts(rounded(projects.elapsed_pct, 4)),
        w["gap"],
        share["gap"],
        texts(rounded(projects.milestones_pct, 4), null=True),
        texts(projects.delay_days),
        w["milestones"],
        share["milestones"],
    )
    return [_ITEMS_JSON % row for row in zip(*columns, strict=True)]


def project_list(*, rule: dict[str, Any], projects: ProjectColumns, exempt: dict[int, str]) -> ListColumns:
    """Score, rank and gate the projects as :func:`jingjin.assessment.selectors.ranking_compute`
    does (see there for the rules), every step over all rows at once."""
    n = len(projects)
    min_items = 0 if rule.get("subject") == Subject.PROJECTS else int(rule.get("min_items", 0) or 0)
    keys = projects.ids.tolist()
    is_exempt = np.array([k in exempt for k in keys], dtype=bool)
    values = {c: np.asarray(getattr(projects, f"{c}_pct"), dtype=np.float64) for c in rule_criteria(rule)}
    scored = scores_of(rule, values, projects.ids, is_exempt)
    totals = scored.totals
    too_few = (projects.tasks_due < min_items) | scored.unscored
    ranks = np.zeros(n, dtype=np.int64)
    bottoms = np.zeros(n, dtype=np.int64)
    ranked = ~is_exempt & ~too_few
    k = int(ranked.sum())
    if ranked.any():
        ranks[ranked] = rank(totals[ranked])
        bottoms[ranked] = rank(-totals[ranked])
    top, bottom = list_limits(rule, k)
    met = _target_met(rule, values, totals, projects.on_schedule)
    verdict = np.full(n, str(Verdict.NONE.value), dtype=object)
    verdict[ranked & met & (ranks <= top) & (2 * bottoms > k)] = str(Verdict.RED.value)
    verdict[ranked & ~met & (bottoms <= bottom) & (2 * ranks > k)] = str(Verdict.BLACK.value)
    verdict[too_few] = str(Verdict.NOT_RANKED.value)
    verdict[is_exempt] = str(Verdict.EXEMPT.value)
    reason = [""] * n
    for i in np.flatnonzero(~ranked).tolist():
        if is_exempt[i]:
            reason[i] = exempt[keys[i]]
        else:
            why = _("no key project with a plan for the year") if scored.unscored[i] else ""
            reason[i] = why or too_few_reason(1, min_items)
    flags = ranked.tolist()
    return ListColumns(
        projects=projects,
        score=totals.tolist(),
        rank=[r if ok else None for r, ok in zip(ranks.tolist(), flags, strict=True)],
        bottom_rank=[b if ok else None for b, ok in zip(bottoms.tolist(), flags, strict=True)],
        target_met=met.tolist(),
        verdict=verdict.tolist(),
        reason=reason,
        items=items_json(projects, scored.weights, scored.contributions),
        values=values,
    )
