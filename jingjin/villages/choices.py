"""Choices of the villages app (示范村, 户厕, 人居环境, 村集体经济)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoLevel(models.TextChoices):
    """Level that designated a demonstration village (精品示范村)."""

    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class IncomeTier(models.TextChoices):
    """Tier of a village collective's operating income (经营性收入) of a year, on the thresholds of
    :class:`~jingjin.villages.models.EconomyThresholds` (REFERENCE §7: 0 / 5 / 10 / 50 万元)."""

    EMPTY = "empty", _("No operating income (空白村)")
    SHELL = "shell", _("Shell village (空壳村)")
    WEAK = "weak", _("Weak village (薄弱村)")
    MEDIUM = "medium", _("Medium")
    STRONG = "strong", _("Strong")


#: the tiers flagged weak (消薄: to be eliminated)
WEAK_TIERS = (IncomeTier.EMPTY, IncomeTier.SHELL, IncomeTier.WEAK)
