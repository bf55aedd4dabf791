"""Writes of monthly reporting, each checked, atomic and recorded in the audit trail.

Who may do what (on top of the one rule, :func:`jingjin.core.permissions.restrict`):

* reporters and county users of the task's lead unit (or a unit above it) create, edit and
  submit draft and returned reports;
* approvers of that unit and the plan office approve or return submitted reports;
* approved reports are locked; leaders read only.

Bad input raises :class:`django.core.exceptions.ValidationError` (nothing is saved), a
wrong role or unit :class:`~jingjin.core.permissions.PermissionDenied`, a transition that
the report's state does not allow :class:`WorkflowError`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.permissions import (
    PermissionDenied,
    can,
    can_fill_reports,
    can_review_reports,
    may_reopen_task,
    reviews_every_unit,
)
from jingjin.core.services import audit_change, audit_record
from jingjin.core.texts import model_text_errors, text_problem
from jingjin.jobs.services import after_approval as jobs_after_approval
from jingjin.plans.choices import Direction
from jingjin.plans.models import Indicator, Task
from jingjin.plans.units import PERCENT_RANGE, UnitKind, unit_kind
from jingjin.reporting import messages
from jingjin.reporting.choices import EDITABLE_STATES, REVIEW_STATES, ContinuityOutcome, ReportStatus
from jingjin.reporting.models import (
    COMMENT_MAX,
    REASON_MAX,
    ContinuityItem,
    Evidence,
    Report,
    ReportIndicatorValue,
    ReportingPeriod,
    StrikeOff,
    month_index,
)

#: report fields a reporter fills in
REPORT_FIELDS = (
    "progress",
    "completion_pct",
    "milestone_reached",
    "next_plan",
    "problems",
    "support_needed",
    "regression_reason",
)
#: numeric indicator directions whose actual values a report carries
NUMERIC_DIRECTIONS = (Direction.HIGHER, Direction.LOWER, Direction.RANGE)


class WorkflowError(Exception):
    """The report's state does not allow this step (e.g. submitting an approved report)."""


# --------------------------------------------------------------------------------------------
# Periods


def deadline_day() -> int:
    """Day of the next month by which a report is due (setting ``JINGJIN_REPORT_DEADLINE_DAY``)."""
    return int(getattr(settings, "JINGJIN_REPORT_DEADLINE_DAY", 5))


def default_deadline(year: int, month: int) -> date:
    """The deadline of a month: day ``deadline_day()`` of the next month (capped at its last day)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    last = calendar.monthrange(next_year, next_month)[1]
    return date(next_year, next_month, min(max(deadline_day(), 1), last))


def period_get_or_create(*, year: int, month: int) -> ReportingPeriod:
    """The reporting period of a month, created with the default deadline when missing."""
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationError(_("A period is a month between 2000-01 and 2100-12."))
    period, _created = ReportingPeriod.objects.get_or_create(
        year=year, month=month, defaults={"deadline": default_deadline(year, month)}
    )
    return period


def period_parse(code: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month); ValidationError for anything else."""
    try:
        year_text, month_text = code.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError(code)
        year, month = int(year_text), int(month_text)
    except ValueError as exc:
        raise ValidationError(_("A period is written YYYY-MM, e.g. 2024-03.")) from exc
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationError(_("A period is a month between 2000-01 and 2100-12."))
    return year, month


# --------------------------------------------------------------------------------------------
# Permission helpers


def may_edit(user: Any, report_or_task: Report | Task) -> bool:
    """May ``user`` fill in and submit reports of this task (or edit this report now)?"""
    if not can_fill_reports(user):
        return False
    task = report_or_task.task if isinstance(report_or_task, Report) else report_or_task
    if not can(user, "change", task):
        return False
    return not isinstance(report_or_task, Report) or report_or_task.is_editable


def may_review(user: Any, report: Report) -> bool:
    """May ``user`` approve or return this report now?"""
    if not can_review_reports(user) or report.status not in REVIEW_STATES:
        return False
    return reviews_every_unit(user) or can(user, "change", report)


def _require_reporter(actor: Any, task: Task) -> None:
    if not can_fill_reports(actor):
        raise PermissionDenied(_("Only reporters and county users fill in reports."))
    if not can(actor, "change", task):
        raise PermissionDenied(_("This task belongs to another unit."))


