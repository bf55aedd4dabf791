"""The admission registers and workflows (准入, issue 14): the industry catalogue (产业结构调整指导目录),
the environmental control units of 三线一单 (生态环境分区管控) with their admission lists, the
standard-land thresholds (标准地控制指标) per park and industry, a new project's admission
application with its commitment re-checks, and the quota allocation runs (土地、能耗、环境容量指标).

Money in 万元, land in 亩 (mu), energy in tonnes of standard coal (tce), environmental capacity in
the pool's units. Writes happen only in :mod:`jingjin.admission.services` (audited).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.admission.choices import (
    AdmissionOutcome,
    ApplicationState,
    CandidateSource,
    CatalogueClass,
    RecheckStage,
    RunState,
    ZoningType,
)
from jingjin.core.bounds import Number, number_validators, year_validators
from jingjin.core.models import AuditedModel, Unit
from jingjin.parks.models import Industry, Park, validate_credit_code

#: a per-mu figure or an intensity (万元/亩, tce/万元, plot ratio): 0 … 99,999,999.9999
FIGURE = Number(14, 4, minimum=0)
#: an area in mu, greater than 0
AREA_MU = Number(12, 2, positive=True)
#: a quota or a requirement (mu, tce, units), 0 or more
QUOTA = Number(16, 4, minimum=0)
#: a leading-industry bonus β (0 … 99.9999)
BONUS = Number(6, 4, minimum=0)
CODE_MAX = 32
NAME_MAX = 200


def decimal_field(label: Any, bound: Number, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        label,
        max_digits=bound.max_digits,
        decimal_places=bound.decimal_places,
        validators=number_validators(bound),
        **kwargs,
    )


class CatalogueEntry(AuditedModel):
    """An item of the industry catalogue (产业结构调整指导目录) of a version (year): its code, name
    and class (鼓励 / 允许 / 限制 / 淘汰), and the industry of the parks' register it falls in."""

    code = models.CharField(_("catalogue code"), max_length=CODE_MAX)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    klass = models.CharField(_("class"), max_length=16, choices=CatalogueClass.choices, db_index=True)
    version = models.PositiveIntegerField(_("version (year)"), validators=year_validators())
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-version", "code"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="admission_one_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key_text(self) -> str:
        return f"{self.code}@{self.version}"


