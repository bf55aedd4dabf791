"""Choices of the ecology registers: monitoring levels, waterbody types, water classes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonitoringLevel(models.TextChoices):
    """Who runs (or assesses) a station or section: 国控 / 省控 / 市控."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class WaterbodyType(models.TextChoices):
    """河流 / 湖泊 / 水库 — reservoirs are judged as lakes (GB 3838 total phosphorus)."""

    RIVER = "river", _("River")
    LAKE = "lake", _("Lake")
    RESERVOIR = "reservoir", _("Reservoir")


class WaterClass(models.IntegerChoices):
    """GB 3838-2002 classes; 6 is 劣V (worse than V)."""

    I = 1, "Ⅰ"  # noqa: E741 - the class's own name
    II = 2, "Ⅱ"
    III = 3, "Ⅲ"
    IV = 4, "Ⅳ"
    V = 5, "Ⅴ"
    WORSE_THAN_V = 6, _("worse than Ⅴ")
