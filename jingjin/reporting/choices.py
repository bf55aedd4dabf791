"""Choices of monthly reporting: report states and continuity outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Workflow state of a monthly report (月报告状态).

    draft → submitted → approved | returned → resubmitted → approved | returned …
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")


#: states in which the reporting unit may still edit a report
EDITABLE_STATES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
#: states waiting for a reviewer
REVIEW_STATES = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)
#: states whose completion % counts as reported (drafts and returned reports do not)
REPORTED_STATES = (*REVIEW_STATES, ReportStatus.APPROVED)


class ContinuityOutcome(models.TextChoices):
    """What became of one line of last month's next-month plan (次月计划落实情况)."""

    DONE = "done", _("Done")
    MOVED = "moved", _("Moved to a later month")
    DROPPED = "dropped", _("Dropped")
