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


# --------------------------------------------------------------------------------------------
# The inventories (slice ecoreg): black-odorous water bodies, sources, soil sites, projects


class BlackOdorousState(models.TextChoices):
    """Where a black-odorous water body (黑臭水体) stands: 已排查 → 整治中 → 已完成整治 → 长制久清."""

    IDENTIFIED = "identified", _("Identified")
    TREATING = "treating", _("Being treated")
    TREATED = "treated", _("Treatment completed")
    LONG_TERM_CLEAN = "long_term_clean", _("Clean for the long term")


class BlackOdorousLevel(models.TextChoices):
    """The result of the last check of a black-odorous body: 轻度黑臭 / 重度黑臭 / 不黑臭."""

    NONE = "none", _("Not black-odorous")
    LIGHT = "light", _("Lightly black-odorous")
    HEAVY = "heavy", _("Heavily black-odorous")


class SourceKind(models.TextChoices):
    """The kind of a pollution source (污染源): 工业源 / 移动源 / 面源 / 其他."""

    INDUSTRIAL = "industrial", _("Industrial source")
    MOBILE = "mobile", _("Mobile source")
    AREA = "area", _("Area source")
    OTHER = "other", _("Other source")


class ProjectState(models.TextChoices):
    """The state of a reduction project (减排项目): 计划 → 实施中 → 已完成."""

    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")


class SoilSiteState(models.TextChoices):
    """Where a plot of the soil risk list (土壤污染风险管控和修复名录) stands."""

    RISK_CONTROL = "risk_control", _("Listed for risk control")
    REMEDIATION = "remediation", _("Listed for remediation")
    REMOVED = "removed", _("Removed from the list")
