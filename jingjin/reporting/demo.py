"""Synthetic monthly reports for the demo (示例月报), from the demo's first month to the month of ``today``.

Every report made here is marked ``is_synthetic`` and the pages show a "demo data" badge.
The generator is deterministic (each task draws from its own random stream seeded by
``seed`` and the task code), idempotent (a (task, month) that has a report is skipped, so a
second run creates nothing) and fast: reports, indicator actuals, continuity ticks, review
comments, strike-offs and one audit row per report (source ``demo``, the report's values as
"after") are bulk-inserted.

The story each task tells, as it stands on ``today`` (the as-of date of the demo): progress rises
over the task window at the task's own pace — most on schedule, some behind, a few far behind
(those keep reporting after their end until done) — with some reports late, a few returned for
changes and resubmitted, a few missing. Nothing is dated on or after ``today``: the month whose
deadline passed last still has reports waiting for review, returned or missing, the month of
``today`` has drafts (not yet due). A task whose 100 % report was approved is struck off (销号)
from the next month and gets no later reports.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from jingjin.core.choices import AuditAction
from jingjin.core.models import AuditEntry
from jingjin.data.demo_calendar import demo_calendar
from jingjin.plans.models import Task
from jingjin.plans.units import UnitKind, unit_kind
from jingjin.reporting.choices import ContinuityOutcome, ReportStatus
from jingjin.reporting.models import (
    ContinuityItem,
    Report,
    ReportIndicatorValue,
    ReportingPeriod,
    ReviewComment,
    StrikeOff,
)
from jingjin.reporting.services import NUMERIC_DIRECTIONS, default_deadline

#: a report is reviewed this many days after it was (re)submitted: (low, high) for older months …
REVIEW_DAYS = (1, 3)
#: … and for the months whose deadline passed less than ``RECENT_DAYS`` before ``today``, so that
#: some of the last month's reports are still waiting for review
RECENT_REVIEW_DAYS = (2, 16)
RECENT_DAYS = 30
#: shares of the reports that are missing, late and returned once (then resubmitted)
MISSING, LATE, RETURNED_ONCE = 0.03, 0.08, 0.07

PROGRESS_TEXTS = (
    "本月按计划推进{name}，召开专题调度会{n}次，完成阶段性工作。",
    "围绕{name}开展现场督导{n}次，协调解决具体问题，工作有序推进。",
    "{name}：完成方案细化和任务分解，落实责任人，推进情况良好。",
    "持续推进{name}，开展调研{n}次，形成工作台账并按月更新。",
)
PLAN_ITEMS = (
    "召开推进会，细化节点安排",
    "开展现场督导检查",
    "完善工作台账和佐证材料",
    "协调相关部门解决用地和资金问题",
    "组织专项调研并形成报告",
    "推动重点项目开工",
)
PROBLEMS = ("要素保障压力较大", "部门协同有待加强", "资金到位滞后", "")
SUPPORT = ("请求市级层面协调用地指标", "请求协调资金拨付进度", "")
RETURN_COMMENTS = ("佐证材料不完整，请补充。", "进展描述过于笼统，请量化。", "完成比例与台账不一致，请核实。")
MOVE_REASONS = ("受天气影响顺延至下月", "待上级批复后实施", "与相关部门对接后调整时间")


def _months(today: date) -> list[tuple[int, int]]:
    year, month = demo_calendar().first_month
    out = []
    while (year, month) <= (today.year, today.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _periods(months: list[tuple[int, int]]) -> dict[tuple[int, int], ReportingPeriod]:
    existing = {(p.year, p.month): p for p in ReportingPeriod.objects.all()}
    missing = [
        ReportingPeriod(year=y, month=m, deadline=default_deadline(y, m))
        for y, m in months
        if (y, m) not in existing
    ]
    ReportingPeriod.objects.bulk_create(missing, batch_size=500)
    return {(p.year, p.month): p for p in ReportingPeriod.objects.all()}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@dataclass
class _Fate:
    """What became of one month's report by ``today``: its state and the dated steps that led there."""

    status: str | None  # None: no report (missing, or not started in an open month)
    first_submitted: datetime | None = None
    submitted: datetime | None = None
    reviewed: datetime | None = None
    returned_at: datetime | None = None  # it was returned once (then resubmitted) at this time
    return_comment: str = ""


