"""Party organisations: coverage, the measures of the early warning from the records, the warnings
with their reasons and rectification (audited), who may do what."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.people import selectors, services, warning_services
from jingjin.people.models import PartyOrg, PartyWarning, WarningRule
from tests.people.conftest import TODAY, hold_every_meeting

pytestmark = pytest.mark.django_db


def test_coverage_lists_the_units_with_members_and_no_organisation(world: dict[str, Any]) -> None:
    cover = selectors.coverage()
    assert (cover.with_members, cover.covered, cover.pct) == (3, 2, 66.7)
    assert [(u.code, n) for u, n in cover.uncovered] == [("t.c", 8)]
    services.unit_members_set(actor=None, unit=world["units"]["t.c"], members=0)
    assert selectors.coverage().uncovered == []


def test_quarters_and_months() -> None:
    assert selectors.quarter_before(date(2024, 5, 15)) == (date(2024, 1, 1), date(2024, 3, 31))
    assert selectors.quarter_before(date(2024, 1, 1)) == (date(2023, 10, 1), date(2023, 12, 31))
    assert selectors.quarter_before(date(2024, 12, 31)) == (date(2024, 7, 1), date(2024, 9, 30))
    assert selectors.months_between(date(2024, 1, 31), date(2024, 3, 30)) == 1
    assert selectors.months_between(date(2024, 1, 15), date(2024, 4, 15)) == 3


def test_the_measures_from_the_records(world: dict[str, Any]) -> None:
    a, b = world["orgs"]["t.a"], world["orgs"]["t.b"]
    hold_every_meeting(a)
    services.meeting_record(actor=None, org=b, kind="committee", held_on=date(2024, 2, 1))
    services.member_change_record(actor=None, org=b, changed_on=date(2024, 3, 1), delta=-4)
    services.org_save(actor=None, org=b, data={"secretary": ""})  # vacant from today
    b.refresh_from_db()
    values = selectors.org_measures([a, b], TODAY)
    assert values["missed_meetings"].tolist() == [0, 7]
    assert values["activity_gap_months"].tolist() == [0, 3]  # 2024-02-01 → 2024-05-15
    assert values["vacancy_days"].tolist() == [0, 0]
    assert np.allclose(values["member_change_pct"], [0, -20])  # 20 → 16


def test_warnings_with_reasons_rectification_and_audit(world: dict[str, Any]) -> None:
    a, b = world["orgs"]["t.a"], world["orgs"]["t.b"]
    hold_every_meeting(a)
    hold_every_meeting(b)
    assert warning_services.warnings_evaluate(actor=world["users"]["personnel"]) == {
        "raised": 0,
        "updated": 0,
        "cleared": 0,
    }
    services.org_save(actor=None, org=b, data={"vacant_since": date(2024, 2, 1), "secretary": "王某"})
    b.refresh_from_db()
    assert b.vacant_since is None  # a secretary named ends the vacancy
    services.org_save(actor=None, org=b, data={"secretary": ""})
    services.org_save(actor=None, org=b, data={"vacant_since": date(2024, 2, 15)})  # 90 days before today
    counts = warning_services.warnings_evaluate(actor=world["users"]["personnel"])
    assert counts["raised"] == 1
    warning = PartyWarning.objects.get()
    assert (warning.org, warning.level, warning.state) == (b, "red", "open")
    assert warning.reasons == [
        {"measure": "vacancy_days", "value": 30 * 3.0, "threshold": 30.0, "level": "yellow"},
        {"measure": "vacancy_days", "value": 90.0, "threshold": 90.0, "level": "red"},
    ]
    # a rule changed: the level follows at the next run
    red = WarningRule.objects.get(measure="vacancy_days", level="red")
    warning_services.rule_save(actor=world["users"]["office"], rule=red, data={"threshold": 91})
    assert warning_services.warnings_evaluate(actor=None)["updated"] == 1
    warning.refresh_from_db()
    assert warning.level == "yellow"
    # rectification: a unit user of another unit may not; the org's own may
    with pytest.raises(PermissionDenied):
        warning_services.rectification_plan(
            actor=world["users"]["reporter_a"], warning=warning, plan="x", deadline=date(2024, 6, 1)
        )
    actor = world["users"]["reporter_b"]
    with pytest.raises(ValidationError):
        warning_services.rectification_done(actor=actor, warning=warning, note="done")
    with pytest.raises(ValidationError):
        warning_services.rectification_plan(
            actor=actor, warning=warning, plan="选配书记", deadline=date(2024, 5, 1)
        )
    warning_services.rectification_plan(
        actor=actor, warning=warning, plan="选配书记", deadline=date(2024, 6, 1)
    )
    warning_services.rectification_done(actor=actor, warning=warning, note="已选任新书记")
    warning.refresh_from_db()
    assert (warning.state, warning.rectified_on) == ("rectified", TODAY)
    states = [
        e.after["state"] for e in AuditEntry.objects.filter(content_type__model="partywarning").order_by("pk")
    ]
    assert states == ["open", "open", "rectifying", "rectified"]


def test_an_open_warning_clears_when_no_rule_triggers(world: dict[str, Any]) -> None:
    a = world["orgs"]["t.a"]
    warning_services.warnings_evaluate(actor=None)
    assert PartyWarning.objects.filter(org=a, state="open").exists()  # no meeting at all
    hold_every_meeting(a)
    assert warning_services.warnings_evaluate(actor=None)["cleared"] == 1


def test_who_sees_and_changes_organisations(world: dict[str, Any], client: Any) -> None:
    b = world["orgs"]["t.b"]
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            actor=world["users"]["reporter_a"], org=b, kind="group", held_on=date(2024, 5, 1)
        )
    with pytest.raises(PermissionDenied):
        services.org_save(actor=world["users"]["reporter_b"], org=b, data={"kind": "school"})
    with pytest.raises(ValidationError):  # not in the future
        services.meeting_record(
            actor=world["users"]["reporter_b"], org=b, kind="group", held_on=date(2024, 6, 1)
        )
    client.force_login(world["users"]["reporter_a"])
    assert [o["code"] for o in client.get("/api/party-organisations").json()["results"]] == ["DZ-t.a"]
    assert client.get(f"/people/organisations/{b.code}/").status_code == 404
    client.logout()
    client.force_login(world["users"]["leader"])
    assert client.get("/api/party-organisations").json()["count"] == 0
    page = client.get("/people/organisations/").content.decode()
    assert 'data-testid="counts-only"' in page and 'data-unit="t.c"' in page
    assert client.post("/people/warnings/").status_code == 403


def test_the_api_rectifies(world: dict[str, Any], client: Any) -> None:
    warning_services.warnings_evaluate(actor=None)
    warning = PartyWarning.objects.get(org=world["orgs"]["t.a"])
    client.force_login(world["users"]["reporter_a"])
    url = f"/api/party-warnings/{warning.pk}/rectify"
    assert client.post(url, {"plan": "补开会议"}, content_type="application/json").status_code == 400
    response = client.post(
        url, {"plan": "补开会议", "deadline": "2024-06-30"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "rectifying"
    assert [w["id"] for w in client.get("/api/party-warnings").json()["results"]] == [warning.pk]


def test_the_demo_loads_once(world: dict[str, Any]) -> None:
    from jingjin.core.services import unit_create
    from jingjin.people.demo import demo_people

    township = unit_create(
        actor=None,
        code="t.c.demo-t1",
        name_zh="示例镇",
        name_en="T",
        kind="township",
        parent=world["units"]["t.c"],
        is_synthetic=True,
    )
    for v in (1, 2):
        unit_create(
            actor=None,
            code=f"t.c.demo-t1.v{v}",
            name_zh=f"示例村{v}",
            name_en="V",
            kind="village",
            parent=township,
            is_synthetic=True,
        )
    first = demo_people(today=TODAY)
    assert first["talents"] == 24 and first["organisations"] == 3 and first["challenges"] == 4
    again = demo_people(today=TODAY)
    assert again["talents"] == 0 and again["organisations"] == 0


def test_list_pages_do_not_query_per_row(world: dict[str, Any], client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingjin.people import services as s

    client.force_login(world["users"]["personnel"])
    warning_services.warnings_evaluate(actor=None)

    def queries() -> list[int]:
        counts = []
        for url in ("/people/talents/", "/people/organisations/", "/people/warnings/", "/people/challenges/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    few = queries()
    unit = world["units"]["t.c"]
    for n in range(4):
        s.talent_save(actor=None, data={"code": f"RC-X{n}", "name": "某", "category": "rural", "unit": unit})
        s.org_save(
            actor=None,
            data={"code": f"DZ-X{n}", "name": "支部", "kind": "school", "unit": unit, "members": 3},
        )
    warning_services.warnings_evaluate(actor=None)
    assert queries() == few


def test_the_managers_add_organisations_and_register_members(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["personnel"])
    unit = world["units"]["t.c"]
    response = client.post(
        "/people/organisations/new/",
        {
            "code": "DZ-C",
            "name": "丙县支部",
            "kind": "two_new",
            "unit": unit.pk,
            "members": "8",
            "secretary": "",
        },
    )
    assert response.status_code == 302
    org = PartyOrg.objects.get(code="DZ-C")
    assert org.vacant_since == TODAY and selectors.coverage().uncovered == []
    client.post("/people/organisations/members/", {"unit": world["units"]["t"].pk, "members": "5"})
    assert [u.code for u, _n in selectors.coverage().uncovered] == ["t"]
    client.logout()
    client.force_login(world["users"]["reporter_a"])
    assert client.get("/people/organisations/new/").status_code == 403
