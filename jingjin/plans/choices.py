from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """How an indicator is judged (指标方向)."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    RANGE = "range", _("Within a range")
    BOOLEAN = "boolean", _("Yes / no")
    MILESTONE = "milestone", _("Milestones")
