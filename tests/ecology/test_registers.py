"""The ecology registers: services with their audit rows, who may do what (by county), the pages
and the API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.ecology import selectors, services
from jingjin.ecology.models import Section, Station

pytestmark = pytest.mark.django_db


def _audit(record: Any) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_id=record.pk, object_repr__startswith=record.code).order_by("pk")
    )


def test_create_change_delete_are_audited_with_targets(registers, users):
    section = registers["section"]
    [created] = _audit(section)
    assert created.action == "create" and created.after["targets"] == {"2024": 3, "2025": 2}
    assert section.name_en == "测试断面"  # an empty English name takes the Chinese one
    services.record_update(
        record=section, actor=users["county_c"], data={"waterbody": "新河"}, targets={2025: 3}
    )
    change = _audit(section)[-1]
    assert change.user_name == "county_c"
    assert change.before["waterbody"] == "测试河" and change.after["waterbody"] == "新河"
    assert change.before["targets"] == {"2024": 3, "2025": 2} and change.after["targets"] == {
        "2024": 3,
        "2025": 3,
    }
    pk = section.pk
    services.record_delete(record=section, actor=users["office"])
    last = AuditEntry.objects.filter(object_id=pk, action="delete").get()
    assert last.before["targets"] == {"2024": 3, "2025": 3} and not Section.objects.filter(pk=pk).exists()


def test_unit_users_change_only_their_county_and_not_its_owner_fields(registers, users):
    station = registers["station"]
    with pytest.raises(PermissionDenied):  # Bureau A is not the station's county
        services.record_update(record=station, actor=users["reporter_a"], data={"name_zh": "改"})
    with pytest.raises(PermissionDenied):  # leaders read only
        services.record_update(record=station, actor=users["leader"], data={"name_zh": "改"})
    with pytest.raises(PermissionDenied):  # the county's user may not move it to another unit
        services.record_update(
            record=station, actor=users["county_c"], data={"county": Unit.objects.get(code="t.a")}
        )
    with pytest.raises(PermissionDenied):
        services.record_create(
            model=Station, actor=users["county_c"], data={"code": "S2", "name_zh": "x", "level": "city"}
        )
    with pytest.raises(PermissionDenied):
        services.record_delete(record=station, actor=users["county_c"])
    services.record_update(record=station, actor=users["county_c"], data={"name_zh": "丙县站"})
    station.refresh_from_db()
    assert station.name_zh == "丙县站"
    project = registers["project"]  # a project belongs to its source's county
    services.record_update(record=project, actor=users["county_c"], data={"name_zh": "丙县项目"})
    with pytest.raises(PermissionDenied):
        services.record_update(record=project, actor=users["reporter_a"], data={"name_zh": "x"})


def test_state_moves_set_their_date_and_refuse_a_jump(registers, users):
    body = registers["body"]
    with pytest.raises(services.RegisterError):  # identified → treated skips the treatment
        services.record_move(record=body, actor=users["county_c"], state="treated", on=date(2024, 3, 1))
    services.record_move(record=body, actor=users["county_c"], state="treating", on=date(2024, 3, 1))
    services.record_move(record=body, actor=users["office"], state="treated", on=date(2024, 9, 30))
    body.refresh_from_db()
    assert (body.state, body.treating_on, body.treated_on) == ("treated", date(2024, 3, 1), date(2024, 9, 30))
    assert [v for v, _ in services.moves_of(body)] == ["treating", "long_term_clean"]
    move = _audit(body)[-1]
    assert move.before["state"] == "treating" and move.after["state"] == "treated"
    assert move.after["treated_on"] == "2024-09-30"
    with pytest.raises(PermissionDenied):
        services.record_move(
            record=body, actor=users["reporter_a"], state="long_term_clean", on=date(2024, 10, 1)
        )


def test_numbers_out_of_bounds_are_refused(registers, users):
    with pytest.raises(ValidationError) as caught:
        services.record_update(record=registers["source"], actor=users["office"], data={"nox_t": Decimal(-1)})
    assert "nox_t" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.record_update(
            record=registers["station"], actor=users["office"], data={"longitude": Decimal(181)}
        )


def test_home_counts_are_the_worked_sums(registers, users):
    counts = selectors.home_counts(user=users["leader"])
    assert (counts["stations"], counts["stations_city"], counts["sections"]) == (1, 1, 1)
    assert counts["nox"] == Decimal("100.5") and counts["vocs"] == Decimal(40)
    assert counts["nox_planned"] == counts["nox_done"] == Decimal("10.25")
    assert {v: n for v, _, n in counts["bodies"]} == {
        "identified": 1,
        "treating": 0,
        "treated": 0,
        "long_term_clean": 0,
    }


def test_pages_show_the_county_user_their_buttons(client, registers, users):
    client.force_login(users["county_c"])
    page = client.get("/ecology/registers/blackodor-bodies/H1/").content.decode()
    assert 'data-testid="edit-record"' in page and 'data-testid="move-form"' in page
    assert 'data-testid="delete-record"' not in page
    form = client.get("/ecology/registers/blackodor-bodies/H1/edit/").content.decode()
    assert 'name="name_zh"' in form and 'name="county"' not in form and 'name="code"' not in form
    assert client.get("/ecology/registers/blackodor-bodies/new/").status_code == 403
    response = client.post(
        "/ecology/registers/blackodor-bodies/H1/move/", {"state": "treating", "on": "2024-02-01"}
    )
    assert response.status_code == 302
    assert registers["body"].__class__.objects.get(code="H1").treating_on == date(2024, 2, 1)
    client.force_login(users["reporter_a"])
    assert client.get("/ecology/registers/blackodor-bodies/H1/edit/").status_code == 403
    listing = client.get("/ecology/registers/blackodor-bodies/?state=treating").content.decode()
    assert 'data-code="H1"' in listing


def test_office_adds_a_section_with_targets_in_the_form(client, users):
    client.force_login(users["office"])
    data = {
        "code": "W9",
        "name_zh": "新断面",
        "waterbody": "某河",
        "waterbody_type": "river",
        "level": "city",
        "targets": "2024=Ⅲ; 2025=II",
    }
    response = client.post("/ecology/registers/sections/new/", data)
    assert response.status_code == 302
    assert dict(Section.objects.get(code="W9").targets.values_list("year", "target_class")) == {
        2024: 3,
        2025: 2,
    }
    bad = client.post("/ecology/registers/sections/new/", {**data, "code": "W8", "targets": "2024=VII"})
    assert bad.status_code == 400 and "2024=VII" in bad.content.decode()


def test_api_reads_nested_and_writes_through_the_services(client, registers, users):
    client.force_login(users["county_c"])
    sections = client.get("/api/sections").json()["results"]
    assert sections[0]["targets"] == [{"year": 2024, "target_class": 3}, {"year": 2025, "target_class": 2}]
    source = client.get("/api/pollution-sources?county=t.c").json()["results"][0]
    assert source["projects"][0]["code"] == "P1-1" and source["nox_t"] == "100.500"
    pk = registers["station"].pk
    body = json.dumps({"name_zh": "接口改名"})
    assert client.patch(f"/api/stations/{pk}", body, content_type="application/json").status_code == 200
    assert _audit(Station.objects.get(pk=pk))[-1].source == "api"
    moved = json.dumps({"county": "t.a"})
    assert client.patch(f"/api/stations/{pk}", moved, content_type="application/json").status_code == 403
    new = json.dumps({"code": "S5", "name_zh": "新站", "level": "city"})
    assert client.post("/api/stations", new, content_type="application/json").status_code == 403
    client.force_login(users["office"])
    created = client.post(
        "/api/sections",
        json.dumps(
            {
                "code": "W5",
                "name_zh": "接口断面",
                "waterbody": "河",
                "level": "city",
                "targets": [{"year": 2025, "target_class": 3}],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["targets"] == [{"year": 2025, "target_class": 3}]
    huge = json.dumps({"nox_t": "1e20"})
    assert (
        client.patch(
            f"/api/pollution-sources/{registers['source'].pk}", huge, content_type="application/json"
        ).status_code
        == 400
    )
    assert client.delete(f"/api/stations/{pk}").status_code == 204


def test_list_pages_and_api_take_as_many_queries_for_many_records(client, registers, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingjin.ecology.models import PollutionSource, ReductionProject

    client.force_login(users["leader"])
    county = Unit.objects.get(code="t.c")

    def cost() -> list[int]:
        counts = []
        for url in (
            "/ecology/registers/reduction-projects/",
            "/ecology/registers/sections/",
            "/api/pollution-sources",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    few = cost()
    for n in range(5):
        source = PollutionSource.objects.create(
            code=f"Q{n}", name_zh="源", name_en="s", county=county, kind="area"
        )
        ReductionProject.objects.create(code=f"Q{n}-1", name_zh="项目", name_en="p", source=source)
        Section.objects.create(
            code=f"X{n}", name_zh="断面", name_en="x", waterbody="河", level="city", county=county
        )
    assert cost() == few


def test_the_demo_registers_are_synthetic_and_load_once(users):
    from jingjin.ecology.demo_registers import demo_registers
    from jingjin.ecology.models import BlackOdorousBody

    today = date(2025, 6, 15)
    added = demo_registers(today=today)
    # the test plan has one county (t.c): 2 stations, 1 section, 5 bodies, 1 source with 2 projects,
    # 3 soil sites, 2 heavy-metal projects
    assert added == 2 + 1 + 5 + 3 + 3 + 2
    assert demo_registers(today=today) == 0
    section = Section.objects.get()
    assert section.is_synthetic and "示例" in section.name_zh and section.waterbody == "涪江"
    assert list(section.targets.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
    assert all(b.is_synthetic and "示例" in b.name_zh for b in BlackOdorousBody.objects.all())
    assert Station.objects.filter(counts_for_city=True, level="national").count() == 1
