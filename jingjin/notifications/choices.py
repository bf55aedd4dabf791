"""Choices of the notifications app: reminder kinds, channels, delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """Why a reminder (催报) went to a unit."""

    BEFORE = "before", _("Before the deadline")
    OVERDUE = "overdue", _("After the deadline")
    ESCALATION = "escalation", _("Escalated to the unit's leaders")
    URGE = "urge", _("Urged by the plan office")
    ITEM_DUE_SOON = "item_due_soon", _("Supervision item due soon")
    ITEM_OVERDUE = "item_overdue", _("Supervision item overdue")


class Channel(models.TextChoices):
    """Where a notification goes (通知渠道)."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryState(models.TextChoices):
    """A message on its way by e-mail or webhook: queued (or waiting for a retry), sent, failed."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
