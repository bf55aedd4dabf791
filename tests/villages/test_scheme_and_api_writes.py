"""The scorecard scheme form (items and points, validation, audited) and the writes of the
villages' API over HTTP, each with a role the page refuses."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.villages.models import (
    CollectiveIncome,
    DemoVillage,
    DemoVillageReport,
    Scorecard,
    ScoreScheme,
    ToiletPlan,
)

pytestmark = pytest.mark.django_db


def _scheme_post(**over: Any) -> dict[str, Any]:
    data = {
        "year": "2023",
        "name": "人居环境细则",
        "pass_mark": "80",
        "list_size": "2",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-code": "A",
        "items-0-name_zh": "垃圾治理",
        "items-0-name_en": "Waste",
        "items-0-points": "60",
        "items-1-code": "B",
        "items-1-name_zh": "厕所革命",
        "items-1-points": "40",
        "items-2-code": "",
    }
    return {**data, **over}


def test_the_scheme_form_sets_items_and_points(client: Any, world: Any) -> None:
    client.force_login(world.users["leader"])
    assert client.get("/villages/scores/scheme/").status_code == 403
    assert client.post("/villages/scores/scheme/", _scheme_post()).status_code == 403
    client.force_login(world.users["bureau"])
    assert client.get("/villages/scores/scheme/?year=2023").status_code == 200
    assert client.post("/villages/scores/scheme/?year=2023", _scheme_post()).status_code == 302
    scheme = ScoreScheme.objects.get(year=2023)
    assert [(i.code, i.points) for i in scheme.items.all()] == [("A", 60), ("B", 40)]
    entry = AuditEntry.objects.filter(object_repr__contains="人居环境细则").latest("id")
    assert entry.after["items"]["A"].startswith("60")
    page = client.get("/villages/scores/scheme/?year=2023").content.decode()
    assert 'value="垃圾治理"' in page
    # a pass mark above the items' points, a duplicate code, an item without points: refused
    assert client.post("/villages/scores/scheme/", _scheme_post(pass_mark="120")).status_code == 400
    assert client.post("/villages/scores/scheme/", _scheme_post(**{"items-1-code": "A"})).status_code == 400
    assert client.post("/villages/scores/scheme/", _scheme_post(**{"items-1-points": ""})).status_code == 400
    assert [i.code for i in ScoreScheme.objects.get(year=2023).items.all()] == ["A", "B"]
    # dropping an item and changing points
    changed = _scheme_post(**{"items-1-code": "", "items-0-points": "100"})
    assert client.post("/villages/scores/scheme/", changed).status_code == 302
    assert [(i.code, i.points) for i in scheme.items.all()] == [("A", 100)]


def _api(client: Any, user: Any, path: str, body: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(path, body, content_type="application/json")


def test_the_api_writes_with_the_pages_rules(client: Any, world: Any) -> None:
    users = world.users
    # demonstration village: the managers only
    body = {"year": 2023, "level": "city", "theme": "示范", "members": [{"name": "王某", "duty": "队长"}]}
    assert _api(client, users["county_c"], "/api/villages/t.c.t1.v1/demonstration", body).status_code == 403
    made = _api(client, users["office"], "/api/villages/t.c.t1.v1/demonstration", body)
    assert made.status_code == 200 and made.json()["demonstration"]["level"] == "city"
    assert DemoVillage.objects.get().members.count() == 1
    # its monthly report: the village's units; another county's user and a leader are refused
    report = {"year": 2023, "month": 9, "done": "修路", "investment": "12.50"}
    for who in ("leader", "reporter_b"):
        assert _api(client, users[who], "/api/villages/t.c.t1.v1/reports", report).status_code == 403
    assert _api(client, users["township"], "/api/villages/t.c.t1.v1/reports", report).status_code == 201
    assert DemoVillageReport.objects.get().done == "修路"
    future = _api(client, users["township"], "/api/villages/t.c.t1.v1/reports", {**report, "month": 12})
    assert future.status_code == 400 and "month" in future.json()
    # toilets planned / built and an acceptance
    plan_body = {"village": "t.c.t1.v1", "year": 2023, "planned": 50, "built": 30}
    assert _api(client, users["leader"], "/api/toilet-programme", plan_body).status_code == 403
    assert (
        _api(
            client, users["county_c"], "/api/toilet-programme", {**plan_body, "village": "t.b.t1.v1"}
        ).status_code
        == 403
    )
    plan = _api(client, users["county_c"], "/api/toilet-programme", plan_body)
    assert plan.status_code == 201 and plan.json()["built"] == 30
    pk = ToiletPlan.objects.get().pk
    acceptance = {"date": "2023-10-01", "inspector": "验收组", "households": 20}
    assert (
        _api(client, users["leader"], f"/api/toilet-programme/{pk}/acceptances", acceptance).status_code
        == 403
    )
    accepted = _api(client, users["county_c"], f"/api/toilet-programme/{pk}/acceptances", acceptance)
    assert accepted.status_code == 201 and accepted.json()["accepted"] == 20
    too_many = _api(
        client, users["county_c"], f"/api/toilet-programme/{pk}/acceptances", {**acceptance, "households": 11}
    )
    assert too_many.status_code == 400 and "households" in too_many.json()
    # a scorecard on the year's scheme: the managers only, every item within its points
    client.force_login(users["office"])
    client.post("/villages/scores/scheme/", _scheme_post())
    card = {
        "village": "t.c.t1.v1",
        "year": 2023,
        "date": "2023-09-01",
        "inspector": "检查组",
        "points": {"A": 55, "B": 30},
    }
    assert _api(client, users["county_c"], "/api/scorecards", card).status_code == 403
    bad = _api(client, users["office"], "/api/scorecards", {**card, "points": {"A": 61, "B": 30}})
    assert bad.status_code == 400
    scored = _api(client, users["office"], "/api/scorecards", card)
    assert scored.status_code == 201 and scored.json()["total"] == "85.0"
    assert Scorecard.objects.get().lines.count() == 2
    # a collective income: the village's units
    income = {"village": "t.c.t1.v1", "year": 2023, "business": "3", "contracting": "2.5", "subsidies": "10"}
    assert _api(client, users["reporter_b"], "/api/collective-incomes", income).status_code == 403
    written = _api(client, users["county_c"], "/api/collective-incomes", income)
    assert written.status_code == 201 and written.json()["operating_income"] == "5.50"
    assert CollectiveIncome.objects.get().total_income == 15.5
    unknown = _api(client, users["county_c"], "/api/collective-incomes", {**income, "village": "nope"})
    assert unknown.status_code == 400
