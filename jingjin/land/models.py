"""The yearly per-mu evaluation (亩均效益综合评价) in the app: schemes, campaigns, their source
files, each firm's result, appeals (申诉), differentiated policies (差别化政策) and the
rectification (整改) of D-class firms.

The engine is :func:`jingjin.engines.land.evaluate`; the writes are in :mod:`jingjin.land.services`
(each audited), the reads in :mod:`jingjin.land.selectors`. Firms are joined to the park register
(:class:`jingjin.parks.models.Firm`) by the unified social credit code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import year_validators
from jingjin.core.models import AuditedModel, Unit
from jingjin.land.choices import (
    AppealState,
    CampaignState,
    FirmClass,
    PolicyKind,
    RectificationState,
    SourceKind,
)


class EvaluationScheme(AuditedModel):
    """A per-mu scheme (亩均效益评价办法) in the YAML form of :class:`jingjin.engines.land.LandScheme`:
    a copy of a built-in scheme (``based_on``) that the city edits (weights, benchmarks, class
    shares or score bounds, exemptions). A campaign keeps the body it was run with."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    based_on = models.CharField(_("based on"), max_length=40, blank=True)
    body = models.JSONField(_("scheme"), default=dict)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")

    def __str__(self) -> str:
        return self.title


class EvaluationCampaign(AuditedModel):
    """A yearly per-mu evaluation campaign (亩均评价): the data year, the scheme, its state
    (draft → imported → evaluated → under review → published) and the run's summary."""

    year = models.PositiveIntegerField(_("data year"), unique=True, validators=year_validators())
    title = models.CharField(_("title"), max_length=200)
    scheme = models.ForeignKey(
        EvaluationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="campaigns"
    )
    scheme_body = models.JSONField(_("scheme used"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    #: moved by every write to the campaign, its sources, results or appeals
    #: (:func:`jingjin.land.services.touch`): the campaign page's cache key
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "summary", "scheme_body", "revision")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")

    def __str__(self) -> str:
        return self.title

    def natural_key_text(self) -> str:
        return str(self.year)


def _source_path(instance: SourceBatch, filename: str) -> str:
    return f"land/{instance.campaign_id}/{instance.kind}.parquet"


class SourceBatch(AuditedModel):
    """One source file of a campaign (land register, tax, energy, emissions, statistics), checked
    whole and kept as a normalised table (parquet) keyed by the credit code. A new file of the
    same source replaces the old one."""

    campaign = models.ForeignKey(
        EvaluationCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(_("source"), max_length=16, choices=SourceKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    data = models.FileField(_("data"), upload_to=_source_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    audit_exclude = ("id", "data", "uploaded_at")

    class Meta:
        ordering = ["campaign", "kind"]
        verbose_name = _("source file")
        verbose_name_plural = _("source files")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="land_source_once")]

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.get_kind_display()}"


class FirmResult(models.Model):
    """A firm's result in a campaign: its inputs, indicators, points per indicator, score, class
    (A/B/C/D), rank, flags (outliers, missing data) and the plain explanation. Rewritten by every
    run of the campaign (so not audited row by row: the run is)."""

    campaign = models.ForeignKey(
        EvaluationCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="results"
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=200, blank=True)
    firm = models.ForeignKey(
        "parks.Firm", verbose_name=_("firm"), null=True, blank=True, on_delete=models.SET_NULL
    )
    county = models.ForeignKey(
        Unit, verbose_name=_("county / district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    park_name = models.CharField(_("park"), max_length=200, blank=True)
    industry_name = models.CharField(_("industry"), max_length=200, blank=True)
    above_scale = models.BooleanField(_("above designated size"), default=True)
    land_mu = models.FloatField(_("land (mu)"), null=True, blank=True)
    tax_10k = models.FloatField(_("tax (10,000 yuan)"), null=True, blank=True)
    value_added_10k = models.FloatField(_("value added (10,000 yuan)"), null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict)
    indicators = models.JSONField(_("indicators"), default=dict)
    points = models.JSONField(_("points"), default=dict)
    score = models.FloatField(_("score"), null=True, blank=True)
    firm_class = models.CharField(_("class"), max_length=1, choices=FirmClass.choices, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["campaign", "rank", "credit_code"]
        verbose_name = _("firm result")
        verbose_name_plural = _("firm results")
        constraints = [models.UniqueConstraint(fields=["campaign", "credit_code"], name="land_result_once")]
        indexes = [models.Index(fields=["credit_code"], name="land_result_code")]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.firm_class or '-'}"


def _evidence_path(instance: Appeal, filename: str) -> str:
    from pathlib import Path

    return f"land/appeals/{instance.campaign_id}/{Path(filename).name}"


class Appeal(AuditedModel):
    """A firm's appeal (申诉) against its result, with evidence: accepted with corrected data (the
    campaign is run again and the class before and after kept) or rejected with a reason."""

    campaign = models.ForeignKey(
        EvaluationCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="appeals"
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    firm_name = models.CharField(_("firm"), max_length=200, blank=True)
    reason = models.TextField(_("grounds of the appeal"))
    evidence = models.FileField(_("evidence"), upload_to=_evidence_path, max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=AppealState.choices, default=AppealState.PENDING
    )
    corrections = models.JSONField(_("corrected data"), default=dict, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    class_before = models.CharField(_("class before"), max_length=1, blank=True)
    class_after = models.CharField(_("class after"), max_length=1, blank=True)
    score_before = models.FloatField(_("score before"), null=True, blank=True)
    score_after = models.FloatField(_("score after"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "filed_at", "evidence")

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.credit_code} ({self.get_state_display()})"


class Policy(AuditedModel):
    """A differentiated policy (差别化政策) attached to a class: priority land, energy and credit for
    A/B; surcharges on electricity, water and gas and rectification for C/D (REFERENCE §4.4).
    ``rate`` is the surcharge in yuan per unit (kWh, m³) where it is one."""

    firm_class = models.CharField(_("class"), max_length=1, choices=FirmClass.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=PolicyKind.choices)
    measure = models.CharField(_("measure"), max_length=300)
    rate = models.DecimalField(
        _("surcharge (yuan per unit)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    active = models.BooleanField(_("in force"), default=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["firm_class", "kind", "id"]
        verbose_name = _("differentiated policy")
        verbose_name_plural = _("differentiated policies")

    def __str__(self) -> str:
        return f"{self.firm_class}: {self.measure}"


class Rectification(AuditedModel):
    """The rectification (整改) of a D-class firm of a published campaign: the plan, its deadline,
    the progress (0–100 %) and whether it is done."""

    campaign = models.ForeignKey(
        EvaluationCampaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    firm_name = models.CharField(_("firm"), max_length=200, blank=True)
    county = models.ForeignKey(
        Unit, verbose_name=_("county / district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    plan = models.TextField(_("plan"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["campaign", "credit_code"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "credit_code"], name="land_rectification_once"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="land_rectification_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.get_state_display()}"
