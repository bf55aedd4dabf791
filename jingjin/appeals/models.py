"""Appeals (异议) of a unit against its entry on a published red/black list, or against its score
in the published run of a configurable assessment scheme (issue 20).

An :class:`Appeal` on a list names one entry of a published :class:`~jingjin.assessment.models.RankingList`
by its subject (the unit; on a project list the project and its owning unit), with the grounds and
:class:`AppealEvidence` files; it is filed within the publication window
(``JINGJIN_APPEAL_WINDOW_DAYS`` after publication) and decided by the plan office: accepted (the
list corrected and ranked again, the entry's result before and after kept here) or rejected with a
reason. An appeal on a scheme run (``scheme_run`` set, ``ranking_list`` empty) names the unit's
row of a published :class:`~jingjin.assessment.scheme_models.SchemeRun`; accepting it computes
the run again with the corrected figures. The shape follows the per-mu evaluation's firm appeal
(``jingjin.land.models.Appeal``).
Writes go through :mod:`jingjin.appeals.services` and are audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingjin.appeals.choices import AppealState
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.assessment.scheme_models import SchemeRun
from jingjin.core.models import AuditedModel, Unit


class Appeal(AuditedModel):
    """A unit's appeal against its entry on a published red/black list, or against its row of the
    published run of a configurable scheme (exactly one of ``ranking_list`` and ``scheme_run``)."""

    ranking_list = models.ForeignKey(
        RankingList,
        verbose_name=_("red/black list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    scheme_run = models.ForeignKey(
        SchemeRun,
        verbose_name=_("scheme run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(pgettext_lazy("appeal", "grounds of the appeal"))
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.FILED, db_index=True
    )
    corrections = models.JSONField(_("corrected values"), default=dict, blank=True)
    exempted = models.BooleanField(_("exempted for force majeure"), default=False)
    decision = models.TextField(pgettext_lazy("appeal", "decision"), blank=True)
    score_before = models.FloatField(_("score before"), null=True, blank=True)
    rank_before = models.PositiveIntegerField(_("rank before"), null=True, blank=True)
    verdict_before = models.CharField(_("verdict before"), max_length=8, blank=True)
    score_after = models.FloatField(_("score after"), null=True, blank=True)
    rank_after = models.PositiveIntegerField(_("rank after"), null=True, blank=True)
    verdict_after = models.CharField(_("verdict after"), max_length=8, blank=True)
    entries_changed = models.PositiveIntegerField(_("entries changed"), default=0)
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    audit_exclude = ("id", "filed_by", "decided_by")
    #: the unit whose users see and file the appeal (``restrict``)
    owner_lookups = ("unit",)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = pgettext_lazy("appeal", "appeal")
        verbose_name_plural = pgettext_lazy("appeal", "appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["ranking_list", "unit"],
                condition=models.Q(state="filed", project__isnull=True),
                name="one_filed_appeal_per_list_and_unit",
            ),
            models.UniqueConstraint(
                fields=["ranking_list", "project"],
                condition=models.Q(state="filed", project__isnull=False),
                name="one_filed_appeal_per_list_and_project",
            ),
            models.UniqueConstraint(
                fields=["scheme_run", "unit"],
                condition=models.Q(state="filed", scheme_run__isnull=False),
                name="one_filed_appeal_per_run_and_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(ranking_list__isnull=False, scheme_run__isnull=True)
                | models.Q(ranking_list__isnull=True, scheme_run__isnull=False, project__isnull=True),
                name="appeal_on_a_list_or_a_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ranking_list or self.scheme_run} {self.subject_code} ({self.get_state_display()})"

    def natural_key_text(self) -> str:
        return str(self.pk)

    @property
    def subject_code(self) -> str:
        return self.project.code if self.project is not None else self.unit.code

    @property
    def subject_name(self) -> str:
        return self.project.name if self.project is not None else self.unit.name

    @property
    def on_run(self) -> bool:
        """Is this an appeal on a scheme run's row (not on a list entry)?"""
        return self.scheme_run_id is not None

    def run_row(self) -> dict[str, Any] | None:
        """The appealed unit's current row of the scheme run."""
        if self.scheme_run is None:
            return None
        code = self.unit.code
        return next((r for r in self.scheme_run.rows if r.get("unit") == code), None)

    def entry(self) -> RankingEntry | None:
        """The appealed entry of the list (its current result)."""
        if self.ranking_list is None:
            return None
        return (
            self.ranking_list.entries.filter(unit=self.unit_id, project=self.project_id)
            .select_related("unit", "project")
            .first()
        )

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        if self.pk is not None:
            data["evidence"] = sorted(e.original_name for e in self.evidence.all())
        return data


def _evidence_path(instance: AppealEvidence, filename: str) -> str:
    """Files go under ``appeals/<list id>/`` (``appeals/run-<run id>/``); the services choose a
    random name."""
    appeal = instance.appeal
    folder = appeal.ranking_list_id if appeal.ranking_list_id else f"run-{appeal.scheme_run_id}"
    return f"appeals/{folder}/{filename}"


class AppealEvidence(models.Model):
    """An evidence file of an appeal, stored under a random name (checks of
    :mod:`jingjin.reporting.evidence`: type by extension and content, size)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name
