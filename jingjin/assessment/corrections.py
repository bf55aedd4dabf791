"""Correction of a published red/black list after an accepted appeal (异议).

A published list is frozen against the reports: :func:`jingjin.assessment.services.ranking_list_compute`
never recomputes it. An accepted appeal is the one exception: :func:`ranking_list_correct` takes
the criteria stored on the list's entries, replaces those of the appealed subject by the corrected
values (or exempts it for force majeure), scores, ranks and gates every entry again under the
list's own rule (:func:`jingjin.assessment.selectors.ranking_compute`) and updates the entries in
place. Every entry whose result changed gets an audit row with its old and new result, and so does
the list. The reports behind the other entries are not read again, so no other unit's result moves
except by the new ranking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.assessment import scheme_lists, selectors
from jingjin.assessment.choices import ListStatus, Subject, Verdict
from jingjin.assessment.models import RankingEntry, RankingExemption, RankingList
from jingjin.core.choices import AuditAction
from jingjin.core.permissions import PermissionDenied, may_manage_ranking_lists
from jingjin.core.services import audit_change, audit_entry, audit_record_many
from jingjin.projects.models import KeyProject
from jingjin.projects.ranking import OwnerInvestment, ProjectCriteria, gap_score

#: the result fields of an entry that a correction may change (and its audit row shows)
RESULT_FIELDS = ("score", "rank", "bottom_rank", "target_met", "verdict", "reason", "escalated")
#: the criterion fields of an entry, by criterion
CRITERION_FIELDS = {
    "on_time": "on_time_pct",
    "progress": "progress_pct",
    "attainment": "attainment_pct",
    "investment": "investment_pct",
    "gap": "gap_pct",
    "milestones": "milestones_pct",
}


@dataclass(frozen=True)
class Outcome:
    """The appealed entry before and after the correction."""

    entry: RankingEntry
    score_before: float
    rank_before: int | None
    verdict_before: str
    changed: int  # entries whose result changed (the appealed one included)


def correctable_criteria(ranking_list: RankingList) -> tuple[str, ...]:
    """The criteria whose value a correction may set: those the list was computed with."""
    return selectors.rule_criteria(ranking_list.rule)


#: the range of a corrected figure on a list computed by a configurable scheme (its criteria are
#: any figure: a count, a growth rate, a per-mu yield), as the recorded figures' form allows
SCHEME_FIGURE_BOUND = 1e9


def value_bounds(ranking_list: RankingList) -> tuple[float, float]:
    """The range of a corrected value: a percentage on a list of the fixed weights, a figure of
    ±10⁹ on a list computed by a configurable scheme."""
    if ranking_list.assessment_scheme_id is not None:
        return -SCHEME_FIGURE_BOUND, SCHEME_FIGURE_BOUND
    return 0.0, 100.0


def clean_corrections(
    values: dict[str, Any], allowed: tuple[str, ...], bounds: tuple[float, float]
) -> dict[str, float]:
    """Corrected values (criterion → value) of an accepted appeal: criteria of ``allowed``, finite
    numbers within ``bounds``; every refused value named in one ValidationError."""
    low, high = bounds
    out: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if name not in allowed:
            errors[name] = _("This criterion is not scored on this list.")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[name] = _("Enter a number.")
            continue
        if not math.isfinite(number) or not low <= number <= high:
            errors[name] = (
                _("Enter a percentage from 0 to 100.")
                if (low, high) == (0.0, 100.0)
                else _("Enter a number from %(low)g to %(high)g.") % {"low": low, "high": high}
            )
            continue
        out[name] = number
    if errors:
        raise ValidationError(errors)
    return out


def clean_values(ranking_list: RankingList, values: dict[str, Any]) -> dict[str, float]:
    """Corrected criterion values: criteria of the list's rule, finite numbers in
    :func:`value_bounds` (0–100 on a list of the fixed weights)."""
    return clean_corrections(values, correctable_criteria(ranking_list), value_bounds(ranking_list))


def _item(entry: RankingEntry, criterion: str) -> dict[str, Any]:
    for item in entry.items or []:
        if item.get("criterion") == criterion:
            return dict(item)
    return {}


def _value(entry: RankingEntry, criterion: str, values: dict[str, float]) -> float:
    if criterion in values:
        return values[criterion]
    stored = getattr(entry, CRITERION_FIELDS[criterion])
    return math.nan if stored is None else float(stored)


def _stored_criteria(entry: RankingEntry, values: dict[str, float], projects: bool) -> selectors.Criteria:
    """The criteria of an entry as stored on it, with ``values`` (criterion → %) put in."""
    on_time = _value(entry, "on_time", values)
    counted = _item(entry, "on_time").get("numerator")
    if "on_time" in values or counted is None:
        counted = round(on_time * entry.tasks_due / 100) if entry.tasks_due else 0
    if projects:
        inv = _item(entry, "investment")
        gap = _item(entry, "gap")
        investment = _value(entry, "investment", values)
        elapsed = float(gap.get("elapsed") or 0.0)
        gap_points = float(gap.get("gap") or 0.0)
        if "investment" in values:
            gap_points = investment - elapsed
        return ProjectCriteria(
            unit=entry.unit,
            project=entry.project,
            tasks_due=entry.tasks_due,
            on_time=int(counted),
            on_time_pct=on_time,
            completion_pct=investment,
            elapsed_pct=elapsed,
            investment_pct=investment,
            gap=gap_points,
            gap_pct=gap_score(gap_points) if "investment" in values else _value(entry, "gap", values),
            delay_days=int(_item(entry, "milestones").get("delay_days") or 0),
            milestones_pct=_value(entry, "milestones", values),
            planned=float(inv.get("denominator") or 0.0),
            ytd=float(inv.get("numerator") or 0.0),
        )
    investment = _value(entry, "investment", values)
    inv = _item(entry, "investment")
    return selectors.UnitCriteria(
        unit=entry.unit,
        tasks_due=entry.tasks_due,
        on_time=int(counted),
        on_time_pct=on_time,
        progress_pct=_value(entry, "progress", values),
        indicators_judged=0,
        indicators_on_track=0,
        tasks_on_track=0,
        attainment_pct=_value(entry, "attainment", values),
        attainment_basis=str(_item(entry, "attainment").get("basis") or "indicators"),
        investment=None
        if math.isnan(investment)
        else OwnerInvestment(
            projects=0,
            planned=float(inv.get("denominator") or 0.0),
            ytd=float(inv.get("numerator") or 0.0),
            completion_pct=investment,
        ),
    )


def _merged_items(
    entry: RankingEntry, fresh: list[dict[str, Any]], values: dict[str, float]
) -> list[dict[str, Any]]:
    """The entry's stored explanation with the new value, weight and contribution of each item;
    a corrected item also keeps the value it had (``corrected_from``)."""
    by_name = {item["criterion"]: item for item in fresh}
    out = []
    for old in entry.items or []:
        item = dict(old)
        new = by_name.get(item.get("criterion"), {})
        for key in ("value", "weight", "contribution"):
            if key in new:
                item[key] = new[key]
        if item.get("criterion") in values:
            item["corrected_from"] = old.get("value")
        out.append(item)
    return out


def _result(entry: RankingEntry) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(entry, name) for name in RESULT_FIELDS}
    data.update({field: getattr(entry, field) for field in CRITERION_FIELDS.values()})
    return data


def _black_before(ranking_list: RankingList) -> set[tuple[int, int | None]]:
    previous = selectors.previous_published(ranking_list=ranking_list)
    if previous is None:
        return set()
    return set(previous.entries.filter(verdict=Verdict.BLACK).values_list("unit_id", "project_id"))


def _exempt(
    actor: Any, ranking_list: RankingList, entry: RankingEntry, reason: str, source: str
) -> RankingExemption:
    exemption, created = RankingExemption.objects.get_or_create(
        ranking_list=ranking_list, unit=entry.unit, project=entry.project, defaults={"reason": reason}
    )
    if created:
        audit_change(actor=actor, obj=exemption, before=None, source=source)
    return exemption


#: the entry columns a configurable scheme's list fills (scheme_lists.COLUMNS)
COLUMN_NAMES = ("on_time", "progress", "attainment", "investment")


def _scheme_results(
    ranking_list: RankingList,
    entries: list[RankingEntry],
    target: RankingEntry,
    fixed: dict[str, float],
    exempt: dict[int, str],
) -> list[Any]:
    """A list computed by a configurable scheme, scored again by the version it was published
    with, from the data as of its date with the appealed unit's corrected figures (its bonuses,
    deductions, caps and gates apply as they did); one result per entry, in the entries' order."""
    assessment = ranking_list.assessment_scheme
    assert assessment is not None
    results = scheme_lists.scheme_list_results(
        assessment=assessment,
        period=ranking_list.period,
        as_of=ranking_list.as_of,
        exempt=exempt,
        overrides={(target.unit_id, key): value for key, value in fixed.items()},
    )
    by_unit = {result.criteria.unit.pk: result for result in results}
    missing = [e.unit.code for e in entries if e.unit_id not in by_unit]
    if missing:
        raise ValidationError(
            _("The scheme no longer scores %(units)s: the list cannot be corrected.")
            % {"units": ", ".join(missing)}
        )
    return [by_unit[e.unit_id] for e in entries]


