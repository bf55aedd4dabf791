"""The supervision workflow: every transition, who may make it, the illegal ones, and the audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.supervision import services
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import SupervisionItem, SupervisionStep
from jingjin.supervision.services import IllegalTransition, SupervisionError, TextRequired

pytestmark = pytest.mark.django_db

UNIT_STEPS = {ItemStep.ACKNOWLEDGE, ItemStep.START, ItemStep.ANSWER}
ALLOWED_FROM = {
    ItemStep.ACKNOWLEDGE: {ItemState.ASSIGNED},
    ItemStep.START: {ItemState.ACKNOWLEDGED},
    ItemStep.ANSWER: {ItemState.IN_PROGRESS},
    ItemStep.CLOSE: {ItemState.ANSWERED},
    ItemStep.REOPEN: {ItemState.ANSWERED},
}


def audit_rows(item: SupervisionItem) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(content_type__model="supervisionitem", object_id=item.pk).order_by("id")
    )


def test_issue_by_the_plan_office_numbers_the_item_and_records_step_and_audit(users):
    today = timezone.localdate()
    first = services.item_issue(
        actor=users["office"],
        title="  督促报送  ",
        body="请于期限内报送。",
        assignee_unit=Unit.objects.get(code="t.a"),
        deadline=today + timedelta(days=7),
    )
    second = services.item_issue(
        actor=users["office"], title="第二件", assignee_unit=Unit.objects.get(code="t.b"), deadline=today
    )
    assert first.code == f"DB-{today.year}-0001" and second.code == f"DB-{today.year}-0002"
    assert first.title == "督促报送" and first.state == ItemState.ASSIGNED
    assert first.issued_by == users["office"] and first.issued_on == today
    [step] = first.steps.all()
    assert (step.step, step.from_state, step.to_state, step.actor_name) == ("issue", "", "assigned", "office")
    [row] = audit_rows(first)
    assert row.action == "create" and row.before is None and row.user == users["office"]
    assert row.after["state"] == "assigned" and row.after["assignee_unit"] == "t.a"
    assert row.after["deadline"] == (today + timedelta(days=7)).isoformat()


def test_codes_keep_counting_past_four_digits(users):
    unit = Unit.objects.get(code="t.a")
    SupervisionItem.objects.create(code="DB-2030-9999", title="x", assignee_unit=unit, deadline="2030-01-01")
    assert services.next_code(year=2030) == "DB-2030-10000"
    SupervisionItem.objects.create(code="DB-2030-10000", title="y", assignee_unit=unit, deadline="2030-01-01")
    assert services.next_code(year=2030) == "DB-2030-10001"
    assert services.next_code(year=2031) == "DB-2031-0001"


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b", "county_c", "leader"])
def test_only_the_plan_office_issues(users, who):
    with pytest.raises(PermissionDenied, match="plan office"):
        services.item_issue(
            actor=users[who],
            title="x",
            assignee_unit=Unit.objects.get(code="t.a"),
            deadline=timezone.localdate(),
        )
    assert not SupervisionItem.objects.exists()


def test_a_deadline_before_the_day_of_issue_is_refused(users):
    with pytest.raises(ValidationError) as info:
        services.item_issue(
            actor=users["office"],
            title="x",
            assignee_unit=Unit.objects.get(code="t.a"),
            deadline=timezone.localdate() - timedelta(days=1),
        )
    assert "deadline" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.item_issue(
            actor=users["office"],
            title="   ",
            assignee_unit=Unit.objects.get(code="t.a"),
            deadline=timezone.localdate(),
        )
    assert not SupervisionItem.objects.exists()


def test_the_whole_way_from_assigned_to_closed(users, item):
    reporter, office = users["reporter_a"], users["office"]
    item = services.item_acknowledge(actor=reporter, item=item, comment="收到")
    assert item.state == ItemState.ACKNOWLEDGED
    item = services.item_start(actor=reporter, item=item)
    assert item.state == ItemState.IN_PROGRESS
    item = services.item_answer(actor=reporter, item=item, answer="已完成整改。")
    assert item.state == ItemState.ANSWERED and item.answer == "已完成整改。"
    assert item.closed_at is None
    item = services.item_close(actor=office, item=item, comment="同意办结")
    assert item.state == ItemState.CLOSED and item.closed_at is not None

    steps = list(item.steps.values_list("step", "from_state", "to_state", "actor_name", "text"))
    assert steps == [
        ("issue", "", "assigned", "office", ""),
        ("acknowledge", "assigned", "acknowledged", "reporter_a", "收到"),
        ("start", "acknowledged", "in_progress", "reporter_a", ""),
        ("answer", "in_progress", "answered", "reporter_a", "已完成整改。"),
        ("close", "answered", "closed", "office", "同意办结"),
    ]
    assert item.steps.get(step="answer").actor_unit.code == "t.a"

    rows = audit_rows(item)
    assert [r.action for r in rows] == ["create", "update", "update", "update", "update"]
    assert [(r.before["state"], r.after["state"]) for r in rows[1:]] == [
        ("assigned", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "answered"),
        ("answered", "closed"),
    ]
    assert rows[3].before["answer"] == "" and rows[3].after["answer"] == "已完成整改。"
    assert rows[4].before["closed_at"] is None and rows[4].after["closed_at"]
    assert [r.user_name for r in rows] == ["office", "reporter_a", "reporter_a", "reporter_a", "office"]


def test_the_plan_office_sends_an_answer_back_with_a_reason(users, make_item):
    item = make_item(state=ItemState.ANSWERED)
    item = services.item_reopen(actor=users["office"], item=item, comment="请补充佐证材料")
    assert item.state == ItemState.IN_PROGRESS
    last = item.steps.last()
    assert (last.step, last.from_state, last.to_state, last.text) == (
        "reopen",
        "answered",
        "in_progress",
        "请补充佐证材料",
    )
    row = audit_rows(item)[-1]
    assert (row.before["state"], row.after["state"]) == ("answered", "in_progress")
    item = services.item_answer(actor=users["reporter_a"], item=item, answer="已补充。")
    assert item.state == ItemState.ANSWERED and item.answer == "已补充。"


@pytest.mark.parametrize(
    ("step", "field"), [(ItemStep.ANSWER, "answer"), (ItemStep.REOPEN, "comment")], ids=["answer", "reopen"]
)
def test_answer_and_send_back_need_a_text_and_change_nothing_without(users, make_item, step, field):
    start = ItemState.IN_PROGRESS if step == ItemStep.ANSWER else ItemState.ANSWERED
    actor = users["reporter_a"] if step == ItemStep.ANSWER else users["office"]
    item = make_item(state=start)
    steps, rows = item.steps.count(), len(audit_rows(item))
    with pytest.raises(TextRequired, match=field) as info:
        services.item_step(actor=actor, item=item, step=step, text="  \n ")
    assert isinstance(info.value, ValueError)
    item.refresh_from_db()
    assert item.state == start and item.steps.count() == steps and len(audit_rows(item)) == rows


@pytest.mark.parametrize("state", list(ItemState))
@pytest.mark.parametrize("step", list(ALLOWED_FROM))
def test_each_step_only_from_its_states(users, make_item, state, step):
    item = make_item(state=state)
    actor = users["reporter_a"] if step in UNIT_STEPS else users["office"]
    if state in ALLOWED_FROM[step]:
        moved = services.item_step(actor=actor, item=item, step=step, text="说明")
        assert moved.state == services.TRANSITIONS[step].target
        return
    with pytest.raises(IllegalTransition) as info:
        services.item_step(actor=actor, item=item, step=step, text="说明")
    assert isinstance(info.value, ValueError)
    assert info.value.state == state and state in str(info.value) and item.code in str(info.value)
    item.refresh_from_db()
    assert item.state == state


def test_a_step_sent_twice_fails_the_second_time(users, item):
    services.item_acknowledge(actor=users["reporter_a"], item=item)
    with pytest.raises(IllegalTransition, match="acknowledged"):
        services.item_acknowledge(actor=users["reporter_a"], item=item)  # the stale object
    assert item.steps.filter(step="acknowledge").count() == 1


@pytest.mark.parametrize("who", ["reporter_b", "county_c", "leader", "office"])
def test_unit_steps_are_for_users_of_the_assignee_unit_only(users, make_item, who):
    for state, step in [
        (ItemState.ASSIGNED, ItemStep.ACKNOWLEDGE),
        (ItemState.ACKNOWLEDGED, ItemStep.START),
        (ItemState.IN_PROGRESS, ItemStep.ANSWER),
    ]:
        item = make_item(state=state)
        with pytest.raises(PermissionDenied):
            services.item_step(actor=users[who], item=item, step=step, text="答复")
        item.refresh_from_db()
        assert item.state == state


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b", "county_c", "leader"])
def test_close_and_send_back_are_for_the_plan_office_only(users, make_item, who):
    item = make_item(state=ItemState.ANSWERED)
    for step in (ItemStep.CLOSE, ItemStep.REOPEN):
        with pytest.raises(PermissionDenied, match="plan office"):
            services.item_step(actor=users[who], item=item, step=step, text="理由")
    item.refresh_from_db()
    assert item.state == ItemState.ANSWERED


def test_the_wrong_user_is_told_so_even_when_the_state_is_wrong_too(users, make_item):
    item = make_item(state=ItemState.CLOSED)
    with pytest.raises(PermissionDenied):
        services.item_acknowledge(actor=users["reporter_b"], item=item)


def test_approvers_county_users_and_users_of_a_parent_unit_act_for_their_units(users, make_user, make_item):
    approver = make_user("approver_a", "approver", "t.a")
    item = services.item_acknowledge(actor=approver, item=make_item())
    assert item.state == ItemState.ACKNOWLEDGED

    county_item = services.item_acknowledge(actor=users["county_c"], item=make_item(unit="t.c"))
    assert county_item.state == ItemState.ACKNOWLEDGED

    city_reporter = make_user("city_reporter", "reporter", "t")  # t is above t.a
    assert services.item_start(actor=city_reporter, item=item).state == ItemState.IN_PROGRESS


def test_an_unknown_step_is_refused(users, item):
    with pytest.raises(SupervisionError, match="unknown step"):
        services.item_step(actor=users["office"], item=item, step="delete")
    assert SupervisionStep.objects.filter(item=item).count() == 1
