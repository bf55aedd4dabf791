"""Writes of the monthly project reports (项目月报), each checked, atomic and audited.

The loop is the one of the tasks' reports (:mod:`jingjin.reporting.services`):
draft → submitted → approved | returned → resubmitted → approved | returned …

* reporters and county users whose unit scope holds the project's owning unit, county or park
  fill in and submit drafts and returned reports
  (:func:`~jingjin.core.permissions.may_fill_project_report`);
* approvers of those units and the plan office approve or return submitted reports
  (:func:`~jingjin.core.permissions.may_review_project_report`); approving copies the actual
  dates of the milestones reached to the project's :class:`~jingjin.projects.models.ProjectMilestone`
  (audited on the project); approved reports are locked;
* whoever issues supervision items turns a report's support request into a supervision item
  (:func:`project_report_supervise`), linked back in ``ProjectReport.supervision_item``.

**The year-to-date rule.** Investment is in 万元. A report's year to date is at least its month's
investment, and at least the year to date of the project's latest earlier report of the same year
that counts as reported (submitted, resubmitted or approved) — unless the report gives the reason
for the lower figure (``ytd_reason``, e.g. a statistics correction). January starts a new year: only
the first check applies. The rule is checked when a draft is saved and again when it is submitted.

Bad input raises :class:`django.core.exceptions.ValidationError` (nothing is saved), a wrong role
or unit :class:`~jingjin.core.permissions.PermissionDenied`, a step the report's state does not
allow :class:`~jingjin.reporting.services.WorkflowError`.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.services import notifications_send
from jingjin.core import clock
from jingjin.core.bounds import BoundError, DateInYears
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    may_fill_project_report,
    may_review_project_report,
    may_supervise_project_report,
    users_who_may_report,
    users_who_may_review,
)
from jingjin.core.services import audit_change
from jingjin.core.texts import model_text_errors
from jingjin.projects.choices import MilestoneKind
from jingjin.projects.models import (
    INVESTMENT,
    KeyProject,
    ProjectMilestone,
    ProjectReport,
    ProjectReportMilestone,
    ProjectReviewComment,
)
from jingjin.reporting.choices import REPORTED_STATES, REVIEW_STATES, ReportStatus
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.services import (
    WorkflowError,
    _clean_reason,
    mark_reviewed,
    mark_submitted,
    period_get_or_create,
    period_parse,
)
from jingjin.supervision.models import SupervisionItem
from jingjin.supervision.services import item_issue

#: report fields a reporter fills in
FILL_FIELDS = (
    "investment_month",
    "investment_ytd",
    "image_progress",
    "problems",
    "support_needed",
    "ytd_reason",
)
#: the amounts among them (万元)
AMOUNT_FIELDS = ("investment_month", "investment_ytd")
#: how many days after today the supervision item made from a support request is due by default
SUPERVISION_DAYS = 15

__all__ = [
    "WorkflowError",
    "period_get_or_create",
    "period_parse",
    "project_report_approve",
    "project_report_fill",
    "project_report_return",
    "project_report_save_draft",
    "project_report_submit",
    "project_report_supervise",
]


def _require_filler(actor: Any, project: KeyProject) -> None:
    if not may_fill_project_report(actor, project):
        raise PermissionDenied(
            _(
                "Only reporters and county users of the project's owning unit, county or park fill "
                "in its reports."
            )
        )


def _require_editable(report: ProjectReport) -> None:
    if report.status == ReportStatus.APPROVED:
        raise WorkflowError(_("This report is approved and locked."))
    if not report.is_editable:
        raise WorkflowError(_("This report has been submitted and waits for review."))


def _amount(field: str, value: Any) -> Decimal:
    label = getattr(ProjectReport._meta.get_field(field), "verbose_name", field)
    if value is None or value == "":
        return Decimal(0)
    try:
        return INVESTMENT.parse(value)
    except BoundError as exc:
        raise ValidationError({field: f"{label}: {exc.message.translated()}"}) from exc


def _clean_milestones(milestones: dict[str, Any], period: ReportingPeriod) -> dict[str, date]:
    """``kind → actual date`` checked: a known milestone, a date (or ``YYYY-MM-DD``) within the
    years every page reads, not after the last day of the report's month."""
    last = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
    labels = dict(MilestoneKind.choices)
    cleaned: dict[str, date] = {}
    errors: list[str] = []
    for kind, raw in milestones.items():
        if kind not in labels:
            errors.append(_("%(kind)s is not a milestone.") % {"kind": kind})
            continue
        try:
            day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
            DateInYears()(day)
        except (ValueError, ValidationError):
            errors.append(
                _("%(milestone)s: %(value)s is not a date.") % {"milestone": labels[kind], "value": raw}
            )
            continue
        if day > last:
            errors.append(
                _("%(milestone)s: %(date)s lies after the report's month %(period)s.")
                % {"milestone": labels[kind], "date": day.isoformat(), "period": period.code}
            )
            continue
        cleaned[kind] = day
    if errors:
        raise ValidationError({"milestones": errors})
    return cleaned


