"""Writes of the transport networks and their lines (7向19线 …): create and change, by the plan
office, audited. ``data`` holds model field names (a line's ``network`` is a
:class:`~jingjin.projects.models.NetworkPlan`; a network's ``indicator`` a plan indicator)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from jingjin.core.models import AuditedModel
from jingjin.core.permissions import PermissionDenied, may_manage_networks
from jingjin.core.services import audit_change
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan

M = TypeVar("M", bound=AuditedModel)


def _check(actor: Any) -> None:
    if actor is not None and not may_manage_networks(actor):
        raise PermissionDenied("only the plan office may create or change networks")


def _write(obj: M, actor: Any, data: dict[str, Any], source: str) -> M:
    before = None if obj.pk is None else obj.snapshot()
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit_change(actor=actor, obj=obj, before=before, source=source)
    return obj


@transaction.atomic
def network_create(*, actor: Any, data: dict[str, Any], source: str = "web") -> NetworkPlan:
    """Create a network (plan office only; ``actor=None`` is the system)."""
    _check(actor)
    return _write(NetworkPlan(), actor, data, source)


@transaction.atomic
def network_update(
    *, network: NetworkPlan, actor: Any, data: dict[str, Any], source: str = "web"
) -> NetworkPlan:
    """Change a network's fields in ``data`` (plan office only)."""
    _check(actor)
    return _write(network, actor, data, source)


@transaction.atomic
def line_create(*, actor: Any, data: dict[str, Any], source: str = "web") -> NetworkLine:
    """Add a line to a network (plan office only)."""
    _check(actor)
    return _write(NetworkLine(), actor, data, source)


@transaction.atomic
def line_update(*, line: NetworkLine, actor: Any, data: dict[str, Any], source: str = "web") -> NetworkLine:
    """Change a line's fields in ``data`` (plan office only)."""
    _check(actor)
    return _write(line, actor, data, source)


@transaction.atomic
def line_segments_set(
    *, line: NetworkLine, projects: list[KeyProject], actor: Any, source: str = "web"
) -> NetworkLine:
    """Make ``projects`` the segments of ``line``: each joins the line (and leaves the line's
    former segments that are not in ``projects``); every project changed is audited."""
    _check(actor)
    keep = {p.pk for p in projects}
    for project in KeyProject.objects.filter(line=line).exclude(pk__in=keep):
        before = project.snapshot()
        project.line = None
        project.save(update_fields=["line", "updated"])
        audit_change(actor=actor, obj=project, before=before, source=source)
    for project in projects:
        if project.line_id != line.pk:
            before = project.snapshot()
            project.line = line
            project.save(update_fields=["line", "updated"])
            audit_change(actor=actor, obj=project, before=before, source=source)
    return line


@transaction.atomic
def line_save(
    *,
    line: NetworkLine | None,
    actor: Any,
    data: dict[str, Any],
    projects: list[KeyProject],
    source: str = "web",
) -> NetworkLine:
    """Create (``line`` None) or change a line and make ``projects`` its segments, in one
    transaction (plan office only)."""
    _check(actor)
    saved = _write(line or NetworkLine(), actor, data, source)
    return line_segments_set(line=saved, projects=projects, actor=actor, source=source)
