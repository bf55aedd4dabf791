"""Corrections of a household's figures on the web (members with their personal data, risks,
measures, incomes) and the register of monitoring lines (page, API, elimination, command line)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.rural import elimination, rules, services
from jingjin.rural.models import AccessLog, Household, IncomeLine

from .conftest import ID_CHILD, ID_HEAD
from .test_workflow import monitored_and_ready

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_register_is_seeded_with_the_verified_2021_line_only() -> None:
    assert list(IncomeLine.objects.values_list("province", "year", "amount")) == [
        ("510000", 2021, Decimal("6000.00"))
    ]
    assert rules.line_of_year(2021) == 6000.0


def test_elimination_after_2021_once_the_office_records_the_line(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)
    with pytest.raises(ValidationError, match="2023"):
        elimination.household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    response = _client(world["office"]).post(
        "/rural/lines/", {"province": "510000", "year": "2023", "amount": "6900", "source_text": "测试文件"}
    )
    assert response.status_code == 302
    assert rules.line_of_year(2023) == 6900.0
    # 14,000 / 2 = 7,000 > 6,900: the household's risk is eliminated under the recorded line
    elimination.household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    household.refresh_from_db()
    assert household.state == "eliminated"
    # a line above the income keeps another year's household in range (the register decides)
    services.income_line_save(actor=world["office"], province="510000", year=2023, amount=Decimal(7500))
    assert rules.line_of_year(2023) == 7500.0
    assert AuditEntry.objects.filter(object_repr__startswith="510000 2023").count() == 2


def test_only_the_managers_record_lines(world: dict[str, Any]) -> None:
    data = {"province": "510000", "year": "2022", "amount": "6500"}
    for who in ("leader", "reporter_a", "worker_c"):
        assert _client(world[who]).get("/rural/lines/").status_code == 200
        assert _client(world[who]).post("/rural/lines/", data).status_code == 403
    bad = _client(world["office"]).post("/rural/lines/", {**data, "province": "51"})
    assert bad.status_code == 400 and not IncomeLine.objects.filter(year=2022).exists()


def test_the_lines_api(world: dict[str, Any]) -> None:
    listed = _client(world["leader"]).get("/api/income-lines").json()
    rows = listed["results"]
    assert [(r["year"], r["amount"]) for r in rows] == [(2021, "6000.00")]
    body = {"province": "510000", "year": 2022, "amount": "6500.00"}
    forbidden = _client(world["reporter_a"]).post("/api/income-lines", body, content_type="application/json")
    assert forbidden.status_code == 403
    made = _client(world["office"]).post("/api/income-lines", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == "6500.00"
    again = _client(world["office"]).post(
        "/api/income-lines", {**body, "amount": "6600"}, content_type="application/json"
    )
    assert again.status_code == 201 and IncomeLine.objects.get(year=2022).amount == Decimal(6600)


def test_the_command_reads_the_register_and_falls_back_to_the_file(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    import polars as pl

    from jingjin.cli import main
    from jingjin.commands import rural as command
    from tests.engines.test_rural import household

    assert IncomeLine._meta.db_table == command.LINES_TABLE
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("JINGJIN_DATA_DIR", str(tmp_path))
    assert command.database_lines(None) is None  # no database: the file applies, none is created
    assert not (tmp_path / "jingjin.sqlite3").exists()
    with sqlite3.connect(tmp_path / "jingjin.sqlite3") as db:
        db.execute("CREATE TABLE rural_incomeline (province TEXT, year INTEGER, amount DECIMAL)")
        db.executemany(
            "INSERT INTO rural_incomeline VALUES (?, ?, ?)", [("510000", 2021, 6000), ("510000", 2023, 6900)]
        )
    assert command.database_lines(None) == {2021: 6000.0, 2023: 6900.0}
    assert command.database_lines("110000") is None  # no line of the province: the file applies
    source = tmp_path / "in.csv"
    pl.DataFrame([household(net_income=13000.0)]).write_csv(source)
    out = str(tmp_path / "out.csv")
    assert main(["rural", "screen", str(source), "-o", out, "--year", "2023", "--as-of", "2023-12-31"]) == 0
    assert json.loads(capsys.readouterr().out)["line"] == 6900.0
    assert main(["rural", "screen", str(source), "-o", out, "--year", "2022"]) == 2
    assert "2022" in capsys.readouterr().err


def test_a_member_is_corrected_and_the_audit_names_no_value(
    household: Household, world: dict[str, Any]
) -> None:
    member = household.members.get()
    url = f"/rural/households/{household.code}/member/{member.pk}/edit/"
    assert _client(world["worker_d"]).get(url).status_code == 403
    assert _client(world["office"]).get(url).status_code == 403
    before = AccessLog.objects.count()
    page = _client(world["worker_c"]).get(url)
    assert page.status_code == 200 and ID_HEAD in page.content.decode()
    assert "no-store" in page["Cache-Control"] and 'autocomplete="off"' in page.content.decode()
    assert AccessLog.objects.count() == before + 1
    data = {
        "name": "张某（演示）",
        "relation": "head",
        "id_number": ID_HEAD,
        "phone": "13900005678",
        "bank_account": "6222021234567890123",
        "health": "",
        "labour_capacity": "able",
    }
    assert _client(world["worker_c"]).post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.phone == "13900005678" and member.health == ""
    entry = AuditEntry.objects.filter(object_id=member.pk, action="update").get()
    assert entry.after["personal_data"] == "health, phone"
    assert "13900005678" not in json.dumps(entry.after, ensure_ascii=False)
    bad = _client(world["worker_c"]).post(url, {**data, "id_number": ID_HEAD[:-1] + "0"})
    assert bad.status_code == 400 and "check digit" in bad.content.decode()
    services.member_add(actor=world["worker_c"], household=household, name="子", id_number=ID_CHILD)
    taken = _client(world["worker_c"]).post(url, {**data, "id_number": ID_CHILD})
    assert (
        taken.status_code == 400
        and ID_CHILD not in taken.content.decode().split("already registered")[0][-40:]
    )


def test_risks_measures_and_incomes_are_corrected(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    risk = services.risk_add(actor=worker, household=household, kind="illness")
    measure = services.measure_add(
        actor=worker, household=household, kind="education", description="助学", started_on=date(2023, 10, 5)
    )
    income = services.income_record(
        actor=worker, household=household, month=date(2023, 9, 1), net_income=Decimal(10000)
    )
    base = f"/rural/households/{household.code}/"
    client = _client(worker)
    assert client.get(base).content.decode().count("/edit/") >= 4
    assert client.post(f"{base}risk/{risk.pk}/edit/", {"kind": "disaster", "note": "洪水"}).status_code == 302
    assert (
        client.post(
            f"{base}measure/{measure.pk}/edit/",
            {"kind": "employment", "description": "公益岗位", "started_on": "2023-10-06"},
        ).status_code
        == 302
    )
    future = client.post(
        f"{base}measure/{measure.pk}/edit/",
        {"kind": "employment", "description": "x", "started_on": "2030-01-01"},
    )
    assert future.status_code == 400
    response = client.post(f"{base}income/{income.pk}/edit/", {"month": "2020-01-01", "net_income": "12000"})
    assert response.status_code == 302
    risk.refresh_from_db()
    measure.refresh_from_db()
    income.refresh_from_db()
    household.refresh_from_db()
    assert (risk.kind, risk.note) == ("disaster", "洪水")
    assert (measure.kind, measure.started_on) == ("employment", date(2023, 10, 6))
    assert (income.month, income.net_income) == (date(2023, 9, 1), Decimal(12000))  # the month stays
    assert household.net_income == Decimal(12000)
    assert (
        _client(world["worker_d"]).post(f"{base}risk/{risk.pk}/edit/", {"kind": "illness"}).status_code == 403
    )
    assert client.get(f"{base}risk/999999/edit/").status_code == 404