def _require_editable(report: Report) -> None:
    if report.status == ReportStatus.APPROVED:
        raise WorkflowError(_("This report is approved and locked."))
    if report.status not in EDITABLE_STATES:
        raise WorkflowError(_("This report has been submitted and waits for review."))


# --------------------------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class ContinuityTick:
    """The reporter's answer for one item of last month's plan (by its position)."""

    position: int
    outcome: str
    reason: str = ""


def previous_plan_items(*, task: Task, period: ReportingPeriod) -> list[str]:
    """The lines of last month's 次月计划 of this task (empty without a report last month)."""
    year, month = (period.year - 1, 12) if period.month == 1 else (period.year, period.month - 1)
    previous = Report.objects.filter(task=task, period__year=year, period__month=month).first()
    if previous is None:
        return []
    return plan_lines(previous.next_plan)


def plan_lines(text: str) -> list[str]:
    """The items of a next-month plan: its non-empty lines, list numbering kept."""
    return [line.strip()[:1000] for line in text.splitlines() if line.strip()]


def _clean_values(task: Task, values: dict[Any, Any]) -> dict[Indicator, Decimal | None]:
    indicators = {ind.pk: ind for ind in task.indicators.filter(direction__in=NUMERIC_DIRECTIONS)}
    by_code = {ind.code: ind for ind in indicators.values()}
    cleaned: dict[Indicator, Decimal | None] = {}
    errors: list[str] = []
    for key, raw in values.items():
        indicator = (
            key
            if isinstance(key, Indicator) and key.pk in indicators
            else indicators.get(key)
            if isinstance(key, int)
            else by_code.get(str(key))
        )
        if indicator is None:
            errors.append(_("%(indicator)s is not a numeric indicator of this task.") % {"indicator": key})
            continue
        if raw is None or raw == "":
            cleaned[indicator] = None
            continue
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors.append(
                _("%(indicator)s: %(value)s is not a number.") % {"indicator": indicator.code, "value": raw}
            )
            continue
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
            errors.append(_("%(indicator)s: the number is out of range.") % {"indicator": indicator.code})
            continue
        problem = _unit_range_error(indicator, number)
        if problem:
            errors.append(problem)
            continue
        cleaned[indicator] = number.quantize(Decimal("0.000001"))
    if errors:
        raise ValidationError({"indicator_values": errors})
    return cleaned


def _known_values(task: Task, period: ReportingPeriod) -> dict[Indicator, Decimal | None]:
    """The figures the system already holds for the task's indicators this month (never asked
    twice, :mod:`jingjin.reporting.prefill`): stored in place of any typed value."""
    from jingjin.reporting.prefill import known_values

    return {
        Indicator(pk=pk): known.value.quantize(Decimal("0.000001"))
        for pk, known in known_values(task=task, period=period).items()
    }


def _unit_range_error(indicator: Indicator, number: Decimal) -> str:
    """The message when ``number`` is outside the range of the indicator's unit (see
    :mod:`jingjin.plans.units`), or ``""``. Unknown units only get the finite, absolute-bound check."""
    kind = unit_kind(indicator.unit)
    label = f"{indicator.code} {indicator.name}"
    if kind == UnitKind.COUNT:
        if number < 0 or number != number.to_integral_value():
            return _(
                "%(indicator)s: %(value)s is not allowed — a count in %(unit)s is a whole number, 0 or more."
            ) % {"indicator": label, "value": number.normalize(), "unit": indicator.unit}
    elif kind == UnitKind.AMOUNT:
        if number < 0:
            return _("%(indicator)s: %(value)s is not allowed — an amount in %(unit)s is 0 or more.") % {
                "indicator": label,
                "value": number.normalize(),
                "unit": indicator.unit,
            }
    elif kind == UnitKind.PERCENT:
        low, high = PERCENT_RANGE
        if not low <= number <= high:
            return _(
                "%(indicator)s: %(value)s is not allowed — a percentage lies between %(low)s and %(high)s."
            ) % {"indicator": label, "value": number.normalize(), "low": low, "high": high}
    return ""