def _apply(ranking_list: RankingList, entry: RankingEntry, result: Any, fixed: dict[str, float]) -> None:
    """Put a result computed again on its entry (``fixed``: the corrected values, of the
    appellant's entry only): the criterion columns, the score, rank and verdict, the explanation."""
    for name, field in CRITERION_FIELDS.items():
        if name in fixed:
            setattr(entry, field, fixed[name])
    by_scheme = ranking_list.assessment_scheme is not None
    if by_scheme and result.criteria is not None:
        for name, field in CRITERION_FIELDS.items():  # the columns as the scheme read them
            value = getattr(result.criteria, field, None)
            if name in COLUMN_NAMES and (value is None or math.isfinite(value)):
                setattr(entry, field, value)
    entry.score, entry.rank, entry.bottom_rank = result.score, result.rank, result.bottom_rank
    entry.target_met, entry.verdict, entry.reason = result.target_met, result.verdict, result.reason
    if by_scheme:  # the scheme's explanation, as computed now
        entry.items = [
            {**item, "corrected_from": _item(entry, item["criterion"]).get("value")}
            if item.get("criterion") in fixed
            else item
            for item in result.items
        ]
    else:
        entry.items = _merged_items(entry, result.items, fixed)


@transaction.atomic
def ranking_list_correct(
    *,
    actor: Any,
    ranking_list: RankingList,
    unit_id: int,
    project: KeyProject | None = None,
    values: dict[str, Any] | None = None,
    exempt_reason: str = "",
    source: str = "web",
) -> Outcome:
    """Correct a published list for one subject (the unit, or on a project list the project):
    corrected criterion ``values`` (criterion → %) and/or a force-majeure exemption, then the
    whole list ranked again from its stored criteria; returns the subject's old and new result.
    The plan office only; a draft list is recomputed from the reports instead."""
    if actor is not None and not may_manage_ranking_lists(actor):
        raise PermissionDenied(_("Only the plan office corrects a published list."))
    ranking_list = RankingList.objects.select_for_update().get(pk=ranking_list.pk)
    if ranking_list.status != ListStatus.PUBLISHED:
        raise ValidationError(_("Only a published list is corrected after an appeal."))
    fixed = clean_values(ranking_list, values or {})
    exempt_reason = (exempt_reason or "").strip()
    if not fixed and not exempt_reason:
        raise ValidationError(_("Give a corrected value or exempt the entry."))
    entries = list(ranking_list.entries.select_related("unit", "project").order_by("pk"))
    project_id = project.pk if project is not None else None
    target = next((e for e in entries if e.unit_id == unit_id and e.project_id == project_id), None)
    if target is None:
        raise ValidationError(_("The entry is not on this list."))
    before_list = ranking_list.snapshot()
    old = {e.pk: _result(e) for e in entries}
    if exempt_reason:
        _exempt(actor, ranking_list, target, exempt_reason, source)
    exempt = {x.project_id or x.unit_id: x.reason for x in ranking_list.exemptions.all()}
    if ranking_list.assessment_scheme is not None:
        results = _scheme_results(ranking_list, entries, target, fixed, exempt)
    else:
        projects = ranking_list.rule.get("subject") in (Subject.PROJECTS, Subject.PROJECT_OWNERS)
        criteria = [_stored_criteria(e, fixed if e is target else {}, projects) for e in entries]
        results = selectors.ranking_compute(rule=ranking_list.rule, criteria=criteria, exempt=exempt)
    black_before = _black_before(ranking_list)
    outcome = Outcome(target, target.score, target.rank, target.verdict, 0)
    changed: list[RankingEntry] = []
    rows = []
    for entry, result in zip(entries, results, strict=True):
        _apply(ranking_list, entry, result, fixed if entry is target else {})
        entry.escalated = entry.verdict == Verdict.BLACK and (entry.unit_id, entry.project_id) in black_before
        after = _result(entry)
        if after != old[entry.pk] or entry is target:
            changed.append(entry)
            rows.append(
                audit_entry(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=entry,
                    before=old[entry.pk],
                    after=after,
                    source=source,
                )
            )
    # a project list holds up to 10,000 entries: the changed ones in batches, their audit rows at once
    RankingEntry.objects.bulk_update(
        changed, [*RESULT_FIELDS, *CRITERION_FIELDS.values(), "items"], batch_size=500
    )
    audit_record_many(rows)
    audit_change(actor=actor, obj=ranking_list, before=before_list, source=source)
    return Outcome(
        outcome.entry, outcome.score_before, outcome.rank_before, outcome.verdict_before, len(changed)
    )
