"""The plan registry: plan → action → measure → task → indicator.

A plan (规划, here the six benchmark-and-compete actions, 六大对标竞进行动) holds actions
(对标竞进行动), each split into measures (方面/措施) and tasks (任务); indicators (指标)
carry baselines, yearly targets and final targets. Named mechanisms (红黑榜, 链长制 …) are
attached to the tasks they belong to. Codes are paths: ``A3.M4.T2.I1``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import PLAN_NUMBER, YEAR_MAX, YEAR_MIN, DateInYears, size_check, year_validators
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.plans.choices import Direction


class BilingualDescriptionMixin(models.Model):
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)

    class Meta:
        abstract = True

    @property
    def description(self) -> str:
        if (get_language() or "").startswith("en"):
            return self.description_en or self.description_zh
        return self.description_zh or self.description_en


class Plan(BilingualNameMixin, BilingualDescriptionMixin, AuditedModel):
    """A multi-year action plan of a city (规划 / 行动方案)."""

    code = models.CharField(
        _("code"), max_length=64, unique=True, validators=[RegexValidator(r"^[a-z0-9-]+$")]
    )
    city = models.CharField(_("city"), max_length=100)
    start_year = models.PositiveIntegerField(_("start year"), validators=year_validators())
    end_year = models.PositiveIntegerField(_("end year"), validators=year_validators())
    source = models.TextField(_("source"), blank=True)
    #: opted in to the public page ``/public/<code>/`` (公开): its actions, measures and tasks with
    #: their progress, its published red/black lists and the indicators selected for it
    public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_("Opt in: the plan's actions, measures and tasks are shown without sign-in."),
    )

    office_editable_fields = (
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "city",
        "source",
        "public",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__gte=YEAR_MIN, start_year__lte=YEAR_MAX)
                & models.Q(end_year__gte=YEAR_MIN, end_year__lte=YEAR_MAX),
                name="plan_years_in_range",
            )
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": _("The end year is before the start year.")})


class Mechanism(BilingualNameMixin, BilingualDescriptionMixin, AuditedModel):
    """A named working mechanism of a plan (机制): 红黑榜, 链长制, 亩均论英雄 …"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="mechanisms")
    code = models.CharField(_("code"), max_length=64, validators=[RegexValidator(r"^[a-z0-9_]+$")])
    position = models.PositiveIntegerField(default=0)

    office_editable_fields = ("name_zh", "name_en", "description_zh", "description_en")

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="mechanism_code_unique_in_plan")]
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def __str__(self) -> str:
        return self.name


class PlanNode(BilingualNameMixin, BilingualDescriptionMixin, AuditedModel):
    """Fields shared by actions, measures and tasks."""

    code = models.CharField(_("code"), max_length=64)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(
        _("weight"), default=1, validators=[MinValueValidator(0)], max_digits=20, decimal_places=6
    )
    start = models.DateField(_("start"), null=True, blank=True, validators=[DateInYears()])
    end = models.DateField(_("end"), null=True, blank=True, validators=[DateInYears()])
    position = models.PositiveIntegerField(default=0)

    owner_lookups: tuple[str, ...] = ("lead_unit",)
    office_editable_fields: tuple[str, ...] = (
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "lead_unit",
        "co_units",
        "weight",
        "start",
        "end",
    )
    unit_editable_fields: tuple[str, ...] = ("description_zh", "description_en", "start", "end")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.start and self.end and self.start > self.end:
            # both dates are marked: the user may have changed either (a PATCH of only one names it)
            raise ValidationError(
                {
                    "start": _("The start date is after the end date."),
                    "end": _("The end date is before the start date."),
                }
            )


class Action(PlanNode):
    """A benchmark-and-compete action (对标竞进行动), led by a department; only the plan office
    changes it (docs/permissions.md: a unit user changes tasks and indicators, not actions)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="+")

    owner_lookups: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="action_code_unique_in_plan")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")


class Measure(PlanNode):
    """A measure (方面 / 措施) of an action; only the plan office changes it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="+")

    owner_lookups: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["action", "code"], name="measure_code_unique_in_action")
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")