def _clean_reason(text: str, *, field: str, required: bool = True) -> str:
    """A reason (a lower completion, reopening a task): stripped, at most :data:`REASON_MAX`
    characters, no control characters (line breaks and tabs are fine); ValidationError on ``field``."""
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationError({field: _("Give a reason.")})
        return ""
    if len(text) > REASON_MAX:
        raise ValidationError(
            {field: _("The reason is longer than %(max)d characters.") % {"max": REASON_MAX}}
        )
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        raise ValidationError({field: _("The reason contains control characters.")})
    return text


def _check_regression(report: Report) -> None:
    """Refuse a completion below the task's latest approved completion (of an earlier month)
    unless the report carries a reason (``regression_reason``): ValidationError on
    ``completion_pct``. The reason is cleaned (length, control characters) and kept on the report."""
    if report.regression_reason:
        report.regression_reason = _clean_reason(report.regression_reason, field="regression_reason")
    if report.completion_pct is None:
        return
    from jingjin.reporting.selectors import latest_approved

    approved = latest_approved(report.task, before=report.period.index)
    if approved is None or approved.completion_pct is None:
        return
    if report.completion_pct < approved.completion_pct and not report.regression_reason:
        raise ValidationError(
            {
                "completion_pct": _(
                    "Below the approved completion of %(pct)s %% (%(month)s): give the reason for the "
                    "lower completion."
                )
                % {"pct": approved.completion_pct, "month": approved.period.code}
            }
        )


def _refuse_struck_off(task: Task, period: ReportingPeriod) -> None:
    """A task struck off (销号) in ``period`` owes no report: none is created for that month."""
    from jingjin.reporting.selectors import month_code, strike_off_of

    strike_off = strike_off_of(task, index=period.index)
    if strike_off is not None:
        raise ValidationError(
            _(
                "Task %(task)s is struck off (done) from %(month)s: no report is due for %(period)s. "
                "The plan office can reopen it."
            )
            % {"task": task.code, "month": month_code(strike_off.from_index), "period": period.code}
        )


def _clean_ticks(ticks: list[ContinuityTick], items: int) -> None:
    errors: list[str] = []
    for tick in ticks:
        if not 0 <= tick.position < items:
            errors.append(_("There is no planned item %(n)d.") % {"n": tick.position + 1})
        elif tick.outcome and tick.outcome not in ContinuityOutcome.values:
            errors.append(_("Unknown outcome %(outcome)s.") % {"outcome": tick.outcome})
        elif tick.outcome in (ContinuityOutcome.MOVED, ContinuityOutcome.DROPPED) and not tick.reason.strip():
            errors.append(_("Item %(n)d is moved or dropped: give a reason.") % {"n": tick.position + 1})
    if errors:
        raise ValidationError({"continuity": errors})


