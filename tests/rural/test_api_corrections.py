"""``PATCH /api/households/<code>/<kind>/<id>`` and ``POST …/<id>/remove``: a household's members,
risk factors, measures and income records corrected or removed through the API, by the services
the records' edit pages use, for the county's case workers only."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.rural import rules, services
from jingjin.rural.models import AssistanceMeasure, FundPool, Household, IncomeRecord, Member, RiskFactor

from .conftest import ACCOUNT, HEALTH, ID_CHILD, ID_HEAD, PHONE, household_of, record_items
from .test_api_steps import client_for

pytestmark = pytest.mark.django_db


def patch(client: Client, household: Household, kind: str, pk: int | str, body: dict[str, Any]) -> Any:
    path = f"/api/households/{household.code}/{kind}/{pk}"
    return client.patch(path, body, content_type="application/json")


def remove(client: Client, household: Household, kind: str, pk: int | str, body: dict[str, Any]) -> Any:
    path = f"/api/households/{household.code}/{kind}/{pk}/remove"
    return client.post(path, body, content_type="application/json")


def counts() -> tuple[int, ...]:
    models = (AuditEntry, Member, RiskFactor, AssistanceMeasure, IncomeRecord)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def pool(world: dict[str, Any]) -> FundPool:
    return FundPool.objects.create(county=world["county_unit"], year=2023, amount=Decimal(5000))


@pytest.fixture
def items(household: Household, world: dict[str, Any], pool: FundPool) -> dict[str, Any]:
    """One record of each kind, under the API's names; the measure paid 3,000 from the pool."""
    made = record_items(household, world["worker_c"], pool=pool, paid=Decimal(3000))
    return {f"{kind}s": item for kind, item in made.items()}


def test_each_record_shows_its_id(household: Household, world: dict[str, Any], items: dict[str, Any]) -> None:
    data = client_for(world["office"]).get(f"/api/households/{household.code}").json()
    for kind, item in items.items():
        assert item.pk in [row["id"] for row in data[kind]], kind