@transaction.atomic
def demo_reports(*, today: date, seed: int = 2021) -> int:
    """Fill the months from the demo's first month to ``today``'s month with synthetic reports as
    they stand on ``today``; return how many were made.

    Idempotent: a task that has a report for a month is left alone there.
    """
    months = _months(today)
    periods = _periods(months)
    tasks = list(
        Task.objects.filter(lead_unit__isnull=False)
        .exclude(shares__isnull=False)  # a task split into county shares is reported through them
        .select_related("measure__action__plan")
        .prefetch_related("indicators")
        .order_by("measure__action__plan__code", "code")
    )
    done_pairs = set(Report.objects.values_list("task_id", "period_id"))
    struck = set(StrikeOff.objects.values_list("task_id", flat=True))
    first_day = date(*demo_calendar().first_month, 1)
    reports: list[Report] = []
    extras: list[_Extras] = []
    comments: list[tuple[Report, _Fate]] = []
    strike_offs: list[tuple[Report, int]] = []
    for task in tasks:
        rng = random.Random(f"{seed}:{task.code}")  # demo data, not security
        for report, extra, fate, finished in _task_reports(task, rng, months, periods, today, first_day):
            if (task.pk, report.period.pk) in done_pairs:
                continue
            reports.append(report)
            extras.append(extra)
            if fate.returned_at is not None:
                comments.append((report, fate))
            if finished and task.pk not in struck:
                strike_offs.append((report, report.period.index + 1))
    Report.objects.bulk_create(reports, batch_size=1000)
    _store_extras(extras)
    _review_history(comments)
    StrikeOff.objects.bulk_create(
        [
            StrikeOff(task=r.task, report=r, from_index=index, struck_off_at=r.reviewed_at)
            for r, index in strike_offs
            if r.reviewed_at is not None
        ],
        batch_size=1000,
    )
    _audit(extras)
    return len(reports)


#: what a report is stored with: its indicator actuals, last month's plan items and their outcomes
_Extras = tuple[Report, list[tuple[Any, Decimal]], list[str], list[str]]


def _task_reports(
    task: Task,
    rng: random.Random,
    months: list[tuple[int, int]],
    periods: dict[tuple[int, int], ReportingPeriod],
    today: date,
    first_day: date,
) -> Iterator[tuple[Report, _Extras, _Fate, bool]]:
    """The task's synthetic report of each month it has one by ``today`` (unsaved), with its
    extras, its fate and whether it strikes the task off (an approved 100 %: no later month).

    The task keeps a pace (most on track, some behind, a few far behind); every random draw of a
    month is made whether or not the caller keeps the report, so reruns draw the same."""
    plan_end = date(task.measure.action.plan.end_year, 12, 31)
    start, end = task.start or first_day, task.end or plan_end
    span = (end - start).days + 1
    roll = rng.random()
    pace = (
        rng.uniform(0.95, 1.15)
        if roll < 0.6
        else rng.uniform(0.75, 0.9)
        if roll < 0.85
        else rng.uniform(0.5, 0.7)
    )
    numeric = [
        ind
        for ind in task.indicators.all()
        if ind.direction in NUMERIC_DIRECTIONS
        and ind.baseline_value is not None
        and ind.target_value is not None
    ]
    pct = 0
    finished = False  # a 100 % report was approved: the task is struck off from the next month
    plan: list[str] = []
    for year, month in months:
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last < start or finished:
            continue
        period = periods[(year, month)]
        expected = min(max(((last - start).days + 1) / span, 0.0), 1.0)
        if first > end:
            pct = min(100, pct + rng.randint(4, 12))  # an overdue task catches up slowly
        else:
            pct = max(pct, min(100, round(expected * 100 * pace + rng.uniform(-3, 3))))
        previous_plan, plan = plan, rng.sample(PLAN_ITEMS, 2)
        fate = _fate(rng, period, today)
        if fate.status is None:
            continue
        finished = pct >= 100 and fate.status == ReportStatus.APPROVED
        n = rng.randint(1, 4)
        report = Report(
            task=task,
            period=period,
            progress=rng.choice(PROGRESS_TEXTS).format(name=task.name_zh[:30], n=n),
            completion_pct=pct,
            next_plan="\n".join(f"{i + 1}. {item}" for i, item in enumerate(plan)) if pct < 100 else "",
            problems=rng.choice(PROBLEMS) if pct < 100 else "",
            support_needed=rng.choice(SUPPORT) if pct < 100 else "",
            status=fate.status,
            submitted_at=fate.submitted,
            first_submitted_at=fate.first_submitted,
            reviewed_at=fate.reviewed,
            review_comment=fate.return_comment if fate.status == ReportStatus.RETURNED else "",
            is_synthetic=True,
        )
        values = [(ind, _actual(ind, pct)) for ind in numeric]
        outcomes = [_outcome(rng) for _ in previous_plan]
        yield report, (report, values, previous_plan, outcomes), fate, finished


