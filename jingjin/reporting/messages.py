"""What a review leaves behind besides the report's new state: the history of review comments
(审核意见) and the in-app messages (消息提醒) to the people who act next.

* :func:`review_record` keeps every verdict (returned, approved) with its comment, reviewer and
  time as a :class:`~jingjin.reporting.models.ReviewComment`; ``Report.review_comment`` holds only
  the latest, so a later approval no longer erases the reason of an earlier return.
* :func:`notify_returned` tells the users who may edit the report (reporters and county users of
  the task's lead unit or a unit above it) that it came back, with the reviewer's comment.
* :func:`notify_approved` tells the same users that it was approved.
* :func:`notify_submitted` tells the users who may review it (approvers of the unit or a unit
  above it, and the plan office) that it waits for them.

The messages are stored as a kind and parameters (codes and both names) and written in the
reader's language when shown (:func:`jingjin.alerts.rules.render_notification`). The services of
:mod:`jingjin.reporting.services` call these inside their transaction.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.services import notifications_send
from jingjin.core import clock
from jingjin.core.permissions import users_who_may_report, users_who_may_review
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.models import COMMENT_MAX, Report, ReviewComment


def review_record(*, report: Report, verdict: str, comment: str, actor: Any) -> ReviewComment:
    """Keep one verdict on ``report`` (returned or approved) with its comment in the history."""
    return ReviewComment.objects.create(
        report=report,
        verdict=verdict,
        text=(comment or "").strip()[:COMMENT_MAX],
        author=actor if getattr(actor, "pk", None) is not None else None,
        created_at=clock.now(),
    )


def report_link(report: Report) -> str:
    """The path of the report's page."""
    return reverse("reporting:report", args=[report.period.code, report.task_id])


def _params(report: Report) -> dict[str, Any]:
    task = report.task
    unit = task.lead_unit
    return {
        "task": task.code,
        "task_zh": task.name_zh,
        "task_en": task.name_en,
        "period": report.period.code,
        "unit": unit.code if unit is not None else "",
        "unit_zh": unit.name_zh if unit is not None else "",
        "unit_en": unit.name_en if unit is not None else "",
        "report": report.pk,
    }


def _name(user: Any) -> str:
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def notify_returned(*, report: Report, actor: Any) -> int:
    """A message to every user who may edit the returned report; returns how many."""
    params = _params(report) | {"reviewer": _name(actor), "comment": report.review_comment}
    return notifications_send(
        users=users_who_may_report(report.task.lead_unit_id).values_list("pk", flat=True),
        kind=NotificationKind.REPORT_RETURNED,
        params=params,
        link=report_link(report),
    )


def notify_approved(*, report: Report, actor: Any) -> int:
    """A message to every user who may edit the report's task that it was approved; returns how many."""
    params = _params(report) | {"reviewer": _name(actor), "comment": report.review_comment}
    return notifications_send(
        users=users_who_may_report(report.task.lead_unit_id).values_list("pk", flat=True),
        kind=NotificationKind.REPORT_APPROVED,
        params=params,
        link=report_link(report),
    )


def notify_submitted(*, report: Report, actor: Any) -> int:
    """A message to every user who may review the submitted report (not its submitter); returns
    how many."""
    params = _params(report) | {
        "submitter": _name(actor),
        "resubmitted": report.status == ReportStatus.RESUBMITTED,
    }
    users = users_who_may_review(report.task.lead_unit_id).exclude(pk=getattr(actor, "pk", None))
    return notifications_send(
        users=users.values_list("pk", flat=True),
        kind=NotificationKind.REPORT_SUBMITTED,
        params=params,
        link=report_link(report),
    )