@transaction.atomic
def report_save_draft(
    *,
    actor: Any,
    task: Task,
    period: ReportingPeriod,
    data: dict[str, Any],
    indicator_values: dict[Any, Any] | None = None,
    continuity: list[ContinuityTick] | None = None,
    source: str = "web",
) -> Report:
    """Create or change the report of ``task`` for ``period`` (a draft, or a returned report).

    ``data`` holds report fields (:data:`REPORT_FIELDS`); ``indicator_values`` maps indicators
    (objects, ids or codes) to actual values (None clears); ``continuity`` ticks last month's
    planned items. The report keeps its state (draft or returned) until it is submitted.
    """
    _require_reporter(actor, task)
    unknown = sorted(set(data) - set(REPORT_FIELDS))
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    report = Report.objects.select_for_update().filter(task=task, period=period).first()
    created = report is None
    if report is None:
        _refuse_struck_off(task, period)
        report = Report(task=task, period=period)
        before = None
    else:
        _require_editable(report)
        before = report.snapshot()
    for name, value in data.items():
        if value is None and name != "completion_pct":
            value = False if name == "milestone_reached" else ""
        setattr(report, name, value)
    text_errors = model_text_errors(report, data)
    if text_errors:
        raise ValidationError(text_errors)
    report.full_clean()
    _check_regression(report)
    values = _clean_values(task, indicator_values or {})
    values.update(_known_values(task, period))
    report.save()
    if created:
        items = previous_plan_items(task=task, period=period)
        ContinuityItem.objects.bulk_create(
            ContinuityItem(report=report, position=i, text=text) for i, text in enumerate(items)
        )
    for indicator, value in values.items():
        ReportIndicatorValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"value": value}
        )
    if continuity:
        items_by_position = {c.position: c for c in report.continuity_items.all()}
        _clean_ticks(continuity, len(items_by_position))
        for tick in continuity:
            item = items_by_position[tick.position]
            item.outcome = tick.outcome
            item.reason = tick.reason.strip() if tick.outcome else ""
            item.save(update_fields=["outcome", "reason"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=report,
        before=before,
        after=report.snapshot(),
        source=source,
    )
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: Report, source: str = "web") -> Report:
    """Submit a draft (→ submitted) or a returned report (→ resubmitted) for review.

    Needs this month's progress and a completion % or a reached milestone.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_reporter(actor, report.task)
    _require_editable(report)
    errors: dict[str, str] = {}
    if not report.progress.strip():
        errors["progress"] = _("Describe this month's progress.")
    if report.completion_pct is None and not report.milestone_reached:
        errors["completion_pct"] = _("Give the completion percentage or tick the reached milestone.")
    if errors:
        raise ValidationError(errors)
    _check_regression(report)
    before = report.snapshot()
    mark_submitted(report, actor=actor)
    report.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    messages.notify_submitted(report=report, actor=actor)
    return report


def mark_submitted(report: Any, *, actor: Any) -> None:
    """Set the submission of a draft (→ submitted) or a returned report (→ resubmitted) on
    ``report`` (a task's or a project's report), unsaved."""
    report.status = (
        ReportStatus.RESUBMITTED if report.status == ReportStatus.RETURNED else ReportStatus.SUBMITTED
    )
    report.submitted_at = clock.now()
    report.first_submitted_at = report.first_submitted_at or report.submitted_at
    report.submitted_by = actor


def mark_reviewed(report: Any, *, actor: Any, status: str, comment: str) -> None:
    """Set the review (approved or returned) with its cleaned comment on ``report`` (a task's or a
    project's report), unsaved."""
    report.status = status
    report.reviewed_at = clock.now()
    report.reviewed_by = actor
    report.review_comment = _clean_comment(comment)


def _review(actor: Any, report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not can_review_reports(actor):
        raise PermissionDenied(_("Only approvers and the plan office review reports."))
    if not reviews_every_unit(actor) and not can(actor, "change", report):
        raise PermissionDenied(_("This task belongs to another unit."))
    if report.status == ReportStatus.APPROVED:
        raise WorkflowError(_("This report is approved and locked."))
    if report.status not in REVIEW_STATES:
        raise WorkflowError(_("Only a submitted report can be reviewed."))
    return report


def _clean_comment(comment: str) -> str:
    """A reviewer's comment, stripped; ValidationError on ``comment`` when it is longer than
    :data:`~jingjin.reporting.models.COMMENT_MAX` or holds a control character (nothing is cut)."""
    text = (comment or "").strip()
    problem = text_problem(text, label=_("Comment"), max_length=COMMENT_MAX)
    if problem is not None:
        raise ValidationError({"comment": problem})
    return text


@transaction.atomic
def report_approve(*, actor: Any, report: Report, comment: str = "", source: str = "web") -> Report:
    """Approve a submitted report (→ approved, locked)."""
    report = _review(actor, report)
    before = report.snapshot()
    mark_reviewed(report, actor=actor, status=ReportStatus.APPROVED, comment=comment)
    report.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    messages.review_record(report=report, verdict=report.status, comment=report.review_comment, actor=actor)
    messages.notify_approved(report=report, actor=actor)
    _strike_off_if_done(report, actor=actor, source=source)
    transaction.on_commit(jobs_after_approval)  # queue a warnings refresh (jingjin.jobs)
    return report


@transaction.atomic
def report_return(*, actor: Any, report: Report, comment: str, source: str = "web") -> Report:
    """Return a submitted report to its unit with a comment (→ returned, editable again)."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report = _review(actor, report)
    before = report.snapshot()
    mark_reviewed(report, actor=actor, status=ReportStatus.RETURNED, comment=comment)
    report.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    messages.review_record(report=report, verdict=report.status, comment=report.review_comment, actor=actor)
    messages.notify_returned(report=report, actor=actor)
    return report


def report_fill(
    *,
    actor: Any,
    task: Task,
    period: ReportingPeriod,
    data: dict[str, Any],
    indicator_values: dict[Any, Any] | None = None,
    continuity: list[ContinuityTick] | None = None,
    upload: Any = None,
    submit: bool = False,
    source: str = "web",
) -> Report:
    """The one write of the report form: store the month when it is not stored yet (a page view
    stores none), save the draft (:func:`report_save_draft`), attach the uploaded evidence file
    (:func:`~jingjin.reporting.evidence.evidence_add`) and submit when asked
    (:func:`report_submit`) — all or nothing. A stored evidence file is removed from the disk
    again when anything fails and the rest is rolled back."""
    from jingjin.reporting.evidence import evidence_add

    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            if period.pk is None:
                period = period_get_or_create(year=period.year, month=period.month)
            report = report_save_draft(
                actor=actor,
                task=task,
                period=period,
                data=data,
                indicator_values=indicator_values,
                continuity=continuity,
                source=source,
            )
            if upload is not None:
                stored.append(
                    evidence_add(
                        actor=actor,
                        report=report,
                        content=upload,
                        name=getattr(upload, "name", "") or "",
                        size=getattr(upload, "size", None),
                        source=source,
                    )
                )
            if submit:
                report = report_submit(actor=actor, report=report, source=source)
    except BaseException:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return report


# --------------------------------------------------------------------------------------------
# Strike-off (销号) and reopening (恢复)


def _strike_off_if_done(report: Report, *, actor: Any, source: str = "web") -> StrikeOff | None:
    """Strike the task off from the month after ``report`` when the approved report says 100 %
    (the one rule: a reached milestone without a 100 % does not strike a task off), unless a
    strike-off already covers that month. Audited; returns the new strike-off or None."""
    if report.status != ReportStatus.APPROVED or (report.completion_pct or 0) < 100:
        return None
    from jingjin.reporting.selectors import strike_off_of

    index = report.period_index + 1
    if strike_off_of(report.task, index=index) is not None:
        return None
    strike_off = StrikeOff.objects.create(
        task=report.task, report=report, from_index=index, struck_off_at=clock.now()
    )
    audit_change(actor=actor, obj=strike_off, before=None, source=source)
    return strike_off


@transaction.atomic
def strike_offs_backfill(*, actor: Any = None, source: str = "demo") -> int:
    """Strike off every task whose approved 100 % report has no strike-off yet (reports made in
    bulk — the demo, an import — skip :func:`report_approve`): from the month after its first
    such report not covered by a strike-off, as approving it would have. One audit row each
    (``source``); returns how many were made. Idempotent."""
    from jingjin.core.services import audit_entry, audit_record_many

    done = (
        Report.objects.filter(status=ReportStatus.APPROVED, completion_pct__gte=100)
        .order_by("task_id", "period_index")
        .values_list("task_id", "pk", "period_index", "reviewed_at")
    )
    existing: dict[int, list[tuple[int, int | None]]] = {}
    for task_id, start, end in StrikeOff.objects.values_list("task_id", "from_index", "reopened_from_index"):
        existing.setdefault(task_id, []).append((start, end))
    made: list[StrikeOff] = []
    for task_id, pk, index, reviewed_at in done:
        month = index + 1
        spans = existing.setdefault(task_id, [])
        # covered, or a strike-off from a later month exists (history is not rewritten)
        if any(start <= month and (end is None or month < end) for start, end in spans) or any(
            start > month for start, _end in spans
        ):
            continue
        if any(end is not None and end > month for _start, end in spans):
            continue  # reopened after this report: the plan office's decision stands
        made.append(
            StrikeOff(
                task_id=task_id, report_id=pk, from_index=month, struck_off_at=reviewed_at or clock.now()
            )
        )
        spans.append((month, None))
    StrikeOff.objects.bulk_create(made, batch_size=500)
    created = list(StrikeOff.objects.filter(pk__in=[s.pk for s in made if s.pk is not None]))
    if len(created) != len(made):  # a backend that does not return the ids of bulk inserts
        created = list(StrikeOff.objects.order_by("-pk")[: len(made)])
    audit_record_many(
        audit_entry(
            actor=actor, action=AuditAction.CREATE, obj=s, before=None, after=s.snapshot(), source=source
        )
        for s in created
    )
    return len(made)


@transaction.atomic
def task_reopen(
    *, actor: Any, task: Task, reason: str, period: ReportingPeriod | None = None, source: str = "web"
) -> StrikeOff:
    """Reopen (恢复) a struck-off task from ``period`` (default: the current month by
    :func:`jingjin.core.clock.today`): from that month it is due again. The plan office only; the
    reason is required. Past months keep their verdict. Audited on the strike-off."""
    if not may_reopen_task(actor):
        raise PermissionDenied(_("Only the plan office reopens a struck-off task."))
    reason = _clean_reason(reason, field="reason")
    if period is None:
        today = clock.today()
        index = month_index(today.year, today.month)
    else:
        index = period.index
    strike_off = (
        StrikeOff.objects.select_for_update()
        .filter(task=task, reopened_from_index__isnull=True)
        .order_by("-from_index")
        .first()
    )
    if strike_off is None:
        raise ValidationError({"task": _("Task %(task)s is not struck off.") % {"task": task.code}})
    before = strike_off.snapshot()
    # a reopening in or before the first struck-off month undoes the whole strike-off
    strike_off.reopened_from_index = max(index, strike_off.from_index)
    strike_off.reopened_at = clock.now()
    strike_off.reopened_by = actor
    strike_off.reopen_reason = reason
    strike_off.save()
    audit_change(actor=actor, obj=strike_off, before=before, source=source)
    return strike_off


# --------------------------------------------------------------------------------------------
# Copy last month (复制上月)

#: what "copy last month" takes over from the earlier report
COPIED_FIELDS = ("progress", "completion_pct", "milestone_reached", "next_plan", "problems", "support_needed")


def report_is_empty(report: Report) -> bool:
    """Is this a draft nobody has filled in yet (no text, no completion, no value, no file)?"""
    if report.status != ReportStatus.DRAFT:
        return False
    texts = (report.progress, report.next_plan, report.problems, report.support_needed)
    if any(t.strip() for t in texts) or report.completion_pct is not None or report.milestone_reached:
        return False
    if report.indicator_values.filter(value__isnull=False).exists():
        return False
    return not report.evidence.exists()


def copy_source(*, task: Task, period: ReportingPeriod) -> Report | None:
    """The report "copy last month" copies: the task's latest report before ``period``."""
    return (
        Report.objects.filter(task=task, period_index__lt=period.index)
        .select_related("period")
        .order_by("-period_index")
        .first()
    )


@transaction.atomic
def report_copy_previous(*, actor: Any, task: Task, period: ReportingPeriod, source: str = "web") -> Report:
    """Make the draft of ``task`` for ``period`` from the task's latest earlier report (复制上月):
    progress, completion, milestone flag, next month's plan, problems, support needed and the
    indicator actuals; the reporter then edits it. Goes through :func:`report_save_draft`, so every
    check applies and the draft is audited. Refused when there is no earlier report, or when this
    month's report exists and is not an empty draft (nothing is overwritten)."""
    _require_reporter(actor, task)
    existing = Report.objects.select_for_update().filter(task=task, period=period).first()
    if existing is not None and not report_is_empty(existing):
        raise WorkflowError(
            _("This month's report has been filled in already; copying last month would overwrite it.")
        )
    previous = copy_source(task=task, period=period)
    if previous is None:
        raise ValidationError({"period": _("There is no earlier report of this task to copy.")})
    numeric = set(task.indicators.filter(direction__in=NUMERIC_DIRECTIONS).values_list("pk", flat=True))
    values = {
        v.indicator_id: v.value
        for v in previous.indicator_values.all()
        if v.indicator_id in numeric and v.value is not None
    }
    return report_save_draft(
        actor=actor,
        task=task,
        period=period,
        data={name: getattr(previous, name) for name in COPIED_FIELDS},
        indicator_values=values,
        source=source,
    )
