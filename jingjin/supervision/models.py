"""Supervision items (督办件): tasks the plan office hands to a unit with a deadline.

An item goes 交办 → 签收 → 办理 → 反馈 → 办结 (assigned → acknowledged → in progress → answered →
closed). The unit it is assigned to acknowledges, works on and answers it; the plan office closes
it or sends an answer back. Every step is kept in :class:`SupervisionStep`; every change of the item
is in the audit trail. Writes happen only in :mod:`jingjin.supervision.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import AuditedModel, Unit
from jingjin.supervision.choices import ItemState, ItemStep


class SupervisionItem(AuditedModel):
    """A supervision item (督办件) issued by the plan office to one unit, with a deadline (办理时限)."""

    code = models.CharField(_("code"), max_length=32, unique=True, help_text="DB-<year>-<number>")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what is to be done"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"), default=clock.today)
    assignee_unit = models.ForeignKey(
        Unit, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="supervision_items"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("related task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_items",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ItemState.choices, default=ItemState.ASSIGNED, db_index=True
    )
    answer = models.TextField(_("answer"), blank=True, help_text=_("The unit's latest answer (反馈)."))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    #: restrict(user, "change") lets a unit user act on the items of its unit and the units below
    owner_lookups = ("assignee_unit",)
    #: fields are changed only by the workflow services, never by a generic edit
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    #: the issuing user is kept in the snapshot by user name (users have no code)
    audit_exclude = ("id", "issued_by")

    class Meta:
        ordering = ["deadline", "code"]
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        data["issued_by"] = self.issued_by.get_username() if self.issued_by is not None else None
        return data

    @property
    def is_open(self) -> bool:
        return self.state != ItemState.CLOSED


class SupervisionStep(models.Model):
    """One step of a supervision item's history (办理记录): who moved it from which state to which,
    when, and the comment or answer given."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=ItemStep.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150)
    actor_unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time = models.DateTimeField(_("time"), default=clock.now)
    from_state = models.CharField(_("from"), max_length=16, choices=ItemState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=ItemState.choices)
    text = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["time", "id"]
        verbose_name = _("supervision step")
        verbose_name_plural = _("supervision steps")

    def __str__(self) -> str:
        return f"{self.item.code} {self.from_state or '—'} → {self.to_state}"


class Stationing(AuditedModel):
    """A cadre stationed (蹲点) at a task, a key project or a village for a period, with a work log
    and a closing summary. Exactly one of ``task``, ``project`` and ``village`` is set. Written only
    by the supervision services; shown on the task, project and village pages."""

    code = models.CharField(_("code"), max_length=32, unique=True, help_text="DD-<year>-<number>")
    cadre_name = models.CharField(_("cadre"), max_length=100)
    cadre_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cadre's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cadre_unit = models.ForeignKey(
        Unit, verbose_name=_("cadre's unit"), on_delete=models.PROTECT, related_name="stationed_cadres"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stationings",
    )
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stationings",
    )
    village = models.ForeignKey(
        Unit,
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stationings",
    )
    purpose = models.TextField(_("purpose"))
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    summary = models.TextField(_("closing summary"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    #: the cadre's unit changes (writes the log of) its own stationings
    owner_lookups = ("cadre_unit",)
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    audit_exclude = ("id", "cadre_user")

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("stationing (蹲点)")
        verbose_name_plural = _("stationings (蹲点)")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(task__isnull=False, project__isnull=True, village__isnull=True)
                    | models.Q(task__isnull=True, project__isnull=False, village__isnull=True)
                    | models.Q(task__isnull=True, project__isnull=True, village__isnull=False)
                ),
                name="stationing_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="stationing_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.cadre_name}"

    @property
    def target(self) -> Any:
        return self.task or self.project or self.village


class StationingLog(models.Model):
    """One entry of a stationed cadre's work log (蹲点日志)."""

    stationing = models.ForeignKey(Stationing, on_delete=models.CASCADE, related_name="logs")
    date = models.DateField(_("date"), default=clock.today)
    text = models.TextField(_("what was done"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stationing log entry")
        verbose_name_plural = _("stationing log entries")

    def __str__(self) -> str:
        return f"{self.stationing.code} {self.date}"
