"""Benchmarking (对标): the indicator catalogue, cities, their statistics and peer groups.

Every statistic keeps its source; a new value for the same city, year and indicator does not
overwrite the old one but supersedes it (``is_current``), so revisions keep their history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import STATISTIC_VALUE, YEAR_MAX, YEAR_MIN, size_check, year_validators
from jingjin.core.models import AuditedModel, BilingualNameMixin
from jingjin.plans.models import BilingualDescriptionMixin


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class GrowthKind(models.TextChoices):
    LEVEL = "level", _("Level (growth makes sense)")
    RATE = "rate", _("Rate or ratio (no growth)")


class CatalogueIndicator(BilingualNameMixin, BilingualDescriptionMixin, AuditedModel):
    """An indicator of the benchmarking catalogue (对标指标), e.g. ``gdp`` in 亿元, higher is better."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    unit = models.CharField(_("unit of measure"), max_length=40)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    growth = models.CharField(_("growth"), max_length=8, choices=GrowthKind.choices, default=GrowthKind.LEVEL)
    comparable_from = models.PositiveIntegerField(
        _("comparable from"),
        null=True,
        blank=True,
        help_text=_("Earlier values are flagged and kept out of growth."),
        validators=year_validators(),
    )
    position = models.PositiveIntegerField(default=0)

    office_editable_fields = (
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "unit",
        "direction",
        "growth",
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("catalogue indicator")
        verbose_name_plural = _("catalogue indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class City(AuditedModel):
    """A city (or district) that statistics are kept for, named as in the statistics (成都, 遂宁 …)."""

    name_zh = models.CharField(_("Chinese name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name_zh

    def natural_key_text(self) -> str:
        return self.name_zh


class Statistic(AuditedModel):
    """One value of one indicator for one city and year (统计数据), with its source."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="statistics")
    indicator = models.ForeignKey(CatalogueIndicator, on_delete=models.PROTECT, related_name="statistics")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("unit of measure"), max_length=40)
    source = models.TextField(_("source"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    recorded = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["indicator__position", "city__name_zh", "year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "indicator", "year"],
                condition=models.Q(is_current=True),
                name="one_current_value",
            ),
            models.UniqueConstraint(fields=["city", "indicator", "year", "revision"], name="revision_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="statistic_year_in_range"
            ),
            size_check("value", STATISTIC_VALUE, "statistic_value_in_range"),
        ]
        indexes = [models.Index(fields=["indicator", "year", "is_current"])]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")

    def __str__(self) -> str:
        return f"{self.city} {self.year} {self.indicator.code} = {self.value}"

    def natural_key_text(self) -> str:
        return f"{self.city.name_zh}/{self.year}/{self.indicator.code}"


class PeerGroup(BilingualNameMixin, AuditedModel):
    """A named set of cities to compare with (对标城市组)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    cities = models.ManyToManyField(City, verbose_name=_("cities"), related_name="peer_groups")
    position = models.PositiveIntegerField(default=0)

    office_editable_fields = ("name_zh", "name_en", "cities")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name
