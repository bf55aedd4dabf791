"""Choices of early warnings (预警): the rules and the two warning levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    """How serious a warning is: yellow (黄色预警) or red (红色预警)."""

    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class WarningRule(models.TextChoices):
    """The rule that raised a warning (预警规则); each is documented in :mod:`jingjin.alerts.rules`."""

    REPORT_MISSING = "report_missing", _("Report missing")
    STATUS_RED = "status_red", _("Task far behind or overdue")
    INDICATOR_PROJECTED_TO_MISS = "indicator_projected_to_miss", _("Indicator projected to miss")
    SUPERVISION_DUE_SOON = "supervision_due_soon", _("Supervision item due soon")
    SUPERVISION_OVERDUE = "supervision_overdue", _("Supervision item overdue")
    BLACK_LIST_ESCALATION = "black_list_escalation", _("Black list twice in a row")


class NotificationKind(models.TextChoices):
    """What an in-app notification (消息提醒) is about."""

    WARNING = "warning", _("Early warning")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted for review")
    REPORT_APPROVED = "report_approved", _("Report approved")
    REMINDER = "reminder", _("Reminder to report")
    SUPERVISION_NEW = "supervision_new", _("New supervision item")
    SUPERVISION_DUE = "supervision_due", _("Supervision item due soon or overdue")
    JOB_FINISHED = "job_finished", _("Job finished")