class Task(PlanNode):
    """A task (任务) with a lead unit, co-units, the counties it concerns and its mechanisms."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tasks")
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="+")
    counties = models.ManyToManyField(Unit, verbose_name=_("counties"), blank=True, related_name="+")
    mechanisms = models.ManyToManyField(
        Mechanism, verbose_name=_("mechanisms"), blank=True, related_name="tasks"
    )
    #: a share (任务分解) of a city task for one county or park: its own lead unit (the county or
    #: park), weight, target and monthly reports; the city task's progress rolls up from its shares
    parent = models.ForeignKey(
        "self",
        verbose_name=_("city task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
    )
    share_target = models.DecimalField(
        _("target of the share"), null=True, blank=True, max_digits=20, decimal_places=6
    )
    share_target_unit = models.CharField(_("unit of the target"), max_length=40, blank=True)

    office_editable_fields = (*PlanNode.office_editable_fields, "counties", "mechanisms")

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="task_code_unique_in_measure")
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")


class Indicator(BilingualNameMixin, AuditedModel):
    """An indicator (指标) of a task: baseline (基期值), yearly targets and the final target (目标值)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=80)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    baseline_value = models.DecimalField(
        _("baseline"), null=True, blank=True, max_digits=20, decimal_places=6
    )
    baseline_year = models.PositiveIntegerField(
        _("baseline year"), null=True, blank=True, validators=year_validators()
    )
    target_value = models.DecimalField(_("target"), null=True, blank=True, max_digits=20, decimal_places=6)
    target_min = models.DecimalField(
        _("target minimum"), null=True, blank=True, max_digits=20, decimal_places=6
    )
    target_max = models.DecimalField(
        _("target maximum"), null=True, blank=True, max_digits=20, decimal_places=6
    )
    target_year = models.PositiveIntegerField(
        _("target year"), null=True, blank=True, validators=year_validators()
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note_zh = models.TextField(_("Chinese note"), blank=True)
    note_en = models.TextField(_("English note"), blank=True)
    position = models.PositiveIntegerField(default=0)
    benchmark_indicator = models.ForeignKey(
        "benchmark.CatalogueIndicator",
        verbose_name=_("peer-city indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_indicators",
        help_text=_(
            "The benchmarking indicator that measures this one: the task page shows the city's peer rank."
        ),
    )

    #: selected for the public page of its plan (the plan must be public too)
    public = models.BooleanField(_("selected for the public page"), default=False)

    owner_lookups = ("task__lead_unit", "responsible_unit")
    office_editable_fields = (
        "public",
        "name_zh",
        "name_en",
        "unit",
        "direction",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_min",
        "target_max",
        "target_year",
        "data_source",
        "responsible_unit",
        "note_zh",
        "note_en",
        "benchmark_indicator",
    )
    unit_editable_fields = ("baseline_value", "baseline_year", "data_source", "note_zh", "note_en")

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "code"], name="indicator_code_unique_in_task"),
            *(
                size_check(name, PLAN_NUMBER, f"indicator_{name}_in_range")
                for name in ("baseline_value", "target_value", "target_min", "target_max")
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def note(self) -> str:
        if (get_language() or "").startswith("en"):
            return self.note_en or self.note_zh
        return self.note_zh or self.note_en

    def clean(self) -> None:
        numbers = (self.baseline_value, self.target_value, self.target_min, self.target_max)
        if self.direction == Direction.MILESTONE and any(v is not None for v in numbers):
            raise ValidationError(_("A milestone indicator has no numbers."))
        if self.direction == Direction.RANGE and (self.target_min is None or self.target_max is None):
            raise ValidationError(_("A range indicator needs a minimum and a maximum."))
        if self.target_min is not None and self.target_max is not None and self.target_min > self.target_max:
            raise ValidationError({"target_max": _("The maximum is below the minimum.")})


class IndicatorTarget(models.Model):
    """A yearly target (年度目标) of an indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="target_year_in_range"
            ),
            size_check("value", PLAN_NUMBER, "target_value_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class Milestone(BilingualNameMixin, models.Model):
    """A dated milestone (节点) of a milestone indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"), null=True, blank=True, validators=[DateInYears()])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.date}: {self.name}"
