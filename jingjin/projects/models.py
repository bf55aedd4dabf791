"""Key projects (重点项目): the library, yearly investment plans, milestones, monthly reports,
campaigns (大会战) and transport networks (7向19线, 1环9射2纵).

A :class:`KeyProject` is owned by a unit and may sit in a county and a park; it carries "the five
ones" (五个一: one responsible leader, one working team, one plan, one timeline, one set of support
measures), a yearly planned investment per year (:class:`ProjectYearPlan`) and its milestones with
planned and actual dates (:class:`ProjectMilestone`). Its owning unit reports monthly
(:class:`ProjectReport`, the same draft → submitted → approved loop as task reports). Amounts are
in 万元 (10,000 yuan). Writes happen only in :mod:`jingjin.projects.services`, which audit them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import DateInYears, Number, number_validators, size_check, year_validators
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit, _json_value
from jingjin.core.querysets import RestrictedQuerySet
from jingjin.projects.choices import (
    STATE_ORDER,
    MilestoneKind,
    NetworkKind,
    ProjectCategory,
    ProjectLevel,
    ProjectState,
)
from jingjin.reporting.choices import EDITABLE_STATES, ReportStatus
from jingjin.reporting.models import REASON_MAX, ReportingPeriod

#: an amount of investment in 万元: 0 or more, below 10¹² 万元, two decimals (DecimalField(14, 2))
INVESTMENT = Number(14, 2, minimum=0)
TEXT_MAX = 3000
PROGRESS_MAX = 5000
COMMENT_MAX = 2000


def _investment_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name,
        max_digits=INVESTMENT.max_digits,
        decimal_places=INVESTMENT.decimal_places,
        validators=number_validators(INVESTMENT),
        **kwargs,
    )


class NetworkPlan(BilingualNameMixin, AuditedModel):
    """A transport network as a project set (7向19线 rail, 1环9射2纵 expressways, the airport, the
    waterways); its lines hold the projects (segments) that build them."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=NetworkKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("plan indicator fed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The plan's indicator that counts this network's completed lines."),
    )
    position = models.PositiveIntegerField(default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class NetworkLine(BilingualNameMixin, AuditedModel):
    """One line (线 / 射 / 纵) of a network, e.g. one of the 19 rail lines."""

    network = models.ForeignKey(
        NetworkPlan, verbose_name=_("network"), on_delete=models.CASCADE, related_name="lines"
    )
    code = models.CharField(_("code"), max_length=64, unique=True)
    length_km = models.DecimalField(
        _("length (km)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=number_validators(Number(10, 2, minimum=0)),
    )
    position = models.PositiveIntegerField(default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["network", "position", "code"]
        verbose_name = _("network line")
        verbose_name_plural = _("network lines")

    def __str__(self) -> str:
        return self.name


class KeyProject(BilingualNameMixin, AuditedModel):
    """A key project (重点项目) with its five ones (五个一) and its state."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=ProjectLevel.choices, db_index=True)
    category = models.CharField(_("category"), max_length=16, choices=ProjectCategory.choices, db_index=True)
    line = models.ForeignKey(
        NetworkLine,
        verbose_name=_("network line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="key_projects"
    )
    county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_key_projects",
    )
    park = models.ForeignKey(
        Unit,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_key_projects",
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    total_investment = _investment_field(_("total investment (10,000 yuan)"))
    start = models.DateField(_("start"), null=True, blank=True, validators=[DateInYears()])
    end = models.DateField(_("end"), null=True, blank=True, validators=[DateInYears()])
    # the five ones (五个一)
    leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    team = models.TextField(_("working team (专班)"), blank=True, max_length=TEXT_MAX)
    plan_document = models.CharField(_("plan document"), max_length=300, blank=True)
    timeline = models.TextField(_("timeline"), blank=True, max_length=TEXT_MAX)
    support_measures = models.TextField(_("support measures"), blank=True, max_length=TEXT_MAX)
    state = models.CharField(
        _("state"), max_length=16, choices=ProjectState.choices, default=ProjectState.RESERVE, db_index=True
    )
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("plan tasks"), blank=True, related_name="key_projects"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    #: restrict(user, "change") lets a unit user change the projects its unit (or a unit below it)
    #: owns, or that lie in its county or park
    owner_lookups = ("owner_unit", "county", "park")
    #: the states in their order (储备 → 前期 → 在建 → 竣工 → 投产): unit users move forward only
    state_order: tuple[str, ...] = tuple(STATE_ORDER)
    #: what the plan office changes (the state moves through ``project_move_state``, the yearly
    #: plans and milestones through their own services)
    office_editable_fields: tuple[str, ...] = (
        "name_zh",
        "name_en",
        "level",
        "category",
        "line",
        "owner_unit",
        "county",
        "park",
        "industry",
        "total_investment",
        "start",
        "end",
        "leader",
        "team",
        "plan_document",
        "timeline",
        "support_measures",
        "description",
        "tasks",
    )
    #: what a unit user changes on its own projects: the five ones, the industry, the dates and the
    #: description (not the name, level, owner, location, amounts or task links)
    unit_editable_fields: tuple[str, ...] = (
        "industry",
        "start",
        "end",
        "leader",
        "team",
        "plan_document",
        "timeline",
        "support_measures",
        "description",
    )
    audit_exclude = ("id", "created", "updated")

    class Meta:
        ordering = ["code"]
        constraints = [size_check("total_investment", INVESTMENT, "keyproject_total_investment_size")]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def five_ones(self) -> dict[str, str]:
        """The five ones (五个一) as a mapping; a project "has its five ones" when none is empty."""
        return {
            "leader": self.leader,
            "team": self.team,
            "plan_document": self.plan_document,
            "timeline": self.timeline,
            "support_measures": self.support_measures,
        }

    def snapshot(self) -> dict[str, Any]:
        """The audited values, with the yearly plans and the milestones."""
        data = super().snapshot()
        if self.pk is not None:
            data["year_plans"] = {
                str(p.year): _json_value(p.planned_investment) for p in self.year_plans.order_by("year")
            }
            data["milestones"] = {
                m.kind: [_json_value(m.planned), _json_value(m.actual)]
                for m in self.milestones.order_by("kind")
            }
        return data


class ProjectYearPlan(models.Model):
    """A project's planned investment (年度计划投资) for one year, in 万元."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="year_plans")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    planned_investment = _investment_field(_("planned investment (10,000 yuan)"))

    class Meta:
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_plan_per_project_and_year"),
            size_check("planned_investment", INVESTMENT, "projectyearplan_planned_investment_size"),
        ]
        verbose_name = _("yearly investment plan")
        verbose_name_plural = _("yearly investment plans")

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}"


class ProjectMilestone(models.Model):
    """A milestone (节点) of a project with its planned and actual date."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    planned = models.DateField(_("planned date"), null=True, blank=True, validators=[DateInYears()])
    actual = models.DateField(_("actual date"), null=True, blank=True, validators=[DateInYears()])

    class Meta:
        ordering = ["project", "planned", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_milestone_per_project_and_kind")
        ]
        verbose_name = _("project milestone")
        verbose_name_plural = _("project milestones")

    def __str__(self) -> str:
        return f"{self.project.code} {self.kind}"


def _investment_refresh(pairs: Any) -> None:
    """Keep the campaigns' monthly investment (:mod:`jingjin.projects.investment_summary`)."""
    from jingjin.projects.investment_summary import summaries_refresh

    summaries_refresh(pairs)


class ProjectReportQuerySet(RestrictedQuerySet):
    """Every write of project reports in bulk keeps the campaigns' monthly investment, as ``save``
    does (:class:`CampaignMonth`)."""

    def _pairs(self) -> set[tuple[int, int]]:
        return set(self.order_by().values_list("project_id", "period_index").distinct())

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Fill in each report's ``period_index`` (``save`` does it for single reports)."""
        objs = list(objs)
        for obj in objs:
            obj.period_index = obj.period.index
        with transaction.atomic():
            made = super().bulk_create(objs, *args, **kwargs)
            _investment_refresh({(obj.project_id, obj.period_index) for obj in objs})
        return made

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            pairs = self._pairs()
            deleted = super().delete()
            _investment_refresh(pairs)
        return deleted

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic():
            pairs = self._pairs()
            changed = super().update(**kwargs)
            _investment_refresh(pairs | self._pairs())
        return changed


class ProjectReport(AuditedModel):
    """A monthly project report (项目月报) of one project for one period, by its owning unit.

    Investment completed this month and year to date (万元), image progress (形象进度), milestones
    reached (:class:`ProjectReportMilestone`), problems and support needed; a support request can
    become a supervision item (``supervision_item``). Approved reports are locked.
    """

    project = models.ForeignKey(
        KeyProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="project_reports"
    )
    #: the period's month index, kept with the report for index seeks on (project, period_index)
    period_index = models.PositiveIntegerField(_("month index"), editable=False, default=0)
    investment_month = _investment_field(_("investment this month (10,000 yuan)"), default=0)
    investment_ytd = _investment_field(_("investment this year to date (10,000 yuan)"), default=0)
    image_progress = models.TextField(_("image progress"), blank=True, max_length=PROGRESS_MAX)
    problems = models.TextField(_("problems"), blank=True, max_length=TEXT_MAX)
    support_needed = models.TextField(_("support needed"), blank=True, max_length=TEXT_MAX)
    ytd_reason = models.TextField(
        _("reason for the lower year-to-date investment"),
        blank=True,
        max_length=REASON_MAX,
        help_text=_("Needed only when the year to date is below the one reported for an earlier month."),
    )
    supervision_item = models.ForeignKey(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_reports",
        help_text=_("The supervision item made from the support request."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
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

    objects = ProjectReportQuerySet.as_manager()  # type: ignore[misc]  # a RestrictedQuerySet too

    owner_lookups = ("project__owner_unit",)
    audit_exclude = ("id", "period_index", "submitted_by", "reviewed_by", "created", "updated")

    class Meta:
        ordering = ["-period__year", "-period__month", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="one_report_per_project_and_period"),
            size_check("investment_month", INVESTMENT, "projectreport_investment_month_size"),
            size_check("investment_ytd", INVESTMENT, "projectreport_investment_ytd_size"),
        ]
        # covering: a project's month range is read (sums, latest year to date) from the index alone
        indexes = [
            models.Index(
                fields=["project", "period_index", "status", "investment_month", "investment_ytd"],
                name="projectreport_month_cover",
            )
        ]
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")

    def __str__(self) -> str:
        return f"{self.project.code} {self.period.code}"

    def natural_key_text(self) -> str:
        return str(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, and keep the campaigns' monthly investment of this project and month (in the
        same transaction)."""
        self.period_index = self.period.index
        with transaction.atomic():
            super().save(*args, **kwargs)
            _investment_refresh([(self.project_id, self.period_index)])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            _investment_refresh([(self.project_id, self.period_index)])
        return deleted

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        data["submitted_by"] = self.submitted_by.get_username() if self.submitted_by else None
        data["reviewed_by"] = self.reviewed_by.get_username() if self.reviewed_by else None
        if self.pk is not None:
            data["milestones"] = {
                m.kind: _json_value(m.actual) for m in self.milestones_reached.order_by("kind")
            }
        return data


class ProjectReportMilestone(models.Model):
    """A milestone the report says was reached, with its actual date; approving the report copies
    the date to the project's :class:`ProjectMilestone`."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="milestones_reached")
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    actual = models.DateField(_("actual date"), validators=[DateInYears()])

    class Meta:
        ordering = ["report", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="one_milestone_per_report_and_kind")
        ]
        verbose_name = _("milestone reached")
        verbose_name_plural = _("milestones reached")

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class Campaign(BilingualNameMixin, AuditedModel):
    """A project campaign (攻坚大会战, the 成渝之星 campaign first): a set of projects with targets
    for a period (projects started, investment completed)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    start = models.DateField(_("start"), validators=[DateInYears()])
    end = models.DateField(_("end"), validators=[DateInYears()])
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_started = models.PositiveIntegerField(_("target: projects started"), null=True, blank=True)
    target_investment = _investment_field(_("target: investment (10,000 yuan)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    projects = models.ManyToManyField(
        KeyProject, verbose_name=_("projects"), blank=True, related_name="campaigns"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-start", "code"]
        constraints = [size_check("target_investment", INVESTMENT, "campaign_target_investment_size")]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class ProjectReviewComment(models.Model):
    """One verdict of a reviewer on a project report, with the comment (审核意见): the history of
    returns and approvals, kept when a later review writes ``ProjectReport.review_comment`` again."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="review_comments")
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
        verbose_name = _("project review comment")
        verbose_name_plural = _("project review comments")

    def __str__(self) -> str:
        return f"{self.report_id} {self.verdict}"


class CampaignMonth(models.Model):
    """The investment reported by a campaign's projects in one month (万元): the sum of
    ``investment_month`` of their reports of that month whose status counts as reported, with how
    many such reports. Derived data kept at write time by :mod:`jingjin.projects.investment_summary`
    (every write of reports and of a campaign's projects); ``jingjin summaries rebuild`` recomputes
    it. The campaign page reads these rows (one per month) instead of every report."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="months")
    period_index = models.PositiveIntegerField(_("month index"))
    investment = models.DecimalField(_("investment (10,000 yuan)"), max_digits=20, decimal_places=2)
    reports = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        ordering = ["campaign", "period_index"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "period_index"], name="one_campaign_month"),
        ]
        verbose_name = _("campaign month")
        verbose_name_plural = _("campaign months")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.period_index}"