def _store_extras(extras: list[_Extras]) -> None:
    """The indicator actuals and the continuity items (last month's plan, each with its outcome)
    of the stored reports."""
    values_rows: list[ReportIndicatorValue] = []
    items: list[ContinuityItem] = []
    for report, values, previous_plan, outcomes in extras:
        values_rows.extend(ReportIndicatorValue(report=report, indicator=ind, value=v) for ind, v in values)
        for position, (text, outcome) in enumerate(zip(previous_plan, outcomes, strict=True)):
            items.append(
                ContinuityItem(
                    report=report,
                    position=position,
                    text=f"{position + 1}. {text}",
                    outcome=outcome,
                    reason=MOVE_REASONS[position % len(MOVE_REASONS)]
                    if outcome in ("moved", "dropped")
                    else "",
                )
            )
    ReportIndicatorValue.objects.bulk_create(values_rows, batch_size=1000)
    ContinuityItem.objects.bulk_create(items, batch_size=1000)


def _review_history(comments: list[tuple[Report, _Fate]]) -> None:
    """The review comments (审核意见) of the reports that were returned once: the return, and the
    approval after the resubmission when there was one."""
    rows = []
    for report, fate in comments:
        if fate.returned_at is None:
            continue
        rows.append(
            ReviewComment(
                report=report,
                verdict=ReportStatus.RETURNED,
                text=fate.return_comment,
                created_at=fate.returned_at,
            )
        )
        if report.status == ReportStatus.APPROVED and report.reviewed_at is not None:
            rows.append(
                ReviewComment(
                    report=report, verdict=ReportStatus.APPROVED, text="", created_at=report.reviewed_at
                )
            )
    ReviewComment.objects.bulk_create(rows, batch_size=1000)


