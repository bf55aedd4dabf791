"""Removing a member, risk factor, measure or income record entered by mistake: the confirmation
page (GET writes nothing), the reason in the audit row, no personal value in it, the same rule as
editing, the last member of a monitored household, the pool's balance and the income figures."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.rural import rules, services
from jingjin.rural.models import (
    AccessLog,
    AssistanceMeasure,
    FundPool,
    Household,
    IncomeRecord,
    Member,
    RiskFactor,
)

from .conftest import ACCOUNT, HEALTH, ID_CHILD, PHONE, household_of, record_items

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts() -> tuple[int, ...]:
    models = (AuditEntry, AccessLog, Member, RiskFactor, AssistanceMeasure, IncomeRecord, Household)
    return tuple(model.objects.count() for model in models)


def test_each_kind_is_removed_by_its_county_worker_with_the_reason_audited(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    items = record_items(household, worker)
    client = _client(worker)
    for kind, item in items.items():
        edit = f"/rural/households/{household.code}/{kind}/{item.pk}/edit/"
        assert f'{edit}?remove=1"' in client.get(edit).content.decode()
        before = _counts()
        page = client.get(f"{edit}?remove=1")
        assert page.status_code == 200 and 'name="reason"' in page.content.decode()
        assert "no-store" in page["Cache-Control"]
        assert _counts() == before, kind  # GET writes nothing (not even an access log row)
        assert client.post(f"{edit}?remove=1", {"reason": " "}).status_code == 400
        assert _counts() == before, kind
        response = client.post(f"{edit}?remove=1", {"reason": "录入错误"})
        assert response.status_code == 302 and response["Location"] == f"/rural/households/{household.code}/"
        assert not type(item).objects.filter(pk=item.pk).exists()
        entry = AuditEntry.objects.get(
            object_id=item.pk, action="delete", content_type__model=type(item)._meta.model_name
        )
        assert entry.after == {"reason": "录入错误"} and entry.user == worker and entry.source == "web"
        assert entry.before["household"] == household.code
    member_entry = AuditEntry.objects.get(action="delete", content_type__model="member")
    assert member_entry.before["name"] == "张小某"
    assert member_entry.before["personal_data"] == "bank_account, health, id_number, phone"
    text = json.dumps([member_entry.before, member_entry.after], ensure_ascii=False)
    assert not any(value in text for value in (ID_CHILD, PHONE, ACCOUNT, HEALTH, ID_CHILD[-4:]))
    assert "Removed" in client.get(f"/rural/households/{household.code}/").content.decode()


def test_others_may_not_remove_as_they_may_not_edit(household: Household, world: dict[str, Any]) -> None:
    risk = services.risk_add(actor=world["worker_c"], household=household, kind="illness")
    url = f"/rural/households/{household.code}/risk/{risk.pk}/edit/?remove=1"
    before = _counts()
    for name in ("worker_d", "office", "county_c", "leader", "reporter_a"):
        client = _client(world[name])
        assert client.get(url).status_code in {403, 404}, name
        assert client.post(url, {"reason": "录入错误"}).status_code in {403, 404}, name
    assert _client(world["worker_d"]).post(url, {"reason": "录入错误"}).status_code == 403
    assert _counts() == before
    with pytest.raises(PermissionDenied):
        services.risk_remove(actor=world["worker_d"], risk=risk, reason="录入错误")
    other = household_of(world, "李某（演示）")  # its code with this household's item: not found
    wrong = f"/rural/households/{other.code}/risk/{risk.pk}/edit/?remove=1"
    assert _client(world["worker_c"]).post(wrong, {"reason": "录入错误"}).status_code == 404
    assert RiskFactor.objects.filter(pk=risk.pk).exists()


def test_a_monitored_household_keeps_its_last_member(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    head = household.members.get()
    Household.objects.filter(pk=household.pk).update(state="monitored", monitored_since=date(2023, 10, 10))
    url = f"/rural/households/{household.code}/member/{head.pk}/edit/?remove=1"
    response = _client(worker).post(url, {"reason": "录入错误"})
    assert response.status_code == 400 and "last one" in response.content.decode()
    assert Member.objects.filter(pk=head.pk).exists()
    assert not AuditEntry.objects.filter(action="delete").exists()
    child = services.member_add(actor=worker, household=household, name="张小某", relation="child")
    services.member_remove(actor=worker, member=head, reason="重复录入")  # another member remains
    with pytest.raises(ValidationError, match="last one"):
        services.member_remove(actor=worker, member=child, reason="录入错误")
    Household.objects.filter(pk=household.pk).update(state="identifying", monitored_since=None)
    child.refresh_from_db()
    services.member_remove(actor=worker, member=child, reason="录入错误")  # not monitored: may go
    assert not household.members.exists()


def test_removing_a_measure_gives_its_payment_back_to_the_pool(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    pool = FundPool.objects.create(county=world["county_unit"], year=2023, amount=Decimal(5000))
    measure = services.measure_add(
        actor=worker,
        household=household,
        kind="industry",
        description="养殖补贴",
        started_on=date(2023, 10, 5),
        pool=pool,
        paid=Decimal(3000),
    )
    assert rules.pool_balance(pool) == Decimal(2000)
    with pytest.raises(ValidationError, match="balance"):
        services.measure_add(
            actor=worker, household=household, kind="industry", description="x", started_on=date(2023, 10, 6),
            pool=pool, paid=Decimal(4000),
        )  # fmt: skip
    page = _client(worker).get(f"/rural/households/{household.code}/measure/{measure.pk}/edit/?remove=1")
    assert "3000.00 yuan go back to the pool" in page.content.decode()
    services.measure_remove(actor=worker, measure=measure, reason="重复录入")
    assert rules.pool_balance(pool) == Decimal(5000)
    entry = AuditEntry.objects.get(action="delete", content_type__model="assistancemeasure")
    assert entry.before["paid"] == 3000 and entry.after == {"reason": "重复录入"}
    services.measure_add(
        actor=worker, household=household, kind="industry", description="养殖", started_on=date(2023, 10, 6),
        pool=pool, paid=Decimal(4000),
    )  # fmt: skip
    assert rules.pool_balance(pool) == Decimal(1000)


def test_removing_an_income_record_recomputes_the_household_figures(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    records = {
        month: services.income_record(
            actor=worker, household=household, month=date(2023, month, 1), net_income=Decimal(amount)
        )
        for month, amount in ((7, 14000), (8, 13000), (9, 11000))
    }
    household.refresh_from_db()
    assert household.net_income == 11000 and rules.months_above_line(household, 6000) == 0  # 5,500 a head
    url = f"/rural/households/{household.code}/income/{records[9].pk}/edit/?remove=1"
    assert _client(worker).post(url, {"reason": "月份录错"}).status_code == 302
    household.refresh_from_db()
    assert household.net_income == 13000  # the latest remaining record's
    assert rules.months_above_line(household, 6000) == 2
    update = AuditEntry.objects.filter(action="update", content_type__model="household").latest("id")
    assert (update.before["net_income"], update.after["net_income"]) == (11000, 13000)
    services.income_remove(actor=worker, income=records[7], reason="录入错误")  # not the latest
    household.refresh_from_db()
    assert household.net_income == 13000 and rules.months_above_line(household, 6000) == 1
    services.income_remove(actor=worker, income=records[8], reason="录入错误")  # the last one: figure stays
    household.refresh_from_db()
    assert household.net_income == 13000 and not household.incomes.exists()
