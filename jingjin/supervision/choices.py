"""Choices of the supervision app: the states of a supervision item (督办件) and the steps between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState(models.TextChoices):
    """Where a supervision item stands: 交办 → 签收 → 办理 → 反馈 → 办结."""

    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ItemStep(models.TextChoices):
    """What a user does to a supervision item; each step moves it from one state to the next."""

    ISSUE = "issue", _("Issue")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge receipt")
    START = "start", _("Start work")
    ANSWER = "answer", _("Answer")
    CLOSE = "close", _("Close the item")
    REOPEN = "reopen", _("Send back")


class Signal(models.TextChoices):
    """The deadline signal of an open item: yellow three days before the deadline, red after it."""

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ExtensionState(models.TextChoices):
    """Where an extension request (延期申请) stands: pending, then granted or refused."""

    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class UrgingColour(models.TextChoices):
    """The three colours of urging (三色督办单), in the order they escalate."""

    BLUE = "blue", _("Blue: reminder")
    YELLOW = "yellow", _("Yellow: urging notice to the unit head")
    RED = "red", _("Red: notice to the responsible leader")
