"""Air monitoring data (空气质量监测数据): hourly station values, their revisions and import batches,
daily results per station and for the city, and the yearly good-day target.

An hour is stored as its local day and the hour's start (0–23, Asia/Shanghai): the daily statistics
group by the natural day, and the (station, day, hour) key needs no time-zone work in bulk imports
and evaluations. Hourly and daily rows are written in bulk by :mod:`jingjin.ecology.air_services`
(raw SQL, not ORM objects one by one); each import batch and target change leaves an audit row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.bounds import year_validators
from jingjin.core.models import AuditedModel

#: the six pollutants' hourly columns (µg/m³; CO mg/m³), in the order of every table here
POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")


class AirImportBatch(AuditedModel):
    """One import of hourly station data (小时数据导入批次): the file, who, and what it did."""

    file_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), default=clock.now, editable=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new station-hours"), default=0)
    revised = models.PositiveIntegerField(_("revised station-hours"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged station-hours"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates in the file"), default=0)
    gaps = models.PositiveIntegerField(_("missing station-hours"), default=0)
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("air data import")
        verbose_name_plural = _("air data imports")

    def __str__(self) -> str:
        return f"{self.pk} {self.file_name}"


class StationHour(models.Model):
    """A station's 1-h concentrations (小时浓度) for the hour starting at ``hour`` of ``day``."""

    # no database constraint and no index of its own: a bulk import writes a million rows of
    # stations it has just read and locked (the per-row checks at commit were a third of the
    # import's time on PostgreSQL), and the unique (day, station, hour) key serves the lookups;
    # deleting a station still deletes its hours (Django's cascade, one DELETE)
    station = models.ForeignKey(
        "ecology.Station", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"), validators=[MaxValueValidator(23)])
    so2 = models.FloatField("SO2", null=True, blank=True)
    no2 = models.FloatField("NO2", null=True, blank=True)
    pm10 = models.FloatField("PM10", null=True, blank=True)
    pm25 = models.FloatField("PM2.5", null=True, blank=True)
    co = models.FloatField("CO", null=True, blank=True)
    o3 = models.FloatField("O3", null=True, blank=True)
    # likewise: the batch the import has just made; no index (batches are never deleted)
    batch = models.ForeignKey(
        AirImportBatch, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )

    class Meta:
        # the only index besides the primary key, day first: the evaluation reads days of every
        # station, and an import, its rows sorted by it, appends to it (no random index inserts)
        constraints = [
            models.UniqueConstraint(fields=["day", "station", "hour"], name="one_value_per_station_hour")
        ]
        verbose_name = _("station hour")
        verbose_name_plural = _("station hours")

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} {self.hour:02d}:00"


class StationHourRevision(models.Model):
    """The values an import replaced (修订记录): kept with the batch that replaced them."""

    station = models.ForeignKey("ecology.Station", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    so2 = models.FloatField("SO2", null=True, blank=True)
    no2 = models.FloatField("NO2", null=True, blank=True)
    pm10 = models.FloatField("PM10", null=True, blank=True)
    pm25 = models.FloatField("PM2.5", null=True, blank=True)
    co = models.FloatField("CO", null=True, blank=True)
    o3 = models.FloatField("O3", null=True, blank=True)
    old_batch = models.ForeignKey(
        AirImportBatch, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("old batch")
    )
    batch = models.ForeignKey(
        AirImportBatch, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("replaced by")
    )

    class Meta:
        ordering = ["station", "day", "hour", "id"]
        verbose_name = _("station hour revision")
        verbose_name_plural = _("station hour revisions")

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} {self.hour:02d}:00 (batch {self.batch_id})"


class StationDay(models.Model):
    """A daily result (日报): a station's, or the city's (``station`` empty) — the daily
    concentrations, AQI, level, category and primary pollutants by the standard in force that day."""

    # no index of its own: the partial unique (station, date) index serves a station's lookups
    station = models.ForeignKey(
        "ecology.Station", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    date = models.DateField(_("date"))
    hours = models.PositiveSmallIntegerField(_("hours / stations"), default=0)
    so2_24h = models.FloatField(null=True, blank=True)
    no2_24h = models.FloatField(null=True, blank=True)
    pm10_24h = models.FloatField(null=True, blank=True)
    pm25_24h = models.FloatField(null=True, blank=True)
    co_24h = models.FloatField(null=True, blank=True)
    o3_1h = models.FloatField(null=True, blank=True)
    o3_8h = models.FloatField(null=True, blank=True)
    aqi = models.PositiveSmallIntegerField(_("AQI"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=16, blank=True)
    primary_pollutants = models.CharField(_("primary pollutants"), max_length=100, blank=True)
    complete = models.BooleanField(_("complete"), default=False)
    standard = models.CharField(_("standard"), max_length=16)

    class Meta:
        ordering = ["station", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date"],
                condition=models.Q(station__isnull=False),
                name="one_result_per_station_day",
            ),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(station__isnull=True), name="one_result_per_city_day"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="ecology_stationday_date")]
        verbose_name = _("daily air result")
        verbose_name_plural = _("daily air results")

    def __str__(self) -> str:
        return f"{self.station_id or 'city'} {self.date} AQI {self.aqi}"

    @property
    def good(self) -> bool:
        return self.aqi is not None and self.aqi <= 100


class AirYearTarget(AuditedModel):
    """The city's good-day ratio target of a year (优良天数比率目标, %)."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=year_validators())
    good_day_ratio = models.DecimalField(
        _("good-day ratio target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["year"]
        verbose_name = _("good-day target")
        verbose_name_plural = _("good-day targets")

    def natural_key_text(self) -> str:
        return str(self.year)

    def __str__(self) -> str:
        return f"{self.year} {self.good_day_ratio}%"
