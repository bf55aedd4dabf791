"""Villages (村): demonstration villages, the household-toilet programme, settlement-environment
scorecards and the village collective economy (issue 15, slice villages).

A village is a :class:`~jingjin.core.models.Unit` of kind ``village`` under a township under a
county. Every model here that belongs to a village names it in ``owner_lookups``: a unit user whose
unit scope holds the village (its township, its county) changes it (``restrict(user, "change", …)``).
Writes go through :mod:`jingjin.villages.services` (audited).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.villages.choices import DemoLevel, IncomeTier

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class DemoVillage(AuditedModel):
    """A demonstration village (精品示范村): a village designated in a year at a level."""

    village = models.OneToOneField(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="demo_village"
    )
    year = models.PositiveIntegerField(_("year designated"), validators=[MinValueValidator(2000)])
    level = models.CharField(_("level"), max_length=16, choices=DemoLevel.choices)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("village",)

    class Meta:
        ordering = ["-year", "village__code"]
        verbose_name = _("demonstration village")
        verbose_name_plural = _("demonstration villages")

    def __str__(self) -> str:
        return f"{self.village.name} ({self.year})"

    def natural_key_text(self) -> str:
        return self.village.code


class DemoVillageMember(models.Model):
    """A member of a demonstration village's team (工作专班): a name and a role in the team."""

    demo_village = models.ForeignKey(DemoVillage, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    duty = models.CharField(_("role in the team"), max_length=100)
    phone_note = models.CharField(_("unit or post"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("team member")

    def __str__(self) -> str:
        return f"{self.name} ({self.duty})"


class DemoVillageReport(AuditedModel):
    """A demonstration village's monthly report (月报): what was done, problems and figures."""

    demo_village = models.ForeignKey(DemoVillage, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    done = models.TextField(_("what was done"))
    problems = models.TextField(_("problems"), blank=True)
    investment = models.DecimalField(
        _("investment (10,000 yuan)"), validators=NON_NEGATIVE, default=0, max_digits=14, decimal_places=2
    )
    projects_completed = models.PositiveIntegerField(_("projects completed"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("demo_village__village",)
    audit_exclude = ("id", "submitted_by")

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("demonstration village report")
        constraints = [
            models.UniqueConstraint(
                fields=["demo_village", "year", "month"], name="villages_report_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.demo_village.village.code} {self.year}-{self.month:02d}"


class ToiletTarget(AuditedModel):
    """The city's household-toilet target of a year (户厕改造年度目标): villages and households."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    villages = models.PositiveIntegerField(_("villages"))
    households = models.PositiveIntegerField(_("households"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("toilet programme target")

    def __str__(self) -> str:
        return str(self.year)

    def natural_key_text(self) -> str:
        return str(self.year)


class ToiletPlan(AuditedModel):
    """A village's household-toilet programme of a year (户厕改造): planned households, built so far;
    households accepted are the sum of its :class:`ToiletAcceptance` records."""

    village = models.ForeignKey(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="toilet_plans"
    )
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000)])
    planned = models.PositiveIntegerField(_("households planned"))
    built = models.PositiveIntegerField(_("households built"), default=0)
    accepted = models.PositiveIntegerField(_("households accepted"), default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("village",)

    class Meta:
        ordering = ["-year", "village__code"]
        verbose_name = _("toilet programme of a village")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villages_toilet_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.village.code} {self.year}"

    def natural_key_text(self) -> str:
        return f"{self.village.code}/{self.year}"


class ToiletAcceptance(AuditedModel):
    """An acceptance inspection (验收) of a village's toilets: date, inspector, households accepted
    and the problems found."""

    plan = models.ForeignKey(ToiletPlan, on_delete=models.CASCADE, related_name="acceptances")
    date = models.DateField(_("date"))
    inspector = models.CharField(_("inspector"), max_length=100)
    households = models.PositiveIntegerField(_("households accepted"))
    problems = models.TextField(_("problems found"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("plan__village",)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("toilet acceptance")

    def __str__(self) -> str:
        return f"{self.plan} {self.date}"


class ScoreScheme(AuditedModel):
    """The settlement-environment scheme of a year (人居环境整治达标细则): its items and points."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    name = models.CharField(_("name"), max_length=200)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=1, default=Decimal(80))
    list_size = models.PositiveSmallIntegerField(_("villages on the red and on the black list"), default=3)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("scorecard scheme")

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def natural_key_text(self) -> str:
        return str(self.year)


class ScoreItem(BilingualNameMixin, models.Model):
    """An item of a scheme (细则条目) with the points it is worth at most."""

    scheme = models.ForeignKey(ScoreScheme, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=16)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("scorecard item")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="villages_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Scorecard(AuditedModel):
    """A village's settlement-environment score of a year (人居环境评分): one line per item, the
    total their sum, with photos as evidence."""

    scheme = models.ForeignKey(ScoreScheme, on_delete=models.PROTECT, related_name="scorecards")
    village = models.ForeignKey(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="scorecards"
    )
    date = models.DateField(_("date scored"))
    inspector = models.CharField(_("inspector"), max_length=100)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1, default=Decimal(0))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("village",)

    class Meta:
        ordering = ["-scheme__year", "-total"]
        verbose_name = _("scorecard")
        constraints = [models.UniqueConstraint(fields=["scheme", "village"], name="villages_scorecard_once")]

    def __str__(self) -> str:
        return f"{self.village.code} {self.scheme.year}"


class ScoreLine(models.Model):
    """The points a scorecard gives one item (at most the item's points)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1, validators=NON_NEGATIVE)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item__code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "item"], name="villages_line_once")]

    def __str__(self) -> str:
        return f"{self.scorecard_id}/{self.item_id}: {self.points}"


class ScorePhoto(models.Model):
    """A photo of a scorecard (现场照片), checked by extension and content like report evidence."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="villages/%Y/%m/")
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class EconomyThresholds(AuditedModel):
    """The thresholds of a year's collective-economy tiers (万元 of operating income, REFERENCE §7)
    and the 消薄倍增 target: no weak village left, and the operating income of ``base_year`` doubled."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    shell_below = models.DecimalField(
        _("shell village below (10,000 yuan)"), default=Decimal(5), max_digits=14, decimal_places=2
    )
    weak_below = models.DecimalField(
        _("weak village below (10,000 yuan)"), default=Decimal(10), max_digits=14, decimal_places=2
    )
    strong_from = models.DecimalField(
        _("strong village from (10,000 yuan)"), default=Decimal(50), max_digits=14, decimal_places=2
    )
    base_year = models.PositiveIntegerField(_("base year of the doubling"), null=True, blank=True)
    target_weak_max = models.PositiveIntegerField(_("weak villages allowed at the year's end"), default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("collective economy thresholds")

    def __str__(self) -> str:
        return str(self.year)

    def natural_key_text(self) -> str:
        return str(self.year)


class CollectiveIncome(AuditedModel):
    """A village collective's income of a year (村集体经济收入, 万元). Operating income (经营性收入) =
    经营收入 + 发包及上交收入 + 投资收益 + 其他经营收入; total income adds subsidies and other income.
    Both sums and the tier are stored by the service that writes the record."""

    village = models.ForeignKey(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="collective_incomes"
    )
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000)])
    business = models.DecimalField(
        _("business income (经营收入)"), validators=NON_NEGATIVE, max_digits=14, decimal_places=2
    )
    contracting = models.DecimalField(
        _("contracting and remitted income (发包及上交收入)"),
        validators=NON_NEGATIVE,
        max_digits=14,
        decimal_places=2,
    )
    investment = models.DecimalField(_("investment income (投资收益)"), max_digits=14, decimal_places=2)
    other_operating = models.DecimalField(
        _("other operating income (其他经营收入)"), validators=NON_NEGATIVE, max_digits=14, decimal_places=2
    )
    subsidies = models.DecimalField(
        _("subsidies (补助收入)"),
        validators=NON_NEGATIVE,
        default=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    other = models.DecimalField(
        _("other income (其他收入)"),
        validators=NON_NEGATIVE,
        default=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    operating_income = models.DecimalField(
        _("operating income"), default=Decimal(0), max_digits=14, decimal_places=2
    )
    total_income = models.DecimalField(_("total income"), default=Decimal(0), max_digits=14, decimal_places=2)
    tier = models.CharField(_("tier"), max_length=8, choices=IncomeTier.choices, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("village",)

    class Meta:
        ordering = ["-year", "village__code"]
        verbose_name = _("collective income")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villages_income_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.village.code} {self.year}"

    def natural_key_text(self) -> str:
        return f"{self.village.code}/{self.year}"
