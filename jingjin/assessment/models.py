"""Red/black lists (红黑榜): schemes, lists per scheme and period, exemptions and frozen entries.

A :class:`RankingScheme` says what it ranks (its subject: units by their tasks, key projects, or
units by their key projects), which compete (a peer group, and for projects the scheme's filters),
how the criteria are weighted and when a unit or project "met the period's target". A
:class:`RankingList` is computed for one scheme and one reporting period as a draft, then
published (frozen). Each unit of the peer group (or project) gets a :class:`RankingEntry` with its
criteria, item scores, rank and verdict; a :class:`RankingExemption` (不可抗力) keeps a unit or a
project off both lists with a recorded reason.
The gates follow ../shared/REFERENCE.md §9 (绵阳 "红黑榜"). Writes go through
:mod:`jingjin.assessment.services` and are audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.assessment.choices import ListStatus, PeerGroup, Subject, TargetRule, Verdict
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.reporting.models import ReportingPeriod

PCT = [MinValueValidator(0), MaxValueValidator(100)]
WEIGHT = [MinValueValidator(0), MaxValueValidator(1)]


class RankingScheme(BilingualNameMixin, AuditedModel):
    """A red/black list scheme (红黑榜方案) for one peer group.

    Criteria, each a percentage 0–100 of the period (see ``docs/assessment.md``):

    * ``on_time`` 按时报送率 — reports first submitted by the deadline ÷ reports due;
    * ``progress`` 进度完成率 — mean over the due tasks of min(reported ÷ expected, 1);
    * ``attainment`` 指标达成率 — share of judged numeric indicators on track or met.

    * ``investment`` 重点项目投资 — the unit's key projects' completion of the year's planned
      investment (weight 0 by default; a unit without a project with a plan for the year is
      scored on the other criteria, their weights renormalised).

    A scheme of the subject ``projects`` ranks key projects (picked by the filters ``project_*``
    and the peer group of their owning unit), one of ``project_owners`` ranks the owning units
    by their projects; both use ``on_time`` (project reports), ``investment``, ``gap`` and
    ``milestones`` (see ``docs/assessment.md`` "Key projects").

    Score = Σ weight × criterion (the subject's weights sum to 1, so the score is 0–100), computed
    by :func:`jingjin.engines.scoring.score`. The target is met when the score is at least
    ``target_score`` (rule ``score``), every criterion is at least its minimum (``minimums``,
    units only) or the investment completion is at least the share of the year elapsed
    (``schedule``, projects only). Red: target met and rank ≤ ``red_top_n``; black: target
    missed and within the bottom ``black_bottom_m``.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices, default=Subject.UNITS)
    peer_group = models.CharField(_("peer group"), max_length=20, choices=PeerGroup.choices)
    weight_on_time = models.DecimalField(
        _("weight of on-time reporting"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.3"),
        validators=WEIGHT,
    )
    weight_progress = models.DecimalField(
        _("weight of progress against schedule"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.4"),
        validators=WEIGHT,
    )
    weight_attainment = models.DecimalField(
        _("weight of indicator attainment"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.3"),
        validators=WEIGHT,
    )
    weight_investment = models.DecimalField(
        _("weight of key-project investment"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=WEIGHT,
    )
    weight_gap = models.DecimalField(
        _("weight of the gap to the elapsed share (projects)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=WEIGHT,
    )
    weight_milestones = models.DecimalField(
        _("weight of milestones on time (projects)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=WEIGHT,
    )
    project_levels = models.JSONField(
        _("project levels"), default=list, blank=True, help_text=_("Empty: every level.")
    )
    project_categories = models.JSONField(
        _("project categories"), default=list, blank=True, help_text=_("Empty: every category.")
    )
    project_campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district of the projects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    red_top_n = models.PositiveSmallIntegerField(_("red list: top N"), default=4)
    black_bottom_m = models.PositiveSmallIntegerField(_("black list: bottom M"), default=3)
    min_items = models.PositiveSmallIntegerField(
        _("fewest scored items to be ranked"),
        default=3,
        help_text=_("A unit with fewer scored tasks in the month is listed as not ranked."),
    )
    target_rule = models.CharField(
        _("target rule"), max_length=16, choices=TargetRule.choices, default=TargetRule.SCORE
    )
    target_score = models.DecimalField(
        _("target score"), max_digits=6, decimal_places=2, default=Decimal("80"), validators=PCT
    )
    min_on_time = models.DecimalField(
        _("minimum on-time rate, in percent"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("90"),
        validators=PCT,
    )
    min_progress = models.DecimalField(
        _("minimum progress, in percent"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("80"),
        validators=PCT,
    )
    min_attainment = models.DecimalField(
        _("minimum attainment, in percent"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("60"),
        validators=PCT,
    )
    min_investment = models.DecimalField(
        _("minimum key-project investment completion, in percent"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("80"),
        validators=PCT,
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)
    assessment_code = models.CharField(
        _("configurable scheme"),
        max_length=64,
        blank=True,
        help_text=_(
            "Code of the configurable assessment scheme whose published version computes the lists "
            "(empty: the fixed weights above)."
        ),
    )

    office_editable_fields = (
        "name_zh",
        "name_en",
        "weight_on_time",
        "weight_progress",
        "weight_attainment",
        "weight_investment",
        "weight_gap",
        "weight_milestones",
        "project_levels",
        "project_categories",
        "project_campaign",
        "project_county",
        "red_top_n",
        "black_bottom_m",
        "min_items",
        "target_rule",
        "target_score",
        "min_on_time",
        "min_progress",
        "min_attainment",
        "min_investment",
        "is_active",
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("ranking scheme")
        verbose_name_plural = _("ranking schemes")

    def __str__(self) -> str:
        return self.name

    @property
    def is_project_scheme(self) -> bool:
        """Does the scheme rank by key projects (the projects, or their owning units)?"""
        return self.subject in (Subject.PROJECTS, Subject.PROJECT_OWNERS)

    def criteria(self) -> tuple[str, ...]:
        """The criteria of the scheme's subject, in the order of their weights."""
        if self.is_project_scheme:
            return ("on_time", "investment", "gap", "milestones")
        if self.weight_investment:
            return ("on_time", "progress", "attainment", "investment")
        return ("on_time", "progress", "attainment")

    def weights(self) -> dict[str, Decimal]:
        every = {
            "on_time": self.weight_on_time,
            "progress": self.weight_progress,
            "attainment": self.weight_attainment,
            "investment": self.weight_investment,
            "gap": self.weight_gap,
            "milestones": self.weight_milestones,
        }
        return {name: Decimal(value or 0) for name, value in every.items()}

    def clean(self) -> None:
        weights = self.weights()
        used = self.criteria()
        if abs(sum((weights[c] for c in used), Decimal(0)) - 1) > Decimal("0.0001"):
            raise ValidationError(_("The weights must add up to 1."))
        if any(weights[c] for c in weights if c not in used):
            raise ValidationError(_("Only the criteria of the scheme's subject may have a weight."))
        if self.target_rule == TargetRule.SCHEDULE and not self.is_project_scheme:
            raise ValidationError({"target_rule": [_("Only a key-project scheme can use this rule.")]})
        if self.target_rule == TargetRule.MINIMUMS and self.is_project_scheme:
            raise ValidationError({"target_rule": [_("A key-project scheme cannot use this rule.")]})

    def project_filter(self) -> dict[str, Any]:
        """The filters that pick a project scheme's projects (empty: no filter)."""
        return {
            "levels": sorted(self.project_levels or []),
            "categories": sorted(self.project_categories or []),
            "campaign": self.project_campaign_id,
            "county": self.project_county_id,
        }

    def rule(self) -> dict[str, Any]:
        """The parameters a list is computed with (kept on the list, so a later change of the
        scheme does not change how a published list reads)."""
        weights = self.weights()
        out: dict[str, Any] = {
            "subject": self.subject,
            "peer_group": self.peer_group,
            "weights": {c: float(weights[c]) for c in self.criteria()},
            "red_top_n": self.red_top_n,
            "black_bottom_m": self.black_bottom_m,
            "min_items": self.min_items,
            "target_rule": self.target_rule,
            "target_score": float(self.target_score),
            "minimums": {
                "on_time": float(self.min_on_time),
                "progress": float(self.min_progress),
                "attainment": float(self.min_attainment),
                "investment": float(self.min_investment),
            },
        }
        if self.is_project_scheme:
            out["projects"] = self.project_filter()
        return out


class RankingList(AuditedModel):
    """A red/black list (红黑榜) of one scheme for one reporting period: draft, then published.

    ``rule`` keeps the scheme's parameters of the last computation. Publishing freezes the list:
    its entries are never recomputed afterwards.
    """

    scheme = models.ForeignKey(
        RankingScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="lists"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="ranking_lists"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT, db_index=True
    )
    rule = models.JSONField(_("rule"), default=dict)
    assessment_scheme = models.ForeignKey(
        "assessment.AssessmentScheme",
        verbose_name=_("computed by the configurable scheme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ranking_lists",
    )
    as_of = models.DateField(_("data as of"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "computed_by", "published_by")

    class Meta:
        ordering = ["-period__year", "-period__month", "scheme__position", "scheme__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period"], name="one_ranking_list_per_scheme_and_period"
            )
        ]
        verbose_name = _("red/black list")
        verbose_name_plural = _("red/black lists")

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.period.code}"

    def natural_key_text(self) -> str:
        return str(self)

    @property
    def is_published(self) -> bool:
        return self.status == ListStatus.PUBLISHED

    def snapshot(self, *, entries: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """The audited values, with the verdict and score of every entry: read from the database,
        or ``entries`` when the caller holds them as just stored (:func:`entries_snapshot`)."""
        data = super().snapshot()
        if entries is not None:
            data["entries"] = entries
        elif self.pk is not None:
            # plain values, not model objects: a project list holds up to 10,000 entries
            rows = self.entries.order_by("unit__code", "project__code").values_list(
                "unit__code", "project__code", "verdict", "score", "rank"
            )
            data["entries"] = {
                project or unit: {"verdict": verdict, "score": score, "rank": rank}
                for unit, project, verdict, score, rank in rows
            }
        return data


def _one_per_subject(prefix: str) -> list[models.BaseConstraint]:
    """One row per list and unit on a unit list, one per list and project on a project list."""
    return [
        models.UniqueConstraint(
            fields=["ranking_list", "unit"],
            condition=models.Q(project__isnull=True),
            name=f"one_{prefix}_per_list_and_unit",
        ),
        models.UniqueConstraint(
            fields=["ranking_list", "project"],
            condition=models.Q(project__isnull=False),
            name=f"one_{prefix}_per_list_and_project",
        ),
    ]


class RankingExemption(AuditedModel):
    """A force-majeure exemption (不可抗力免于列入) of one unit — or, on a project list, one
    project (``unit`` is then its owning unit) — from one list, with its reason."""

    ranking_list = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="exemptions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    audit_exclude = ("id", "created")

    class Meta:
        ordering = ["unit__code", "project__code"]
        constraints = _one_per_subject("exemption")
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self) -> str:
        return f"{self.ranking_list} {self.subject_code}"

    @property
    def subject_code(self) -> str:
        return self.project.code if self.project is not None else self.unit.code

    @property
    def subject_name(self) -> str:
        return self.project.name if self.project is not None else self.unit.name

    def natural_key_text(self) -> str:
        return str(self)


class RankingEntry(models.Model):
    """One unit (or, on a project list, one key project of its owning ``unit``) on a list:
    criteria (%), item scores, score, rank, gate and verdict.

    ``items`` explains the score item by item: for each criterion its value, numerator and
    denominator, weight and contribution (weight × value); the contributions sum to ``score``.
    ``rank`` is 1 = best, ties share the smallest rank; ``bottom_rank`` counts from the worst
    the same way. Exempt units keep their score but get no rank. ``escalated``: black on this
    list and on the scheme's previous published list (连续两期列入黑榜).
    """

    ranking_list = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ranking_entries",
    )
    on_time_pct = models.FloatField(_("on-time reporting, in percent"), null=True, blank=True)
    progress_pct = models.FloatField(_("progress against schedule, in percent"), null=True, blank=True)
    attainment_pct = models.FloatField(_("indicator attainment, in percent"), null=True, blank=True)
    investment_pct = models.FloatField(
        _("key-project investment completion, in percent"), null=True, blank=True
    )
    gap_pct = models.FloatField(_("gap to the elapsed share, as a score"), null=True, blank=True)
    milestones_pct = models.FloatField(_("milestones on time, as a score"), null=True, blank=True)
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    bottom_rank = models.PositiveIntegerField(_("rank from the bottom"), null=True, blank=True)
    target_met = models.BooleanField(_("target met"))
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    reason = models.TextField(_("reason"), blank=True)
    items = models.JSONField(_("items"), default=list)
    tasks_due = models.PositiveIntegerField(_("tasks due"), default=0)
    escalated = models.BooleanField(_("escalated"), default=False)

    class Meta:
        ordering = [models.F("rank").asc(nulls_last=True), "unit__position", "unit__code", "project__code"]
        constraints = _one_per_subject("entry")
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self) -> str:
        return f"{self.ranking_list} {self.subject_code} {self.verdict}"

    @property
    def subject_code(self) -> str:
        """The project's code on a project list, else the unit's."""
        return self.project.code if self.project is not None else self.unit.code

    @property
    def subject_name(self) -> str:
        return self.project.name if self.project is not None else self.unit.name


# the configurable schemes, races and village-cadre pay live in their own module (model size)
from jingjin.assessment.scheme_models import (  # noqa: E402
    AssessmentScheme,
    CadrePayScheme,
    CadrePayTable,
    PayBand,
    PeerSet,
    Race,
    RaceRound,
    RecordedFigure,
    SchemeAdjustment,
    SchemeCriterion,
    SchemeRun,
)

__all__ = [
    "AssessmentScheme",
    "CadrePayScheme",
    "CadrePayTable",
    "PayBand",
    "PeerSet",
    "Race",
    "RaceRound",
    "RankingEntry",
    "RankingExemption",
    "RankingList",
    "RankingScheme",
    "RecordedFigure",
    "SchemeAdjustment",
    "SchemeCriterion",
    "SchemeRun",
]
