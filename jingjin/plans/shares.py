"""County and park shares of a city task (任务分解到县区): create, change, delete, split — audited.

A share is a :class:`~jingjin.plans.models.Task` row whose ``parent`` is the city task: same
measure, the county or park as lead unit, its own weight (default 1), target, window (default the
city task's) and monthly reports. The city task's progress rolls up from its shares
(:func:`jingjin.reporting.selectors.latest_reported`); counties and parks report and are ranked on
their shares. Codes: ``<city task code>.S<n>`` (n = 1, 2 … in order of creation; unique in the
measure). Names: the city task's with the unit's in brackets ("…（射洪市）", "… (Shehong)").

Only the plan office may write (:func:`jingjin.core.permissions.can_manage_shares`); bad input
raises ``ValidationError`` naming the field, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.bounds import CONTROL_CHARACTERS
from jingjin.core.choices import AuditAction, UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, can_manage_shares
from jingjin.core.services import audit_change, audit_record
from jingjin.plans.models import Task

#: the unit kinds that may hold a share
SHARE_KINDS = (UnitKind.COUNTY, UnitKind.PARK)
#: the largest magnitude a weight or target may have (the columns hold 20 digits, 6 decimals)
NUMBER_LIMIT = Decimal(10) ** 14
#: the editable fields of a share (``task_share_update``)
SHARE_FIELDS = ("weight", "target", "target_unit", "start", "end")
_SHARE_SUFFIX = re.compile(r"\.S(\d+)$")


def _require(actor: Any) -> None:
    if actor is not None and not can_manage_shares(actor):
        raise PermissionDenied(_("Only the plan office may split tasks into county and park shares."))


def _decimal(
    value: Any, field: str, *, minimum: Decimal | None = None, required: bool = True
) -> Decimal | None:
    """``value`` as a finite decimal within the columns' range (and ≥ ``minimum``), or a
    ``ValidationError`` naming ``field``."""
    if value is None or value == "":
        if required:
            raise ValidationError({field: [_("Enter a number.")]})
        return None
    if isinstance(value, bool):
        raise ValidationError({field: [_("Enter a number.")]})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [_("Enter a number.")]}) from exc
    if not number.is_finite():
        raise ValidationError({field: [_("Enter a finite number.")]})
    if abs(number) >= NUMBER_LIMIT:
        raise ValidationError({field: [_("The number is too large.")]})
    if minimum is not None and number < minimum:
        raise ValidationError({field: [_("Enter a number of at least %(min)s.") % {"min": minimum}]})
    return number.quantize(Decimal("0.000001"))


def _weight(value: Any) -> Decimal:
    """A share's weight: a finite number ≥ 0 (required)."""
    weight = _decimal(value, "weight", minimum=Decimal(0))
    assert weight is not None  # required
    return weight


def _text(value: Any, field: str, max_length: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("At most %(n)d characters (it has %(m)d).") % {"n": max_length, "m": len(text)}]}
        )
    if any(ord(c) < 32 for c in text) or CONTROL_CHARACTERS.search(text):  # C0, DEL and C1
        raise ValidationError({field: [_("Remove the control characters.")]})
    return text


