"""Choices of the park registers: park levels, the tiers of the 3+3+3 system, chain positions,
Fortune-500-type groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParkLevel(models.TextChoices):
    """The level that approved a park (国家级 / 省级 / 市级)."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class SystemTier(models.TextChoices):
    """Which of the three groups of three industries of the 3+3+3 industrial system
    (“3+3+3”现代工业体系) an industry belongs to; sub-industries have none."""

    FIRST = "first", _("First three")
    SECOND = "second", _("Second three")
    THIRD = "third", _("Third three")


class LinkPosition(models.TextChoices):
    """Where a link sits on its chain (上游 / 中游 / 下游)."""

    UP = "up", _("Upstream")
    MID = "mid", _("Midstream")
    DOWN = "down", _("Downstream")


class Fortune500(models.TextChoices):
    """The Fortune-500-type group of a firm (三类500强): world, China, China's private firms."""

    NONE = "", _("None")
    WORLD = "world", _("World top 500")
    CHINA = "china", _("China top 500")
    PRIVATE = "private", _("China private top 500")


#: the category flags of a firm (firm_category), in the order pages and imports show them
FIRM_FLAGS = (
    "is_industry_leader",
    "is_hidden_champion",
    "is_specialised",
    "is_hq",
    "is_soe",
    "is_foreign",
)
