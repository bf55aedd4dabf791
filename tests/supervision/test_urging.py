"""Three-colour urging (督办单): the escalation schedule, recipients, idempotence, and nobody urged
after answering."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from jingjin.alerts.models import Notification
from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from jingjin.reporting.services import period_get_or_create
from jingjin.supervision import services, urging
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import Urging
from jingjin.supervision.urging import UrgingRule, next_colour

pytestmark = pytest.mark.django_db

RULE = UrgingRule(colours=("blue", "yellow", "red"), first_after_days=1, days_between=3)
D = date(2024, 3, 10)


def test_next_colour_follows_the_schedule():
    assert next_colour(deadline=D, given=[], day=D, rule=RULE) == ""
    assert next_colour(deadline=D, given=[], day=D + timedelta(days=1), rule=RULE) == "blue"
    blue = [("blue", D + timedelta(days=1))]
    assert next_colour(deadline=D, given=blue, day=D + timedelta(days=3), rule=RULE) == ""
    assert next_colour(deadline=D, given=blue, day=D + timedelta(days=4), rule=RULE) == "yellow"
    both = [*blue, ("yellow", D + timedelta(days=4))]
    assert next_colour(deadline=D, given=both, day=D + timedelta(days=7), rule=RULE) == "red"
    every = [*both, ("red", D + timedelta(days=7))]
    assert next_colour(deadline=D, given=every, day=D + timedelta(days=30), rule=RULE) == ""
    # at most one a day, even when a step is long overdue
    assert next_colour(deadline=D, given=blue, day=D + timedelta(days=1), rule=RULE) == ""
    two = UrgingRule(colours=("yellow", "red"), first_after_days=2, days_between=1)
    assert next_colour(deadline=D, given=[], day=D + timedelta(days=2), rule=two) == "yellow"


def _overdue_item(users, make_item, days: int = 1, state: str = ItemState.IN_PROGRESS):
    item = make_item(state=state)
    item.deadline = clock.today() - timedelta(days=days)
    item.save(update_fields=["deadline"])
    return item


def test_the_daily_run_escalates_blue_yellow_red_to_the_right_people(users, make_user, make_item):
    approver = make_user("approver_a", "approver", "t.a")
    item = _overdue_item(users, make_item, days=1)
    today = clock.today()
    with override_settings(
        JINGJIN_URGING={"colours": ["blue", "yellow", "red"], "first_after_days": 1, "days_between": 2}
    ):
        assert urging.urging_run(as_of=today).made == {"blue": 1}
        assert urging.urging_run(as_of=today).total == 0  # idempotent per day
        assert urging.urging_run(as_of=today + timedelta(days=1)).total == 0
        assert urging.urging_run(as_of=today + timedelta(days=2)).made == {"yellow": 1}
        assert urging.urging_run(as_of=today + timedelta(days=4)).made == {"red": 1}
        assert urging.urging_run(as_of=today + timedelta(days=9)).total == 0
    blue, yellow, red = item.urgings.order_by("date")
    assert (blue.colour, yellow.colour, red.colour) == ("blue", "yellow", "red")
    assert blue.recipients == ["approver_a", "reporter_a"] and blue.days_overdue == 1
    assert yellow.recipients == ["approver_a"]
    assert red.recipients == ["leader"] and red.days_overdue == 5
    assert Notification.objects.filter(user=approver, params__stage="urging_yellow").count() == 1
    assert Notification.objects.filter(user=users["leader"], params__stage="urging_red").count() == 1


def test_nobody_is_urged_after_answering(users, make_item):
    item = _overdue_item(users, make_item, days=2)
    closed = _overdue_item(users, make_item, days=2, state=ItemState.CLOSED)
    today = clock.today()
    assert urging.urging_run(as_of=today).made == {"blue": 1}
    services.item_step(actor=users["reporter_a"], item=item, step=ItemStep.ANSWER, text="已办")
    before = Notification.objects.count()
    for days in range(1, 12, 3):
        assert urging.urging_run(as_of=today + timedelta(days=days)).total == 0
    assert Notification.objects.count() == before
    assert item.urgings.count() == 1 and not closed.urgings.exists()


def test_overdue_reports_are_urged_until_submitted(users):
    today = clock.today()
    first = today.replace(day=1) - timedelta(days=40)
    period = period_get_or_create(year=first.year, month=first.month)
    task = Task.objects.get(code="A1.M1.T1")
    report = Report.objects.create(task=task, period=period)
    submitted = Report.objects.create(
        task=Task.objects.get(code="A1.M1.T2"), period=period, status="submitted"
    )
    assert period.deadline < today
    summary = urging.urging_run(as_of=today)
    assert summary.made == {"blue": 1}
    [row] = Urging.objects.all()
    assert (
        row.report == report and row.unit == Unit.objects.get(code="t.a") and row.recipients == ["reporter_a"]
    )
    assert not submitted.urgings.exists()
    report.status = "submitted"
    report.save(update_fields=["status"])
    assert urging.urging_run(as_of=today + timedelta(days=10)).total == 0
