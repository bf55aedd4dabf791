"""Fixtures of the supervision tests: an item of unit t.a, and items moved on to any state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from jingjin.core.models import Unit
from jingjin.supervision import services
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import SupervisionItem

#: the steps (by the system) that bring a fresh item to each state
PATH = {
    ItemState.ASSIGNED: [],
    ItemState.ACKNOWLEDGED: [ItemStep.ACKNOWLEDGE],
    ItemState.IN_PROGRESS: [ItemStep.ACKNOWLEDGE, ItemStep.START],
    ItemState.ANSWERED: [ItemStep.ACKNOWLEDGE, ItemStep.START, ItemStep.ANSWER],
    ItemState.CLOSED: [ItemStep.ACKNOWLEDGE, ItemStep.START, ItemStep.ANSWER, ItemStep.CLOSE],
}


@pytest.fixture
def make_item(users: dict[str, Any]) -> Callable[..., SupervisionItem]:
    def make(
        unit: str = "t.a",
        state: str = ItemState.ASSIGNED,
        deadline: date | None = None,
        title: str = "测试督办件",
    ) -> SupervisionItem:
        today = timezone.localdate()
        day = deadline or today + timedelta(days=10)
        item = services.item_issue(
            actor=users["office"],
            title=title,
            assignee_unit=Unit.objects.get(code=unit),
            deadline=day,
            issued_on=min(today, day),
            source="test",
        )
        for step in PATH[state]:
            item = services.item_step(actor=None, item=item, step=step, text="系统", source="test")
        return item

    return make


@pytest.fixture
def item(make_item: Callable[..., SupervisionItem]) -> SupervisionItem:
    return make_item()
