"""Choices of the red/black lists (红黑榜): subjects, peer groups, target rules, list states, verdicts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """What a scheme ranks: units by their tasks, key projects, or units by their key projects."""

    UNITS = "units", _("Units (by their tasks)")
    PROJECTS = "projects", _("Key projects")
    PROJECT_OWNERS = "project_owners", _("Units by their key projects")


class PeerGroup(models.TextChoices):
    """Which units a scheme ranks against each other (赛马分组); for the project subjects, the
    owning units whose projects are ranked."""

    DEPARTMENTS = "departments", _("Departments (lead units of tasks)")
    COUNTIES_PARKS = "counties_parks", _("Counties and parks")
    ALL = "all", _("All units")


class TargetRule(models.TextChoices):
    """How a unit "met the period's target" (完成目标), the gate of REFERENCE §9."""

    SCORE = "score", _("Weighted score at least the threshold")
    MINIMUMS = "minimums", _("Every criterion at least its minimum")
    #: the project subjects only: the year's investment completion at least the elapsed share
    SCHEDULE = "schedule", _("Investment completion at least the share of the year elapsed")


class ListStatus(models.TextChoices):
    """draft → published; a published list is frozen."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Verdict(models.TextChoices):
    """Where a unit lands on a list."""

    RED = "red", _("Red list")
    BLACK = "black", _("Black list")
    NONE = "none", _("Not listed")
    EXEMPT = "exempt", _("Exempt (force majeure)")
    #: fewer scored tasks in the month than the scheme's ``min_items``: scored, never on a list
    NOT_RANKED = "unranked", _("Not ranked (too few scored tasks)")
