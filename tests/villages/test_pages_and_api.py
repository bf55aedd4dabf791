"""The villages' pages, exports and API end to end, per role; the demo loader; the query counts of
the overview that do not grow with the villages."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jingjin.core.models import Unit
from jingjin.villages.models import ToiletPlan
from jingjin.villages.services import toilet_plan_record

pytestmark = pytest.mark.django_db


def test_a_county_user_records_toilets_and_an_acceptance_through_the_page(client: Any, world: Any) -> None:
    client.force_login(world.users["county_c"])
    url = "/villages/v/t.c.t1.v1/"
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="toilet-entry"' in page.content
    response = client.post(f"{url}toilets/", {"year": 2023, "planned": 120, "built": 90})
    assert response.status_code == 302
    response = client.post(
        f"{url}toilets/accept/", {"year": 2023, "date": "2023-10-10", "inspector": "验收组", "households": 60}
    )
    assert response.status_code == 302
    plan = ToiletPlan.objects.get()
    assert (plan.planned, plan.built, plan.accepted) == (120, 90, 60)
    # too many: refused with a message, nothing written
    client.post(
        f"{url}toilets/accept/", {"year": 2023, "date": "2023-10-10", "inspector": "x", "households": 31}
    )
    plan.refresh_from_db()
    assert plan.accepted == 60
    assert client.post("/villages/v/t.b.t1.v1/toilets/", {"year": 2023, "planned": 1}).status_code == 403


def test_leaders_read_but_do_not_enter(client: Any, world: Any) -> None:
    client.force_login(world.users["leader"])
    page = client.get("/villages/v/t.c.t1.v1/")
    assert page.status_code == 200 and b"toilet-entry" not in page.content
    assert client.post("/villages/v/t.c.t1.v1/toilets/", {"year": 2023, "planned": 1}).status_code == 403
    assert client.get("/villages/v/t.c.t1.v1/score/").status_code == 403
    assert client.get("/villages/economy/import/").status_code == 403


def test_overview_pages_and_exports(client: Any, world: Any) -> None:
    office = world.users["office"]
    toilet_plan_record(actor=office, village=world["t.c.t1.v1"], year=2023, planned=100, built=40)
    from jingjin.villages.economy_services import collective_income_save

    parts = {"business": D(1), "contracting": D(0), "investment": D(0), "other_operating": D(0)}
    collective_income_save(actor=office, village=world["t.c.t1.v1"], year=2022, parts=parts)
    Unit.objects.filter(code="t.c.t1.v1").update(name_zh="=HYPERLINK(1)")
    client.force_login(world.users["reporter_b"])
    for url in (
        "/villages/",
        "/villages/demo/",
        "/villages/toilets/",
        "/villages/scores/",
        "/villages/economy/?year=2022",
    ):
        assert client.get(url).status_code == 200, url
    body = client.get("/villages/toilets/?year=2023")
    assert b'data-testid="city-built">40<' in body.content
    export = client.get("/villages/economy/export.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(row=2, column=1).value == "t.c.t1.v1" and sheet.cell(row=2, column=13).value
    toilets = load_workbook(io.BytesIO(client.get("/villages/toilets/export.xlsx?year=2023").content))
    assert toilets.worksheets[1].cell(row=2, column=1).value == "t.c.t1"
    template = load_workbook(io.BytesIO(client.get("/villages/economy/template.xlsx").content)).active
    assert template.cell(row=1, column=1).value == "村代码"


def test_api_lists_and_filters(client: Any, world: Any) -> None:
    office = world.users["office"]
    toilet_plan_record(actor=office, village=world["t.c.t1.v1"], year=2023, planned=100, built=40)
    toilet_plan_record(actor=office, village=world["t.b.t1.v1"], year=2022, planned=10, built=1)
    client.force_login(world.users["leader"])
    villages = client.get("/api/villages?county=t.c").json()
    assert villages["count"] == 4 and villages["results"][0]["county"] == "t.c"
    toilets = client.get("/api/toilet-programme?year=2023").json()
    assert [(r["village"], r["built"]) for r in toilets["results"]] == [("t.c.t1.v1", 40)]
    assert client.get("/api/toilet-programme?year=abc").status_code == 400
    assert client.get("/api/scorecards").status_code == 200
    assert client.get("/api/collective-incomes").json()["count"] == 0
    client.logout()
    assert client.get("/api/villages").status_code in {401, 403}
    client.force_login(world.users["office"])
    # writes go through the services (tests/villages/test_scheme_and_api_writes.py): a body is required
    assert client.post("/api/toilet-programme", {}, content_type="application/json").status_code == 400
    assert client.delete("/api/toilet-programme").status_code == 405


def test_the_overview_needs_a_fixed_number_of_queries(client: Any, world: Any) -> None:
    office = world.users["office"]
    client.force_login(office)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/villages/?year=2023").status_code == 200
        return len(queries)

    toilet_plan_record(actor=office, village=world["t.c.t1.v1"], year=2023, planned=10, built=1)
    few = count()
    for code in ("t.c.t1.v2", "t.c.t2.v1", "t.c.t2.v2", "t.b.t1.v1"):
        toilet_plan_record(actor=office, village=world[code], year=2023, planned=10, built=1)
    assert count() == few


def test_the_demo_loader_fills_every_register(world: Any, loaded_plan: Any) -> None:
    from jingjin.villages.demo import demo_villages
    from jingjin.villages.models import ToiletTarget

    Unit.objects.filter(kind="village").update(is_synthetic=True)
    counts = demo_villages(today=date(2023, 10, 15))
    assert counts["toilet_plans"] == 5 * 3  # five villages, 2021–2023
    assert counts["demo_villages"] == 2  # one per county (t.c and t.b)
    assert counts["scorecards"] == 15 and counts["collective_incomes"] == 5 * 3  # 2020–2022
    assert ToiletTarget.objects.get(year=2021).households == 57996
    assert not ToiletPlan.objects.filter(is_synthetic=False).exists()
    again = demo_villages(today=date(2023, 10, 15))
    assert again == counts


def test_managers_designate_set_targets_and_thresholds(client: Any, world: Any) -> None:
    from jingjin.villages.models import DemoVillage, EconomyThresholds, ToiletTarget

    client.force_login(world.users["bureau"])  # the rural bureau (t.a in these tests)
    page = client.get("/villages/v/t.c.t1.v1/")
    assert b"designate-entry" in page.content
    team = "张某（演示）, 组长\n李某（演示），成员"
    data = {"year": 2022, "level": "city", "theme": "示范", "team": team}
    assert client.post("/villages/v/t.c.t1.v1/designate/", data).status_code == 302
    demo = DemoVillage.objects.get()
    assert [(m.name, m.duty) for m in demo.members.all()] == [
        ("张某（演示）", "组长"),
        ("李某（演示）", "成员"),
    ]
    client.post("/villages/toilets/target/", {"year": 2021, "villages": 105, "households": 57996})
    assert ToiletTarget.objects.get(year=2021).villages == 105
    limits = {"year": 2022, "shell_below": 5, "weak_below": 10, "strong_from": 50, "target_weak_max": 0}
    client.post("/villages/economy/thresholds/", {**limits, "base_year": 2020})
    assert EconomyThresholds.objects.get(year=2022).base_year == 2020
    client.post("/villages/economy/thresholds/", {**limits, "year": 2023, "weak_below": 4})  # not rising
    assert not EconomyThresholds.objects.filter(year=2023).exists()
    client.force_login(world.users["county_c"])
    assert client.post("/villages/v/t.c.t1.v1/designate/", data).status_code == 403
    assert (
        client.post("/villages/toilets/target/", {"year": 2021, "villages": 1, "households": 1}).status_code
        == 403
    )
