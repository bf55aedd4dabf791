"""The registers of industrial parks (产业园区): the industry catalogue of the 3+3+3 system, parks
with their leading industries, industrial chains (产业链) with their chain leaders (链长) and links,
firms, and the 100-billion-yuan clusters (千亿级产业集群) with their yearly targets.

Amounts are in 万元 (10,000 yuan) except the clusters' outputs, which are in 亿元 (100 million
yuan), as the plan states them. A park's area is in km². Writes happen only in
:mod:`jingjin.parks.services`, which audit them. The rules over these registers (leading-industry
caps, overlap between parks, gap scores) are pure functions of ``jingjin/engines/parks.py``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import DateInYears, Number, number_validators, size_check, year_validators
from jingjin.core.choices import UnitKind
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.parks import creditcode
from jingjin.parks.attraction_choices import LeadStageName
from jingjin.parks.choices import Fortune500, LinkPosition, ParkLevel, SystemTier

#: an amount in 万元 (output, tax, a link's reference output): 0 or more, two decimals
AMOUNT = Number(16, 2, minimum=0)
#: a cluster's output in 亿元: 0 or more, two decimals
CLUSTER_OUTPUT = Number(12, 2, minimum=0)
#: a park's area in km²: greater than 0, two decimals
AREA = Number(10, 2, positive=True)
#: a link's importance: 0 to 1, three decimals
IMPORTANCE = Number(4, 3, minimum=0)
#: the most employees a firm may have (a bound, not a fact)
EMPLOYEES_MAX = 10_000_000
NAME_MAX = 200
TEXT_MAX = 2000


def _decimal(verbose_name: Any, bound: Number, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name,
        max_digits=bound.max_digits,
        decimal_places=bound.decimal_places,
        validators=[*number_validators(bound), *kwargs.pop("validators", [])],
        **kwargs,
    )


def validate_credit_code(value: str) -> None:
    """A unified social credit code of GB 32100-2015 with its check character."""
    if not creditcode.is_valid(value):
        raise ValidationError(
            _(
                "%(code)s is not a unified social credit code (18 characters with the check character of "
                "GB 32100-2015)"
            ),
            code="credit_code",
            params={"code": value},
        )


def validate_importance(value: Any) -> None:
    if value is not None and value > 1:
        raise ValidationError(_("The importance is a number from 0 to 1."), code="importance")


class Industry(BilingualNameMixin, AuditedModel):
    """An industry (产业) or a sub-industry (细分产业) of the catalogue: a tree through ``parent``.

    The top industries of the 3+3+3 industrial system (IndustrySystem) carry their
    ``system_tier``; ``gbt4754`` is the class of GB/T 4754-2017 (国民经济行业分类) where one applies.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    gbt4754 = models.CharField(_("GB/T 4754 code"), max_length=8, blank=True)
    system_tier = models.CharField(
        _("3+3+3 tier"), max_length=8, choices=SystemTier.choices, blank=True, db_index=True
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields = ("name_zh", "name_en", "parent", "gbt4754", "system_tier", "position")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.gbt4754 and not self.gbt4754.isdigit():
            raise ValidationError({"gbt4754": _("A GB/T 4754 code has digits only.")})
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An industry cannot be its own parent.")})


class Park(AuditedModel):
    """An industrial park (产业园区): a unit of kind park, with its level, county, area, leading
    industries (主导产业) and every industry present in it (its sub-industries)."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="park",
        limit_choices_to={"kind": UnitKind.PARK},
    )
    level = models.CharField(_("level"), max_length=16, choices=ParkLevel.choices, db_index=True)
    county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_parks",
        limit_choices_to={"kind": UnitKind.COUNTY},
    )
    area_km2 = _decimal(_("area (km²)"), AREA, null=True, blank=True)
    leading_industries = models.ManyToManyField(
        Industry, verbose_name=_("leading industries"), blank=True, related_name="leading_parks"
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries present"), blank=True, related_name="parks"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    #: a unit user changes the park of its unit (or of a unit below it)
    owner_lookups = ("unit",)
    office_editable_fields = ("level", "county", "area_km2", "leading_industries", "industries")
    unit_editable_fields = ("area_km2", "industries")

    class Meta:
        ordering = ["unit__position", "unit__code"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        constraints = [size_check("area_km2", AREA, "parks_park_area_size")]

    def __str__(self) -> str:
        return self.unit.name

    @property
    def code(self) -> str:
        return self.unit.code

    def natural_key_text(self) -> str:
        return self.unit.code

    def clean(self) -> None:
        if self.unit_id is not None and self.unit.kind != UnitKind.PARK:
            raise ValidationError({"unit": _("A park is a unit of kind park.")})
        if self.county_id is not None and self.county is not None and self.county.kind != UnitKind.COUNTY:
            raise ValidationError({"county": _("The county must be a unit of kind county.")})


class Chain(BilingualNameMixin, AuditedModel):
    """An industrial chain (产业链) under the chain-leader system (链长制): its chain leader, a city
    leader (``chain_leader`` name and ``chain_leader_post``), the lead unit and the industry."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    chain_leader = models.CharField(_("chain leader"), max_length=100, blank=True)
    chain_leader_post = models.CharField(_("chain leader's post"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("lead_unit",)
    office_editable_fields = (
        "name_zh",
        "name_en",
        "chain_leader",
        "chain_leader_post",
        "lead_unit",
        "industry",
        "position",
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")

    def __str__(self) -> str:
        return self.name


class ChainLink(BilingualNameMixin, AuditedModel):
    """A link (环节) of a chain: upstream, midstream or downstream, its importance (0–1, for the
    gap score) and a reference output in 万元 (what a complete link would produce locally)."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="links")
    code = models.CharField(_("code"), max_length=32, unique=True)
    position = models.CharField(_("position"), max_length=8, choices=LinkPosition.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    importance = _decimal(_("importance (0–1)"), IMPORTANCE, default=1, validators=[validate_importance])
    reference_output = _decimal(_("reference output (10,000 yuan)"), AMOUNT, null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("chain__lead_unit",)
    office_editable_fields = ("name_zh", "name_en", "position", "order", "importance", "reference_output")

    class Meta:
        ordering = ["chain", "order", "code"]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(importance__gte=0, importance__lte=1), name="parks_link_importance_0_1"
            ),
            size_check("reference_output", AMOUNT, "parks_link_reference_output_size"),
        ]

    def __str__(self) -> str:
        return self.name


class Firm(AuditedModel):
    """A firm (企业) of a park or county: output, tax and employees of the last year, its chain
    links, and its categories (firm_category): the Fortune-500-type group (三类500强), industry
    leader (行业龙头), hidden champion (隐形冠军), specialised SME (专精特新), headquarters (总部型),
    state-owned (央企国企) and foreign (外企)."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT, related_name="firms"
    )
    county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="firms",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="firms",
    )
    chain_links = models.ManyToManyField(
        ChainLink, verbose_name=_("chain links"), blank=True, related_name="firms"
    )
    output = _decimal(_("output (10,000 yuan)"), AMOUNT, null=True, blank=True)
    tax = _decimal(_("tax (10,000 yuan)"), AMOUNT, null=True, blank=True)
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[*number_validators(Number(8, 0, minimum=0))]
    )
    fortune500 = models.CharField(
        _("Fortune-500-type group"), max_length=8, choices=Fortune500.choices, blank=True, default=""
    )
    is_industry_leader = models.BooleanField(_("industry leader"), default=False)
    is_hidden_champion = models.BooleanField(_("hidden champion"), default=False)
    is_specialised = models.BooleanField(_("specialised SME"), default=False)
    is_hq = models.BooleanField(_("headquarters"), default=False)
    is_soe = models.BooleanField(_("state-owned"), default=False)
    is_foreign = models.BooleanField(_("foreign"), default=False)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False, db_index=True)

    #: a unit user changes the firms of its park or county (or of a unit below it)
    owner_lookups = ("park__unit", "county")
    office_editable_fields = (
        "name",
        "park",
        "county",
        "industry",
        "chain_links",
        "output",
        "tax",
        "employees",
        "fortune500",
        "is_industry_leader",
        "is_hidden_champion",
        "is_specialised",
        "is_hq",
        "is_soe",
        "is_foreign",
    )
    unit_editable_fields = ("industry", "chain_links", "output", "tax", "employees")

    class Meta:
        ordering = ["name", "credit_code"]
        verbose_name = _("firm")
        verbose_name_plural = _("firms")
        constraints = [
            size_check("output", AMOUNT, "parks_firm_output_size"),
            size_check("tax", AMOUNT, "parks_firm_tax_size"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key_text(self) -> str:
        return self.credit_code


class Cluster(BilingualNameMixin, AuditedModel):
    """A 100-billion-yuan industrial cluster (千亿级产业集群), e.g. “世界锂都”, with its industries
    and its yearly output targets (:class:`ClusterYear`)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="clusters"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields = ("name_zh", "name_en", "industries", "position")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


class ClusterYear(AuditedModel):
    """A cluster's target and actual output of one year, in 亿元."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    target_output = _decimal(_("target output (100 million yuan)"), CLUSTER_OUTPUT, null=True, blank=True)
    actual_output = _decimal(_("actual output (100 million yuan)"), CLUSTER_OUTPUT, null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    office_editable_fields = ("target_output", "actual_output")

    class Meta:
        ordering = ["cluster", "year"]
        verbose_name = _("cluster year")
        verbose_name_plural = _("cluster years")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="parks_cluster_year_once"),
            size_check("target_output", CLUSTER_OUTPUT, "parks_cluster_target_size"),
            size_check("actual_output", CLUSTER_OUTPUT, "parks_cluster_actual_size"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year}"

    def natural_key_text(self) -> str:
        return f"{self.cluster.code}:{self.year}"


# --------------------------------------------------------------------------------------------
# Targeted attraction (靶向招引) — slice parksattr


class CandidateFirm(AuditedModel):
    """A candidate firm of the targeted attraction list (靶向招引名单): a firm from outside the city
    that would fill chain links (补链), with its categories (三类500强, 行业领军, 隐形冠军, 总部型,
    央企国企, 重点外企, 专精特新) and where the name came from. Filled by an import."""

    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    chain_links = models.ManyToManyField(
        ChainLink, verbose_name=_("chain links it would fill"), blank=True, related_name="candidates"
    )
    fortune500 = models.CharField(
        _("Fortune-500-type group"), max_length=8, choices=Fortune500.choices, blank=True, default=""
    )
    is_industry_leader = models.BooleanField(_("industry leader"), default=False)
    is_hidden_champion = models.BooleanField(_("hidden champion"), default=False)
    is_hq = models.BooleanField(_("headquarters"), default=False)
    is_soe = models.BooleanField(_("state-owned"), default=False)
    is_foreign = models.BooleanField(_("key foreign firm"), default=False)
    is_specialised = models.BooleanField(_("specialised SME"), default=False)
    source = models.CharField(_("source"), max_length=NAME_MAX, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("candidate firm")
        verbose_name_plural = _("candidate firms")

    def __str__(self) -> str:
        return self.name


class AttractionLead(AuditedModel):
    """A lead of the attraction pipeline (招商项目库): a candidate or a named firm for chain links and
    a park, its owner unit and person (招商责任人), its stage (线索 → 接洽 → 考察 → 签约 → 开工 →
    投产, or 终止) with the date of the last move, the planned investment (万元) and, once signed,
    its key project. Stages move only through ``attraction_services.lead_move``."""

    candidate = models.ForeignKey(
        CandidateFirm,
        verbose_name=_("candidate firm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    firm_name = models.CharField(_("firm"), max_length=NAME_MAX)
    chain_links = models.ManyToManyField(
        ChainLink, verbose_name=_("chain links"), blank=True, related_name="leads"
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="attraction_leads"
    )
    owner_person = models.CharField(_("person in charge"), max_length=100, blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=LeadStageName.choices, default=LeadStageName.LEAD, db_index=True
    )
    #: the furthest stage of the pipeline reached (a dropped lead keeps it: the funnel counts it)
    reached = models.CharField(
        _("furthest stage"), max_length=16, choices=LeadStageName.choices, default=LeadStageName.LEAD
    )
    stage_date = models.DateField(_("date of the stage"), validators=[DateInYears()])
    drop_reason = models.CharField(_("reason for dropping"), max_length=TEXT_MAX, blank=True)
    planned_investment = _decimal(_("planned investment (10,000 yuan)"), AMOUNT, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_MAX)
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attraction_leads",
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("owner_unit",)
    office_editable_fields = (
        "candidate",
        "firm_name",
        "chain_links",
        "park",
        "owner_unit",
        "owner_person",
        "planned_investment",
        "notes",
    )
    unit_editable_fields = (
        "candidate",
        "firm_name",
        "chain_links",
        "park",
        "owner_person",
        "planned_investment",
        "notes",
    )

    class Meta:
        ordering = ["-stage_date", "-pk"]
        verbose_name = _("attraction lead")
        verbose_name_plural = _("attraction leads")
        constraints = [size_check("planned_investment", AMOUNT, "parks_lead_investment_size")]

    def __str__(self) -> str:
        return self.firm_name


class LeadStage(models.Model):
    """One move of a lead (a row per move, never changed): the stage, its date, the reason (for a
    drop or a skip) and who moved it."""

    lead = models.ForeignKey(
        AttractionLead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=LeadStageName.choices)
    date = models.DateField(_("date"), validators=[DateInYears()])
    reason = models.CharField(_("reason"), max_length=TEXT_MAX, blank=True)
    user_name = models.CharField(_("by"), max_length=150, blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["lead", "date", "pk"]
        verbose_name = _("lead stage")
        verbose_name_plural = _("lead stages")

    def __str__(self) -> str:
        return f"{self.lead_id} {self.stage} {self.date}"


class ClusterIndicator(AuditedModel):
    """The plan indicator (of action 3) a cluster's yearly actual output feeds: one per cluster.

    The cluster's actual output (亿元) of a year is written as the indicator's actual value in a
    report of the indicator's task, by :func:`jingjin.parks.cluster_feed.cluster_year_apply`
    (through the reporting services: the reporter of the task's unit applies it)."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="plan_link"
    )
    indicator = models.ForeignKey(
        "plans.Indicator", verbose_name=_("plan indicator"), on_delete=models.CASCADE, related_name="+"
    )

    office_editable_fields = ("indicator",)

    class Meta:
        verbose_name = _("cluster's plan indicator")
        verbose_name_plural = _("clusters' plan indicators")

    def __str__(self) -> str:
        return f"{self.cluster.code} → {self.indicator.code}"

    def natural_key_text(self) -> str:
        return self.cluster.code
