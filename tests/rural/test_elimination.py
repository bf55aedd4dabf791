"""The risk elimination procedure (风险消除程序): home verification, a village notice of at least
5 days, the township review after it and the county approval, in order and on plausible days; the
rule checked at the approval; a procedure stopped with a reason starts again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jingjin.core.permissions import PermissionDenied
from jingjin.rural import elimination
from jingjin.rural.elimination import elimination_step_record, elimination_stop, household_eliminate
from jingjin.rural.models import Household

from .conftest import ID_HEAD
from .test_workflow import line_2023 as line_2023  # the fixture
from .test_workflow import monitored_and_ready

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("line_2023")]


def step(household: Household, worker: Any, name: str, day: int, end: int | None = None) -> None:
    elimination_step_record(
        actor=worker,
        household=household,
        step=f"elimination_{name}",
        done_on=date(2023, 10, day),
        notice_end=date(2023, 10, end) if end else None,
    )


def test_the_steps_in_order_then_the_approval(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker, procedure=False)
    with pytest.raises(ValidationError, match="Record the elimination procedure first: Elimination: home"):
        household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    with pytest.raises(ValidationError, match="next step is Elimination: home verification"):
        step(household, worker, "notice", 8, 12)
    step(household, worker, "verification", 8)
    with pytest.raises(ValidationError, match="at least 5 days"):
        step(household, worker, "notice", 8, 11)
    step(household, worker, "notice", 8, 12)
    with pytest.raises(ValidationError, match="after the notice has ended"):
        step(household, worker, "review", 12)
    with pytest.raises(ValidationError, match="county approval eliminates"):
        step(household, worker, "approval", 13)
    step(household, worker, "review", 13)
    with pytest.raises(ValidationError, match="after today"):
        household_eliminate(actor=worker, household=household, on=date(2023, 10, 16))
    with pytest.raises(PermissionDenied):
        household_eliminate(actor=world["worker_d"], household=household, on=date(2023, 10, 15))
    household_eliminate(actor=worker, household=household, on=date(2023, 10, 15), note="县级审定")
    household.refresh_from_db()
    assert household.state == "eliminated" and household.eliminated_on == date(2023, 10, 15)
    assert [s.step for s in household.steps.order_by("done_on", "id")][-4:] == [
        "elimination_verification",
        "elimination_notice",
        "elimination_review",
        "elimination_approval",
    ]
    with pytest.raises(ValidationError, match="monitored"):
        step(household, worker, "verification", 15)


def test_a_verification_before_monitoring_began_is_refused(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker, procedure=False)
    Household.objects.filter(pk=household.pk).update(monitored_since=date(2023, 10, 9))
    household.refresh_from_db()
    with pytest.raises(ValidationError, match="before the previous step"):
        step(household, worker, "verification", 8)


def test_the_rule_is_checked_at_the_approval(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)  # the procedure waits for the approval
    household.members.update(labour_capacity="none")
    with pytest.raises(ValidationError, match="stays monitored"):
        household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    assert Household.objects.get(pk=household.pk).state == "monitored"
    assert not household.steps.filter(step="elimination_approval").exists()


def test_a_stopped_procedure_starts_again(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker, procedure=False)
    with pytest.raises(ValidationError, match="No elimination procedure"):
        elimination_stop(actor=worker, household=household, on=date(2023, 10, 9), note="x")
    step(household, worker, "verification", 8)
    step(household, worker, "notice", 8, 12)
    with pytest.raises(ValidationError, match="Give the reason"):
        elimination_stop(actor=worker, household=household, on=date(2023, 10, 10), note=" ")
    elimination_stop(actor=worker, household=household, on=date(2023, 10, 10), note="公示期间收到异议")
    assert elimination.next_step(household) == "elimination_verification"
    assert household.steps.filter(step__startswith="elimination_").count() == 3  # the file keeps them
    step(household, worker, "verification", 11)
    assert elimination.next_step(household) == "elimination_notice"


def test_the_pages_walk_the_procedure(household: Household, world: dict[str, Any]) -> None:
    household = monitored_and_ready(household, world["worker_c"], procedure=False)
    client = Client()
    client.force_login(world["worker_c"])
    url = f"/rural/households/{household.code}/"
    page = client.get(url).content.decode()
    assert 'data-testid="form-elimination"' in page and 'data-testid="form-eliminate"' not in page
    posts = [
        {"elimination-step": "elimination_verification", "elimination-done_on": "2023-10-08"},
        {
            "elimination-step": "elimination_notice",
            "elimination-done_on": "2023-10-08",
            "elimination-notice_end": "2023-10-12",
        },
        {"elimination-step": "elimination_review", "elimination-done_on": "2023-10-13"},
    ]
    too_short = {**posts[1], "elimination-notice_end": "2023-10-10"}
    assert client.post(url + "elimination/", posts[0]).status_code == 302
    shown = client.get(url).content.decode().split('data-testid="elimination-next">')[1].split("</p>")[0]
    assert "village appraisal and notice" in shown or "村级评议公示" in shown
    refused = client.post(url + "elimination/", too_short)
    assert refused.status_code == 400 and "at least 5 days" in refused.content.decode()
    for data in posts[1:]:
        assert client.post(url + "elimination/", data).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="form-eliminate"' in page and 'data-testid="form-stop"' in page
    notice = client.get(url + "notice/?procedure=elimination").content.decode()
    assert "2023-10-08" in notice and "2023-10-12" in notice and ID_HEAD not in notice
    assert "risk elimination" in notice or "风险消除" in notice
    assert client.post(url + "eliminate/", {"eliminate-on": "2023-10-15"}).status_code == 302
    assert Household.objects.get(pk=household.pk).state == "eliminated"
