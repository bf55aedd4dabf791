"""Leaders' instructions (领导批示): writes and reads.

A leader (or the plan office on a leader's behalf) writes an instruction on a monthly report, an
early warning, a red/black list or a task: the text, the date, the leader, the units concerned and
a deadline. Giving it issues one supervision item (督办件) per unit concerned, linked back
(``SupervisionItem.instruction``); the units answer their items and the plan office closes them
as any item (交办 → 签收 → 办理 → 反馈 → 办结). The instruction is *closed* (办结) when all its
items are. Its history — the instruction, each unit's item and answer — is shown where it was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, is_plan_office, may_give_instructions
from jingjin.core.services import audit_change
from jingjin.supervision.choices import ItemState
from jingjin.supervision.models import Instruction, SupervisionItem
from jingjin.supervision.practice_common import next_code, required_text, user_or_none
from jingjin.supervision.services import item_issue

#: the targets an instruction may be written on, by field name
TARGETS = ("report", "warning", "ranking_list", "task")
#: most units one instruction may concern
MAX_UNITS = 50


def _leader_name(actor: Any, leader_name: str) -> str:
    name = (leader_name or "").strip()
    if name:
        return required_text(name, field="leader_name", label="leader", max_length=100)
    user = user_or_none(actor)
    if user is None or is_plan_office(user):  # the office names the leader it writes for
        raise ValidationError({"leader_name": "name the leader who gave the instruction"})
    return (user.get_full_name() or user.get_username())[:100]


def _title(text: str) -> str:
    first = text.splitlines()[0].strip()
    return first if len(first) <= 80 else first[:79] + "…"


@transaction.atomic
def instruction_give(
    *,
    actor: Any,
    text: str,
    units: list[Unit],
    deadline: date,
    leader_name: str = "",
    given_on: date | None = None,
    is_synthetic: bool = False,
    source: str = "web",
    **target: Any,
) -> Instruction:
    """Record a leader's instruction on one target (``report=``, ``warning=``, ``ranking_list=``
    or ``task=``) and issue one supervision item per unit concerned. Leaders and the plan office
    only (:func:`~jingjin.core.permissions.may_give_instructions`)."""
    if actor is not None and not may_give_instructions(actor):
        raise PermissionDenied("only a leader or the plan office may record a leader's instruction")
    unknown = set(target) - set(TARGETS)
    if unknown:
        raise TypeError(f"unknown target {sorted(unknown)}")
    given = {k: v for k, v in target.items() if v is not None}
    if len(given) != 1:
        raise ValidationError({"target": "give exactly one of a report, a warning, a list or a task"})
    text = required_text(text, field="text", label="instruction")
    name = _leader_name(actor, leader_name)
    chosen = sorted({u.pk: u for u in units}.values(), key=lambda u: u.code)
    if not chosen or len(chosen) > MAX_UNITS:
        raise ValidationError({"units": f"name between 1 and {MAX_UNITS} units concerned"})
    day = given_on or clock.today()
    if deadline < day:
        raise ValidationError({"deadline": f"the deadline {deadline} is before the instruction's day {day}"})
    try:
        DateInYears()(deadline)
    except ValidationError as exc:
        raise ValidationError({"deadline": exc.messages}) from exc
    instruction = Instruction.objects.create(
        code=next_code(Instruction, prefix="PS", year=day.year),
        text=text,
        given_on=day,
        leader_name=name,
        leader=user_or_none(actor) if not is_plan_office(actor) else None,
        deadline=deadline,
        is_synthetic=is_synthetic,
        **given,
    )
    instruction.units.set(chosen)
    audit_change(actor=actor, obj=instruction, before=None, source=source)
    task = (
        given.get("task")
        or getattr(given.get("report"), "task", None)
        or getattr(given.get("warning"), "task", None)
    )
    for unit in chosen:
        item_issue(
            actor=actor,
            title=_title(text),
            body=f"{instruction.code} {name}: {text}",
            assignee_unit=unit,
            deadline=deadline,
            task=task,
            issued_on=day,
            is_synthetic=is_synthetic,
            source=source,
            instruction=instruction,
        )
    return instruction


# --------------------------------------------------------------------------------------------
# Reads


@dataclass(frozen=True)
class InstructionRow:
    """An instruction with its items and whether all are closed (办结)."""

    instruction: Instruction
    items: list[SupervisionItem]

    @property
    def closed(self) -> bool:
        return bool(self.items) and all(i.state == ItemState.CLOSED for i in self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.state in (ItemState.ANSWERED, ItemState.CLOSED))


def _with_items(queryset: QuerySet[Instruction]) -> QuerySet[Instruction]:
    items = SupervisionItem.objects.select_related("assignee_unit").order_by("assignee_unit__code")
    return queryset.prefetch_related(Prefetch("items", queryset=items), "units")


def instruction_rows(queryset: QuerySet[Instruction]) -> list[InstructionRow]:
    return [InstructionRow(instruction=i, items=list(i.items.all())) for i in _with_items(queryset)]


def instructions_on(**target: Any) -> list[InstructionRow]:
    """The instructions written on one target (``task=…``, ``report=…``, …), newest first, with
    their items: the history shown on the target's page."""
    ((name, obj),) = target.items()
    if name not in TARGETS:
        raise TypeError(name)
    return instruction_rows(Instruction.objects.filter(**{name: obj}))


def instruction_list(*, state: str = "") -> QuerySet[Instruction]:
    """Every instruction (any signed-in user with a role reads them), ``open`` or ``closed``."""
    queryset = Instruction.objects.annotate(
        open_items=Count("items", filter=~Q(items__state=ItemState.CLOSED))
    ).select_related("report__task", "report__period", "warning", "ranking_list", "task")
    queryset = queryset.order_by("-given_on", "-code")
    if state == "open":
        queryset = queryset.filter(open_items__gt=0)
    elif state == "closed":
        queryset = queryset.filter(open_items=0)
    return queryset


def instructions_of_warnings(warning_ids: list[int]) -> dict[int, list[str]]:
    """Warning id → the codes of the instructions written on it (one query for a page of the
    warnings list, which shows them beside each warning with the 批示 button)."""
    found: dict[int, list[str]] = {}
    rows = Instruction.objects.filter(warning_id__in=warning_ids).order_by("given_on", "code")
    for warning_id, code in rows.values_list("warning_id", "code"):
        found.setdefault(warning_id, []).append(code)
    return found
