"""Writes of the public page: a plan opts in or out, and the indicators it shows are chosen.

Every change is audited; the public page's cache follows the audit trail, so it shows the change
at the next read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jingjin.core.permissions import PermissionDenied, may_set_public_page
from jingjin.core.services import audit_change
from jingjin.plans.models import Indicator, Plan


def public_page_set(
    *, actor: Any, plan: Plan, public: bool, indicator_ids: Iterable[int], origin: str = "web"
) -> Plan:
    """Opt ``plan`` in to (``public``) or out of the public page and show exactly the indicators
    ``indicator_ids`` of it (ids of other plans are ignored). ``actor`` None: the system (demo)."""
    if actor is not None and not may_set_public_page(actor):
        raise PermissionDenied("only the plan office sets the public page")
    wanted = set(indicator_ids)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.public != public:
            before = plan.snapshot()
            plan.public = public
            plan.save(update_fields=["public"])
            audit_change(actor=actor, obj=plan, before=before, source=origin)
        for indicator in Indicator.objects.filter(task__measure__action__plan=plan).select_for_update():
            selected = indicator.pk in wanted
            if indicator.public != selected:
                before = indicator.snapshot()
                indicator.public = selected
                indicator.save(update_fields=["public"])
                audit_change(actor=actor, obj=indicator, before=before, source=origin)
    return plan
