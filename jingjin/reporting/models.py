"""Monthly reporting (月报告): periods, reports, indicator actuals, evidence files, continuity ticks.

Each active task of the plan gets one report per month (:class:`ReportingPeriod`) from its
lead unit (牵头单位). Reports move through draft → submitted → approved | returned →
resubmitted (see :class:`~jingjin.reporting.choices.ReportStatus`); every write goes through
``jingjin.reporting.services`` and is recorded in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from jingjin.core.models import AuditedModel, _json_value
from jingjin.core.querysets import RestrictedQuerySet
from jingjin.plans.models import Indicator, Task
from jingjin.reporting.choices import EDITABLE_STATES, ContinuityOutcome, ReportStatus

#: the longest texts a report accepts (characters): this month's progress; plans, problems and
#: support needed; a reviewer's comment; a reason (a lower completion, reopening a task)
PROGRESS_MAX = 5000
TEXT_MAX = 3000
COMMENT_MAX = 2000
REASON_MAX = 1000


def month_index(year: int, month: int) -> int:
    """Months since year 0: ``year * 12 + month - 1`` — sortable, and consecutive months differ by 1."""
    return year * 12 + month - 1


class ReportingPeriod(models.Model):
    """A reporting month (报送期) with its deadline (报送截止日), by default the 5th of the next month."""

    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    deadline = models.DateField(_("deadline"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="one_period_per_month")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """``YYYY-MM``, as in URLs and the API."""
        return f"{self.year:04d}-{self.month:02d}"

    def natural_key_text(self) -> str:
        return self.code

    @property
    def index(self) -> int:
        """:func:`month_index` of the period (what :attr:`Report.period_index` holds)."""
        return month_index(self.year, self.month)

    @property
    def first_day(self) -> Any:
        from datetime import date

        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> Any:
        import calendar
        from datetime import date

        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def _summaries_refresh(task_ids: Any) -> None:
    """Keep the tasks' report summaries (:mod:`jingjin.reporting.summaries`) after a write."""
    from jingjin.reporting.summaries import summaries_refresh

    summaries_refresh(task_ids)


class ReportQuerySet(RestrictedQuerySet):
    """Every write of reports in bulk keeps the tasks' report summaries, as ``save`` does (a task's
    deletion removes its reports and its summary together, by the cascade)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Fill in each report's ``period_index`` (``save`` does it for single reports)."""
        objs = list(objs)
        for obj in objs:
            if isinstance(obj, Report):
                obj.period_index = obj.period.index
        with transaction.atomic():
            made = super().bulk_create(objs, *args, **kwargs)
            _summaries_refresh({obj.task_id for obj in objs})
        return made

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            task_ids = set(self.order_by().values_list("task_id", flat=True))
            deleted = super().delete()
            _summaries_refresh(task_ids)
        return deleted

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic():
            task_ids = set(self.order_by().values_list("task_id", flat=True))
            changed = super().update(**kwargs)
            _summaries_refresh(task_ids)
        return changed


