"""The warnings list has a leader's instruction (批示) button on each warning, for leaders and the
plan office, and lists the instructions already written on it — in one query for the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.alerts.models import EarlyWarning
from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.supervision import instructions

pytestmark = pytest.mark.django_db


def _warning(key: str) -> EarlyWarning:
    now = clock.now()
    return EarlyWarning.objects.create(
        key=key,
        rule="status_red",
        level="red",
        reason=f"预警 {key}",
        unit=Unit.objects.get(code="t.a"),
        first_raised_at=now,
        last_seen_at=now,
    )


def test_each_warning_has_the_instruction_button_and_its_instructions(client, users):
    first, second = _warning("w1"), _warning("w2")
    given = instructions.instruction_give(
        actor=users["leader"],
        text="请甲局三日内说明情况。",
        units=[Unit.objects.get(code="t.a")],
        deadline=clock.today() + timedelta(days=3),
        warning=first,
    )
    client.force_login(users["leader"])
    page = client.get("/warnings/").content.decode()
    for warning in (first, second):
        assert f'/supervision/instructions/new/?warning={warning.pk}"' in page
    assert page.count('data-testid="instruct-warning"') == 2
    assert page.count('data-testid="warning-instruction"') == 1 and given.code in page
    # the button leads to the instruction form on that warning
    form = client.get(f"/supervision/instructions/new/?warning={second.pk}")
    assert form.status_code == 200 and 'data-testid="instruction-target"' in form.content.decode()
    # a unit user sees the instruction, not the button
    client.force_login(users["reporter_a"])
    page = client.get("/warnings/").content.decode()
    assert 'data-testid="instruct-warning"' not in page and given.code in page


def test_the_instructions_of_a_page_of_warnings_take_one_query(users):
    warnings = [_warning(f"w{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        found = instructions.instructions_of_warnings([w.pk for w in warnings])
    assert found == {} and len(queries) == 1
