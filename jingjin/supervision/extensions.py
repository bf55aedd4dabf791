"""Extension requests (延期申请) of supervision items: writes and reads.

The handling unit asks for a later deadline with a reason (``extension_request``); the plan office
grants or refuses it with a reason (``extension_decide``). One request per item may be pending.
Granting moves the item's ``deadline`` and keeps the first deadline in ``original_deadline`` (set
once, never moved again), so the original deadline stays visible on the item and the assessment
can count lateness against either (docs/supervision.md). Every write is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.permissions import PermissionDenied, may_decide_extensions, may_request_extension
from jingjin.core.services import audit_change
from jingjin.supervision.choices import ExtensionState, ItemState
from jingjin.supervision.models import ExtensionRequest, SupervisionItem
from jingjin.supervision.practice_common import required_text, user_or_none


class ExtensionError(ValueError):
    """The request cannot be made or decided in its current state (the API answers 409)."""


@transaction.atomic
def extension_request(
    *,
    actor: Any,
    item: SupervisionItem,
    new_deadline: date,
    reason: str,
    is_synthetic: bool = False,
    source: str = "web",
) -> ExtensionRequest:
    """The handling unit asks to move ``item``'s deadline to ``new_deadline`` (later than now)."""
    item = SupervisionItem.objects.select_for_update().select_related("assignee_unit").get(pk=item.pk)
    if actor is not None and not may_request_extension(actor, item):
        raise PermissionDenied(f"only users of {item.assignee_unit.code} may ask to extend {item.code}")
    if item.state in (ItemState.ANSWERED, ItemState.CLOSED):
        raise ExtensionError(f"{item.code} is {item.state}: an extension is no longer needed")
    reason = required_text(reason, field="reason", label="reason")
    if new_deadline <= item.deadline:
        raise ValidationError({"new_deadline": f"the new deadline must be after {item.deadline}"})
    try:
        DateInYears()(new_deadline)
    except ValidationError as exc:
        raise ValidationError({"new_deadline": exc.messages}) from exc
    request = ExtensionRequest(
        item=item,
        old_deadline=item.deadline,
        new_deadline=new_deadline,
        reason=reason,
        requested_by=user_or_none(actor),
        requested_at=clock.now(),
        is_synthetic=is_synthetic,
    )
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError as exc:
        raise ExtensionError(f"{item.code} already has a pending extension request") from exc
    audit_change(actor=actor, obj=request, before=None, source=source)
    return request


@transaction.atomic
def extension_decide(
    *, actor: Any, request: ExtensionRequest, grant: bool, reason: str, source: str = "web"
) -> ExtensionRequest:
    """The plan office grants (the item's deadline moves, its first deadline is kept) or refuses
    a pending request, with a reason either way."""
    if actor is not None and not may_decide_extensions(actor):
        raise PermissionDenied("only the plan office may grant or refuse an extension")
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ExtensionState.PENDING:
        raise ExtensionError(f"the request is already {request.state}")
    reason = required_text(reason, field="reason", label="reason")
    before = request.snapshot()
    request.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    request.decided_by = user_or_none(actor)
    request.decided_at = clock.now()
    request.decision_reason = reason
    request.save()
    audit_change(actor=actor, obj=request, before=before, source=source)
    if grant:
        item = SupervisionItem.objects.select_for_update().get(pk=request.item_id)
        item_before = item.snapshot()
        if item.original_deadline is None:
            item.original_deadline = item.deadline
        item.deadline = request.new_deadline
        item.save(update_fields=["deadline", "original_deadline"])
        audit_change(actor=actor, obj=item, before=item_before, source=source)
        request.item = item
    return request


def extension_list(*, user: Any, state: str = "") -> QuerySet[ExtensionRequest]:
    """The requests of the items ``user`` sees in their lists, newest first."""
    from jingjin.supervision.selectors import items_visible

    queryset = ExtensionRequest.objects.filter(item__in=items_visible(user=user)).select_related(
        "item__assignee_unit", "requested_by", "decided_by"
    )
    return queryset.filter(state=state) if state in ExtensionState.values else queryset
