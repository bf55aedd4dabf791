"""Reads of the red/black lists: the peer group of a scheme, the criteria of each unit in a
period, the scored and gated ranking, the lists a user may see and a unit's history.

Flow (STYLE.md): the reporting selectors give the due tasks, their reports, lateness and the
expected progress of the status engine → :func:`unit_criteria` turns them into three
percentages per unit (four with the key-project investment; the project subjects take theirs from
:mod:`jingjin.projects.ranking`, see :func:`subject_criteria`) → :func:`ranking_compute` scores them with
:func:`jingjin.engines.scoring.score`, ranks them with :func:`jingjin.engines.scoring.rank`
and applies the gates of ../shared/REFERENCE.md §9. Formulas: ``docs/assessment.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingjin.assessment.choices import ListStatus, PeerGroup, Subject, TargetRule, Verdict
from jingjin.assessment.models import RankingEntry, RankingList, RankingScheme
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import may_manage_ranking_lists, restrict
from jingjin.engines.scoring import rank, score
from jingjin.engines.status import Outlook, Status, expected_linear, projection_outlook
from jingjin.plans.models import Indicator, Task
from jingjin.projects.ranking import (
    OwnerInvestment,
    ProjectCriteria,
    owner_criteria,
    owner_investment,
    project_criteria,
)
from jingjin.reporting.lists import ReportRow, report_rows
from jingjin.reporting.models import Report, ReportIndicatorValue, ReportingPeriod
from jingjin.reporting.selectors import tasks_due

#: the criteria of the unit lists (without the key-project investment), in the order of the weights;
#: a list's own are those of its rule (:func:`rule_criteria`, from ``RankingScheme.criteria``)
CRITERIA = ("on_time", "progress", "attainment")
#: the outlook band (±5 %) within which an indicator still counts as on track
ATTAINMENT_TOLERANCE = 0.05
#: numeric indicator directions judged for attainment
JUDGED_DIRECTIONS = ("higher", "lower", "range")


@dataclass
class UnitCriteria:
    """The raw criteria of one unit in one period (percentages 0–100) with their counts."""

    unit: Unit
    tasks_due: int
    on_time: int
    on_time_pct: float
    progress_pct: float
    indicators_judged: int
    indicators_on_track: int
    tasks_on_track: int
    attainment_pct: float
    attainment_basis: str  # "indicators" or "task_status" (the proxy when no indicator is judged)
    task_ratios: list[tuple[str, float]] = field(default_factory=list)
    #: the key-project investment (None: the unit has no project with a plan for the year)
    investment: OwnerInvestment | None = None
    project: None = None

    @property
    def investment_pct(self) -> float:
        """Completion of the year's plan by the unit's key projects, capped at 100 (nan: none)."""
        return math.nan if self.investment is None else min(self.investment.completion_pct, 100.0)


#: the criteria of one ranked subject: a unit by its tasks, or a project / unit by its projects
Criteria = UnitCriteria | ProjectCriteria


@dataclass
class EntryResult:
    """A computed (not yet stored) entry of a list."""

    criteria: Criteria
    score: float
    rank: int | None
    bottom_rank: int | None
    target_met: bool
    verdict: str
    reason: str
    items: list[dict[str, Any]]


def scored_tasks(*, period: ReportingPeriod) -> QuerySet[Task]:
    """The tasks the lists score for ``period``: exactly the due tasks of
    :func:`jingjin.reporting.selectors.tasks_due` — a task struck off (销号) after its approved
    100 % owes no more reports and is not scored, as in the cockpit and the reporting lists."""
    return tasks_due(period=period)


def group_units(*, scheme: RankingScheme) -> QuerySet[Unit]:
    """The peer group of a scheme: departments, counties and parks, or every unit."""
    if scheme.peer_group == PeerGroup.DEPARTMENTS:
        return Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    if scheme.peer_group == PeerGroup.ALL:
        return Unit.objects.all()
    return Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK])


def subject_criteria(
    *, scheme: RankingScheme, period: ReportingPeriod, as_of: date | None = None
) -> list[Criteria]:
    """The criteria of whatever the scheme ranks: units by their tasks (:func:`unit_criteria`),
    key projects or units by their key projects (:mod:`jingjin.projects.ranking`)."""
    if scheme.subject == Subject.UNITS:
        return list(unit_criteria(scheme=scheme, period=period, as_of=as_of))
    pick = project_criteria if scheme.subject == Subject.PROJECTS else owner_criteria
    return list(pick(filters=scheme.project_filter(), owners=group_units(scheme=scheme), period=period))


def subject_key(criteria: Criteria) -> int:
    """What an exemption names: the project on a project list, else the unit."""
    return criteria.project.pk if criteria.project is not None else criteria.unit.pk


def _tasks_by_unit(rows: list[ReportRow], units: list[Unit]) -> dict[int, list[ReportRow]]:
    """Due tasks per unit: the tasks it leads. A county or park leads its shares of city tasks
    (任务分解) and any task of its own; a task that merely names it among its ``counties`` is the
    lead department's, not the county's, and does not count for it."""
    ids = {u.pk for u in units}
    out: dict[int, list[ReportRow]] = {u.pk: [] for u in units}
    for row in rows:
        lead = row.task.lead_unit_id
        if lead in ids:
            out[lead].append(row)
    return out


def _submitted(report: Report | None) -> bool:
    return report is not None and report.first_submitted_at is not None


def _on_time(row: ReportRow, period: ReportingPeriod) -> bool:
    report = row.report
    if report is None or report.first_submitted_at is None:
        return False
    return timezone.localdate(report.first_submitted_at) <= period.deadline


def _task_ratio(row: ReportRow) -> float:
    """min(reported ÷ expected, 1) of one due task; 0 without a submitted report.

    The reported % is the report's completion (100 for a reached milestone without a %); a
    task whose expected progress is 0 or unknown counts 1 when it reported, 0 when not.
    """
    report = row.report
    if report is None or not _submitted(report):
        return 0.0
    reported = (
        float(report.completion_pct)
        if report.completion_pct is not None
        else (100.0 if report.milestone_reached else 0.0)
    )
    expected = row.expected_pct
    if expected is None or expected <= 0:
        return 1.0
    return min(reported / expected, 1.0)


def _indicator_judgements(
    period: ReportingPeriod, reports: Iterable[Report]
) -> dict[int, list[tuple[int, bool]]]:
    """Report id → [(indicator id, on track)] for the numeric indicators with an actual value.

    The actual of the period is judged against the value expected at the end of the period on the
    straight line from the baseline (end of the baseline year) to the target (end of the target
    year) — the status engine's :func:`expected_linear` — with the status engine's
    :func:`projection_outlook` (±5 % band): on track = not 难以达成 (unlikely). Range indicators
    are judged against their range. Indicators without baseline and target are not judged.
    """
    report_ids = [r.pk for r in reports if _submitted(r)]
    values = list(
        ReportIndicatorValue.objects.filter(
            report_id__in=report_ids, value__isnull=False, indicator__direction__in=JUDGED_DIRECTIONS
        ).select_related("indicator")
    )
    out: dict[int, list[tuple[int, bool]]] = {}
    judged: list[tuple[int, Indicator, float, float, float, float, float, str]] = []
    for v in values:
        ind = v.indicator
        actual = float(v.value)  # type: ignore[arg-type]
        if ind.direction == "range":
            if ind.target_min is None or ind.target_max is None:
                continue
            judged.append(
                (
                    v.report_id,
                    ind,
                    actual,
                    np.nan,
                    float(ind.target_min),
                    float(ind.target_max),
                    np.nan,
                    "range",
                )
            )
            continue
        if ind.baseline_value is None or ind.target_value is None or ind.target_year is None:
            continue
        start_year = ind.baseline_year or (ind.target_year - 1)
        fraction = float(
            expected_linear(
                np.datetime64(f"{start_year:04d}-12-31"),
                np.datetime64(f"{ind.target_year:04d}-12-31"),
                np.datetime64(period.last_day.isoformat()),
            )
        )
        b, t = float(ind.baseline_value), float(ind.target_value)
        judged.append((v.report_id, ind, actual, b + (t - b) * fraction, np.nan, np.nan, b, ind.direction))
    if not judged:
        return out
    codes = projection_outlook(
        np.array([j[2] for j in judged]),
        np.array([j[7] for j in judged]),
        target=np.array([j[3] for j in judged]),
        target_min=np.array([j[4] for j in judged]),
        target_max=np.array([j[5] for j in judged]),
        baseline=np.array([j[6] for j in judged]),
        tolerance=ATTAINMENT_TOLERANCE,
    )
    for j, code in zip(judged, codes, strict=True):
        out.setdefault(j[0], []).append((j[1].pk, int(code) in (Outlook.LIKELY, Outlook.AT_RISK)))
    return out


def unit_criteria(
    *, scheme: RankingScheme, period: ReportingPeriod, as_of: date | None = None
) -> list[UnitCriteria]:
    """The three criteria of every unit of the scheme's peer group that has due tasks in ``period``.

    * on-time rate = reports first submitted by the deadline ÷ tasks due × 100;
    * progress = mean over the due tasks of min(reported ÷ expected, 1) × 100, the expected % from
      the status engine at the end of the period;
    * attainment = numeric indicators on track or met ÷ indicators judged × 100; with no indicator
      judged (actuals are sparse) the proxy is the share of due tasks whose status light is done or
      on track (``attainment_basis`` says which).

    With a weight on the key-project investment, ``investment`` holds the unit's projects'
    roll-up (:func:`jingjin.projects.ranking.owner_investment`).

    Units without due tasks are left out (nothing to score).
    """
    units = list(group_units(scheme=scheme).order_by("position", "code"))
    return units_criteria(
        units=units, period=period, as_of=as_of, with_investment=bool(scheme.weight_investment)
    )


def units_criteria(
    *, units: list[Unit], period: ReportingPeriod, as_of: date | None, with_investment: bool
) -> list[UnitCriteria]:
    """The criteria of :func:`unit_criteria` for the given ``units`` (any set of units, as the
    configurable schemes' peer sets), units without due tasks left out."""
    rows = report_rows(period=period, tasks=scored_tasks(period=period), as_of=as_of)
    by_unit = _tasks_by_unit(rows, units)
    judgements = _indicator_judgements(period, [r.report for r in rows if r.report is not None])
    invested = owner_investment(units=units, period=period) if with_investment else {}
    out: list[UnitCriteria] = []
    for unit in units:
        unit_rows = by_unit[unit.pk]
        if not unit_rows:
            continue
        n = len(unit_rows)
        on_time = sum(_on_time(r, period) for r in unit_rows)
        ratios = [(r.task.code, _task_ratio(r)) for r in unit_rows]
        seen: dict[int, bool] = {}
        for r in unit_rows:
            if r.report is not None:
                for indicator_id, ok in judgements.get(r.report.pk, []):
                    seen[indicator_id] = ok
        lights_ok = sum(
            1 for r in unit_rows if _submitted(r.report) and r.light in (Status.DONE, Status.ON_TRACK)
        )
        if seen:
            basis, attainment = "indicators", 100.0 * sum(seen.values()) / len(seen)
        else:
            basis, attainment = "task_status", 100.0 * lights_ok / n
        out.append(
            UnitCriteria(
                unit=unit,
                tasks_due=n,
                on_time=on_time,
                on_time_pct=100.0 * on_time / n,
                progress_pct=100.0 * sum(x for _, x in ratios) / n,
                indicators_judged=len(seen),
                indicators_on_track=sum(seen.values()),
                tasks_on_track=lights_ok,
                attainment_pct=attainment,
                attainment_basis=basis,
                task_ratios=ratios,
                investment=invested.get(unit.pk),
            )
        )
    return out


def rule_criteria(rule: dict[str, Any]) -> tuple[str, ...]:
    """The criteria a list was computed with, in the order of their weights (none for an empty rule)."""
    return tuple(rule.get("weights", {}))


def score_spec(rule: dict[str, Any], criteria: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The scoring engine's spec of a scheme's rule: a weighted sum of the percentages, taken as
    they are (normalize ``none``), weights summing to 1 → score 0–100. With ``criteria`` (a part
    of the rule's, for a unit without key projects) the engine renormalises their weights to 1."""
    names = criteria if criteria is not None else rule_criteria(rule)
    spec: dict[str, Any] = {
        "name": "red_black_list",
        "method": "weighted_sum",
        "weights": "fixed",
        "total": 1,
        "id_column": "subject_id",
        "exempt": "exempt",
        "criteria": [
            {"column": f"{c}_pct", "name": c, "normalize": "none", "weight": rule["weights"][c]}
            for c in names
        ],
    }
    if criteria is not None:
        spec["normalize_weights"] = True
    return spec


def target_met(
    rule: dict[str, Any], values: dict[str, float], total: float, on_schedule: bool = False
) -> bool:
    """The gate "met the period's target" (REFERENCE §9) under the scheme's target rule; a
    criterion without a value (a unit without key projects) has no minimum to meet."""
    if rule["target_rule"] == TargetRule.MINIMUMS:
        return all(
            values[c] >= rule["minimums"][c] - 1e-9 for c in rule_criteria(rule) if not math.isnan(values[c])
        )
    if rule["target_rule"] == TargetRule.SCHEDULE:
        return on_schedule
    return total >= rule["target_score"] - 1e-9


def list_limits(rule: dict[str, Any], ranked: int) -> tuple[int, int]:
    """How many places the red and the black list have among ``ranked`` ranked units.

    N and M of the scheme while at least N + M units are ranked. With fewer (k), the lists shrink
    in proportion — red ⌊k·N/(N+M)⌋, black ⌊k·M/(N+M)⌋, each at least 1 (if N, M ≥ 1) — and
    neither takes more than ⌊k/2⌋ places (1 when k = 1), so that not every unit lands on a list:
    with 6 units, N = 4 and M = 3, red 3 and black 2 (the 4th of 6 is not black-listed)."""
    n, m = int(rule["red_top_n"]), int(rule["black_bottom_m"])
    if ranked >= n + m or n + m == 0:
        return n, m
    half = max(ranked // 2, 1)
    return min(n, max(ranked * n // (n + m), 1), half), min(m, max(ranked * m // (n + m), 1), half)


@dataclass
class _Scores:
    totals: np.ndarray
    contributions: dict[str, np.ndarray]
    weights: list[dict[str, float]]  # the weights each row was scored with
    unscored: np.ndarray  # no criterion with a weight has a value


def _scores(rule: dict[str, Any], criteria: list[Criteria], exempt: np.ndarray) -> _Scores:
    """Scores by :func:`jingjin.engines.scoring.score`, rounded to 0.01. A row without the key-project
    investment (nan: a unit without projects) is scored on the other criteria, weights renormalised."""
    names = rule_criteria(rule)
    values = {c: np.array([float(getattr(x, f"{c}_pct")) for x in criteria]) for c in names}
    ids = np.array([subject_key(x) for x in criteria], dtype=np.int64)
    return scores_of(rule, values, ids, exempt)


def scores_of(
    rule: dict[str, Any], values: dict[str, np.ndarray], ids: np.ndarray, exempt: np.ndarray
) -> _Scores:
    """:func:`_scores` of the criteria given as columns (``values``: criterion → its percentages)."""
    names = rule_criteria(rule)
    n = ids.size
    missing = np.zeros(n, dtype=bool)
    for c in names:
        missing |= np.isnan(values[c])
    out = _Scores(np.zeros(n), {c: np.zeros(n) for c in names}, [{}] * n, np.zeros(n, dtype=bool))
    partial = tuple(c for c in names if c != "investment")
    for rows, used in ((~missing, None), (missing, partial)):
        names_used = used if used is not None else names
        if not rows.any():
            continue
        total_weight = sum(rule["weights"][c] for c in names_used)
        if total_weight <= 0:
            out.unscored |= rows
            continue
        frame = pl.DataFrame(
            {
                "subject_id": ids[rows],
                **{f"{c}_pct": values[c][rows] for c in names_used},
                "exempt": exempt[rows],
            }
        )
        scored = score(frame, score_spec(rule, used), explain=True)
        out.totals[rows] = scored.get_column("score").to_numpy().astype(np.float64)
        for c in names_used:
            out.contributions[c][rows] = scored.get_column(f"contrib_{c}").to_numpy()
        used_weights = {c: rule["weights"][c] / total_weight for c in names_used}
        for i in np.flatnonzero(rows):
            out.weights[i] = used_weights
    out.totals = np.round(out.totals, 2)
    return out


def ranking_compute(
    *, rule: dict[str, Any], criteria: list[Criteria], exempt: dict[int, str]
) -> list[EntryResult]:
    """Score, rank and gate the units (or projects).

    Scores come from :func:`jingjin.engines.scoring.score` and are rounded to 0.01 before
    ranking, so that scores shown equal tie. ``rank``: 1 = best, ties share the smallest rank
    (1, 2, 2, 4); ``bottom_rank`` the same from the worst. Exempt units (``exempt``: unit id —
    project id on a project list — → reason) keep their score but are not ranked and not
    listed; so are units with fewer scored tasks (or projects) than ``rule["min_items"]``
    (verdict "not ranked", with the reason; a project list has no minimum).

    With k ranked units and the places n, m of :func:`list_limits`: red = target met, rank ≤ n and
    not in the bottom half (2 × bottom_rank > k); black = target missed, bottom_rank ≤ m and not
    in the top half (2 × rank > k). Ties at a boundary are all in (a list may hold more than n or
    m units) unless that reaches into the other half: a tie across the middle is on neither list.
    A unit ranked first that missed the target is not red, a last unit that met it is not black;
    no unit is on both lists (red needs the target met, black needs it missed).
    """
    if not criteria:
        return []
    min_items = 0 if rule.get("subject") == Subject.PROJECTS else int(rule.get("min_items", 0) or 0)
    keys = [subject_key(c) for c in criteria]
    is_exempt = np.array([k in exempt for k in keys], dtype=bool)
    scored = _scores(rule, criteria, is_exempt)
    totals = scored.totals
    too_few = np.array([c.tasks_due < min_items for c in criteria], dtype=bool) | scored.unscored
    ranks = np.zeros(len(criteria), dtype=np.int64)
    bottoms = np.zeros(len(criteria), dtype=np.int64)
    ranked = ~is_exempt & ~too_few
    k = int(ranked.sum())
    if ranked.any():
        ranks[ranked] = rank(totals[ranked])
        bottoms[ranked] = rank(-totals[ranked])
    n, m = list_limits(rule, k)
    out: list[EntryResult] = []
    for i, c in enumerate(criteria):
        values = {name: float(getattr(c, f"{name}_pct")) for name in rule_criteria(rule)}
        total = float(totals[i])
        met = target_met(rule, values, total, bool(getattr(c, "on_schedule", False)))
        items = _items(c, scored.weights[i], {name: float(v[i]) for name, v in scored.contributions.items()})
        if is_exempt[i]:
            out.append(EntryResult(c, total, None, None, met, Verdict.EXEMPT, exempt[keys[i]], items))
            continue
        if too_few[i]:
            why = _("no key project with a plan for the year") if scored.unscored[i] else ""
            why = why or too_few_reason(c.tasks_due, min_items)
            out.append(EntryResult(c, total, None, None, met, Verdict.NOT_RANKED, why, items))
            continue
        r, b = int(ranks[i]), int(bottoms[i])
        verdict = Verdict.NONE
        if met and r <= n and 2 * b > k:
            verdict = Verdict.RED
        elif not met and b <= m and 2 * r > k:
            verdict = Verdict.BLACK
        out.append(EntryResult(c, total, r, b, met, verdict, "", items))
    return out


def too_few_reason(count: int, minimum: int) -> str:
    """The reason of a "not ranked" verdict, in the active language."""
    return ngettext(
        "only %(n)d scored task (fewer than %(min)d)",
        "only %(n)d scored tasks (fewer than %(min)d)",
        count,
    ) % {"n": count, "min": minimum}


def _item(
    criterion: str, value: float, weights: dict[str, float], contributions: dict[str, float], **more: Any
) -> dict[str, Any]:
    return {
        "criterion": criterion,
        "value": None if math.isnan(value) else round(value, 4),
        **more,
        "weight": round(weights.get(criterion, 0.0), 4),
        "contribution": round(contributions.get(criterion, 0.0), 4),
    }


def _investment_item(
    inv: OwnerInvestment | ProjectCriteria | None,
    value: float,
    w: dict[str, float],
    contributions: dict[str, float],
) -> dict[str, Any]:
    return _item(
        "investment",
        value,
        w,
        contributions,
        numerator=None if inv is None else round(inv.ytd, 2),
        denominator=None if inv is None else round(inv.planned, 2),
        completion=None if inv is None else round(inv.completion_pct, 4),
    )


def _items(c: Criteria, weights: dict[str, float], contributions: dict[str, float]) -> list[dict[str, Any]]:
    """The explanation of a score, one item per criterion (contributions sum to the score);
    ``weight`` is the weight the row was scored with (renormalised without key projects)."""
    if isinstance(c, ProjectCriteria):
        return [
            _item(
                "on_time", c.on_time_pct, weights, contributions, numerator=c.on_time, denominator=c.tasks_due
            ),
            _investment_item(c, c.investment_pct, weights, contributions),
            _item(
                "gap", c.gap_pct, weights, contributions, gap=round(c.gap, 4), elapsed=round(c.elapsed_pct, 4)
            ),
            _item("milestones", c.milestones_pct, weights, contributions, delay_days=c.delay_days),
        ]
    attainment_count = (
        (c.indicators_on_track, c.indicators_judged)
        if c.attainment_basis == "indicators"
        else (c.tasks_on_track, c.tasks_due)
    )
    items = [
        _item("on_time", c.on_time_pct, weights, contributions, numerator=c.on_time, denominator=c.tasks_due),
        _item(
            "progress",
            c.progress_pct,
            weights,
            contributions,
            numerator=round(sum(x for _, x in c.task_ratios), 4),
            denominator=c.tasks_due,
            tasks=[[code, round(x, 4)] for code, x in c.task_ratios],
        ),
        _item(
            "attainment",
            c.attainment_pct,
            weights,
            contributions,
            numerator=attainment_count[0],
            denominator=attainment_count[1],
            basis=c.attainment_basis,
        ),
    ]
    if "investment" in contributions:
        items.append(_investment_item(c.investment, c.investment_pct, weights, contributions))
    return items


# --------------------------------------------------------------------------------------------
# Lists a user may see


def visible_lists(*, user: Any) -> QuerySet[RankingList]:
    """Lists the user may see: every list for the plan office, published ones for anyone else."""
    lists = restrict(user, "view", RankingList.objects.all())
    if not may_manage_ranking_lists(user):
        lists = lists.filter(status=ListStatus.PUBLISHED)
    return lists.select_related("scheme", "period")


def latest_published(*, user: Any) -> list[RankingList]:
    """The newest published list of each active scheme."""
    out = []
    for scheme in RankingScheme.objects.filter(is_active=True):
        found = (
            visible_lists(user=user)
            .filter(scheme=scheme, status=ListStatus.PUBLISHED)
            .order_by("-period__year", "-period__month")
            .first()
        )
        if found is not None:
            out.append(found)
    return out


def list_entries(*, ranking_list: RankingList) -> list[RankingEntry]:
    return list(ranking_list.entries.select_related("unit", "project"))


#: entries on one page of a list's page (a project list may hold 10,000)
ENTRIES_PAGE = 50


@dataclass(frozen=True)
class EntryPage:
    """One page of a list's entries (in rank order) with its red and black entries in full."""

    entries: list[RankingEntry]
    flagged: list[RankingEntry]  # the red and black entries, whatever the page
    number: int
    pages: int
    count: int


def list_entries_page(*, ranking_list: RankingList, number: int, size: int = ENTRIES_PAGE) -> EntryPage:
    """Page ``number`` (from 1, past the last: the last) of the list's entries: three queries."""
    entries = ranking_list.entries.select_related("unit", "project")
    count = entries.count()
    pages = max(1, -(-count // size))
    number = min(max(number, 1), pages)
    flagged = list(entries.filter(verdict__in=[Verdict.RED, Verdict.BLACK]))
    shown = list(entries[(number - 1) * size : number * size])
    return EntryPage(entries=shown, flagged=flagged, number=number, pages=pages, count=count)


def previous_published(*, ranking_list: RankingList) -> RankingList | None:
    """The scheme's published list of the latest period before this list's period."""
    period = ranking_list.period
    return (
        RankingList.objects.filter(scheme_id=ranking_list.scheme_id, status=ListStatus.PUBLISHED)
        .filter(Q(period__year__lt=period.year) | Q(period__year=period.year, period__month__lt=period.month))
        .order_by("-period__year", "-period__month")
        .first()
    )


def unit_history(*, user: Any, unit: Unit) -> QuerySet[RankingEntry]:
    """A unit's entries on the published lists (the plan office also sees drafts), newest first;
    not its projects' entries on the project lists (their list pages show them)."""
    lists = visible_lists(user=user)
    return (
        RankingEntry.objects.filter(unit=unit, project__isnull=True, ranking_list__in=lists)
        .select_related("ranking_list__scheme", "ranking_list__period")
        .order_by("-ranking_list__period__year", "-ranking_list__period__month", "ranking_list__scheme__code")
    )


def _entry_reason(entry: RankingEntry) -> str:
    """One line saying why a unit or project is on a list (for the cockpit and the bulletin)."""
    if entry.verdict == Verdict.RED:
        return _("Target met; rank %(rank)s") % {"rank": entry.rank}
    if entry.escalated:
        return _("Target missed; %(bottom)s from the bottom; black twice in a row") % {
            "bottom": entry.bottom_rank
        }
    return _("Target missed; %(bottom)s from the bottom") % {"bottom": entry.bottom_rank}


def cockpit_ranking_lists(*, user: Any, period: ReportingPeriod | None = None) -> list[dict[str, Any]]:
    """The contract of the cockpit and the bulletin (``jingjin.dashboard.ranking.ranking_lists``):
    for each active scheme its newest published list up to ``period`` (any period when ``None``) as
    ``{"title", "period", "red": [{"unit", "score", "reason"}], "black": [...]}``; on a project
    list ``unit`` is the project's code and name (``code`` stays the owning unit's, for its
    scorecard)."""
    out: list[dict[str, Any]] = []
    for scheme in RankingScheme.objects.filter(is_active=True):
        lists = visible_lists(user=user).filter(scheme=scheme, status=ListStatus.PUBLISHED)
        if period is not None:
            lists = lists.filter(
                Q(period__year__lt=period.year) | Q(period__year=period.year, period__month__lte=period.month)
            )
        found = lists.order_by("-period__year", "-period__month").first()
        if found is None:
            continue
        entries = list_entries(ranking_list=found)

        def rows(verdict: str, entries: list[RankingEntry] = entries) -> list[dict[str, Any]]:
            return [
                {
                    "unit": f"{e.project.code} {e.project.name}" if e.project else e.unit.name,
                    "score": e.score,
                    "reason": _entry_reason(e),
                    "code": e.unit.code,
                }
                for e in entries
                if e.verdict == verdict
            ]

        out.append(
            {
                "id": found.pk,
                "title": scheme.name,
                "period": found.period.code,
                "red": rows(Verdict.RED),
                "black": rows(Verdict.BLACK),
            }
        )
    return out