def _check_window(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValidationError({"end": [_("The end date is before the start date.")]})


def _check_city_task(task: Task) -> None:
    if task.parent_id is not None:
        raise ValidationError({"task": [_("A share cannot be split into shares.")]})


def _check_unit(task: Task, unit: Unit | None, *, ignore: Task | None = None) -> Unit:
    if unit is None:
        raise ValidationError({"unit": [_("Choose a county or a park.")]})
    if unit.kind not in SHARE_KINDS:
        raise ValidationError(
            {
                "unit": [
                    _("Only a county or a park may hold a share; %(unit)s is not one.") % {"unit": unit.name}
                ]
            }
        )
    taken = Task.objects.filter(parent=task, lead_unit=unit)
    if ignore is not None:
        taken = taken.exclude(pk=ignore.pk)
    if taken.exists():
        raise ValidationError(
            {"unit": [_("%(unit)s already holds a share of this task.") % {"unit": unit.name}]}
        )
    return unit


def share_names(task: Task, unit: Unit) -> tuple[str, str]:
    """The Chinese and English names of ``unit``'s share of ``task`` (within the 300 characters)."""
    zh_tail, en_tail = f"（{unit.name_zh}）", f" ({unit.name_en or unit.name_zh})"
    return task.name_zh[: 300 - len(zh_tail)] + zh_tail, task.name_en[: 300 - len(en_tail)] + en_tail


def _next_code(task: Task) -> str:
    """``<task code>.S<n>`` with n one more than the highest share number of the measure's codes."""
    prefix = f"{task.code}.S"
    used = [
        int(m.group(1))
        for code in Task.objects.filter(measure_id=task.measure_id, code__startswith=prefix).values_list(
            "code", flat=True
        )
        if (m := _SHARE_SUFFIX.search(code)) is not None and code.startswith(prefix)
    ]
    return f"{prefix}{max(used, default=0) + 1}"


def _make(
    *,
    task: Task,
    unit: Unit,
    weight: Any,
    target: Any,
    target_unit: Any,
    start: date | None,
    end: date | None,
    position: int,
) -> Task:
    weight_value = _weight(weight)
    target_value = _decimal(target, "target", required=False)
    unit_text = _text(target_unit, "target_unit", 40)
    start = start if start is not None else task.start
    end = end if end is not None else task.end
    _check_window(start, end)
    name_zh, name_en = share_names(task, unit)
    share = Task(
        measure_id=task.measure_id,
        parent=task,
        code=_next_code(task),
        name_zh=name_zh,
        name_en=name_en,
        lead_unit=unit,
        weight=weight_value,
        share_target=target_value,
        share_target_unit=unit_text,
        start=start,
        end=end,
        position=position,
    )
    share.full_clean()
    share.save()
    return share


def _next_position(task: Task) -> int:
    last = Task.objects.filter(parent=task).order_by("-position").values_list("position", flat=True).first()
    return (last if last is not None else task.position * 1000) + 1


@transaction.atomic
def task_share_create(
    *,
    actor: Any,
    task: Task,
    unit: Unit | None,
    weight: Any = 1,
    target: Any = None,
    target_unit: str = "",
    start: date | None = None,
    end: date | None = None,
    source: str = "web",
) -> Task:
    """Give ``unit`` (a county or park) a share of the city task ``task``; returns the share."""
    _require(actor)
    _check_city_task(task)
    unit = _check_unit(task, unit)
    share = _make(
        task=task,
        unit=unit,
        weight=weight,
        target=target,
        target_unit=target_unit,
        start=start,
        end=end,
        position=_next_position(task),
    )
    audit_change(actor=actor, obj=share, before=None, source=source)
    return share


@transaction.atomic
def task_split(
    *,
    actor: Any,
    task: Task,
    units: Iterable[Unit],
    weight: Any = 1,
    target: Any = None,
    target_unit: str = "",
    source: str = "web",
) -> list[Task]:
    """Split the city task ``task`` into shares for ``units`` at once (each with ``weight``,
    ``target`` and the task's window); units that already hold a share keep it. All or nothing:
    one unit that may not hold a share refuses the whole split. Returns the shares created."""
    _require(actor)
    _check_city_task(task)
    chosen = list(dict.fromkeys(units))
    if not chosen:
        raise ValidationError({"units": [_("Choose at least one county or park.")]})
    held = set(Task.objects.filter(parent=task).values_list("lead_unit_id", flat=True))
    created: list[Task] = []
    position = _next_position(task)
    for unit in chosen:
        if unit.kind not in SHARE_KINDS:
            raise ValidationError(
                {
                    "units": [
                        _("Only a county or a park may hold a share; %(unit)s is not one.")
                        % {"unit": unit.name}
                    ]
                }
            )
        if unit.pk in held:
            continue
        share = _make(
            task=task,
            unit=unit,
            weight=weight,
            target=target,
            target_unit=target_unit,
            start=None,
            end=None,
            position=position,
        )
        position += 1
        held.add(unit.pk)
        audit_change(actor=actor, obj=share, before=None, source=source)
        created.append(share)
    return created


def _as_date(value: Any, field: str) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: [_("Enter a date as YYYY-MM-DD.")]}) from exc


@transaction.atomic
def task_share_update(*, actor: Any, share: Task, source: str = "web", **changes: Any) -> Task:
    """Change a share's ``weight``, ``target``, ``target_unit``, ``start`` or ``end`` (the keys
    given; ``None`` clears the target or a date)."""
    _require(actor)
    if share.parent_id is None:
        raise ValidationError({"share": [_("This task is not a share of a city task.")]})
    unknown = sorted(set(changes) - set(SHARE_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: [_("This field cannot be changed.")]})
    share = Task.objects.select_for_update().get(pk=share.pk)
    before = share.snapshot()
    if "weight" in changes:
        share.weight = _weight(changes["weight"])
    if "target" in changes:
        share.share_target = _decimal(changes["target"], "target", required=False)
    if "target_unit" in changes:
        share.share_target_unit = _text(changes["target_unit"], "target_unit", 40)
    if "start" in changes:
        share.start = _as_date(changes["start"], "start")
    if "end" in changes:
        share.end = _as_date(changes["end"], "end")
    _check_window(share.start, share.end)
    share.full_clean()
    share.save()
    audit_change(actor=actor, obj=share, before=before, source=source)
    return share


@transaction.atomic
def task_share_delete(*, actor: Any, share: Task, source: str = "web") -> None:
    """Delete a share that has no reports yet (a share with reports keeps its history)."""
    _require(actor)
    if share.parent_id is None:
        raise ValidationError({"share": [_("This task is not a share of a city task.")]})
    if share.reports.exists():
        raise ValidationError(
            {
                "share": [
                    _("This share has monthly reports and cannot be deleted; set its weight to 0 instead.")
                ]
            }
        )
    audit_record(
        actor=actor, action=AuditAction.DELETE, obj=share, before=share.snapshot(), after=None, source=source
    )
    share.delete()
