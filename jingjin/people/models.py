"""Talent and party building (人才与党建, issue 17): the talent pool with growth files and teams, the
揭榜挂帅 challenge board, party organisations with their meetings, member changes and early
warnings. Writes go through :mod:`jingjin.people.services` (audited); reads through
:mod:`jingjin.people.selectors` (scoped and masked per role)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import AuditedModel, Unit
from jingjin.people.choices import (
    ChallengeState,
    GrowthKind,
    MeetingKind,
    OrgKind,
    PartyWarningLevel,
    PartyWarningState,
    TalentCategory,
    TargetKey,
    WarningMeasure,
)

MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(10**11)],
}


class TalentTeam(AuditedModel):
    """A talent team (人才团队), e.g. an outstanding team (优秀团队) of a unit."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("field"), max_length=200, blank=True)
    is_outstanding = models.BooleanField(_("outstanding team"), default=False)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("unit",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("talent team")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Talent(AuditedModel):
    """A person of the talent pool (人才库): category, unit, and personal fields (ID number, phone,
    birth date) that only the personnel officers and the plan office see unmasked."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=TalentCategory.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=200, blank=True)
    team = models.ForeignKey(
        TalentTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("unit",)
    #: the fields masked for every role but the personnel officers and the plan office
    PERSONAL_FIELDS = ("id_number", "phone", "birth_date")
    #: the audit trail keeps no personal value (it is read by every signed-in user)
    audit_exclude = ("id", "id_number", "phone", "birth_date")

    class Meta:
        ordering = ["code"]
        verbose_name = _("talent")
        indexes = [models.Index(fields=["category", "unit"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GrowthEntry(AuditedModel):
    """A dated entry of a talent's growth file (成长档案): a position, training, assessment, award
    or project."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="growth")
    kind = models.CharField(_("kind"), max_length=16, choices=GrowthKind.choices)
    date = models.DateField(_("date"))
    text = models.CharField(_("entry"), max_length=300)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("growth-file entry")

    def __str__(self) -> str:
        return f"{self.date} {self.text}"


class TalentTarget(AuditedModel):
    """A five-year target of the talent pool (e.g. 100 leading talents, ~30 outstanding teams)."""

    key = models.CharField(_("counts"), max_length=16, choices=TargetKey.choices, unique=True)
    target = models.PositiveIntegerField(_("target"), validators=[MaxValueValidator(1_000_000)])
    start_year = models.PositiveIntegerField(_("from year"))
    end_year = models.PositiveIntegerField(_("to year"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("talent target")

    def __str__(self) -> str:
        return f"{self.key} {self.target}"


class TalentAccess(models.Model):
    """One view of a talent's full record (人员信息查阅记录): who, when, masked or not."""

    time = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(_("user name"), max_length=150)
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="accesses")
    unmasked = models.BooleanField(_("personal fields shown"), default=False)
    source = models.CharField(_("source"), max_length=16, default="web")

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("talent record view")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.talent_id}"


# --------------------------------------------------------------------------------------------
# 揭榜挂帅


class Challenge(AuditedModel):
    """A key problem put up for teams to take on (揭榜挂帅) with its terms: goal, budget (万元),
    deadline for bids and evaluation method. States in :class:`ChallengeState`."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("problem"), max_length=200)
    goal = models.TextField(_("goal"), max_length=4000)
    budget = models.DecimalField(_("budget (10,000 yuan)"), **MONEY)
    deadline = models.DateField(_("deadline for bids"))
    evaluation = models.TextField(_("evaluation method"), max_length=4000)
    unit = models.ForeignKey(
        Unit, verbose_name=_("publishing unit"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=16, choices=ChallengeState.choices, default="draft")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    selection_reason = models.TextField(_("reasons of the selection"), max_length=4000, blank=True)
    acceptance_reason = models.TextField(_("acceptance remarks"), max_length=4000, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("challenge")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def selected_bid(self) -> Bid | None:
        return next((b for b in self.bids.all() if b.selected), None)


class Bid(AuditedModel):
    """A team's bid for a challenge (揭榜): its plan and the budget asked (万元)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="bids")
    team = models.ForeignKey(
        TalentTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="bids"
    )
    plan = models.TextField(_("plan"), max_length=4000)
    budget_asked = models.DecimalField(_("budget asked (10,000 yuan)"), **MONEY)
    submitted_on = models.DateField(_("submitted on"))
    selected = models.BooleanField(_("selected"), default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "team"], name="people_one_bid_per_team")]
        verbose_name = _("bid")

    def natural_key_text(self) -> str:
        return f"{self.challenge.code}/{self.team.code}"


class ChallengeMilestone(AuditedModel):
    """A milestone of a selected team's work (planned date, reached date, note)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    planned = models.DateField(_("planned"))
    reached = models.DateField(_("reached"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        ordering = ["planned", "pk"]
        verbose_name = _("challenge milestone")


# --------------------------------------------------------------------------------------------
# Party organisations


class PartyOrg(AuditedModel):
    """A party organisation (党组织) of a unit: kind, members count, secretary (or a vacancy since a
    date)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    members = models.PositiveIntegerField(_("party members"), validators=[MaxValueValidator(100_000)])
    secretary = models.CharField(_("secretary"), max_length=100, blank=True)
    vacant_since = models.DateField(_("secretary post vacant since"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("unit",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("party organisation")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def secretary_vacant(self) -> bool:
        return self.vacant_since is not None or not self.secretary


class UnitPartyMembers(AuditedModel):
    """The party members registered in a unit (党员数): the base of the coverage check — a unit with
    members needs an organisation."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    members = models.PositiveIntegerField(_("party members"), validators=[MaxValueValidator(100_000)])
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("party members of a unit")

    def natural_key_text(self) -> str:
        return self.unit.code


class PartyMeeting(AuditedModel):
    """A meeting or activity held (三会一课 …) on a date."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("party meeting")


class MemberChange(AuditedModel):
    """A change of an organisation's members (joined > 0, left < 0) on a date."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="changes")
    changed_on = models.DateField(_("date"))
    delta = models.IntegerField(
        _("change"), validators=[MinValueValidator(-100_000), MaxValueValidator(100_000)]
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_on", "-pk"]
        verbose_name = _("member change")


class WarningRule(AuditedModel):
    """A configurable early-warning rule: ``measure`` at or above ``threshold`` → ``level``."""

    measure = models.CharField(_("measure"), max_length=24, choices=WarningMeasure.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    level = models.CharField(_("level"), max_length=8, choices=PartyWarningLevel.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["measure", "threshold", "pk"]
        verbose_name = _("warning rule")

    def natural_key_text(self) -> str:
        return f"{self.measure}>={self.threshold}:{self.level}"


class PartyWarning(AuditedModel):
    """An early warning of an organisation (防瘫防软预警) with its level and reasons (the rules that
    triggered, with the values), and its rectification (整改: plan, deadline, done)."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="warnings")
    level = models.CharField(_("level"), max_length=8, choices=PartyWarningLevel.choices)
    state = models.CharField(_("state"), max_length=16, choices=PartyWarningState.choices, default="open")
    reasons = models.JSONField(_("reasons"), default=list)
    raised_on = models.DateField(_("raised on"))
    evaluated_on = models.DateField(_("last evaluated on"))
    rectification_plan = models.TextField(_("rectification plan"), max_length=4000, blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.TextField(_("what was done"), max_length=4000, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("party-organisation warning")

    def natural_key_text(self) -> str:
        return f"{self.org.code}@{self.raised_on}"
