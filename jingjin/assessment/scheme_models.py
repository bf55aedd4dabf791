"""Configurable assessment schemes (考核方案), 赛马 races and village-cadre pay (村干部报酬).

An :class:`AssessmentScheme` is one *version* of a scheme the plan office defines without code:
criterion rows (:class:`SchemeCriterion`, a figure from the registry of
:mod:`jingjin.assessment.sources` with weight, direction, normalisation, target and minimum),
bonus and deduction rules (:class:`SchemeAdjustment`, points per event with a cap), a peer set of
its own choosing (:class:`PeerSet`), red top N / black bottom M and a target score. A draft is
edited and previewed (:class:`SchemeRun` of kind ``preview``); publishing stores the published
run, equal to the preview. Editing a published version makes the next version (a draft).

A :class:`Race` (赛马) runs a published scheme over rounds (monthly or quarterly);
:class:`RaceRound` keeps each round's leaderboard. A :class:`CadrePayScheme` links the pay
coefficient of village cadres to the annual assessment score by :class:`PayBand` rows, and
:class:`CadrePayTable` keeps the computed pay table. :class:`RecordedFigure` holds figures the
office records per unit and period (e.g. a township's party-building review), for subjects that
have no reports. Writes go through :mod:`jingjin.assessment.scheme_services` and are audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.reporting.models import ReportingPeriod


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Higher is better")
    COST = "cost", _("Lower is better")


class Normalisation(models.TextChoices):
    NONE = "none", _("As it is (a percentage)")
    MINMAX = "minmax", _("Min–max")
    TARGET = "target", _("Ratio to the target")
    RANK = "rank", _("By rank")


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    DEDUCTION = "deduction", _("Deduction")


class RunKind(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    PUBLISHED = "published", _("Published")


class GateCount(models.TextChoices):
    """What the gate ``min_tasks`` counts of a unit in the period."""

    TASKS = "tasks", _("scored tasks due")
    PROJECTS = "projects", _("key projects with a plan for the year")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class PeerSet(BilingualNameMixin, AuditedModel):
    """A named set of units that compete with each other (赛马分组), chosen by the plan office."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="+")
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("peer set")
        verbose_name_plural = _("peer sets")

    def __str__(self) -> str:
        return self.name