def test_a_case_worker_corrects_the_fields_given_and_keeps_the_others(
    household: Household, world: dict[str, Any], items: dict[str, Any], pool: FundPool
) -> None:
    client = client_for(world["worker_c"])
    child = items["members"]
    response = patch(client, household, "members", child.pk, {"phone": "13700001111"})
    assert response.status_code == 200, response.content
    row = next(r for r in response.json()["members"] if r["id"] == child.pk)
    assert row["phone"] == "13700001111"  # the county's case worker sees it in full
    child.refresh_from_db()
    assert (child.name, child.relation, child.id_number) == ("张小某", "child", ID_CHILD)
    assert (child.bank_account, child.health, child.phone) == (ACCOUNT, HEALTH, "13700001111")
    entry = AuditEntry.objects.filter(content_type__model="member", action="update").latest("pk")
    assert entry.source == "api" and entry.after["personal_data"] == "phone"
    assert "13700001111" not in json.dumps([entry.before, entry.after])  # no personal value audited

    risk = patch(client, household, "risks", items["risks"].pk, {"note": "住院治疗"})
    assert risk.status_code == 200, risk.content
    assert {"id": items["risks"].pk, "kind": "illness", "note": "住院治疗"} in risk.json()["risks"]

    measure = patch(client, household, "measures", items["measures"].pk, {"paid": "5000"})
    assert measure.status_code == 200, measure.content  # its own 3,000 count back into the balance
    assert rules.pool_balance(pool) == Decimal(0)
    row = next(r for r in measure.json()["measures"] if r["id"] == items["measures"].pk)
    assert (row["kind"], row["description"], row["pool_year"], row["paid"]) == (
        "education",
        "助学",
        2023,
        "5000.00",
    )
    # off the pool: its payment must go too
    unpaid = patch(client, household, "measures", items["measures"].pk, {"pool_year": None, "paid": "0"})
    assert unpaid.status_code == 200, unpaid.content
    assert rules.pool_balance(pool) == Decimal(5000)

    income = patch(client, household, "incomes", items["incomes"].pk, {"net_income": "9600"})
    assert income.status_code == 200, income.content
    assert income.json()["incomes"] == [
        {"id": items["incomes"].pk, "month": "2023-09-01", "net_income": "9600.00"}
    ]
    assert income.json()["net_income"] == "9600.00"  # the latest month's is the household's

    for model in ("riskfactor", "assistancemeasure", "incomerecord"):
        assert AuditEntry.objects.filter(source="api", content_type__model=model, action="update").exists()


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("members", {"name": ""}, "name"),
        ("members", {"id_number": "510903201001011239"}, "id_number"),  # wrong check digit
        ("members", {"id_number": ID_HEAD}, "id_number"),  # the head's: already in the file
        ("members", {"phone": "1234"}, "phone"),
        ("members", {"health": "病\x1b"}, "health"),
        ("members", {"relation": "cousin"}, "relation"),
        ("risks", {"kind": "luck"}, "kind"),
        ("risks", {"note": "x" * 501}, "note"),
        ("risks", {"note": "病\x07"}, "note"),
        ("measures", {"started_on": "2099-01-01"}, "started_on"),
        ("measures", {"description": ""}, "description"),
        ("measures", {"paid": "5000.01"}, "paid"),  # more than the balance with its own payment
        ("measures", {"pool_year": 2022}, "pool_year"),  # the county has no pool of 2022
        ("measures", {"pool_year": None}, "pool_year"),  # a payment needs its pool
        ("measures", {"paid": "NaN"}, "paid"),
        ("measures", {"paid": "-1"}, "paid"),
        ("incomes", {"net_income": "-1"}, "net_income"),
        ("incomes", {"net_income": "Infinity"}, "net_income"),
        ("incomes", {"net_income": "1e20"}, "net_income"),
    ],
)
def test_a_bad_correction_is_refused_naming_the_field_and_nothing_is_written(
    household: Household,
    world: dict[str, Any],
    items: dict[str, Any],
    kind: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = counts()
    item = items[kind]
    snapshot = type(item).objects.get(pk=item.pk).snapshot()
    response = patch(client_for(world["worker_c"]), household, kind, item.pk, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    for value in ("510903201001011239", ID_HEAD, "1234"):
        if value in body.values():
            assert value not in response.content.decode()  # never echoed
    assert counts() == before
    assert type(item).objects.get(pk=item.pk).snapshot() == snapshot


def test_a_correction_without_fields_changes_nothing(
    household: Household, world: dict[str, Any], items: dict[str, Any]
) -> None:
    before = counts()
    for kind, item in items.items():
        snapshot = type(item).objects.get(pk=item.pk).snapshot()
        response = patch(client_for(world["worker_c"]), household, kind, item.pk, {})
        assert response.status_code == 200, response.content
        assert type(item).objects.get(pk=item.pk).snapshot() == snapshot, kind
    assert counts() == before  # not even an audit row


def test_each_kind_is_removed_with_its_reason_audited(
    household: Household, world: dict[str, Any], items: dict[str, Any], pool: FundPool
) -> None:
    client = client_for(world["worker_c"])
    household.refresh_from_db()
    for kind, item in items.items():
        response = remove(client, household, kind, item.pk, {"reason": "录入错误"})
        assert response.status_code == 200, response.content
        assert item.pk not in [row["id"] for row in response.json()[kind]]
        assert not type(item).objects.filter(pk=item.pk).exists()
        entry = AuditEntry.objects.get(
            object_id=item.pk, action="delete", content_type__model=type(item)._meta.model_name
        )
        assert (
            entry.after == {"reason": "录入错误"}
            and entry.source == "api"
            and entry.user == world["worker_c"]
        )
    member = AuditEntry.objects.get(action="delete", content_type__model="member")
    assert member.before["personal_data"] == "bank_account, health, id_number, phone"
    text = json.dumps([member.before, member.after], ensure_ascii=False)
    assert not any(value in text for value in (ID_CHILD, PHONE, ACCOUNT, HEALTH))
    assert rules.pool_balance(pool) == Decimal(5000)  # the measure's payment went back


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": " "}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"reason": "错\x00"}, "reason"),
    ],
)
def test_a_removal_needs_a_plain_reason(
    household: Household, world: dict[str, Any], items: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    before = counts()
    response = remove(client_for(world["worker_c"]), household, "risks", items["risks"].pk, body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert counts() == before


def test_a_monitored_household_keeps_its_last_member(household: Household, world: dict[str, Any]) -> None:
    head = household.members.get()
    Household.objects.filter(pk=household.pk).update(state="monitored", monitored_since=date(2023, 10, 10))
    before = counts()
    response = remove(client_for(world["worker_c"]), household, "members", head.pk, {"reason": "录入错误"})
    assert response.status_code == 400 and "last one" in response.content.decode()
    assert counts() == before


def test_removing_the_latest_income_gives_the_household_the_previous_figure(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    records = [
        services.income_record(
            actor=worker, household=household, month=date(2023, m, 1), net_income=Decimal(a)
        )
        for m, a in ((8, 13000), (9, 11000))
    ]
    response = remove(client_for(worker), household, "incomes", records[1].pk, {"reason": "月份录错"})
    assert response.status_code == 200, response.content
    assert response.json()["net_income"] == "13000.00"


def test_a_record_of_another_household_or_none_is_not_found(
    household: Household, world: dict[str, Any], items: dict[str, Any]
) -> None:
    other = household_of(world, "李某（演示）")
    client = client_for(world["worker_c"])
    before = counts()
    for kind, item in items.items():
        assert patch(client, other, kind, item.pk, {}).status_code == 404, kind
        assert remove(client, other, kind, item.pk, {"reason": "录入错误"}).status_code == 404, kind
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # the message in the UI's language
    missing = patch(client, household, "risks", 999_999, {"note": "x"})
    assert missing.status_code == 404 and missing.json()["detail"] == "该户没有这条记录。"
    assert client.post(f"/api/households/{household.code}/steps/1/remove", {"reason": "x"}).status_code == 404
    too_long = "9" * 30  # beyond a database key: not a record, not a database error
    assert patch(client, household, "risks", too_long, {"note": "x"}).status_code == 404
    assert remove(client, household, "risks", too_long, {"reason": "x"}).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("who", ["worker_d", "office", "county_c", "leader"])
@pytest.mark.parametrize("kind", ["members", "risks", "measures", "incomes"])
def test_only_the_case_workers_of_the_county_correct_or_remove(
    household: Household, world: dict[str, Any], items: dict[str, Any], who: str, kind: str
) -> None:
    client = client_for(world[who])
    before = counts()
    body = {"net_income": "1"} if kind == "incomes" else {"note": "x"} if kind == "risks" else {}
    assert patch(client, household, kind, items[kind].pk, body).status_code == 403
    assert remove(client, household, kind, items[kind].pk, {"reason": "录入错误"}).status_code == 403
    assert counts() == before