def previous_reported(report: ProjectReport) -> ProjectReport | None:
    """The project's latest earlier report of the same year that counts as reported."""
    return (
        ProjectReport.objects.filter(
            project_id=report.project_id,
            period__year=report.period.year,
            period_index__lt=report.period.index,
            status__in=REPORTED_STATES,
        )
        .select_related("period")
        .order_by("-period_index")
        .first()
    )


def check_ytd(report: ProjectReport) -> None:
    """The year-to-date rule of the module's docstring; ValidationError on ``investment_ytd``."""
    if report.ytd_reason:
        report.ytd_reason = _clean_reason(report.ytd_reason, field="ytd_reason")
    if report.investment_ytd < report.investment_month:
        raise ValidationError(
            {
                "investment_ytd": _(
                    "The year to date (%(ytd)s) is below this month's investment (%(month)s)."
                )
                % {"ytd": report.investment_ytd, "month": report.investment_month}
            }
        )
    previous = previous_reported(report)
    if previous is not None and report.investment_ytd < previous.investment_ytd and not report.ytd_reason:
        raise ValidationError(
            {
                "investment_ytd": _(
                    "Below the year to date of %(ytd)s reported for %(month)s: give the reason for "
                    "the lower figure."
                )
                % {"ytd": previous.investment_ytd, "month": previous.period.code}
            }
        )


@transaction.atomic
def project_report_save_draft(
    *,
    actor: Any,
    project: KeyProject,
    period: ReportingPeriod,
    data: dict[str, Any],
    milestones: dict[str, Any] | None = None,
    source: str = "web",
) -> ProjectReport:
    """Create or change the report of ``project`` for ``period`` (a draft or a returned report).

    ``data`` holds fields of :data:`FILL_FIELDS`; ``milestones`` (when given) replaces the
    milestones reached: milestone kind → actual date. The report keeps its state until submitted.
    """
    _require_filler(actor, project)
    unknown = sorted(set(data) - set(FILL_FIELDS))
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    report = ProjectReport.objects.select_for_update().filter(project=project, period=period).first()
    before = None
    if report is None:
        report = ProjectReport(project=project, period=period)
    else:
        _require_editable(report)
        before = report.snapshot()
    for name, value in data.items():
        value = _amount(name, value) if name in AMOUNT_FIELDS else (value or "")
        setattr(report, name, value)
    text_errors = model_text_errors(report, [n for n in data if n not in AMOUNT_FIELDS])
    if text_errors:
        raise ValidationError(text_errors)
    report.full_clean(exclude=["supervision_item"])
    check_ytd(report)
    reached = _clean_milestones(milestones, period) if milestones is not None else None
    report.save()
    if reached is not None:
        report.milestones_reached.exclude(kind__in=list(reached)).delete()
        for kind, day in reached.items():
            ProjectReportMilestone.objects.update_or_create(
                report=report, kind=kind, defaults={"actual": day}
            )
    audit_change(actor=actor, obj=report, before=before, source=source)
    return report


