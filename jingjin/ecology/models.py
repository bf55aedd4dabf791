"""The ecology registers shared by the air and water data: monitoring stations (空气质量监测站点)
and water-quality sections (水质断面) with their yearly target classes.

Other registers (black-odorous water bodies, pollution sources, the soil risk list …) and the
monitoring data live in their own modules of this app. Writes happen only in the app's services,
which audit them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import year_validators
from jingjin.core.models import AuditedModel, BilingualNameMixin, Unit
from jingjin.ecology.choices import MonitoringLevel, WaterbodyType, WaterClass


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


from jingjin.ecology.water_models import (  # noqa: E402, F401 - the water slice's models
    FedActual,
    IndicatorFeed,
    SectionClass,
    SectionSample,
    SectionSampleRevision,
    WaterImportBatch,
)
