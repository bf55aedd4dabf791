"""The demo generator: a dozen example items in every state, due soon and overdue, idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from jingjin.supervision import selectors
from jingjin.supervision.choices import ItemState
from jingjin.supervision.demo import demo_items
from jingjin.supervision.models import SupervisionItem

pytestmark = pytest.mark.django_db


def test_demo_items_cover_every_state_and_signal_and_run_once(users):
    today = date(2026, 11, 27)
    created = demo_items(today=today)
    items = list(SupervisionItem.objects.all())
    assert created == len(items) == 12
    assert {i.state for i in items} == set(ItemState.values)
    assert all(i.is_synthetic and i.title.startswith("【示例】") for i in items)
    assert {i.assignee_unit.kind for i in items} == {"department", "county"}
    signals = [selectors.deadline_signal(deadline=i.deadline, state=i.state, as_of=today) for i in items]
    assert signals.count("overdue") >= 3 and signals.count("due_soon") >= 3
    assert all(i.issued_on <= i.deadline for i in items)
    assert any(i.steps.filter(step="reopen").exists() for i in items)
    assert any(i.task is not None for i in items)

    steps = sum(i.steps.count() for i in items)
    assert demo_items(today=today) == 0
    assert demo_items(today=date(2027, 1, 5), seed=7) == 0
    assert SupervisionItem.objects.count() == 12
    assert sum(i.steps.count() for i in SupervisionItem.objects.all()) == steps


def test_demo_items_need_units(db):
    assert demo_items(today=date(2026, 11, 27)) == 0


def test_demo_practices_make_each_kind_once(users):
    from jingjin.core import clock
    from jingjin.supervision.demo import demo_practices
    from jingjin.supervision.models import ExtensionRequest, Instruction, Meeting, Stationing, Urging

    today = clock.today()
    demo_items(today=today)
    made = demo_practices(today=today)
    assert made["instructions"] == Instruction.objects.count() == 1  # the small plan has no approved report
    assert all(i.is_synthetic for i in Instruction.objects.all())
    assert sorted(ExtensionRequest.objects.values_list("state", flat=True)) == ["granted", "refused"]
    assert set(Urging.objects.values_list("colour", flat=True)) == {"blue", "yellow", "red"}
    meeting = Meeting.objects.get()
    assert meeting.is_synthetic and meeting.decisions.filter(items__isnull=False).count() == 1
    assert Stationing.objects.filter(is_synthetic=True).count() == 2
    assert Stationing.objects.filter(closed_at__isnull=False).count() == 1
    assert demo_practices(today=today) == {}
