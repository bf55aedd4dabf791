"""Water data of the ecology app: monthly section samples (断面月监测数据), their revisions and
import batches, the classes the water engine computes from them (month and year), and the link of
a plan indicator to a computed figure (自动取数, :mod:`jingjin.ecology.feeds`) with the actuals fed.

Writes happen only in :mod:`jingjin.ecology.water_services` and :mod:`jingjin.ecology.feeds`, which
audit them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import year_validators
from jingjin.core.models import AuditedModel, Unit
from jingjin.ecology.choices import WaterClass
from jingjin.engines.tables.water_gb3838 import ROUTINE

#: the stored parameters: the 21 routine items of 环办〔2011〕22号 and total nitrogen (lakes' class_tn)
SAMPLE_PARAMETERS: tuple[str, ...] = (*ROUTINE, "tn")

#: mg/L (pH dimensionless); six decimals hold GB 3838's smallest limit (Hg 0.00005)
VALUE_DIGITS = 14
VALUE_PLACES = 6


class WaterImportBatch(AuditedModel):
    """One import of monthly section samples (our own small batch: the air data keep theirs)."""

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    layout = models.CharField(_("layout"), max_length=16)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    owner_lookups = ("unit",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("water import batch")
        verbose_name_plural = _("water import batches")

    def __str__(self) -> str:
        return f"{self.pk} {self.file_name}"


def _value_field(name: str) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        name,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class SectionSample(AuditedModel):
    """A section's monthly sample (月监测值): the GB 3838 routine items and TN, each optional."""

    section = models.ForeignKey("ecology.Section", on_delete=models.CASCADE, related_name="samples")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    batch = models.ForeignKey(
        WaterImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    locals().update({p: _value_field(p) for p in SAMPLE_PARAMETERS})

    owner_lookups = ("section__county",)

    class Meta:
        ordering = ["section", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["section", "year", "month"], name="one_sample_per_section_month")
        ]
        verbose_name = _("section sample")
        verbose_name_plural = _("section samples")

    def natural_key_text(self) -> str:
        return f"{self.section_id}:{self.year}-{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.section_id} {self.year}-{self.month:02d}"


class SectionSampleRevision(models.Model):
    """The values a sample had before an import changed them (修订记录)."""

    sample = models.ForeignKey(SectionSample, on_delete=models.CASCADE, related_name="revisions")
    batch = models.ForeignKey(
        WaterImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    changed_at = models.DateTimeField(_("changed at"))
    before = models.JSONField(_("values before"))
    after = models.JSONField(_("values after"))

    class Meta:
        ordering = ["sample", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sample} @ {self.changed_at:%Y-%m-%d %H:%M}"


class SectionClass(models.Model):
    """A section's class in a month, or in the year (``month`` null: from the yearly means)."""

    section = models.ForeignKey("ecology.Section", on_delete=models.CASCADE, related_name="classes")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    water_class = models.PositiveSmallIntegerField(_("class"), choices=WaterClass.choices)
    limiting = models.CharField(_("limiting parameters"), max_length=200, blank=True)
    exceedances = models.CharField(_("exceeding parameters"), max_length=400, blank=True)
    target_class = models.PositiveSmallIntegerField(
        _("target class"), choices=WaterClass.choices, null=True, blank=True
    )
    target_met = models.BooleanField(_("target met"), null=True)
    months = models.PositiveSmallIntegerField(_("months sampled"), default=1)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["section", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "year", "month"],
                condition=models.Q(month__isnull=False),
                name="one_class_per_section_month",
            ),
            models.UniqueConstraint(
                fields=["section", "year"],
                condition=models.Q(month__isnull=True),
                name="one_class_per_section_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} {self.year}-{self.month or 'year'}: {self.water_class}"

    @property
    def good(self) -> bool:
        return self.water_class <= WaterClass.III


class IndicatorFeed(AuditedModel):
    """A plan indicator whose actuals come from a computed figure (自动取数)."""

    indicator = models.OneToOneField(
        "plans.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="feed"
    )
    figure = models.CharField(_("computed figure"), max_length=40)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("indicator feed")
        verbose_name_plural = _("indicator feeds")

    def natural_key_text(self) -> str:
        return f"{self.indicator.code}:{self.figure}"

    @property
    def label(self) -> str:
        """The figure's name in the UI's language (the indicator page shows it as the source)."""
        from jingjin.ecology.feeds import label_of

        return label_of(self.figure)

    def __str__(self) -> str:
        return self.natural_key_text()


class FedActual(models.Model):
    """The value a figure gave an indicator for a year, as of a month (the year to date)."""

    indicator = models.ForeignKey("plans.Indicator", on_delete=models.CASCADE, related_name="fed_actuals")
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    month = models.PositiveSmallIntegerField(
        _("as of month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    figure = models.CharField(_("computed figure"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["indicator", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_fed_actual_per_indicator_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"
