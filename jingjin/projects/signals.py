"""Signal handlers that keep the campaigns' monthly investment (:mod:`jingjin.projects.investment_summary`)
when a campaign's projects change (either side of ``Campaign.projects``) and when a project is
deleted (its reports and links go with it in the database's cascade)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver

from jingjin.projects.models import Campaign, KeyProject


def _campaigns_of(instance: Any, reverse: bool, pk_set: Any) -> set[int]:
    if not reverse:  # campaign.projects.…
        return {instance.pk}
    if pk_set:
        return set(pk_set)
    return set(instance.campaigns.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Campaign.projects.through)
def _campaign_projects_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    from jingjin.projects.investment_summary import campaigns_refresh

    if action == "pre_clear" and reverse:
        instance._jingjin_cleared_campaigns = _campaigns_of(instance, reverse, None)
    elif action == "post_clear" and reverse:
        campaigns_refresh(getattr(instance, "_jingjin_cleared_campaigns", set()))
    elif action in ("post_add", "post_remove", "post_clear"):
        campaigns_refresh(_campaigns_of(instance, reverse, pk_set))


#: the campaigns of a project being deleted (id of the instance → campaign ids), pre → post delete
_DELETING: dict[int, set[int]] = {}


@receiver(pre_delete, sender=KeyProject)
def _project_deleting(sender: Any, instance: KeyProject, **kwargs: Any) -> None:
    _DELETING[id(instance)] = set(instance.campaigns.values_list("pk", flat=True))


@receiver(post_delete, sender=KeyProject)
def _project_deleted(sender: Any, instance: KeyProject, **kwargs: Any) -> None:
    from jingjin.projects.investment_summary import campaigns_refresh

    campaigns_refresh(_DELETING.pop(id(instance), set()))