def _fate(rng: random.Random, period: ReportingPeriod, today: date) -> _Fate:
    """What became of one month's report by ``today``; every step is dated before ``today``.

    Open months (deadline not passed): no report yet, a draft, or submitted early. Past months: a
    few missing, some late; reviewed a few days after submission — later in the months whose
    deadline passed in the last ``RECENT_DAYS``, so that some still wait for review; some returned
    once, resubmitted and approved (or still returned, or waiting again, when that is recent).
    A submission whose day has not come yet is still a draft.
    """
    roll = rng.random()
    if today <= period.deadline:  # still open: nothing yet, drafts, early submissions
        this_month = today <= period.last_day
        if roll < (0.45 if this_month else 0.35):
            return _Fate(None)
        if roll < (0.95 if this_month else 0.7):
            return _Fate(ReportStatus.DRAFT)
        day = (
            today - timedelta(days=rng.randint(1, 5))
            if this_month
            else period.deadline - timedelta(days=rng.randint(0, 4))
        )
        day = max(day, period.last_day if not this_month else date(period.year, period.month, 1))
        if day >= today:
            return _Fate(ReportStatus.DRAFT)
        at = _at(day, 10)
        return _Fate(ReportStatus.SUBMITTED, first_submitted=at, submitted=at)
    if roll < MISSING:
        return _Fate(None)
    late = rng.random() < LATE
    day = (
        period.deadline + timedelta(days=rng.randint(1, 10))
        if late
        else period.deadline - timedelta(days=rng.randint(0, 4))
    )
    day = max(day, period.last_day)
    lags = RECENT_REVIEW_DAYS if (today - period.deadline).days < RECENT_DAYS else REVIEW_DAYS
    returned = rng.random() < RETURNED_ONCE
    comment = rng.choice(RETURN_COMMENTS)
    hour = rng.randint(9, 17)
    if day >= today:
        return _Fate(ReportStatus.DRAFT)  # late and not submitted yet: a draft
    submitted = _at(day, hour)
    reviewed = submitted + timedelta(days=rng.randint(*lags))
    if reviewed.date() >= today:
        return _Fate(ReportStatus.SUBMITTED, first_submitted=submitted, submitted=submitted)
    if not returned:
        return _Fate(ReportStatus.APPROVED, first_submitted=submitted, submitted=submitted, reviewed=reviewed)
    again = reviewed + timedelta(days=rng.randint(1, 4))
    if again.date() >= today:
        return _Fate(
            ReportStatus.RETURNED,
            first_submitted=submitted,
            submitted=submitted,
            reviewed=reviewed,
            returned_at=reviewed,
            return_comment=comment,
        )
    approved = again + timedelta(days=rng.randint(*lags))
    if approved.date() >= today:
        return _Fate(
            ReportStatus.RESUBMITTED,
            first_submitted=submitted,
            submitted=again,
            reviewed=reviewed,
            returned_at=reviewed,
            return_comment=comment,
        )
    return _Fate(
        ReportStatus.APPROVED,
        first_submitted=submitted,
        submitted=again,
        reviewed=approved,
        returned_at=reviewed,
        return_comment=comment,
    )


def _outcome(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.8:
        return ContinuityOutcome.DONE
    if roll < 0.93:
        return ContinuityOutcome.MOVED
    if roll < 0.97:
        return ContinuityOutcome.DROPPED
    return ""


def _actual(indicator: Any, pct: int) -> Decimal:
    """The demo's actual value of a numeric indicator at ``pct`` % of the way from its baseline to
    its target, within its unit's rule (:mod:`jingjin.plans.units`): a whole number for a count."""
    baseline, target = Decimal(indicator.baseline_value), Decimal(indicator.target_value)
    value = baseline + (target - baseline) * Decimal(pct) / 100
    if unit_kind(indicator.unit) == UnitKind.COUNT:
        return max(value, Decimal(0)).quantize(Decimal(1))
    return value.quantize(Decimal("0.01"))


def _audit(extras: list[_Extras]) -> None:
    """One "create" audit row per demo report (source ``demo``), built without extra queries."""
    content_type = ContentType.objects.get_for_model(Report)
    rows = []
    for report, values, previous_plan, outcomes in extras:
        after = {
            "task": report.task.code,
            "period": report.period.code,
            "progress": report.progress,
            "completion_pct": report.completion_pct,
            "milestone_reached": False,
            "next_plan": report.next_plan,
            "problems": report.problems,
            "support_needed": report.support_needed,
            "status": report.status,
            "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
            "reviewed_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
            "review_comment": report.review_comment,
            "is_synthetic": True,
            "indicator_values": {ind.code: float(v) for ind, v in values},
            "continuity": [
                {"item": f"{i + 1}. {text}", "outcome": outcome}
                for i, (text, outcome) in enumerate(zip(previous_plan, outcomes, strict=True))
            ],
        }
        rows.append(
            AuditEntry(
                user=None,
                user_name="demo",
                action=AuditAction.CREATE,
                content_type=content_type,
                object_id=report.pk,
                object_repr=f"{report.task.code} {report.period.code}"[:400],
                before=None,
                after=after,
                source="demo",
            )
        )
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
