"""Reminders (催报), notification preferences, webhook addresses and the deliveries by e-mail and
webhook.

* :class:`Reminder` — one reminder to one unit about one period's missing reports (or one
  supervision item) of one kind on one day. Its ``key`` (kind, unit, period or item, day) is unique:
  the schedule runs at most once a day per key, and the plan office reads the history (催报记录).
* :class:`Preference` — which notification kinds a user receives on which channel (消息设置);
  without a row, every channel is on.
* :class:`UserChannels` — a user's own webhook address; :class:`UnitWebhook` — a unit's group
  robot (WeCom/DingTalk style), which gets the unit's reminders and messages once per event.
* :class:`Delivery` — one message by e-mail or webhook, sent by a worker (never in the request),
  retried a bounded number of times (``JINGJIN_NOTIFY_ATTEMPTS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.alerts.choices import NotificationKind
from jingjin.core import clock
from jingjin.core.models import AuditedModel, Unit
from jingjin.notifications.choices import Channel, DeliveryState, ReminderKind

URL_MAX = 500


class Reminder(AuditedModel):
    """A reminder (催报) to one unit: its missing reports of a period (before or after the deadline,
    escalated, or urged by the plan office), or one supervision item due soon or overdue."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        "reporting.ReportingPeriod",
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    supervision_item = models.ForeignKey(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"), db_index=True)
    days = models.IntegerField(
        _("days to the deadline"), default=0, help_text=_("Positive before the deadline, negative after it.")
    )
    tasks = models.JSONField(_("tasks"), default=list, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    owner_lookups = ("unit",)

    class Meta:
        ordering = ["-day", "-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key

    def natural_key_text(self) -> str:
        return self.key


class Preference(models.Model):
    """Whether a user receives one kind of notification in the app, by e-mail and by webhook."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    webhook = models.BooleanField(_("webhook"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"

    def on(self, channel: str) -> bool:
        return bool(getattr(self, channel))


class UserChannels(AuditedModel):
    """A user's own webhook address (a robot of a chat group or any receiver of a JSON POST)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_channels"
    )
    webhook_url = models.URLField(_("webhook address"), max_length=URL_MAX, blank=True)

    class Meta:
        verbose_name = _("notification channels")
        verbose_name_plural = _("notification channels")

    def __str__(self) -> str:
        return f"{self.user_id}"

    def natural_key_text(self) -> str:
        return str(self.user_id)


class UnitWebhook(AuditedModel):
    """The webhook of a unit's chat group robot: the unit's reminders and messages, once each."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("webhook address"), max_length=URL_MAX)

    owner_lookups = ("unit",)

    class Meta:
        verbose_name = _("unit webhook")
        verbose_name_plural = _("unit webhooks")

    def __str__(self) -> str:
        return self.unit.code

    def natural_key_text(self) -> str:
        return self.unit.code


class Delivery(models.Model):
    """One message by e-mail or webhook, waiting, sent or failed after its attempts."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(_("address"), max_length=URL_MAX)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.target}"
