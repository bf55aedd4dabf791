"""Choice sets of the per-mu evaluation campaigns (亩均评价)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignState(models.TextChoices):
    """draft (草稿) → imported (数据已导入) → evaluated (已评价) → under review (复核公示) →
    published (已发布)."""

    DRAFT = "draft", _("Draft")
    IMPORTED = "imported", _("Data imported")
    EVALUATED = "evaluated", _("Evaluated")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLISHED = "published", _("Published")


class SourceKind(models.TextChoices):
    """A source of the campaign's data, each one file joined on the unified social credit code."""

    LAND = "land", _("Land register (natural resources)")
    TAX = "tax", _("Tax, revenue and value added")
    ENERGY = "energy", _("Energy use")
    EMISSIONS = "emissions", _("Emissions")
    STATISTICS = "statistics", _("Employees and R&D (statistics)")


class FirmClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class AppealState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PolicyKind(models.TextChoices):
    """The kinds of differentiated policies by class (差别化政策, REFERENCE §4.4)."""

    LAND = "land", _("Priority land supply")
    ENERGY = "energy", _("Priority energy quota")
    CREDIT = "credit", _("Credit support")
    ELECTRICITY = "electricity", _("Electricity price surcharge")
    WATER = "water", _("Water price surcharge")
    GAS = "gas", _("Gas price surcharge")
    RECTIFICATION = "rectification", _("Rectification plan")


class RectificationState(models.TextChoices):
    OPEN = "open", _("Plan due")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
