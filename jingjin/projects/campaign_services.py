"""Writes of project campaigns (攻坚大会战): create and change, by the plan office, audited.

``data`` holds model field names: ``code``, ``name_zh``, ``name_en``, ``start``, ``end``,
``lead_unit`` (a :class:`~jingjin.core.models.Unit`), ``target_started``, ``target_investment``
(万元), ``description``, ``is_synthetic`` and ``projects`` (a list of key projects).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.permissions import PermissionDenied, may_manage_campaigns
from jingjin.core.services import audit_change
from jingjin.projects.models import Campaign

FIELDS = {
    "code",
    "name_zh",
    "name_en",
    "start",
    "end",
    "lead_unit",
    "target_started",
    "target_investment",
    "description",
    "is_synthetic",
    "projects",
}


def _check(actor: Any, data: dict[str, Any]) -> None:
    if actor is not None and not may_manage_campaigns(actor):
        raise PermissionDenied("only the plan office may create or change campaigns")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})


def _apply(campaign: Campaign, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name != "projects":
            setattr(campaign, name, value)
    campaign.full_clean()
    if campaign.start and campaign.end and campaign.end < campaign.start:
        raise ValidationError({"end": _("The end must not be before the start.")})
    campaign.save()
    if "projects" in data:
        campaign.projects.set(data["projects"])


@transaction.atomic
def campaign_create(*, actor: Any, data: dict[str, Any], source: str = "web") -> Campaign:
    """Create a campaign (plan office only; ``actor=None`` is the system) and audit it."""
    _check(actor, data)
    campaign = Campaign()
    _apply(campaign, data)
    audit_change(actor=actor, obj=campaign, before=None, source=source)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: Any, data: dict[str, Any], source: str = "web") -> Campaign:
    """Change the fields in ``data`` of ``campaign`` (plan office only) and audit the change."""
    _check(actor, data)
    before = campaign.snapshot()
    _apply(campaign, data)
    audit_change(actor=actor, obj=campaign, before=before, source=source)
    return campaign
