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
from jingjin.supervision.choices import ExtensionState, ItemState, ItemStep, UrgingColour


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
    #: the deadline first given, kept when an extension (延期) is granted; null until then
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    #: the leader's instruction (领导批示) the item was made from, if any
    instruction = models.ForeignKey(
        "supervision.Instruction",
        verbose_name=_("leader's instruction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    #: the on-site meeting's decision (现场会议决定) the item was made from, if any
    decision = models.ForeignKey(
        "supervision.MeetingDecision",
        verbose_name=_("meeting decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )

    #: restrict(user, "change") lets a unit user act on the items of its unit and the units below
    owner_lookups = ("assignee_unit",)
    #: fields are changed only by the workflow services, never by a generic edit
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    #: the issuing user is kept in the snapshot by user name (users have no code)
    audit_exclude = ("id", "issued_by", "decision")

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


class Instruction(AuditedModel):
    """A leader's instruction (领导批示) on a monthly report, an early warning, a red/black list or a
    task: its text, date, leader and the units it concerns. Exactly one target is set. Giving it
    makes one supervision item per unit concerned (``items``); it is closed when all are."""

    code = models.CharField(_("code"), max_length=32, unique=True, help_text="PS-<year>-<number>")
    text = models.TextField(_("instruction"))
    given_on = models.DateField(_("date"), default=clock.today)
    leader_name = models.CharField(_("leader"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units concerned"), related_name="+")
    deadline = models.DateField(_("deadline"))
    report = models.ForeignKey(
        "reporting.Report",
        verbose_name=_("monthly report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    warning = models.ForeignKey(
        "alerts.EarlyWarning",
        verbose_name=_("early warning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    ranking_list = models.ForeignKey(
        "assessment.RankingList",
        verbose_name=_("red/black list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    audit_exclude = ("id", "leader")

    class Meta:
        ordering = ["-given_on", "-code"]
        verbose_name = _("leader's instruction (领导批示)")
        verbose_name_plural = _("leaders' instructions (领导批示)")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        report__isnull=False,
                        warning__isnull=True,
                        ranking_list__isnull=True,
                        task__isnull=True,
                    )
                    | models.Q(
                        report__isnull=True,
                        warning__isnull=False,
                        ranking_list__isnull=True,
                        task__isnull=True,
                    )
                    | models.Q(
                        report__isnull=True,
                        warning__isnull=True,
                        ranking_list__isnull=False,
                        task__isnull=True,
                    )
                    | models.Q(
                        report__isnull=True,
                        warning__isnull=True,
                        ranking_list__isnull=True,
                        task__isnull=False,
                    )
                ),
                name="instruction_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.leader_name}"

    @property
    def target(self) -> Any:
        return self.report or self.warning or self.ranking_list or self.task


class ExtensionRequest(AuditedModel):
    """An extension request (延期申请): the handling unit asks for a new deadline of a supervision
    item with a reason; the plan office grants or refuses it with a reason. ``old_deadline`` is the
    item's deadline when asked; the item keeps its first deadline in ``original_deadline``."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="extension_requests")
    old_deadline = models.DateField(_("deadline when asked"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("item__assignee_unit",)
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()
    audit_exclude = ("id", "requested_by", "decided_by")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request (延期申请)")
        verbose_name_plural = _("extension requests (延期申请)")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state="pending"),
                name="extension_one_pending_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} → {self.new_deadline}"


class Urging(models.Model):
    """One step of three-colour urging (三色督办单): blue (reminder to the handling unit), yellow
    (urging notice to the unit's head), red (notice to the responsible leader) about an open
    supervision item or an overdue monthly report. At most one of each colour per target."""

    item = models.ForeignKey(
        SupervisionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="urgings"
    )
    report = models.ForeignKey(
        "reporting.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="urgings"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(_("colour"), max_length=8, choices=UrgingColour.choices)
    date = models.DateField(_("date"), default=clock.today)
    days_overdue = models.IntegerField(_("days overdue"), default=0)
    recipients = models.JSONField(_("recipients"), default=list, help_text=_("user names"))
    created_at = models.DateTimeField(_("created"), default=clock.now)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("urging (督办单)")
        verbose_name_plural = _("urgings (督办单)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False, report__isnull=True)
                | models.Q(item__isnull=True, report__isnull=False),
                name="urging_one_target",
            ),
            models.UniqueConstraint(fields=["item", "colour"], name="urging_item_colour_once"),
            models.UniqueConstraint(fields=["report", "colour"], name="urging_report_colour_once"),
        ]

    def __str__(self) -> str:
        return f"{self.colour} {self.date}"

    @property
    def target(self) -> Any:
        return self.item or self.report


class Meeting(AuditedModel):
    """An on-site meeting (现场会议调度): date, place, chair, attending units, tasks discussed, and
    the decisions taken; each decision becomes a supervision item in one step."""

    code = models.CharField(_("code"), max_length=32, unique=True, help_text="HY-<year>-<number>")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chair"), max_length=100)
    units = models.ManyToManyField(Unit, verbose_name=_("attending units"), related_name="+", blank=True)
    tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("tasks discussed"), related_name="+", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()

    class Meta:
        ordering = ["-date", "-code"]
        verbose_name = _("on-site meeting (现场会议)")
        verbose_name_plural = _("on-site meetings (现场会议)")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class MeetingDecision(models.Model):
    """A decision (会议决定事项) of an on-site meeting: what, by which unit, by when. Made a
    supervision item (``items``) in one step by the plan office."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveIntegerField(_("number"), default=1)
    text = models.TextField(_("decision"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self) -> str:
        return f"{self.meeting.code}-{self.position}"
