"""Return-to-poverty monitoring (防止返贫动态监测): households, members, the identification
procedure, risk factors, assistance measures and funds, income records, screening candidates,
and the log of who looked at whose personal data.

Personal data of members (ID number, phone, bank account, health condition) are stored only
encrypted (:mod:`jingjin.rural.crypto`) and are left out of every audit snapshot.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingjin.core.models import AuditedModel, Unit
from jingjin.rural.choices import (
    STEP_ORDER,
    Channel,
    HouseholdState,
    LabourCapacity,
    MeasureKind,
    MonitoringType,
    Relation,
    RiskKind,
    Step,
)
from jingjin.rural.crypto import EncryptedTextField


def _money(label: Any = "", *, default: Decimal | None = None) -> models.DecimalField[Decimal, Decimal]:
    """A sum of yuan, ≥ 0, with cents."""
    extra: dict[str, Any] = {} if default is None else {"default": default}
    return models.DecimalField(
        label or None, max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **extra
    )


class Household(AuditedModel):
    """A monitored household (监测户), the unit of monitoring: its village, county (the village's),
    type, discovery channel, state and the figures the elimination rule reads."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    head_name = models.CharField(_("head of household"), max_length=64)
    village = models.ForeignKey(
        Unit, models.PROTECT, related_name="rural_households", verbose_name=_("village")
    )
    county = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("county"))
    former_poor = models.BooleanField(_("formerly poor"), default=False)
    channel = models.CharField(_("discovery channel"), max_length=24, choices=Channel.choices)
    monitoring_type = models.CharField(_("type"), max_length=16, choices=MonitoringType.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=HouseholdState.choices, default=HouseholdState.IDENTIFYING
    )
    size = models.PositiveSmallIntegerField(_("members"), default=1, validators=[MinValueValidator(1)])
    net_income = _money(_("net income, last 12 months (yuan)"), default=Decimal(0))
    rigid_expenditure = _money(_("rigid expenditure (yuan)"), default=Decimal(0))
    food_clothing_secure = models.BooleanField(_("food and clothing secure"), default=True)
    education_secure = models.BooleanField(_("compulsory education secure"), default=True)
    medical_secure = models.BooleanField(_("basic medical care secure"), default=True)
    housing_secure = models.BooleanField(_("housing safe"), default=True)
    water_secure = models.BooleanField(_("drinking water safe"), default=True)
    lead_date = models.DateField(_("lead received"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    monitored_since = models.DateField(_("monitored since"), null=True, blank=True)
    eliminated_on = models.DateField(_("risk eliminated on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="later",
        verbose_name=_("earlier file"),
        help_text=_("The family's closed file this one follows (monitored again)."),
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county_id", "village_id")

    class Meta:
        ordering = ["code"]
        verbose_name = _("monitored household")
        verbose_name_plural = _("monitored households")

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class Member(AuditedModel):
    """A member of a household (家庭成员). ``id_number``, ``phone``, ``bank_account`` and
    ``health`` are encrypted at rest; ``id_hash`` is the keyed hash for exact look-up."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=64)
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    bank_account = EncryptedTextField(_("bank account"), blank=True)
    health = EncryptedTextField(_("health condition"), blank=True)
    labour_capacity = models.CharField(
        _("labour capacity"), max_length=16, choices=LabourCapacity.choices, default=LabourCapacity.ABLE
    )

    audit_exclude = ("id", "id_number", "id_hash", "phone", "bank_account", "health")
    owner_lookups = ("household__county_id",)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.name


class IdentificationStep(AuditedModel):
    """One step of the identification procedure (识别程序) done on a day."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=24, choices=Step.choices)
    done_on = models.DateField(_("done on"))
    notice_end = models.DateField(_("notice ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    audit_exclude = ("id", "actor")

    class Meta:
        ordering = ["household", "done_on", "id"]
        # each identification step once; the elimination's may be done again after a stop
        constraints = [
            models.UniqueConstraint(
                fields=["household", "step"], condition=Q(step__in=STEP_ORDER), name="rural_step_once"
            )
        ]


class RiskFactor(AuditedModel):
    """A risk of the household (风险类型): illness, disaster, schooling costs, …"""

    household = models.ForeignKey(Household, models.CASCADE, related_name="risks")
    kind = models.CharField(_("risk"), max_length=16, choices=RiskKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["household", "id"]


class FundPool(AuditedModel):
    """The assistance fund pool (防返贫帮扶资金池) of a county and year, in yuan."""

    county = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = _money(_("amount (yuan)"))
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["county", "year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="rural_pool_once")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"


class AssistanceMeasure(AuditedModel):
    """An assistance measure (帮扶措施) given to a household, with the pool payment if any."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    description = models.CharField(_("description"), max_length=500)
    started_on = models.DateField(_("started on"))
    pool = models.ForeignKey(FundPool, models.PROTECT, null=True, blank=True, related_name="payments")
    paid = _money(_("paid from the pool (yuan)"), default=Decimal(0))

    class Meta:
        ordering = ["household", "started_on", "id"]


class IncomeRecord(AuditedModel):
    """The household's net income over the 12 months ending with ``month`` (yuan)."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="incomes")
    month = models.DateField(_("month"))
    net_income = _money(_("net income, 12 months (yuan)"))

    class Meta:
        ordering = ["household", "month"]
        constraints = [models.UniqueConstraint(fields=["household", "month"], name="rural_income_once")]


class ScreeningRun(AuditedModel):
    """One run of the screening engine over an imported table (部门筛查预警), as a background job."""

    job = models.OneToOneField("jobs.Job", models.SET_NULL, null=True, blank=True, related_name="+")
    county = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    line = models.DecimalField(_("line (yuan)"), max_digits=10, decimal_places=2)
    as_of = models.DateField(_("as of"))
    created = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    audit_exclude = ("id", "job", "created")

    class Meta:
        ordering = ["-created", "-id"]


class Candidate(AuditedModel):
    """A household the screening found in range (a risk lead); one click makes it a household."""

    run = models.ForeignKey(ScreeningRun, models.CASCADE, related_name="candidates")
    reference = models.CharField(_("household reference"), max_length=64)
    head_name = models.CharField(_("head of household"), max_length=64, blank=True)
    village = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("village"))
    size = models.PositiveSmallIntegerField(_("members"))
    former_poor = models.BooleanField(default=False)
    net_income = _money()
    rigid_expenditure = _money()
    per_capita_income = models.DecimalField(max_digits=14, decimal_places=2)
    monitoring_type = models.CharField(_("type"), max_length=16, choices=MonitoringType.choices)
    basic_needs_risk = models.BooleanField(default=False)
    household = models.OneToOneField(Household, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["run", "id"]


class AccessLog(models.Model):
    """Who looked at whose personal data in full (查看记录): one row per view of a full record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, models.CASCADE, related_name="access_logs")
    at = models.DateTimeField(_("at"), db_index=True)
    via = models.CharField(_("via"), max_length=16)  # page, api, export

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")

    def __str__(self) -> str:
        return f"{self.user_id} {self.household_id} {self.at:%Y-%m-%d %H:%M}"


class IncomeLine(AuditedModel):
    """The monitoring line (防止返贫监测范围) of a province and year, yuan per capita per year, as the
    rural bureau or the plan office records it. Seeded from ``jingjin/data/rural_lines.yaml``
    (2021: 6,000, the only verified figure); a year without a line has none — never guessed."""

    province = models.CharField(_("province code"), max_length=6)
    province_name = models.CharField(_("province"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("line (yuan per capita)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["province", "-year"]
        verbose_name = _("monitoring line")
        verbose_name_plural = _("monitoring lines")
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="rural_line_once")]

    def __str__(self) -> str:
        return f"{self.province} {self.year}: {self.amount}"
