"""Leaders' instructions (领导批示): who gives them, one item per unit, closing, the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from jingjin.core import clock
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans.models import Task
from jingjin.supervision import instructions, services
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import Instruction

pytestmark = pytest.mark.django_db


def _give(actor, **kw):
    args = {
        "text": "请抓紧推进，月底前报进展。",
        "units": [Unit.objects.get(code="t.a"), Unit.objects.get(code="t.b")],
        "deadline": clock.today() + timedelta(days=10),
        "task": Task.objects.get(code="A1.M1.T1"),
    }
    args.update(kw)
    return instructions.instruction_give(actor=actor, **args)


def test_a_leader_gives_an_instruction_that_becomes_one_item_per_unit(users):
    instruction = _give(users["leader"])
    assert instruction.code == f"PS-{clock.today().year}-0001"
    assert instruction.leader == users["leader"] and instruction.leader_name == "leader"
    items = list(instruction.items.order_by("assignee_unit__code"))
    assert [i.assignee_unit.code for i in items] == ["t.a", "t.b"]
    assert all(i.state == ItemState.ASSIGNED and i.task.code == "A1.M1.T1" for i in items)
    assert items[0].issued_by == users["leader"]
    assert AuditEntry.objects.filter(content_type__model="instruction", object_id=instruction.pk).count() == 1
    [row] = instructions.instructions_on(task=Task.objects.get(code="A1.M1.T1"))
    assert row.instruction == instruction and not row.closed and row.answered == 0


@pytest.mark.parametrize("who", ["reporter_a", "county_c"])
def test_unit_users_may_not_give_instructions(users, who):
    with pytest.raises(PermissionDenied):
        _give(users[who])
    assert not Instruction.objects.exists()


def test_the_plan_office_must_name_the_leader_and_one_target(users):
    with pytest.raises(ValidationError):
        _give(users["office"])
    with pytest.raises(ValidationError):
        _give(users["leader"], units=[])
    with pytest.raises(ValidationError):
        _give(users["leader"], task=None)
    with pytest.raises(ValidationError):
        _give(users["leader"], text="a\x00b")
    instruction = _give(users["office"], leader_name="王某（演示）")
    assert instruction.leader is None and instruction.leader_name == "王某（演示）"


def test_the_instruction_is_closed_when_every_unit_answered_and_the_office_closed(users):
    instruction = _give(users["leader"], units=[Unit.objects.get(code="t.a")])
    [item] = instruction.items.all()
    with pytest.raises(PermissionDenied):  # the leader does not close the item itself
        services.item_step(actor=users["leader"], item=item, step=ItemStep.ACKNOWLEDGE)
    for step, who, text in (
        (ItemStep.ACKNOWLEDGE, "reporter_a", ""),
        (ItemStep.START, "reporter_a", ""),
        (ItemStep.ANSWER, "reporter_a", "已完成"),
    ):
        services.item_step(actor=users[who], item=item, step=step, text=text)
    [row] = instructions.instruction_rows(Instruction.objects.all())
    assert row.answered == 1 and not row.closed
    assert instructions.instruction_list(state="open").count() == 1
    services.item_close(actor=users["office"], item=item)
    [row] = instructions.instruction_rows(Instruction.objects.all())
    assert row.closed
    assert instructions.instruction_list(state="closed").count() == 1
