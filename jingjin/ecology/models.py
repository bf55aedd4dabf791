"""The ecology registers shared by the air and water data: monitoring stations (空气质量监测站点)
and water-quality sections (水质断面) with their yearly target classes.

Other registers (black-odorous water bodies, pollution sources, the soil risk list …) and the
monitoring data live in their own modules of this app. Writes happen only in the app's services,
which audit them.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import DateInYears, Number, number_validators, size_check, year_validators
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.ecology.choices import (
    BlackOdorousLevel,
    BlackOdorousState,
    MonitoringLevel,
    ProjectState,
    SoilSiteState,
    SourceKind,
    WaterbodyType,
    WaterClass,
)


class Station(BilingualNameMixin, AuditedModel):
    """An air quality monitoring station (空气质量监测站点); national stations make the city's figures."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("The platform's station code, e.g. 1234A.")
    )
    level = models.CharField(_("level"), max_length=16, choices=MonitoringLevel.choices, db_index=True)
    county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    counts_for_city = models.BooleanField(
        _("counts for the city"),
        default=True,
        help_text=_("The city's daily figures average these stations."),
    )
    active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("monitoring station")
        verbose_name_plural = _("monitoring stations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Section(BilingualNameMixin, AuditedModel):
    """A water-quality section (水质断面) on a river, lake or reservoir, assessed at a level."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    waterbody = models.CharField(_("river or lake"), max_length=100)
    waterbody_type = models.CharField(
        _("waterbody type"), max_length=16, choices=WaterbodyType.choices, default=WaterbodyType.RIVER
    )
    level = models.CharField(
        _("assessed level"), max_length=16, choices=MonitoringLevel.choices, db_index=True
    )
    county = models.ForeignKey(
        Unit,
        verbose_name=_("county / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("water section")
        verbose_name_plural = _("water sections")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SectionTarget(models.Model):
    """A section's target class for a year (目标水质类别)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    target_class = models.PositiveSmallIntegerField(_("target class"), choices=WaterClass.choices)

    class Meta:
        ordering = ["section", "year"]
        constraints = [
            models.UniqueConstraint(fields=["section", "year"], name="one_target_per_section_and_year")
        ]
        verbose_name = _("section target")
        verbose_name_plural = _("section targets")

    def __str__(self) -> str:
        return f"{self.section.code} {self.year}"


# --------------------------------------------------------------------------------------------
# The inventories (slice ecoreg): black-odorous bodies, pollution sources and their reduction
# projects, the soil risk list, heavy-metal reduction projects. Every number has its bound
# (core/bounds.Number: the form, the API, the import and a database check agree).

#: a length in km (黑臭水体长度), 0 … 9,999,999.999
LENGTH_KM = Number(10, 3, minimum=0)
#: an area in km² (黑臭水体面积), 0 … 999,999.9999
AREA_KM2 = Number(10, 4, minimum=0)
#: emissions or reductions in tonnes a year (t/a), 0 … 99,999,999,999.999
TONNES = Number(14, 3, minimum=0)
#: an area in m² (地块面积), 0 … 999,999,999,999.99
AREA_M2 = Number(14, 2, minimum=0)
#: a heavy-metal reduction in kg a year (kg/a), 0 … 99,999,999,999.999
KILOGRAMS = Number(14, 3, minimum=0)

#: the longest code, location, chiefs' names and posts, former use, metals (characters)
CODE_MAX = 32
PLACE_MAX = 200
PEOPLE_MAX = 300


def _decimal(label: Any, bound: Number, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        label,
        max_digits=bound.max_digits,
        decimal_places=bound.decimal_places,
        validators=number_validators(bound),
        **kwargs,  # type: ignore[arg-type]
    )


def _day(label: Any) -> models.DateField:  # type: ignore[type-arg]
    return models.DateField(label, null=True, blank=True, validators=[DateInYears()])


def _county() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        Unit, verbose_name=_("county / district"), on_delete=models.PROTECT, related_name="+"
    )


