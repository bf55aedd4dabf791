"""Deadline signals at their exact boundaries, and the lists by user, unit and state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jingjin.core.models import Unit
from jingjin.supervision import selectors
from jingjin.supervision.choices import ItemState

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (DEADLINE - timedelta(days=30), ""),
        (DEADLINE - timedelta(days=4), ""),
        (DEADLINE - timedelta(days=3), "due_soon"),  # deadline − 3 days: yellow
        (DEADLINE - timedelta(days=1), "due_soon"),
        (DEADLINE, "due_soon"),  # the deadline day itself: still yellow
        (DEADLINE + timedelta(days=1), "overdue"),  # the day after: red
        (DEADLINE + timedelta(days=400), "overdue"),
    ],
)
def test_deadline_signal_at_the_boundaries(as_of, expected):
    for state in (ItemState.ASSIGNED, ItemState.ACKNOWLEDGED, ItemState.IN_PROGRESS, ItemState.ANSWERED):
        assert selectors.deadline_signal(deadline=DEADLINE, state=state, as_of=as_of) == expected
    assert selectors.deadline_signal(deadline=DEADLINE, state=ItemState.CLOSED, as_of=as_of) == ""


def test_the_queries_agree_with_the_signal_at_the_boundaries(users, make_item):
    today = timezone.localdate()
    deadline = today + timedelta(days=30)
    item = make_item(deadline=deadline)
    closed = make_item(deadline=deadline, state=ItemState.CLOSED, title="已办结")
    office = users["office"]
    for days, expected in [(-4, ""), (-3, "due_soon"), (0, "due_soon"), (1, "overdue")]:
        as_of = deadline + timedelta(days=days)
        soon = set(selectors.items_due_soon(user=office, as_of=as_of))
        late = set(selectors.items_overdue(user=office, as_of=as_of))
        assert (item in soon, item in late) == (expected == "due_soon", expected == "overdue"), days
        assert closed not in soon | late
        [listed] = selectors.item_list(user=office, as_of=as_of).filter(pk=item.pk)
        assert listed.signal == expected


def test_lists_follow_the_user_unit_and_state(users, make_item):
    a1 = make_item(unit="t.a", title="甲一")
    a2 = make_item(unit="t.a", state=ItemState.ANSWERED, title="甲二")
    b1 = make_item(unit="t.b", title="乙一")
    c1 = make_item(unit="t.c", state=ItemState.CLOSED, title="丙一")
    everything = {a1, a2, b1, c1}
    assert set(selectors.item_list(user=users["office"])) == everything
    assert set(selectors.item_list(user=users["leader"])) == everything
    assert set(selectors.item_list(user=users["reporter_a"])) == {a1, a2}
    assert set(selectors.item_list(user=users["reporter_b"])) == {b1}
    assert set(selectors.item_list(user=users["county_c"])) == {c1}
    assert set(selectors.item_list(user=users["office"], state=ItemState.ANSWERED)) == {a2}
    assert set(selectors.item_list(user=users["office"], unit=Unit.objects.get(code="t.b"))) == {b1}
    assert set(selectors.item_list(user=users["office"], unit=Unit.objects.get(code="t"))) == everything
    assert list(selectors.item_list(user=None)) == []


def test_overdue_items_come_first(users, make_item):
    today = timezone.localdate()
    later = make_item(deadline=today + timedelta(days=20), title="晚")
    soon = make_item(deadline=today + timedelta(days=2), title="近")
    listed = list(selectors.item_list(user=users["office"], as_of=today + timedelta(days=10)))
    assert listed == [soon, later]
    assert [i.signal for i in listed] == ["overdue", ""]


def test_summary_by_unit(users, make_item):
    today = timezone.localdate()
    make_item(unit="t.a", deadline=today + timedelta(days=1), title="甲一")
    make_item(unit="t.a", state=ItemState.ANSWERED, deadline=today + timedelta(days=9), title="甲二")
    make_item(unit="t.b", state=ItemState.CLOSED, deadline=today, title="乙一")
    rows = selectors.item_summary_by_unit(user=users["office"], as_of=today + timedelta(days=2))
    by_unit = {row.unit.code: row for row in rows}
    assert set(by_unit) == {"t.a", "t.b"}
    a, b = by_unit["t.a"], by_unit["t.b"]
    assert (a.total, a.open, a.overdue, a.due_soon, a.answered) == (2, 2, 1, 0, 1)
    assert (b.total, b.open, b.overdue, b.closed) == (1, 0, 0, 1)
    assert rows[0].unit.code == "t.a"  # the unit with overdue items first
    assert [r.unit.code for r in selectors.item_summary_by_unit(user=users["reporter_b"])] == ["t.b"]


def test_next_steps_offered_to_each_user(users, make_item):
    assigned = make_item()
    answered = make_item(state=ItemState.ANSWERED, title="已反馈")
    assert selectors.item_next_steps(user=users["reporter_a"], item=assigned) == ["acknowledge"]
    assert selectors.item_next_steps(user=users["reporter_b"], item=assigned) == []
    assert selectors.item_next_steps(user=users["leader"], item=assigned) == []
    assert selectors.item_next_steps(user=users["office"], item=assigned) == []
    assert selectors.item_next_steps(user=users["office"], item=answered) == ["close", "reopen"]
    assert selectors.item_next_steps(user=users["reporter_a"], item=answered) == []
