"""``POST /api/households/<code>/risks``, ``/measures`` and ``/incomes``: the household's records
through the API, by the services the page uses, for the county's case workers only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.rural.models import AssistanceMeasure, FundPool, Household, IncomeRecord, RiskFactor

from .conftest import ID_CHILD
from .test_api_steps import client_for


def post(client: Client, household: Household, what: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/households/{household.code}/{what}", body, content_type="application/json")


def counts(household: Household) -> tuple[int, int, int, int, int]:
    return (
        household.members.count(),
        RiskFactor.objects.filter(household=household).count(),
        AssistanceMeasure.objects.filter(household=household).count(),
        IncomeRecord.objects.filter(household=household).count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def pool(world: dict[str, Any]) -> FundPool:
    return FundPool.objects.create(county=world["county_unit"], year=2023, amount=Decimal(5000))


def test_a_case_worker_adds_a_risk_a_measure_and_an_income(
    household: Household, world: dict[str, Any], pool: FundPool
) -> None:
    client = client_for(world["worker_c"])
    risk = post(client, household, "risks", {"kind": "illness", "note": "慢性病（演示）"})
    assert risk.status_code == 201, risk.content
    made = RiskFactor.objects.get(household=household)
    assert risk.json()["risks"] == [{"id": made.pk, "kind": "illness", "note": "慢性病（演示）"}]

    measure = post(
        client,
        household,
        "measures",
        {
            "kind": "medical",
            "description": "医疗救助",
            "started_on": "2023-10-05",
            "pool_year": 2023,
            "paid": "1200.50",
        },
    )
    assert measure.status_code == 201, measure.content
    assert measure.json()["measures"] == [
        {
            "id": AssistanceMeasure.objects.get(household=household).pk,
            "kind": "medical",
            "description": "医疗救助",
            "started_on": "2023-10-05",
            "pool_year": 2023,
            "paid": "1200.50",
        }
    ]
    assert AssistanceMeasure.objects.get(household=household).pool == pool

    unpaid = post(
        client,
        household,
        "measures",
        {"kind": "employment", "description": "公益岗位", "started_on": "2023-10-06"},
    )
    assert unpaid.status_code == 201, unpaid.content
    assert (
        unpaid.json()["measures"][-1]["pool_year"] is None and unpaid.json()["measures"][-1]["paid"] == "0.00"
    )

    for month, amount in (("2023-08-31", "9000"), ("2023-09-15", "9500.5")):
        income = post(client, household, "incomes", {"month": month, "net_income": amount})
        assert income.status_code == 201, income.content
    data = income.json()
    assert [{k: v for k, v in i.items() if k != "id"} for i in data["incomes"]] == [
        {"month": "2023-08-01", "net_income": "9000.00"},
        {"month": "2023-09-01", "net_income": "9500.50"},
    ]
    assert [i["id"] for i in data["incomes"]] == list(
        IncomeRecord.objects.filter(household=household).order_by("month").values_list("pk", flat=True)
    )
    assert data["net_income"] == "9500.50"  # the latest is the household's
    # a correction of a month replaces its figure
    corrected = post(client, household, "incomes", {"month": "2023-09-01", "net_income": "9400"})
    assert [i["net_income"] for i in corrected.json()["incomes"]] == ["9000.00", "9400.00"]

    # each write is audited, from the API
    models = {"riskfactor": 1, "assistancemeasure": 2, "incomerecord": 3}
    for model, n in models.items():
        assert AuditEntry.objects.filter(source="api", content_type__model=model).count() == n
    # the list shows them too
    listed = client.get("/api/households").json()["results"][0]
    assert listed["risks"] == risk.json()["risks"] and listed["incomes"] == corrected.json()["incomes"]


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        ("risks", {"kind": "luck"}, "kind"),
        ("risks", {}, "kind"),
        ("risks", {"kind": "illness", "note": "x" * 501}, "note"),
        ("risks", {"kind": "illness", "note": "病\x07"}, "note"),  # a control character
        ("measures", {"kind": "medical", "started_on": "2023-10-05"}, "description"),
        ("measures", {"kind": "medical", "description": "救助", "started_on": "2099-01-01"}, "started_on"),
        ("measures", {"kind": "medical", "description": "救助", "started_on": "2023-02-30"}, "started_on"),
        (
            "measures",
            {"kind": "medical", "description": "救助", "started_on": "2023-10-05", "paid": "10"},
            "pool_year",
        ),
        (
            "measures",
            {
                "kind": "medical",
                "description": "救助",
                "started_on": "2023-10-05",
                "pool_year": 2022,
            },
            "pool_year",  # the county has no pool of 2022: refused, not ignored
        ),
        (
            "measures",
            {
                "kind": "medical",
                "description": "救助",
                "started_on": "2023-10-05",
                "pool_year": 2023,
                "paid": "5000.01",
            },
            "paid",  # more than the pool's balance
        ),
        (
            "measures",
            {"kind": "medical", "description": "救助", "started_on": "2023-10-05", "paid": "-1"},
            "paid",
        ),
        (
            "measures",
            {"kind": "medical", "description": "救助", "started_on": "2023-10-05", "paid": "NaN"},
            "paid",
        ),
        ("incomes", {"month": "2023-09-01", "net_income": "-5"}, "net_income"),
        ("incomes", {"month": "2023-09-01", "net_income": "Infinity"}, "net_income"),
        ("incomes", {"month": "2023-09-01", "net_income": "1e20"}, "net_income"),
        ("incomes", {"month": "2099-01-01", "net_income": "100"}, "month"),
        ("incomes", {"net_income": "100"}, "month"),
    ],
)
@pytest.mark.usefixtures("pool")
def test_a_bad_record_is_refused_naming_the_field_and_nothing_is_written(
    household: Household, world: dict[str, Any], what: str, body: dict[str, Any], field: str
) -> None:
    before = counts(household)
    response = post(client_for(world["worker_c"]), household, what, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts(household) == before


def test_no_measure_once_the_file_is_closed(household: Household, world: dict[str, Any]) -> None:
    Household.objects.filter(pk=household.pk).update(state="rejected")
    body = {"kind": "medical", "description": "救助", "started_on": "2023-10-05"}
    response = post(client_for(world["worker_c"]), household, "measures", body)
    assert response.status_code == 400 and "kind" in response.json()
    assert not AssistanceMeasure.objects.filter(household=household).exists()


@pytest.mark.parametrize("who", ["worker_d", "office", "county_c", "leader"])
@pytest.mark.parametrize(
    ("what", "body"),
    [
        ("risks", {"kind": "illness"}),
        ("measures", {"kind": "medical", "description": "救助", "started_on": "2023-10-05"}),
        ("incomes", {"month": "2023-09-01", "net_income": "100"}),
        ("members", {"name": "某（演示）"}),
    ],
)
def test_only_the_case_workers_of_the_county_write(
    household: Household, world: dict[str, Any], who: str, what: str, body: dict[str, Any]
) -> None:
    before = counts(household)
    assert post(client_for(world[who]), household, what, body).status_code == 403
    assert counts(household) == before


def test_a_case_worker_adds_a_member_whose_data_are_checked_and_never_echoed(
    household: Household, world: dict[str, Any]
) -> None:
    client = client_for(world["worker_c"])
    body = {
        "name": "张小某（演示）",
        "relation": "child",
        "id_number": ID_CHILD,
        "phone": "13900005678",
        "health": "健康",
        "labour_capacity": "none",
    }
    added = post(client, household, "members", body)
    assert added.status_code == 201, added.content
    child = added.json()["members"][-1]
    assert child["id_number"] == ID_CHILD and child["phone"] == "13900005678"  # the case worker: in full
    assert child["relation"] == "Child" and child["labour_capacity"] == "No labour capacity"
    assert AuditEntry.objects.filter(source="api", content_type__model="member").count() == 1
    # the same person twice: refused, the message names the field and not the number
    again = post(client, household, "members", body)
    assert again.status_code == 400 and "id_number" in again.json()
    assert ID_CHILD not in again.content.decode()
    # other roles see the member masked
    seen = client_for(world["office"]).get(f"/api/households/{household.code}").json()["members"][-1]
    assert seen["id_number"] != ID_CHILD and seen["id_number"].endswith(ID_CHILD[-4:])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relation": "child"}, "name"),
        ({"name": "某（演示）", "id_number": "510903201001011239"}, "id_number"),  # wrong check digit
        ({"name": "某（演示）", "phone": "1234"}, "phone"),
        ({"name": "某（演示）", "bank_account": "12ab"}, "bank_account"),
        ({"name": "某（演示）", "relation": "cousin"}, "relation"),
        ({"name": "某\x00（演示）"}, "name"),
        ({"name": "某（演示）", "health": "病\x1b"}, "health"),
    ],
)
def test_a_bad_member_is_refused_naming_the_field(
    household: Household, world: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    before = (household.members.count(), AuditEntry.objects.count())
    response = post(client_for(world["worker_c"]), household, "members", body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    for value in ("510903201001011239", "1234", "12ab"):
        if value in body.values():
            assert value not in response.content.decode()  # never echoed
    assert (household.members.count(), AuditEntry.objects.count()) == before