@transaction.atomic
def project_report_submit(*, actor: Any, report: ProjectReport, source: str = "web") -> ProjectReport:
    """Submit a draft (→ submitted) or a returned report (→ resubmitted, 重新报送) for review.

    Needs the image progress (形象进度) of the month; the year-to-date rule is checked again (an
    earlier month may have been submitted since the draft was saved)."""
    report = ProjectReport.objects.select_for_update().select_related("project", "period").get(pk=report.pk)
    _require_filler(actor, report.project)
    _require_editable(report)
    if not report.image_progress.strip():
        raise ValidationError({"image_progress": _("Describe the image progress of this month.")})
    check_ytd(report)
    before = report.snapshot()
    mark_submitted(report, actor=actor)
    report.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    _notify(report, actor, NotificationKind.REPORT_SUBMITTED)
    return report


def _reviewed(actor: Any, report: ProjectReport, status: str, comment: str, source: str) -> ProjectReport:
    """The review (``status``: approved or returned) of a submitted report, checked and audited."""
    report = ProjectReport.objects.select_for_update().select_related("project", "period").get(pk=report.pk)
    if not may_review_project_report(actor, report):
        raise PermissionDenied(
            _("Only approvers of the project's units and the plan office review its reports.")
        )
    if report.status == ReportStatus.APPROVED:
        raise WorkflowError(_("This report is approved and locked."))
    if report.status not in REVIEW_STATES:
        raise WorkflowError(_("Only a submitted report can be reviewed."))
    before = report.snapshot()
    mark_reviewed(report, actor=actor, status=status, comment=comment)
    report.save()
    ProjectReviewComment.objects.create(
        report=report,
        verdict=status,
        text=report.review_comment,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=report.reviewed_at or clock.now(),
    )
    audit_change(actor=actor, obj=report, before=before, source=source)
    return report


@transaction.atomic
def project_report_approve(
    *, actor: Any, report: ProjectReport, comment: str = "", source: str = "web"
) -> ProjectReport:
    """Approve a submitted report (→ approved, locked) and copy the actual dates of its milestones
    reached to the project's milestones (created when the project has none of that kind yet; the
    planned date is kept); the project's change is audited on the project."""
    report = _reviewed(actor, report, ReportStatus.APPROVED, comment, source)
    reached = list(report.milestones_reached.all())
    if reached:
        project = KeyProject.objects.select_for_update().get(pk=report.project_id)
        project_before = project.snapshot()
        for milestone in reached:
            ProjectMilestone.objects.update_or_create(
                project=project, kind=milestone.kind, defaults={"actual": milestone.actual}
            )
        audit_change(actor=actor, obj=project, before=project_before, source=source)
    _notify(report, actor, NotificationKind.REPORT_APPROVED)
    return report


