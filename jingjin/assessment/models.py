"""Red/black lists (红黑榜): schemes, lists per scheme and period, exemptions and frozen entries.

A :class:`RankingScheme` says which units compete (a peer group), how the three criteria are
weighted and when a unit "met the period's target". A :class:`RankingList` is computed for
one scheme and one reporting period as a draft, then published (frozen). Each unit of the
peer group gets a :class:`RankingEntry` with its criteria, item scores, rank and verdict;
a :class:`RankingExemption` (不可抗力) keeps a unit off both lists with a recorded reason.
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

from jingjin.assessment.choices import ListStatus, PeerGroup, TargetRule, Verdict
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

    Key-project investment (重点项目投资) joins as a fourth criterion when the project library
    exists. Score = Σ weight × criterion (weights sum to 1, so the score is 0–100), computed by
    :func:`jingjin.engines.scoring.score`. The target is met when the score is at least
    ``target_score`` (rule ``score``) or every criterion is at least its minimum (``minimums``).
    Red: target met and rank ≤ ``red_top_n``; black: target missed and within the bottom
    ``black_bottom_m``.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
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
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)

    office_editable_fields = (
        "name_zh",
        "name_en",
        "weight_on_time",
        "weight_progress",
        "weight_attainment",
        "red_top_n",
        "black_bottom_m",
        "min_items",
        "target_rule",
        "target_score",
        "min_on_time",
        "min_progress",
        "min_attainment",
        "is_active",
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("ranking scheme")
        verbose_name_plural = _("ranking schemes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        total = (self.weight_on_time or 0) + (self.weight_progress or 0) + (self.weight_attainment or 0)
        if abs(Decimal(total) - 1) > Decimal("0.0001"):
            raise ValidationError(_("The three weights must add up to 1."))

    def rule(self) -> dict[str, Any]:
        """The parameters a list is computed with (kept on the list, so a later change of the
        scheme does not change how a published list reads)."""
        return {
            "peer_group": self.peer_group,
            "weights": {
                "on_time": float(self.weight_on_time),
                "progress": float(self.weight_progress),
                "attainment": float(self.weight_attainment),
            },
            "red_top_n": self.red_top_n,
            "black_bottom_m": self.black_bottom_m,
            "min_items": self.min_items,
            "target_rule": self.target_rule,
            "target_score": float(self.target_score),
            "minimums": {
                "on_time": float(self.min_on_time),
                "progress": float(self.min_progress),
                "attainment": float(self.min_attainment),
            },
        }


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

    def snapshot(self) -> dict[str, Any]:
        """The audited values, with the verdict and score of every entry."""
        data = super().snapshot()
        if self.pk is not None:
            data["entries"] = {
                e.unit.code: {"verdict": e.verdict, "score": e.score, "rank": e.rank}
                for e in self.entries.select_related("unit").order_by("unit__code")
            }
        return data


class RankingExemption(AuditedModel):
    """A force-majeure exemption (不可抗力免于列入) of one unit from one list, with its reason."""

    ranking_list = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="exemptions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    audit_exclude = ("id", "created")

    class Meta:
        ordering = ["unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["ranking_list", "unit"], name="one_exemption_per_list_and_unit")
        ]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self) -> str:
        return f"{self.ranking_list} {self.unit.code}"

    def natural_key_text(self) -> str:
        return str(self)


class RankingEntry(models.Model):
    """One unit on a list: criteria (%), item scores, score, rank, gate and verdict.

    ``items`` explains the score item by item: for each criterion its value, numerator and
    denominator, weight and contribution (weight × value); the contributions sum to ``score``.
    ``rank`` is 1 = best, ties share the smallest rank; ``bottom_rank`` counts from the worst
    the same way. Exempt units keep their score but get no rank. ``escalated``: black on this
    list and on the scheme's previous published list (连续两期列入黑榜).
    """

    ranking_list = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    on_time_pct = models.FloatField(_("on-time reporting, in percent"))
    progress_pct = models.FloatField(_("progress against schedule, in percent"))
    attainment_pct = models.FloatField(_("indicator attainment, in percent"))
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
        ordering = [models.F("rank").asc(nulls_last=True), "unit__position", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["ranking_list", "unit"], name="one_entry_per_list_and_unit")
        ]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self) -> str:
        return f"{self.ranking_list} {self.unit.code} {self.verdict}"
