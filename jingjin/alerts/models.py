"""Early warnings (预警) and the in-app notifications they raise.

An :class:`EarlyWarning` is raised by a rule (:mod:`jingjin.alerts.rules`) about one object — a task,
a report, a supervision item, an indicator or a red/black list entry — and names the
responsible unit. Its ``key`` (rule + object + period) makes recomputation idempotent:
:func:`jingjin.alerts.services.warnings_refresh` raises, refreshes and resolves warnings by key.
Resolved warnings are kept with ``resolved_at``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.alerts.choices import NotificationKind, WarningLevel, WarningRule
from jingjin.core import clock
from jingjin.core.models import AuditedModel, Unit, _json_value


class EarlyWarning(AuditedModel):
    """An early warning (预警): which rule, how serious, why, about what, for which unit, and its
    life: first raised, last seen, resolved, acknowledged (with a note)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    rule = models.CharField(_("rule"), max_length=40, choices=WarningRule.choices, db_index=True)
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices, db_index=True)
    reason = models.TextField(_("reason"), help_text=_("The reason as written when raised (Chinese)."))
    params = models.JSONField(_("parameters"), default=dict)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
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
    ranking_entry = models.ForeignKey(
        "assessment.RankingEntry",
        verbose_name=_("list entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_raised_at = models.DateTimeField(_("first raised at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledge_note = models.TextField(_("note"), blank=True)

    owner_lookups = ("unit",)
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    audit_exclude = ("id", "acknowledged_by", "last_seen_at")

    class Meta:
        ordering = ["resolved_at", "-level", "-first_raised_at", "-id"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")

    def __str__(self) -> str:
        return self.key

    def natural_key_text(self) -> str:
        return self.key

    def snapshot(self) -> dict[str, Any]:
        """The audited values without loading related objects (recomputation audits thousands of
        warnings at once): related objects by id — their codes are in ``params`` — and the
        acknowledging user by id."""
        data: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude:
                continue
            data[field.name] = _json_value(getattr(self, field.attname))
        data["acknowledged_by"] = self.acknowledged_by_id
        return data

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def reason_text(self) -> str:
        """The reason in the active language, from the rule's message and the stored parameters."""
        from jingjin.alerts.rules import render_reason

        return render_reason(self.rule, self.params) or self.reason

    @property
    def level_colour(self) -> str:
        return "danger" if self.level == WarningLevel.RED else "warning"


class Notification(models.Model):
    """An in-app notification (消息提醒) of one user: a newly raised warning, or a message about a
    report (returned to its unit, submitted for review); unread, then read.

    ``kind`` says which (:class:`~jingjin.alerts.choices.NotificationKind`); a message's text is
    made in the reader's language from ``kind`` and ``params``; ``link`` is the page it opens.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warning_notifications"
    )
    kind = models.CharField(
        _("kind"), max_length=24, choices=NotificationKind.choices, default=NotificationKind.WARNING
    )
    warning = models.ForeignKey(
        EarlyWarning, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user} {self.warning.key if self.warning is not None else self.kind}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        """What the notification says, in the active language: a warning's reason, or the message
        of a report notification made from ``kind`` and ``params``."""
        if self.warning_id is not None and self.warning is not None:
            return self.warning.reason_text
        from jingjin.alerts.rules import render_notification

        return render_notification(self.kind, self.params or {})
