"""Stationings (蹲点): a cadre stationed at a task, a key project or a village for a period, with a
work log and a closing summary. Writes and reads.

The plan office stations a cadre (``stationing_create``) and closes the stationing with its
summary (``stationing_close``); the cadre (their own account), their unit's users and the plan
office write the log (``stationing_log``) while it is open. Every write is audited; the pages of
the task, the project and the village show the stationings there (``stationings_at``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_log_stationing, may_manage_stationings
from jingjin.core.services import audit_change, audit_record
from jingjin.supervision.models import Stationing, StationingLog
from jingjin.supervision.practice_common import next_code, required_text, user_or_none


class StationingClosed(ValueError):
    """The stationing is closed: no more log entries, no second closing (the API answers 409)."""


@transaction.atomic
def stationing_create(
    *,
    actor: Any,
    cadre_name: str,
    cadre_unit: Unit,
    purpose: str,
    start: date,
    end: date,
    cadre_user: Any = None,
    is_synthetic: bool = False,
    source: str = "web",
    **target: Any,
) -> Stationing:
    """Station a cadre at one target (``task=``, ``project=`` or ``village=``); the plan office."""
    if actor is not None and not may_manage_stationings(actor):
        raise PermissionDenied("only the plan office may station a cadre")
    given = {k: v for k, v in target.items() if v is not None}
    if set(target) - {"task", "project", "village"} or len(given) != 1:
        raise ValidationError({"target": "give exactly one of a task, a key project or a village"})
    for field, value in (("start", start), ("end", end)):
        try:
            DateInYears()(value)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    if end < start:
        raise ValidationError({"end": f"the end {end} is before the start {start}"})
    stationing = Stationing(
        code=next_code(Stationing, prefix="DD", year=start.year),
        cadre_name=required_text(cadre_name, field="cadre_name", label="cadre", max_length=100),
        cadre_user=cadre_user,
        cadre_unit=cadre_unit,
        purpose=required_text(purpose, field="purpose", label="purpose"),
        start=start,
        end=end,
        is_synthetic=is_synthetic,
        **given,
    )
    stationing.full_clean()
    stationing.save(force_insert=True)
    audit_change(actor=actor, obj=stationing, before=None, source=source)
    return stationing


@transaction.atomic
def stationing_log(
    *, actor: Any, stationing: Stationing, text: str, day: date | None = None, source: str = "web"
) -> StationingLog:
    """Add an entry to the work log (蹲点日志) of an open stationing."""
    stationing = Stationing.objects.select_for_update().get(pk=stationing.pk)
    if stationing.closed_at is not None:
        raise StationingClosed(f"{stationing.code} is closed")
    if actor is not None and not may_log_stationing(actor, stationing):
        raise PermissionDenied(f"only the cadre, their unit or the plan office may log {stationing.code}")
    day = day or clock.today()
    if day > clock.today() or day < stationing.start:
        raise ValidationError({"date": f"the date must lie between {stationing.start} and today"})
    entry = StationingLog.objects.create(
        stationing=stationing,
        date=day,
        text=required_text(text, field="text", label="log entry"),
        author=user_or_none(actor),
        created=clock.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=stationing,
        before=None,
        after={"log": entry.date.isoformat(), "text": entry.text[:200]},
        source=source,
    )
    return entry


@transaction.atomic
def stationing_close(*, actor: Any, stationing: Stationing, summary: str, source: str = "web") -> Stationing:
    """Close the stationing with its summary (蹲点总结); the plan office only."""
    if actor is not None and not may_manage_stationings(actor):
        raise PermissionDenied("only the plan office may close a stationing")
    stationing = Stationing.objects.select_for_update().get(pk=stationing.pk)
    if stationing.closed_at is not None:
        raise StationingClosed(f"{stationing.code} is already closed")
    before = stationing.snapshot()
    stationing.summary = required_text(summary, field="summary", label="summary")
    stationing.closed_at = clock.now()
    stationing.save(update_fields=["summary", "closed_at"])
    audit_change(actor=actor, obj=stationing, before=before, source=source)
    return stationing


def stationing_list(*, open_only: bool = False) -> QuerySet[Stationing]:
    queryset = Stationing.objects.select_related("cadre_unit", "task", "project", "village")
    return queryset.filter(closed_at__isnull=True) if open_only else queryset


def stationings_at(**target: Any) -> list[Stationing]:
    """The stationings at one task, project or village, with their logs: for that page."""
    return list(Stationing.objects.filter(**target).select_related("cadre_unit").prefetch_related("logs"))
