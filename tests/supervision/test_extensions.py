"""Extension requests (延期申请): asked by the unit, granted or refused by the office, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.supervision import extensions
from jingjin.supervision.choices import ExtensionState, ItemState
from jingjin.supervision.extensions import ExtensionError

pytestmark = pytest.mark.django_db


def test_granting_moves_the_deadline_and_keeps_the_original(users, item):
    first = item.deadline
    request = extensions.extension_request(
        actor=users["reporter_a"], item=item, new_deadline=first + timedelta(days=20), reason="汛期停工"
    )
    with pytest.raises(ExtensionError):  # one pending request per item
        extensions.extension_request(
            actor=users["reporter_a"], item=item, new_deadline=first + timedelta(days=30), reason="再延"
        )
    with pytest.raises(PermissionDenied):
        extensions.extension_decide(actor=users["reporter_a"], request=request, grant=True, reason="好")
    with pytest.raises(ValidationError):
        extensions.extension_decide(actor=users["office"], request=request, grant=True, reason=" ")
    extensions.extension_decide(actor=users["office"], request=request, grant=True, reason="理由充分")
    item.refresh_from_db()
    request.refresh_from_db()
    assert request.state == ExtensionState.GRANTED and request.decided_by == users["office"]
    assert item.deadline == first + timedelta(days=20) and item.original_deadline == first
    rows = AuditEntry.objects.filter(content_type__model="supervisionitem", object_id=item.pk)
    assert rows.filter(action="update", after__deadline=item.deadline.isoformat()).exists()
    with pytest.raises(ExtensionError):
        extensions.extension_decide(actor=users["office"], request=request, grant=False, reason="x")
    # a second extension moves the deadline again but never the original deadline
    second = extensions.extension_request(
        actor=users["reporter_a"],
        item=item,
        new_deadline=item.deadline + timedelta(days=5),
        reason="设备未到",
    )
    extensions.extension_decide(actor=users["office"], request=second, grant=True, reason="同意")
    item.refresh_from_db()
    assert item.original_deadline == first


def test_refusing_leaves_the_deadline(users, item):
    first = item.deadline
    request = extensions.extension_request(
        actor=users["reporter_a"], item=item, new_deadline=first + timedelta(days=3), reason="人手不足"
    )
    extensions.extension_decide(actor=users["office"], request=request, grant=False, reason="不属不可抗力")
    item.refresh_from_db()
    request.refresh_from_db()
    assert request.state == ExtensionState.REFUSED and request.decision_reason == "不属不可抗力"
    assert item.deadline == first and item.original_deadline is None


def test_who_may_ask_and_when(users, make_item, item):
    later = item.deadline + timedelta(days=3)
    for who in ("reporter_b", "leader", "office"):
        with pytest.raises(PermissionDenied):
            extensions.extension_request(actor=users[who], item=item, new_deadline=later, reason="r")
    with pytest.raises(ValidationError):
        extensions.extension_request(
            actor=users["reporter_a"], item=item, new_deadline=item.deadline, reason="r"
        )
    answered = make_item(state=ItemState.ANSWERED)
    with pytest.raises(ExtensionError):
        extensions.extension_request(
            actor=users["reporter_a"],
            item=answered,
            new_deadline=answered.deadline + timedelta(days=3),
            reason="r",
        )