class ZoningUnit(AuditedModel):
    """An environmental control unit (环境管控单元) of 三线一单: priority protection, key control or
    general control, with its admission lists — prohibited and restricted industries, each given by
    a catalogue code or an industry code of the parks' register."""

    code = models.CharField(_("unit code"), max_length=CODE_MAX, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    county = models.ForeignKey(
        Unit, verbose_name=_("county / district"), on_delete=models.PROTECT, related_name="+"
    )
    unit_type = models.CharField(_("type"), max_length=16, choices=ZoningType.choices, db_index=True)
    prohibited = models.JSONField(_("prohibited (codes)"), default=list, blank=True)
    restricted = models.JSONField(_("restricted (codes)"), default=list, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("zoning unit")
        verbose_name_plural = _("zoning units")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LandThreshold(AuditedModel):
    """Standard-land thresholds (标准地控制指标) of a park and an industry; an empty park or
    industry matches any (the engine's ``*``), an empty figure is not checked."""

    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_investment_intensity = decimal_field(
        _("min. investment intensity (10k yuan/mu)"), FIGURE, null=True, blank=True
    )
    min_output_per_mu = decimal_field(_("min. output per mu (10k yuan/mu)"), FIGURE, null=True, blank=True)
    min_tax_per_mu = decimal_field(_("min. tax per mu (10k yuan/mu)"), FIGURE, null=True, blank=True)
    max_energy_per_output = decimal_field(
        _("max. energy per output (tce/10k yuan)"), FIGURE, null=True, blank=True
    )
    plot_ratio_min = decimal_field(_("min. plot ratio"), FIGURE, null=True, blank=True)
    plot_ratio_max = decimal_field(_("max. plot ratio"), FIGURE, null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    CHECKS = (
        "min_investment_intensity",
        "min_output_per_mu",
        "min_tax_per_mu",
        "max_energy_per_output",
        "plot_ratio_min",
        "plot_ratio_max",
    )

    class Meta:
        ordering = ["park__unit__code", "industry__code"]
        verbose_name = _("standard-land threshold")
        verbose_name_plural = _("standard-land thresholds")
        constraints = [
            models.UniqueConstraint(fields=["park", "industry"], name="admission_one_threshold_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.park_key} / {self.industry_key}"

    @property
    def park_key(self) -> str:
        return self.park.code if self.park is not None else "*"

    @property
    def industry_key(self) -> str:
        return self.industry.code if self.industry is not None else "*"

    def natural_key_text(self) -> str:
        return f"{self.park_key}/{self.industry_key}"


class Application(AuditedModel):
    """A new project's admission application (项目准入申请): the firm, where and in which industry,
    the land it asks for and its commitment (承诺) at full production — checked against the
    catalogue, the zoning unit and the standard-land thresholds, then decided."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    project_name = models.CharField(_("project"), max_length=NAME_MAX)
    firm = models.CharField(_("firm"), max_length=NAME_MAX)
    credit_code = models.CharField(_("credit code"), max_length=18, validators=[validate_credit_code])
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+"
    )
    catalogue_entry = models.ForeignKey(
        CatalogueEntry,
        verbose_name=_("catalogue entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zoning_unit = models.ForeignKey(
        ZoningUnit, verbose_name=_("zoning unit"), on_delete=models.PROTECT, related_name="+"
    )
    land_mu = decimal_field(_("land (mu)"), AREA_MU)
    investment_intensity = decimal_field(_("investment intensity (10k yuan/mu)"), FIGURE)
    output_per_mu = decimal_field(_("output per mu (10k yuan/mu)"), FIGURE)
    tax_per_mu = decimal_field(_("tax per mu (10k yuan/mu)"), FIGURE)
    energy_per_output = decimal_field(_("energy per output (tce/10k yuan)"), FIGURE)
    plot_ratio = decimal_field(_("plot ratio"), FIGURE, null=True, blank=True)
    env_units = decimal_field(_("environmental units"), QUOTA, default=0)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
        db_index=True,
    )
    outcome = models.CharField(_("check result"), max_length=16, choices=AdmissionOutcome.choices, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=AdmissionOutcome.choices, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    #: a county user acts on the applications of its county's parks
    owner_lookups = ("park__county", "park__unit")

    class Meta:
        ordering = ["-submitted_on", "code"]
        verbose_name = _("admission application")
        verbose_name_plural = _("admission applications")

    def __str__(self) -> str:
        return f"{self.code} {self.project_name}"

    @property
    def admitted(self) -> bool:
        return bool(self.decision) and self.decision != AdmissionOutcome.PROHIBITED


class CommitmentCheck(AuditedModel):
    """The actual figures of an admitted project at completion (竣工) or full production (达产),
    compared with its commitment; ``shortfalls`` lists each indicator that falls short."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rechecks")
    stage = models.CharField(_("stage"), max_length=16, choices=RecheckStage.choices)
    checked_on = models.DateField(_("checked on"))
    investment_intensity = decimal_field(
        _("investment intensity (10k yuan/mu)"), FIGURE, null=True, blank=True
    )
    output_per_mu = decimal_field(_("output per mu (10k yuan/mu)"), FIGURE, null=True, blank=True)
    tax_per_mu = decimal_field(_("tax per mu (10k yuan/mu)"), FIGURE, null=True, blank=True)
    energy_per_output = decimal_field(_("energy per output (tce/10k yuan)"), FIGURE, null=True, blank=True)
    shortfalls = models.JSONField(_("shortfalls"), default=list, blank=True)

    owner_lookups = ("application__park__county", "application__park__unit")

    class Meta:
        ordering = ["application", "checked_on"]
        verbose_name = _("commitment re-check")
        verbose_name_plural = _("commitment re-checks")
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="admission_one_recheck_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application.code} {self.stage}"


class QuotaPool(AuditedModel):
    """The quotas of a year to allocate (年度指标): land in mu, energy in tce, environmental units."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=year_validators())
    land_mu = decimal_field(_("land quota (mu)"), QUOTA)
    energy_tce = decimal_field(_("energy quota (tce)"), QUOTA)
    env_units = decimal_field(_("environmental quota (units)"), QUOTA)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("quota pool")
        verbose_name_plural = _("quota pools")

    def __str__(self) -> str:
        return str(self.year)

    def natural_key_text(self) -> str:
        return str(self.year)


class AllocationRun(AuditedModel):
    """A saved allocation run: the pool, the candidates and the scenario (leading-industry bonus,
    must-fund, excluded), solved in the background by the ``jingjin allocate`` engine; the result
    keeps the optimum with its proven gap, each quota's use and shadow price, and the greedy rule."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    pool = models.ForeignKey(
        QuotaPool, verbose_name=_("quota pool"), on_delete=models.PROTECT, related_name="runs"
    )
    source = models.CharField(_("candidates"), max_length=16, choices=CandidateSource.choices)
    leading_bonus = decimal_field(_("leading-industry bonus"), BONUS, default=0)
    state = models.CharField(_("state"), max_length=8, choices=RunState.choices, default=RunState.QUEUED)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "summary", "created")

    class Meta:
        ordering = ["-created", "code"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AllocationCandidate(models.Model):
    """A candidate project of a run with what it needs and brings, its scenario flags and, once
    solved, whether the optimum and the greedy rule take it and why."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="candidates")
    project_id = models.CharField(_("project"), max_length=64)
    label = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    benefit = decimal_field(_("benefit (10k yuan)"), QUOTA)
    land_mu = decimal_field(_("land (mu)"), QUOTA)
    energy_tce = decimal_field(_("energy (tce)"), QUOTA)
    env_units = decimal_field(_("environmental units"), QUOTA)
    leading = models.BooleanField(_("leading industry"), default=False)
    must = models.BooleanField(_("must fund"), default=False)
    exclude = models.BooleanField(_("excluded"), default=False)
    selected = models.BooleanField(_("selected"), null=True, blank=True)
    greedy_selected = models.BooleanField(_("greedy rule selects"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "project_id"], name="admission_one_candidate_per_run")
        ]

    def __str__(self) -> str:
        return self.project_id
