"""The three admission registers kept through their web forms and the catalogue and zoning units
through the API: add, change (audited before/after), each bad value named by its field, the
plan office only."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.admission.models import CatalogueEntry, LandThreshold, ZoningUnit
from jingjin.core.models import AuditEntry
from jingjin.parks.models import Industry, Park

pytestmark = pytest.mark.django_db


def test_register_forms(world: Any, users: Any, client: Any, english: Any) -> None:
    client.force_login(users["county_c"])
    assert client.get("/admission/registers/zoning/new/").status_code == 403
    client.force_login(users["office"])
    page = client.get("/admission/registers/catalogue/")
    assert b'data-testid="register-add"' in page.content
    new = {"code": "C-NEW", "name": "新能源装备", "klass": "encouraged", "version": "2024", "industry": ""}
    assert client.post("/admission/registers/catalogue/new/", new).status_code == 302
    twice = client.post("/admission/registers/catalogue/new/", new)
    assert twice.status_code == 400 and twice.context["form"].non_field_errors()  # code + version
    bad = client.post("/admission/registers/catalogue/new/", {**new, "code": "C-X", "klass": "nope"})
    assert bad.status_code == 400 and list(bad.context["form"].errors) == ["klass"]
    entry = CatalogueEntry.objects.get(code="C-NEW")
    url = f"/admission/registers/catalogue/{entry.pk}/"
    assert client.post(url, {**new, "klass": "restricted"}).status_code == 302
    change = (
        AuditEntry.objects.filter(content_type__model="catalogueentry", object_id=entry.pk)
        .order_by("pk")
        .last()
    )
    assert change is not None and change.action == "update"
    assert change.before["klass"] == "encouraged" and change.after["klass"] == "restricted"
    # a zoning unit with its lists
    zoning = {
        "code": "Z-NEW", "name": "新单元", "county": world["county"].pk, "unit_type": "key",
        "prohibited": "EC、C-CHEM", "restricted": "LI; C-BAT",
    }  # fmt: skip
    assert client.post("/admission/registers/zoning/new/", zoning).status_code == 302
    unit = ZoningUnit.objects.get(code="Z-NEW")
    assert (unit.prohibited, unit.restricted) == (["EC", "C-CHEM"], ["LI", "C-BAT"])
    edit = client.get(f"/admission/registers/zoning/{unit.pk}/")
    assert "EC、C-CHEM" in edit.content.decode()
    both = client.post(f"/admission/registers/zoning/{unit.pk}/", {**zoning, "restricted": "EC"})
    assert both.status_code == 400 and list(both.context["form"].errors) == ["restricted"]
    long = client.post(f"/admission/registers/zoning/{unit.pk}/", {**zoning, "prohibited": "X" * 40})
    assert long.status_code == 400 and list(long.context["form"].errors) == ["prohibited"]
    # thresholds: an empty park is any; min plot ratio above max is refused on its field
    park = Park.objects.get(unit__code="t.q")
    row = {"park": park.pk, "industry": Industry.objects.get(code="EC").pk, "min_tax_per_mu": "15"}
    assert client.post("/admission/registers/thresholds/new/", row).status_code == 302
    again = client.post("/admission/registers/thresholds/new/", row)
    assert again.status_code == 400 and again.context["form"].errors
    ratio = {**row, "industry": "", "plot_ratio_min": "2", "plot_ratio_max": "1"}
    wrong = client.post("/admission/registers/thresholds/new/", ratio)
    assert wrong.status_code == 400 and list(wrong.context["form"].errors) == ["plot_ratio_max"]
    negative = client.post("/admission/registers/thresholds/new/", {**ratio, "plot_ratio_max": "-1"})
    assert negative.status_code == 400 and "plot_ratio_max" in negative.context["form"].errors
    assert LandThreshold.objects.filter(park=park).count() == 1


def test_registers_api_writes(world: Any, users: Any, client: Any) -> None:
    body = {"code": "C-API", "name": "示例", "klass": "permitted", "version": 2024, "industry": "LI"}
    client.force_login(users["county_c"])
    assert client.post("/api/catalogue-entries", body, content_type="application/json").status_code == 403
    client.force_login(users["office"])
    made = client.post("/api/catalogue-entries", body, content_type="application/json")
    assert made.status_code == 201, made.content
    bad = client.post(
        "/api/catalogue-entries", {**body, "code": "C-B", "version": 1800}, content_type="application/json"
    )
    assert bad.status_code == 400 and list(bad.json()) == ["version"]
    url = f"/api/catalogue-entries/{made.json()['id']}"
    changed = client.patch(url, {"klass": "restricted"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["klass"] == "restricted"
    client.force_login(users["leader"])
    assert client.patch(url, {"klass": "encouraged"}, content_type="application/json").status_code == 403
    client.force_login(users["office"])
    zoning = {"code": "Z-API", "name": "示例", "county": "t.c", "unit_type": "general", "prohibited": ["EC"]}
    made = client.post("/api/zoning-units", zoning, content_type="application/json")
    assert made.status_code == 201 and made.json()["restricted"] == []
    url = f"/api/zoning-units/{made.json()['id']}"
    both = client.patch(url, {"restricted": ["EC"]}, content_type="application/json")
    assert both.status_code == 400 and "restricted" in both.json()
    county = client.patch(url, {"county": "t.a"}, content_type="application/json")  # not a county
    assert county.status_code == 400 and "county" in county.json()
    assert client.patch(url, {"restricted": ["LI"]}, content_type="application/json").json()[
        "restricted"
    ] == ["LI"]
    assert AuditEntry.objects.filter(content_type__model="zoningunit", source="api").count() == 2
