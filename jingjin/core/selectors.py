"""Reads of the core app: units and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import has_role


def audit_list(
    *,
    user: Any,
    username: str = "",
    unit: str = "",
    model: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
) -> QuerySet[AuditEntry]:
    """The audit trail, newest first, filtered by user name, the actor's unit code, object type and dates."""
    if not has_role(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("unit", "content_type", "user")
    if username:
        entries = entries.filter(user_name=username)
    if unit:
        entries = entries.filter(unit__code=unit)
    if model:
        entries = entries.filter(content_type__model=model)
    if date_from:
        entries = entries.filter(time__date__gte=date_from)
    if date_to:
        entries = entries.filter(time__date__lte=date_to)
    if query:
        entries = entries.filter(object_repr__icontains=query)
    return entries


def audit_for_object(*, user: Any, obj: Model) -> QuerySet[AuditEntry]:
    if not has_role(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("unit").filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


def unit_tree(*, user: Any) -> list[tuple[Unit, int]]:
    """Every unit with its depth, parents before children, for an indented list."""
    if not has_role(user):
        return []
    units = list(Unit.objects.all())
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            out.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return out
