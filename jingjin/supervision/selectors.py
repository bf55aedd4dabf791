"""Reads of supervision items (督办件): lists by unit and state, and the deadline signals.

Deadline signals, for a day ``as_of`` (default today), on items that are not closed:

* **due soon** (yellow, 即将到期): the deadline is ``as_of`` or one of the next
  :data:`DUE_SOON_DAYS` days — from three days before the deadline up to the deadline day itself;
* **overdue** (red, 逾期): the deadline has passed (``as_of`` is after the deadline day).

A closed item (办结) carries no signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    listed_for,
    may_issue_supervision_items,
)
from jingjin.supervision import services
from jingjin.supervision.choices import ItemState, Signal
from jingjin.supervision.models import SupervisionItem, SupervisionStep

#: days before the deadline from which an open item is "due soon"
DUE_SOON_DAYS = 3


def _day(as_of: date | None) -> date:
    return as_of if as_of is not None else clock.today()


def deadline_signal(*, deadline: date, state: str, as_of: date | None = None) -> str:
    """``"overdue"``, ``"due_soon"`` or ``""`` for an item with this deadline and state on ``as_of``."""
    day = _day(as_of)
    if state == ItemState.CLOSED:
        return ""
    if day > deadline:
        return Signal.OVERDUE.value
    if (deadline - day).days <= DUE_SOON_DAYS:
        return Signal.DUE_SOON.value
    return ""


def overdue_q(as_of: date) -> Q:
    """Open items whose deadline lies before ``as_of``."""
    return ~Q(state=ItemState.CLOSED) & Q(deadline__lt=as_of)


def due_soon_q(as_of: date) -> Q:
    """Open items whose deadline is ``as_of`` or within the next :data:`DUE_SOON_DAYS` days."""
    return ~Q(state=ItemState.CLOSED) & Q(
        deadline__gte=as_of, deadline__lte=as_of + timedelta(days=DUE_SOON_DAYS)
    )


def items_visible(*, user: Any) -> QuerySet[SupervisionItem]:
    """The items in ``user``'s lists: the plan office and leaders see all, unit users those of their
    unit and the units below it. (Any signed-in user with a role may open an item by its code —
    the one rule's ``view`` — but only the right users may act on it.)"""
    return listed_for(user, SupervisionItem.objects.restrict(user, "view"), "assignee_unit_id")


def item_list(
    *,
    user: Any,
    state: str = "",
    unit: Unit | None = None,
    signal: str = "",
    as_of: date | None = None,
) -> QuerySet[SupervisionItem]:
    """The visible items, each annotated with ``signal`` ("overdue", "due_soon" or "").

    Filters: ``state``; ``unit`` (that unit and the units below it); ``signal``.
    Order: overdue first, then due soon, then by deadline.
    """
    day = _day(as_of)
    items = (
        items_visible(user=user)
        .select_related("assignee_unit", "task", "issued_by")
        .annotate(
            signal=Case(
                When(overdue_q(day), then=Value(Signal.OVERDUE.value)),
                When(due_soon_q(day), then=Value(Signal.DUE_SOON.value)),
                default=Value(""),
                output_field=CharField(),
            ),
            signal_rank=Case(
                When(overdue_q(day), then=Value(0)),
                When(due_soon_q(day), then=Value(1)),
                default=Value(2),
            ),
        )
    )
    if state:
        items = items.filter(state=state)
    if unit is not None:
        items = items.filter(assignee_unit_id__in=unit.descendant_ids())
    if signal == Signal.OVERDUE:
        items = items.filter(overdue_q(day))
    elif signal == Signal.DUE_SOON:
        items = items.filter(due_soon_q(day))
    return items.order_by("signal_rank", "deadline", "code")


def item_list_as_they_stood(
    *, user: Any, day: date, state: str = "", unit: Unit | None = None, signal: str = ""
) -> QuerySet[SupervisionItem]:
    """:func:`item_list` for a past ``day``: the items as they stood at its end
    (:func:`items_as_they_stood`), filtered by the state they had then, the unit and the signal
    judged on that day; overdue first, then due soon, then by deadline."""
    items = items_as_they_stood(user=user, day=day)
    if state:
        items = items.filter(state_then=state)  # type: ignore[misc]  # an annotation
    if unit is not None:
        items = items.filter(assignee_unit_id__in=unit.descendant_ids())
    if signal in (Signal.OVERDUE, Signal.DUE_SOON):
        items = items.filter(signal=signal)  # type: ignore[misc]  # an annotation
    rank = Case(
        When(signal=Signal.OVERDUE.value, then=Value(0)),
        When(signal=Signal.DUE_SOON.value, then=Value(1)),
        default=Value(2),
    )
    return items.annotate(signal_rank=rank).order_by("signal_rank", "deadline", "code")


def items_as_they_stood(*, user: Any, day: date) -> QuerySet[SupervisionItem]:
    """The visible items as they stood at the end of ``day`` (for past months' views and bulletins).

    Only items issued on or before ``day``; each is annotated with ``state_then``, the state its
    last step dated on or before ``day`` led to (its dated history, :class:`SupervisionStep`; an
    item without any step keeps its state), and
    with ``signal`` ("overdue", "due_soon" or "") judged on ``day`` from that state. Items closed
    after ``day`` are open here; items issued after it are left out.
    """
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    last_step = (
        SupervisionStep.objects.filter(item=OuterRef("pk"), time__lt=end)
        .order_by("-time", "-pk")
        .values("to_state")[:1]
    )
    open_then = ~Q(state_then=ItemState.CLOSED)
    overdue = open_then & Q(deadline__lt=day)
    due_soon = open_then & Q(deadline__gte=day, deadline__lte=day + timedelta(days=DUE_SOON_DAYS))
    return (
        items_visible(user=user)
        .filter(issued_on__lte=day)
        .select_related("assignee_unit", "task", "issued_by")
        .annotate(state_then=Coalesce(Subquery(last_step), F("state"), output_field=CharField()))
        .annotate(
            signal=Case(
                When(overdue, then=Value(Signal.OVERDUE.value)),
                When(due_soon, then=Value(Signal.DUE_SOON.value)),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .order_by("deadline", "code")
    )


def items_signalled_on(*, user: Any, day: date, signal: str) -> QuerySet[SupervisionItem]:
    """The items that were overdue (``signal="overdue"``) or due soon at the end of ``day``, as they
    stood then (:func:`items_as_they_stood`)."""
    items = items_as_they_stood(user=user, day=day)
    return items.filter(signal=signal)  # type: ignore[misc]  # an annotation


def as_they_stood(items: Any) -> list[SupervisionItem]:
    """The items of :func:`items_as_they_stood` with ``state`` set to the state they had then, for
    display only (never saved)."""
    out = list(items)
    for item in out:
        item.state = item.state_then
    return out


def items_overdue(*, user: Any, as_of: date | None = None) -> QuerySet[SupervisionItem]:
    """Open items past their deadline (red)."""
    return item_list(user=user, signal=Signal.OVERDUE, as_of=as_of)


def items_due_soon(*, user: Any, as_of: date | None = None) -> QuerySet[SupervisionItem]:
    """Open items whose deadline is within :data:`DUE_SOON_DAYS` days (yellow)."""
    return item_list(user=user, signal=Signal.DUE_SOON, as_of=as_of)


def item_detail(*, user: Any, code: str) -> SupervisionItem:
    """One item by code, for any signed-in user with a role; raises ``SupervisionItem.DoesNotExist``."""
    return (
        SupervisionItem.objects.restrict(user, "view")
        .select_related("assignee_unit", "task__measure__action__plan", "issued_by")
        .get(code=code)
    )


def item_steps(*, item: SupervisionItem) -> QuerySet[SupervisionStep]:
    """The item's history (办理记录), oldest first."""
    return item.steps.select_related("actor_unit")


def item_next_steps(*, user: Any, item: SupervisionItem) -> list[str]:
    """The steps ``user`` may take on ``item`` now (for the buttons of the item page)."""
    if not has_role(user):
        return []
    steps = []
    for step in services.TRANSITIONS:
        try:
            services.check_step(actor=user, item=item, step=step)
        except (PermissionDenied, services.SupervisionError):
            continue
        steps.append(step)
    return steps


def can_issue(*, user: Any) -> bool:
    return may_issue_supervision_items(user)


@dataclass
class UnitSummary:
    """The items of one unit: how many are in each state, overdue and due soon."""

    unit: Unit
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0

    @property
    def open(self) -> int:
        return sum(n for state, n in self.by_state.items() if state != ItemState.CLOSED)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def answered(self) -> int:
        return self.by_state.get(ItemState.ANSWERED, 0)

    @property
    def closed(self) -> int:
        return self.by_state.get(ItemState.CLOSED, 0)

    def count(self, state: str) -> int:
        return self.by_state.get(state, 0)


def item_summary_by_unit(*, user: Any, as_of: date | None = None) -> list[UnitSummary]:
    """Per assignee unit: items in each state, overdue and due soon (units with items only)."""
    day = _day(as_of)
    rows = (
        items_visible(user=user)
        .values("assignee_unit", "state")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=overdue_q(day)),
            due_soon=Count("id", filter=due_soon_q(day)),
        )
        .order_by()
    )
    summaries: dict[int, UnitSummary] = {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["assignee_unit"] for r in rows})}
    for row in rows:
        summary = summaries.setdefault(row["assignee_unit"], UnitSummary(unit=units[row["assignee_unit"]]))
        summary.by_state[row["state"]] = row["n"]
        summary.overdue += row["overdue"]
        summary.due_soon += row["due_soon"]
    return sorted(summaries.values(), key=lambda s: (-s.overdue, -s.due_soon, s.unit.position, s.unit.code))
