"""``POST /api/households/<code>/steps``: the procedures' steps through the API, as on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.rural.models import Household

from .test_workflow import line_2023 as line_2023  # the fixture
from .test_workflow import monitored_and_ready


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, household: Household, **body: Any) -> Any:
    return client.post(f"/api/households/{household.code}/steps", body, content_type="application/json")


def test_the_identification_step_by_step_makes_the_household_monitored(
    household: Household, world: dict[str, Any]
) -> None:
    client = client_for(world["worker_c"])
    for step, day, end in (
        ("home_verification", "2023-10-02", None),
        ("comparison", "2023-10-03", None),
        ("village_notice", "2023-10-04", "2023-10-08"),
        ("township_review", "2023-10-09", None),
        ("county_approval", "2023-10-10", None),
    ):
        body = {"step": step, "done_on": day, **({"notice_end": end} if end else {})}
        response = post(client, household, **body)
        assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "monitored" and data["monitored_since"] == "2023-10-10"
    assert [s["step"] for s in data["steps"]][-2:] == ["township_review", "county_approval"]
    assert data["steps"][3] == {
        "step": "village_notice",
        "done_on": "2023-10-04",
        "notice_end": "2023-10-08",
        "note": "",
    }
    # audited, from the API
    steps = AuditEntry.objects.filter(source="api", content_type__model="identificationstep")
    assert steps.count() == 5
    # the list shows the steps too
    listed = client.get("/api/households").json()["results"][0]
    assert listed["steps"] == data["steps"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"step": "comparison", "done_on": "2023-10-02"}, "step"),  # not the next step
        ({"step": "home_verification", "done_on": "2099-01-01"}, "done_on"),  # in the future
        ({"step": "home_verification", "done_on": "2023-13-01"}, "done_on"),
        ({"step": "lead", "done_on": "2023-10-02"}, "step"),  # opens the file: not a step to record
        ({"step": "anything", "done_on": "2023-10-02"}, "step"),
        ({"step": "home_verification"}, "done_on"),
        ({"step": "elimination_approval", "done_on": "2023-10-02"}, "state"),  # not monitored
    ],
)
def test_a_step_out_of_order_or_malformed_is_refused_naming_the_field(
    household: Household, world: dict[str, Any], body: dict[str, str], field: str
) -> None:
    before = household.steps.count()
    response = post(client_for(world["worker_c"]), household, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert household.steps.count() == before


def test_a_short_notice_is_refused(household: Household, world: dict[str, Any]) -> None:
    client = client_for(world["worker_c"])
    assert post(client, household, step="home_verification", done_on="2023-10-02").status_code == 201
    assert post(client, household, step="comparison", done_on="2023-10-03").status_code == 201
    short = post(client, household, step="village_notice", done_on="2023-10-04", notice_end="2023-10-06")
    assert short.status_code == 400 and "notice_end" in short.json()


@pytest.mark.parametrize("who", ["worker_d", "office", "county_c", "leader"])
def test_only_the_case_workers_of_the_county_record_steps(
    household: Household, world: dict[str, Any], who: str
) -> None:
    response = post(client_for(world[who]), household, step="home_verification", done_on="2023-10-02")
    assert response.status_code == 403
    assert household.steps.count() == 1  # the lead only


@pytest.mark.usefixtures("line_2023")
def test_the_elimination_ends_with_the_county_approval(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)  # the procedure waits for the approval
    client = client_for(worker)
    early = post(client, household, step="elimination_approval", done_on="2023-10-14")
    assert early.status_code == 400 and "less than 6 months" in str(early.json())  # the rule on that day
    assert Household.objects.get(pk=household.pk).state == "monitored"
    response = post(client, household, step="elimination_approval", done_on="2023-10-15", note="达标")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "eliminated" and response.json()["eliminated_on"] == "2023-10-15"


@pytest.mark.usefixtures("line_2023")
def test_an_elimination_is_begun_and_stopped(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker, procedure=False)
    client = client_for(worker)
    assert post(client, household, step="elimination_verification", done_on="2023-10-08").status_code == 201
    no_reason = post(client, household, step="elimination_stopped", done_on="2023-10-09")
    assert no_reason.status_code == 400 and "note" in no_reason.json()
    stopped = post(client, household, step="elimination_stopped", done_on="2023-10-09", note="新增风险")
    assert stopped.status_code == 201
    assert stopped.json()["state"] == "monitored"
    assert stopped.json()["steps"][-1]["step"] == "elimination_stopped"