@transaction.atomic
def project_report_return(
    *, actor: Any, report: ProjectReport, comment: str, source: str = "web"
) -> ProjectReport:
    """Return a submitted report to its unit with a comment (→ returned, editable again)."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report = _reviewed(actor, report, ReportStatus.RETURNED, comment, source)
    _notify(report, actor, NotificationKind.REPORT_RETURNED)
    return report


def project_report_fill(
    *,
    actor: Any,
    project: KeyProject,
    period: ReportingPeriod,
    data: dict[str, Any],
    milestones: dict[str, Any] | None = None,
    submit: bool = False,
    source: str = "web",
) -> ProjectReport:
    """The one write of the report form: store the month when it is not stored yet (a page view
    stores none), save the draft and submit it when asked — all or nothing."""
    with transaction.atomic():
        if period.pk is None:
            period = period_get_or_create(year=period.year, month=period.month)
        report = project_report_save_draft(
            actor=actor, project=project, period=period, data=data, milestones=milestones, source=source
        )
        if submit:
            report = project_report_submit(actor=actor, report=report, source=source)
    return report


def supervision_body(report: ProjectReport) -> str:
    """The body of the supervision item made from a report: the project, the month and the request."""
    project = report.project
    head = _("Support requested in the monthly report of project %(code)s %(name)s for %(period)s:") % {
        "code": project.code,
        "name": project.name,
        "period": report.period.code,
    }
    return f"{head}\n{report.support_needed.strip()}"


@transaction.atomic
def project_report_supervise(
    *,
    actor: Any,
    report: ProjectReport,
    deadline: date | None = None,
    assignee_unit: Unit | None = None,
    source: str = "web",
) -> SupervisionItem:
    """Turn the support request (支持事项) of ``report`` into a supervision item (督办件) in one step:
    assigned to ``assignee_unit`` (default: the project's owning unit), due on ``deadline``
    (default: :data:`SUPERVISION_DAYS` days from today), its body the request with the project and
    the month; the report links to it (audited on the report, the item audited by its issue).
    Refused when the report asks for no support, is a draft (not sent yet), or has its item already."""
    report = ProjectReport.objects.select_for_update().select_related("project", "period").get(pk=report.pk)
    if not may_supervise_project_report(actor, report):
        raise PermissionDenied(_("Only the plan office turns a support request into a supervision item."))
    if not report.support_needed.strip():
        raise ValidationError({"support_needed": _("This report asks for no support.")})
    if report.status not in (*REVIEW_STATES, ReportStatus.APPROVED, ReportStatus.RETURNED):
        raise WorkflowError(_("This report has not been submitted yet."))
    if report.supervision_item_id is not None:
        raise WorkflowError(_("A supervision item has been made from this request already."))
    project = report.project
    title = _("Support for project %(code)s (%(period)s)") % {
        "code": project.code,
        "period": report.period.code,
    }
    item = item_issue(
        actor=actor,
        title=title[:200],
        assignee_unit=assignee_unit or project.owner_unit,
        deadline=deadline or date.fromordinal(clock.today().toordinal() + SUPERVISION_DAYS),
        body=supervision_body(report),
        source=source,
    )
    before = report.snapshot()
    report.supervision_item = item
    report.save(update_fields=["supervision_item", "updated"])
    audit_change(actor=actor, obj=report, before=before, source=source)
    return item


# --------------------------------------------------------------------------------------------
# Messages (消息提醒): the kinds of the tasks' reports, the project in the place of the task


def _name(user: Any) -> str:
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _notify(report: ProjectReport, actor: Any, kind: str) -> int:
    """Tell the people who act next: the reviewers of a submitted report (not its submitter), the
    fillers of an approved or returned one. Returns how many were told."""
    from django.urls import reverse

    project = report.project
    unit = project.owner_unit
    params: dict[str, Any] = {
        "task": project.code,
        "task_zh": project.name_zh,
        "task_en": project.name_en,
        "period": report.period.code,
        "unit": unit.code,
        "unit_zh": unit.name_zh,
        "unit_en": unit.name_en,
        "project_report": report.pk,
    }
    if kind == NotificationKind.REPORT_SUBMITTED:
        params |= {"submitter": _name(actor), "resubmitted": report.status == ReportStatus.RESUBMITTED}
        users = users_who_may_review(unit.pk).exclude(pk=getattr(actor, "pk", None))
    else:
        params |= {"reviewer": _name(actor), "comment": report.review_comment}
        users = users_who_may_report(unit.pk)
    return notifications_send(
        users=users.values_list("pk", flat=True),
        kind=kind,
        params=params,
        link=reverse("projects:report_detail", args=[report.pk]),
    )