class Report(AuditedModel):
    """A monthly report (月报告) of one task for one period, by the task's lead unit.

    本月进展 ``progress``, 完成进度 ``completion_pct`` (0–100) or 节点达成 ``milestone_reached``,
    次月计划 ``next_plan`` (one item per line), 存在问题 ``problems``, 需协调事项
    ``support_needed``. Approved reports are locked.
    """

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    #: the period's month index (:func:`month_index`), kept with the report so that "the latest
    #: report of a task" and "an earlier report" are index seeks on (task, period_index)
    period_index = models.PositiveIntegerField(_("month index"), editable=False, default=0)
    progress = models.TextField(_("progress this month"), blank=True, max_length=PROGRESS_MAX)
    completion_pct = models.PositiveSmallIntegerField(
        _("completion (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    milestone_reached = models.BooleanField(_("milestone reached"), default=False)
    next_plan = models.TextField(
        _("plan for next month"), blank=True, max_length=TEXT_MAX, help_text=_("One item per line.")
    )
    problems = models.TextField(_("problems"), blank=True, max_length=TEXT_MAX)
    support_needed = models.TextField(_("support needed"), blank=True, max_length=TEXT_MAX)
    regression_reason = models.TextField(
        _("reason for the lower completion"),
        blank=True,
        max_length=REASON_MAX,
        help_text=_("Needed when the completion is below the task's latest approved completion."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("first submitted at"),
        null=True,
        blank=True,
        help_text=_("Lateness is judged by the first submission."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=COMMENT_MAX)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()  # type: ignore[misc]  # a RestrictedQuerySet too

    owner_lookups = ("task__lead_unit",)
    audit_exclude = ("id", "period_index", "submitted_by", "reviewed_by", "created", "updated")

    class Meta:
        ordering = ["-period__year", "-period__month", "task__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="one_report_per_task_and_period")
        ]
        indexes = [
            # covers "the latest reported completion of a task" without reading the table
            models.Index(
                fields=["task", "period_index", "status", "completion_pct"], name="report_task_month"
            ),
            # "did an earlier report say 100 %" (who is due: ``selectors.reported_done_before``) as
            # one seek per task, not a walk through its earlier months: the due tasks of a month of
            # the benchmark plan (5,000 tasks, 60 months) in 8 ms instead of 33–42 ms on SQLite
            # (bench/bench_cockpit.py). Its columns those of report_task_month: SQLite takes it
            # without statistics (ANALYZE)
            models.Index(
                fields=["task", "period_index", "status", "completion_pct"],
                condition=models.Q(completion_pct__gte=100),
                name="report_task_done",
            ),
        ]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")

    def __str__(self) -> str:
        return f"{self.task.code} {self.period.code}"

    def natural_key_text(self) -> str:
        return str(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.period_index = self.period.index
        with transaction.atomic():
            super().save(*args, **kwargs)
            _summaries_refresh([self.task_id])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Deleting a task deletes its reports and its summary in the database's cascade; deleting a
        report on its own keeps the summary here."""
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            _summaries_refresh([self.task_id])
        return deleted

    @property
    def is_editable(self) -> bool:
        """Draft and returned reports can still be changed; submitted and approved ones cannot."""
        return self.status in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED

    def snapshot(self) -> dict[str, Any]:
        """The audited values, with the users by name, the indicator actuals, evidence and ticks."""
        data = super().snapshot()
        data["submitted_by"] = self.submitted_by.get_username() if self.submitted_by else None
        data["reviewed_by"] = self.reviewed_by.get_username() if self.reviewed_by else None
        if self.pk is not None:
            data["indicator_values"] = {
                v.indicator.code: _json_value(v.value)
                for v in self.indicator_values.select_related("indicator").order_by("indicator__code")
            }
            data["evidence"] = [e.original_name for e in self.evidence.order_by("pk")]
            data["continuity"] = [
                {"item": c.text, "outcome": c.outcome, "reason": c.reason}
                for c in self.continuity_items.order_by("position")
            ]
        return data


class ReportIndicatorValue(models.Model):
    """The actual value (实际值) of a numeric indicator of the task in the report's month."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="report_values"
    )
    value = models.DecimalField(_("actual value"), null=True, blank=True, max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["indicator__position", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator_and_report")
        ]
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Files go under ``evidence/<yyyy>/<mm>/``; the services choose a random name."""
    period = instance.report.period
    return f"evidence/{period.year:04d}/{period.month:02d}/{filename}"


class Evidence(models.Model):
    """An evidence file (佐证材料) of a report, stored under a random name; the original name is kept
    for display and download."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ContinuityItem(models.Model):
    """One line of last month's next-month plan and what became of it (次月计划落实).

    ``outcome`` is empty until the reporter ticks it; moved and dropped items need a reason.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="continuity_items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("planned item"), max_length=1000)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ContinuityOutcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="one_continuity_item_per_position")
        ]
        verbose_name = _("continuity item")
        verbose_name_plural = _("continuity items")

    def __str__(self) -> str:
        return self.text


class ReviewComment(models.Model):
    """One verdict of a reviewer on a report, with the comment (审核意见): the history of returns and
    approvals, kept when a later review writes ``Report.review_comment`` again."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_comments")
    verdict = models.CharField(_("verdict"), max_length=16, choices=ReportStatus.choices)
    text = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.report_id} {self.verdict}"


class StrikeOff(AuditedModel):
    """A task struck off (销号) once a 100 % report of it was approved: from the month after that
    report (``from_index``, a :func:`month_index`) the task owes no report, is not missing and is
    not in any on-time denominator. The plan office can reopen it (恢复) with a reason; from
    ``reopened_from_index`` on it is due again. Past months keep their verdict: a month is struck
    off when ``from_index <= month < reopened_from_index`` (or no reopening).
    """

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="strike_offs"
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("monthly report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_index = models.PositiveIntegerField(_("struck off from (month index)"))
    struck_off_at = models.DateTimeField(_("struck off at"))
    reopened_from_index = models.PositiveIntegerField(_("reopened from (month index)"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, max_length=REASON_MAX)

    owner_lookups = ("task__lead_unit",)
    audit_exclude = ("id", "reopened_by")

    class Meta:
        ordering = ["task", "from_index"]
        indexes = [models.Index(fields=["task", "from_index"], name="strikeoff_task_month")]
        verbose_name = _("strike-off")
        verbose_name_plural = _("strike-offs")

    def __str__(self) -> str:
        return f"{self.task.code} {self.from_month}"

    def natural_key_text(self) -> str:
        return str(self)

    @property
    def from_month(self) -> str:
        """The first month struck off, ``YYYY-MM``."""
        return f"{self.from_index // 12:04d}-{self.from_index % 12 + 1:02d}"


class TaskSummary(models.Model):
    """The report summary of one task (报送摘要), kept at write time: one entry per period the task
    was reported on — month index, completion % when reported, first submission — packed into one
    binary array (:mod:`jingjin.reporting.summaries`). Derived data: rebuilt from the reports with
    ``jingjin summaries rebuild``; the cockpit's trends read it instead of every report."""

    task = models.OneToOneField(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="report_summary",
    )
    facts = models.BinaryField(_("packed report facts"))

    class Meta:
        verbose_name = _("report summary")
        verbose_name_plural = _("report summaries")

    def __str__(self) -> str:
        return f"summary of task {self.task_id}"
