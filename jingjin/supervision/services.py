"""Writes of supervision items (督办件): issue, and the steps 签收 → 办理 → 反馈 → 办结.

Each service takes keyword-only arguments and the ``actor`` (``None`` is the system itself, e.g.
the demo-data generator, and may do every step), checks who may do the step, runs in one
transaction, keeps the step in the item's history and writes one audit row with the item's values
before and after.

Who does what:

==============  ======================  ==================  ===================================
step            from                    to                  by
==============  ======================  ==================  ===================================
issue (交办)    —                       assigned            the plan office
acknowledge     assigned                acknowledged        users of the assignee unit (签收)
start           acknowledged            in_progress         users of the assignee unit (办理)
answer          in_progress             answered            users of the assignee unit (反馈),
                                                            answer text required
close           answered                closed              the plan office (办结)
reopen          answered                in_progress         the plan office, comment required
==============  ======================  ==================  ===================================

"Users of the assignee unit" are reporters, approvers and county users whose unit is the assignee
unit or a unit above it (the one rule, ``restrict(user, "change", …)`` over ``owner_lookups``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    may_give_instructions,
    may_handle_supervision_item,
    may_issue_supervision_items,
)
from jingjin.core.services import audit_change
from jingjin.plans.models import Task
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import SupervisionItem, SupervisionStep

#: longest comment or answer accepted (characters)
MAX_TEXT = 10_000
#: the time of day of the issue step of an item issued on an earlier day
ISSUE_TIME = time(9, 0)


class SupervisionError(ValueError):
    """A step that cannot be done with these values (the base of this app's errors)."""


class IllegalTransition(SupervisionError):
    """The step is not possible in the item's current state."""

    def __init__(self, *, item: SupervisionItem, step: str) -> None:
        self.item = item
        self.state = item.state
        self.step = step
        allowed = ", ".join(sorted(TRANSITIONS[step].sources)) if step in TRANSITIONS else "—"
        super().__init__(
            f"{item.code} is {self.state}: cannot {step} it (possible only when it is {allowed})"
        )


class TextRequired(SupervisionError):
    """The step needs a text (the answer, or the reason for sending an answer back)."""

    def __init__(self, *, step: str, field: str) -> None:
        self.step = step
        self.field = field
        super().__init__(f"{step} needs a {field}")


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: the states it starts from, the state it leads to, who may do it."""

    step: str
    sources: frozenset[str]
    target: str
    by: str  # "unit" (users of the assignee unit) or "office" (the plan office)
    text_required: bool = False
    text_field: str = "comment"


TRANSITIONS: dict[str, Transition] = {
    t.step: t
    for t in (
        Transition(ItemStep.ACKNOWLEDGE, frozenset({ItemState.ASSIGNED}), ItemState.ACKNOWLEDGED, "unit"),
        Transition(ItemStep.START, frozenset({ItemState.ACKNOWLEDGED}), ItemState.IN_PROGRESS, "unit"),
        Transition(
            ItemStep.ANSWER,
            frozenset({ItemState.IN_PROGRESS}),
            ItemState.ANSWERED,
            "unit",
            text_required=True,
            text_field="answer",
        ),
        Transition(ItemStep.CLOSE, frozenset({ItemState.ANSWERED}), ItemState.CLOSED, "office"),
        Transition(
            ItemStep.REOPEN,
            frozenset({ItemState.ANSWERED}),
            ItemState.IN_PROGRESS,
            "office",
            text_required=True,
        ),
    )
}


# --------------------------------------------------------------------------------------------
# Checks (also used by the selectors to offer a user the steps they may take)
# --------------------------------------------------------------------------------------------


def check_authorised(*, actor: Any, item: SupervisionItem, step: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``step`` on ``item`` (state aside)."""
    if actor is None:  # the system itself
        return
    transition = TRANSITIONS[step]
    if transition.by == "office":
        if not may_issue_supervision_items(actor):
            raise PermissionDenied(f"only the plan office may {step} a supervision item")
        return
    if not may_handle_supervision_item(actor, item):
        raise PermissionDenied(
            f"only users of {item.assignee_unit.code} may {step} supervision item {item.code}"
        )


def check_step(*, actor: Any, item: SupervisionItem, step: str) -> Transition:
    """The transition of ``step`` if ``actor`` may do it now; raise otherwise.

    Raises :class:`PermissionDenied` (wrong role or unit) before :class:`IllegalTransition`
    (wrong state); an unknown step raises :class:`SupervisionError`.
    """
    if step not in TRANSITIONS:
        raise SupervisionError(f"unknown step {step!r}")
    check_authorised(actor=actor, item=item, step=step)
    transition = TRANSITIONS[step]
    if item.state not in transition.sources:
        raise IllegalTransition(item=item, step=step)
    return transition


# --------------------------------------------------------------------------------------------
# Issue (交办)
# --------------------------------------------------------------------------------------------


def next_code(*, year: int) -> str:
    """The next free code of ``year``: DB-2026-0001, DB-2026-0002 …"""
    prefix = f"DB-{year}-"
    last = (
        SupervisionItem.objects.filter(code__startswith=prefix)
        .annotate(code_length=Length("code"))
        .order_by("-code_length", "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


#: how often an issue takes the next code when another issue took its code at the same moment
CODE_ATTEMPTS = 5


def _save_with_free_code(item: SupervisionItem, *, year: int) -> None:
    """Insert ``item`` under the next free code of ``year``. Two items issued at the same moment
    compute the same code; the second insert then fails on the unique code (PostgreSQL: once the
    first commits) and takes the next code, so both are issued."""
    for attempt in range(CODE_ATTEMPTS):
        if attempt:
            item.code = next_code(year=year)
        try:
            with transaction.atomic():  # a savepoint: the failed insert alone is undone
                item.save(force_insert=True)
            return
        except IntegrityError:
            if attempt + 1 == CODE_ATTEMPTS or not SupervisionItem.objects.filter(code=item.code).exists():
                raise


@transaction.atomic
def item_issue(
    *,
    actor: Any,
    title: str,
    assignee_unit: Unit,
    deadline: date,
    body: str = "",
    task: Task | None = None,
    issued_on: date | None = None,
    is_synthetic: bool = False,
    source: str = "web",
    instruction: Any = None,
    decision: Any = None,
) -> SupervisionItem:
    """Issue (交办) a supervision item to ``assignee_unit``; the plan office only — or, for the
    item of a leader's instruction (``instruction``, made by
    :func:`jingjin.supervision.instructions.instruction_give`), the leader who gave it.

    The deadline may not lie before the day of issue (``issued_on``, default today). Raises
    :class:`PermissionDenied` for other roles and :class:`ValidationError` for bad values.
    """
    office = actor is None or may_issue_supervision_items(actor)
    if not office and (instruction is None or not may_give_instructions(actor)):
        raise PermissionDenied("only the plan office may issue a supervision item")
    day = issued_on or clock.today()
    if deadline < day:
        raise ValidationError({"deadline": f"the deadline {deadline} is before the day of issue {day}"})
    try:
        DateInYears()(deadline)  # within the years every page and export reads (core.bounds)
    except ValidationError as exc:
        raise ValidationError({"deadline": exc.messages}) from exc
    item = SupervisionItem(
        code=next_code(year=day.year),
        title=title.strip(),
        body=body.strip(),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
        issued_on=day,
        assignee_unit=assignee_unit,
        task=task,
        deadline=deadline,
        state=ItemState.ASSIGNED,
        is_synthetic=is_synthetic,
        instruction=instruction,
        decision=decision,
    )
    item.full_clean()
    _save_with_free_code(item, year=day.year)
    # the issue step is dated on the day of issue (now, when that is today)
    at = clock.now() if day == clock.today() else timezone.make_aware(datetime.combine(day, ISSUE_TIME))
    _step_record(actor=actor, item=item, step=ItemStep.ISSUE, from_state="", text="", source=source, at=at)
    audit_change(actor=actor, obj=item, before=None, source=source)
    if not is_synthetic:  # tell the handling unit (in the app, by e-mail, by webhook)
        from jingjin.notifications.services import notify_supervision_new

        notify_supervision_new(item=item)
    return item


# --------------------------------------------------------------------------------------------
# The steps after issue
# --------------------------------------------------------------------------------------------


@transaction.atomic
def item_step(
    *,
    actor: Any,
    item: SupervisionItem,
    step: str,
    text: str = "",
    source: str = "web",
    at: datetime | None = None,
) -> SupervisionItem:
    """Do ``step`` (acknowledge, start, answer, close, reopen) on ``item`` with an optional text.

    The step is dated ``at`` (default :func:`jingjin.core.clock.now`; the demo and imports date the
    steps of a history), which may not lie before the item's last step nor after now: past months'
    views read an item's state at a date from these times. The item is read again inside the
    transaction, so a step sent twice fails the second time with :class:`IllegalTransition`
    instead of being recorded twice.
    """
    item = SupervisionItem.objects.select_for_update().select_related("assignee_unit").get(pk=item.pk)
    transition = check_step(actor=actor, item=item, step=step)
    text = (text or "").strip()
    if transition.text_required and not text:
        raise TextRequired(step=step, field=transition.text_field)
    if len(text) > MAX_TEXT:
        raise SupervisionError(f"the {transition.text_field} is longer than {MAX_TEXT} characters")
    if at is None:
        at = clock.now()
    else:
        last = item.steps.order_by("-time").values_list("time", flat=True).first()
        if at > clock.now() or (last is not None and at < last):
            raise SupervisionError(f"a step dated {at.isoformat()} is before the last step or after now")
    before = item.snapshot()
    from_state = item.state
    item.state = transition.target
    if step == ItemStep.ANSWER:
        item.answer = text
    if step == ItemStep.CLOSE:
        item.closed_at = at
    item.save()
    _step_record(actor=actor, item=item, step=step, from_state=from_state, text=text, source=source, at=at)
    audit_change(actor=actor, obj=item, before=before, source=source)
    return item


def item_acknowledge(
    *, actor: Any, item: SupervisionItem, comment: str = "", source: str = "web"
) -> SupervisionItem:
    """签收: the assignee unit confirms it has received the item."""
    return item_step(actor=actor, item=item, step=ItemStep.ACKNOWLEDGE, text=comment, source=source)


def item_start(
    *, actor: Any, item: SupervisionItem, comment: str = "", source: str = "web"
) -> SupervisionItem:
    """办理: the assignee unit starts working on the item."""
    return item_step(actor=actor, item=item, step=ItemStep.START, text=comment, source=source)


def item_answer(*, actor: Any, item: SupervisionItem, answer: str, source: str = "web") -> SupervisionItem:
    """反馈: the assignee unit reports what it has done (the answer is required)."""
    return item_step(actor=actor, item=item, step=ItemStep.ANSWER, text=answer, source=source)


def item_close(
    *, actor: Any, item: SupervisionItem, comment: str = "", source: str = "web"
) -> SupervisionItem:
    """办结: the plan office accepts the answer and closes the item."""
    return item_step(actor=actor, item=item, step=ItemStep.CLOSE, text=comment, source=source)


def item_reopen(*, actor: Any, item: SupervisionItem, comment: str, source: str = "web") -> SupervisionItem:
    """The plan office sends an answered item back to the unit (in progress), saying why."""
    return item_step(actor=actor, item=item, step=ItemStep.REOPEN, text=comment, source=source)


def _step_record(
    *, actor: Any, item: SupervisionItem, step: str, from_state: str, text: str, source: str, at: datetime
) -> SupervisionStep:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    profile = getattr(user, "profile", None) if user is not None else None
    return SupervisionStep.objects.create(
        item=item,
        step=step,
        actor=user,
        actor_name=user.get_username() if user is not None else (source or "system"),
        actor_unit=profile.unit if profile is not None else None,
        from_state=from_state,
        to_state=item.state,
        text=text,
        time=at,
    )