class AssessmentScheme(BilingualNameMixin, AuditedModel):
    """One version of a configurable assessment scheme (考核方案); ``code`` + ``version`` unique."""

    code = models.CharField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    peer_set = models.ForeignKey(
        PeerSet, verbose_name=_("peer set"), on_delete=models.PROTECT, related_name="schemes"
    )
    red_top_n = models.PositiveSmallIntegerField(_("red list: top N"), default=3)
    black_bottom_m = models.PositiveSmallIntegerField(_("black list: bottom M"), default=2)
    target_score = models.FloatField(
        _("target score"), default=60, validators=[MinValueValidator(0), MaxValueValidator(200)]
    )
    bonus_cap = models.FloatField(
        _("overall bonus cap"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    deduction_cap = models.FloatField(
        _("overall deduction cap"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    min_tasks = models.PositiveSmallIntegerField(
        _("fewest scored tasks to be ranked"),
        default=0,
        help_text=_("A gate: a unit with fewer tasks due in the period is listed as not ranked (0: none)."),
    )
    gate_counts = models.CharField(
        _("the gate counts"),
        max_length=10,
        choices=GateCount.choices,
        default=GateCount.TASKS,
        help_text=_("Tasks due, or key projects with a plan (a scheme that ranks units by their projects)."),
    )
    ranking_scheme = models.ForeignKey(
        "assessment.RankingScheme",
        verbose_name=_("migrated from the red/black scheme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "published_by")
    office_editable_fields = (
        "name_zh",
        "name_en",
        "description",
        "peer_set",
        "red_top_n",
        "black_bottom_m",
        "target_score",
        "bonus_cap",
        "deduction_cap",
        "min_tasks",
        "gate_counts",
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_scheme_version")]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def natural_key_text(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == SchemeStatus.DRAFT

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        if self.pk is not None:
            data["criteria"] = [c.as_dict() for c in self.criteria.all()]
            data["adjustments"] = [a.as_dict() for a in self.adjustments.all()]
        return data


class SchemeCriterion(models.Model):
    """A criterion row: a figure from the registry of sources with its weight, direction,
    normalisation, target (for the ratio to the target) and minimum (a gate; None: no gate)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("figure"), max_length=40)
    source_key = models.CharField(
        _("recorded figure's key"), max_length=40, blank=True, help_text=_("Only for recorded figures.")
    )
    weight = models.FloatField(_("weight"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    normalisation = models.CharField(
        _("normalisation"), max_length=8, choices=Normalisation.choices, default=Normalisation.NONE
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    minimum = models.FloatField(_("minimum (gate)"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.scheme} {self.key}"

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_key}" if self.source_key else self.source

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_key": self.source_key,
            "weight": self.weight,
            "direction": self.direction,
            "normalisation": self.normalisation,
            "target": self.target,
            "minimum": self.minimum,
        }


class SchemeAdjustment(models.Model):
    """A bonus (加分) or deduction (扣分) rule: points per event counted by ``source``, at most ``cap``."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="adjustments")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    source = models.CharField(_("events"), max_length=40)
    source_key = models.CharField(_("recorded figure's key"), max_length=40, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    points = models.FloatField(
        _("points per event"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    cap = models.FloatField(_("cap of the rule"), null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("bonus or deduction rule")
        verbose_name_plural = _("bonus and deduction rules")

    def __str__(self) -> str:
        return f"{self.scheme} {self.kind} {self.key}"

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_key}" if self.source_key else self.source

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "source_key": self.source_key,
            "label": self.label,
            "points": self.points,
            "cap": self.cap,
        }


class SchemeRun(models.Model):
    """A scheme computed for one period: the preview of a draft, or the published result."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="runs")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    rows = models.JSONField(_("rows"), default=list)
    as_of = models.DateField(_("data as of"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-computed_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period", "kind"], name="one_scheme_run_per_kind")
        ]
        verbose_name = _("scheme run")
        verbose_name_plural = _("scheme runs")

    def __str__(self) -> str:
        return f"{self.scheme} {self.period.code} {self.kind}"


class RecordedFigure(AuditedModel):
    """A figure the office records for a unit and period (a review score, a count of events)."""

    key = models.CharField(_("key"), max_length=40)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("value"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "unit", "period"], name="one_recorded_figure")]
        verbose_name = _("recorded figure")
        verbose_name_plural = _("recorded figures")

    def __str__(self) -> str:
        return f"{self.key} {self.unit.code} {self.period.code}"


class Race(BilingualNameMixin, AuditedModel):
    """A 赛马 race: a published scheme run over rounds from ``start`` to ``end`` (periods)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="races"
    )
    cadence = models.CharField(_("rounds"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    start = models.ForeignKey(
        ReportingPeriod, verbose_name=_("first month"), on_delete=models.PROTECT, related_name="+"
    )
    end = models.ForeignKey(
        ReportingPeriod, verbose_name=_("last month"), on_delete=models.PROTECT, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("race")
        verbose_name_plural = _("races")

    def __str__(self) -> str:
        return self.name


class RaceRound(models.Model):
    """One round of a race: its leaderboard (``rows``, the scheme's run for the round's period)."""

    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(_("leaderboard"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["race", "number"]
        constraints = [models.UniqueConstraint(fields=["race", "number"], name="one_race_round")]
        verbose_name = _("race round")
        verbose_name_plural = _("race rounds")

    def __str__(self) -> str:
        return f"{self.race} #{self.number}"


class CadrePayScheme(BilingualNameMixin, AuditedModel):
    """Village-cadre pay (村干部报酬) linked to the annual score of a scheme by bands of scores."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    scheme_code = models.CharField(_("assessment scheme"), max_length=64)
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("annual assessment month"), on_delete=models.PROTECT, related_name="+"
    )
    base_pay = models.DecimalField(_("base pay, yuan a year"), max_digits=10, decimal_places=2)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields = ("name_zh", "name_en", "scheme_code", "period", "base_pay")

    class Meta:
        ordering = ["code"]
        verbose_name = _("village-cadre pay scheme")
        verbose_name_plural = _("village-cadre pay schemes")

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        if self.pk is not None:
            data["bands"] = [b.as_dict() for b in self.bands.all()]
        return data


class PayBand(models.Model):
    """A band of annual scores and its pay coefficient; empty edges are open."""

    pay_scheme = models.ForeignKey(CadrePayScheme, on_delete=models.CASCADE, related_name="bands")
    lower = models.FloatField(_("from score"), null=True, blank=True)
    lower_inclusive = models.BooleanField(_("from score included"), default=True)
    upper = models.FloatField(_("to score"), null=True, blank=True)
    upper_inclusive = models.BooleanField(_("to score included"), default=False)
    coefficient = models.DecimalField(_("pay coefficient"), max_digits=5, decimal_places=3)

    class Meta:
        ordering = [models.F("lower").asc(nulls_first=True)]
        verbose_name = _("pay band")
        verbose_name_plural = _("pay bands")

    def __str__(self) -> str:
        return f"{self.pay_scheme} {self.lower}–{self.upper}: {self.coefficient}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "lower_inclusive": self.lower_inclusive,
            "upper": self.upper,
            "upper_inclusive": self.upper_inclusive,
            "coefficient": str(self.coefficient),
        }


class CadrePayTable(models.Model):
    """The computed pay table of a pay scheme (one row per village with its reasons)."""

    pay_scheme = models.OneToOneField(CadrePayScheme, on_delete=models.CASCADE, related_name="table")
    rows = models.JSONField(_("rows"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("village-cadre pay table")
        verbose_name_plural = _("village-cadre pay tables")

    def __str__(self) -> str:
        return str(self.pay_scheme)