class BlackOdorousBody(BilingualNameMixin, AuditedModel):
    """A black-odorous water body (黑臭水体) of the city's built-up areas, with its chiefs (河长/湖长,
    the 长制 that keeps it clean) and the day it reached each state."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    county = _county()
    location = models.CharField(_("location"), max_length=PLACE_MAX, blank=True)
    length_km = _decimal(_("length (km)"), LENGTH_KM, null=True, blank=True)
    area_km2 = _decimal(_("area (km²)"), AREA_KM2, null=True, blank=True)
    chief_names = models.CharField(_("river / lake chiefs"), max_length=PEOPLE_MAX, blank=True)
    chief_posts = models.CharField(_("chiefs' posts"), max_length=PEOPLE_MAX, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=BlackOdorousState.choices,
        default=BlackOdorousState.IDENTIFIED,
        db_index=True,
    )
    identified_on = _day(_("identified on"))
    treating_on = _day(_("treatment started on"))
    treated_on = _day(_("treatment completed on"))
    clean_on = _day(_("clean for the long term since"))
    last_check_level = models.CharField(
        _("last check"), max_length=10, choices=BlackOdorousLevel.choices, blank=True
    )
    last_check_on = _day(_("last checked on"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("black-odorous water body")
        verbose_name_plural = _("black-odorous water bodies")
        constraints = [
            size_check("length_km", LENGTH_KM, "blackodor_length_bounded"),
            size_check("area_km2", AREA_KM2, "blackodor_area_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PollutionSource(BilingualNameMixin, AuditedModel):
    """A source of the NOx and VOCs inventory (氮氧化物、挥发性有机物排放源清单), tonnes a year."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    county = _county()
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices, db_index=True)
    nox_t = _decimal(_("NOx (t/a)"), TONNES, default=0)
    vocs_t = _decimal(_("VOCs (t/a)"), TONNES, default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("pollution source")
        verbose_name_plural = _("pollution sources")
        constraints = [
            size_check("nox_t", TONNES, "source_nox_bounded"),
            size_check("vocs_t", TONNES, "source_vocs_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ReductionProject(BilingualNameMixin, AuditedModel):
    """A project that cuts a source's NOx and VOCs (协同减排项目), planned cuts in tonnes a year."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    source = models.ForeignKey(
        PollutionSource, verbose_name=_("pollution source"), on_delete=models.CASCADE, related_name="projects"
    )
    nox_reduction_t = _decimal(_("planned NOx reduction (t/a)"), TONNES, default=0)
    vocs_reduction_t = _decimal(_("planned VOCs reduction (t/a)"), TONNES, default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=ProjectState.choices, default=ProjectState.PLANNED, db_index=True
    )
    due_on = _day(_("due on"))
    done_on = _day(_("done on"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("source__county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reduction project")
        verbose_name_plural = _("reduction projects")
        constraints = [
            size_check("nox_reduction_t", TONNES, "project_nox_bounded"),
            size_check("vocs_reduction_t", TONNES, "project_vocs_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SoilRiskSite(BilingualNameMixin, AuditedModel):
    """A plot of construction land on the soil risk list (建设用地土壤污染风险管控和修复名录)."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    county = _county()
    area_m2 = _decimal(_("area (m²)"), AREA_M2, null=True, blank=True)
    former_use = models.CharField(_("former use"), max_length=PLACE_MAX, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=SoilSiteState.choices,
        default=SoilSiteState.RISK_CONTROL,
        db_index=True,
    )
    listed_on = _day(_("listed on"))
    removed_on = _day(_("removed on"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("soil risk site")
        verbose_name_plural = _("soil risk sites")
        constraints = [size_check("area_m2", AREA_M2, "soil_area_bounded")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HeavyMetalProject(BilingualNameMixin, AuditedModel):
    """A heavy-metal reduction project (重金属减排项目): metals, planned cut in kg a year."""

    code = models.CharField(_("code"), max_length=CODE_MAX, unique=True)
    county = _county()
    metals = models.CharField(_("metals"), max_length=PLACE_MAX)
    reduction_kg = _decimal(_("planned reduction (kg/a)"), KILOGRAMS, default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=ProjectState.choices, default=ProjectState.PLANNED, db_index=True
    )
    due_on = _day(_("due on"))
    done_on = _day(_("done on"))
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("county",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("heavy-metal project")
        verbose_name_plural = _("heavy-metal projects")
        constraints = [size_check("reduction_kg", KILOGRAMS, "heavymetal_reduction_bounded")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# ecoair: the air monitoring data
from jingjin.ecology.air_models import (  # noqa: E402, F401
    AirImportBatch,
    AirYearTarget,
    StationDay,
    StationHour,
    StationHourRevision,
)
from jingjin.ecology.water_models import (  # noqa: E402, F401 - the water slice's models
    FedActual,
    IndicatorFeed,
    SectionClass,
    SectionSample,
    SectionSampleRevision,
    WaterImportBatch,
)
