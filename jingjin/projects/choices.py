"""Choices of the project library: levels, categories, states, milestones and network kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectLevel(models.TextChoices):
    """Which government lists the project (省重点 / 市重点 / 县重点)."""

    PROVINCIAL = "provincial", _("Provincial key project")
    CITY = "city", _("City key project")
    COUNTY = "county", _("County key project")


class ProjectCategory(models.TextChoices):
    """The project's field (项目类别)."""

    INDUSTRY = "industry", _("Industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SOCIAL = "social", _("Social services")
    ECOLOGY = "ecology", _("Ecology")


class ProjectState(models.TextChoices):
    """储备 → 前期 → 在建 → 竣工 → 投产, in this order."""

    RESERVE = "reserve", _("Reserve")
    PREPARATION = "preparation", _("Preparation")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    PRODUCTION = "production", _("In production")


#: the states in their order (a project moves forward through them)
STATE_ORDER = [state.value for state in ProjectState]


class MilestoneKind(models.TextChoices):
    """The milestones (节点) a project report can mark as reached, in their usual order."""

    SIGNED = "signed", _("Contract signed")
    LAND_SUPPLIED = "land_supplied", _("Land supplied")
    PERMITS = "permits", _("Permits granted")
    STARTED = "started", _("Construction started")
    TOPPED_OUT = "topped_out", _("Topped out")
    COMPLETED = "completed", _("Completed")
    IN_PRODUCTION = "in_production", _("In production")


#: the milestones in their order (engine arrays use this order)
MILESTONE_ORDER = [kind.value for kind in MilestoneKind]


class NetworkKind(models.TextChoices):
    """The kind of transport network a project set belongs to (7向19线 rail, 1环9射2纵 roads …)."""

    RAIL = "rail", _("Rail")
    EXPRESSWAY = "expressway", _("Expressway")
    AIRPORT = "airport", _("Airport")
    WATERWAY = "waterway", _("Waterway")
