"""The plan office's network and line forms: add and change a network, add a line with its
projects by code, change it; errors name their field; others are refused."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry, Unit
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan

pytestmark = pytest.mark.django_db

NETWORK = {
    "code": "air",
    "name_zh": "示例机场",
    "name_en": "Demo airport",
    "kind": "airport",
    "position": "3",
}


def _project(code: str) -> KeyProject:
    return KeyProject.objects.create(
        code=code,
        name_zh=f"示例{code}",
        name_en=code,
        level="city",
        category="infrastructure",
        owner_unit=Unit.objects.get(code="t.a"),
        total_investment=100,
    )


def test_the_office_adds_and_changes_networks_and_lines(
    client: Any, loaded_plan: Any, users: dict[str, Any]
) -> None:
    p1, p2 = _project("S1"), _project("S2")
    client.force_login(users["office"])
    assert 'data-testid="new-network"' in client.get("/projects/networks/").content.decode()
    bad = client.post("/projects/networks/new/", {**NETWORK, "code": "a b"})
    assert bad.status_code == 400 and not NetworkPlan.objects.exists()
    made = client.post("/projects/networks/new/", NETWORK)
    assert made.status_code == 302 and made["Location"] == "/projects/networks/air/"
    network = NetworkPlan.objects.get(code="air")
    assert network.kind == "airport"
    page = client.get("/projects/networks/air/").content.decode()
    assert 'data-testid="add-line"' in page
    changed = client.post("/projects/networks/air/edit/", {**NETWORK, "name_zh": "示例机场改"})
    assert changed.status_code == 302
    network.refresh_from_db()
    assert network.name_zh == "示例机场改"
    line = {"code": "air-1", "name_zh": "示例航站区", "name_en": "Terminal", "position": "1"}
    unknown = client.post("/projects/networks/air/lines/new/", {**line, "project_codes": "S1 NOPE"})
    assert unknown.status_code == 400 and "NOPE" in unknown.content.decode()
    assert not NetworkLine.objects.exists()
    ok = client.post("/projects/networks/air/lines/new/", {**line, "project_codes": "S1, S2"})
    assert ok.status_code == 302
    saved = NetworkLine.objects.get(code="air-1")
    assert saved.network == network and set(saved.projects.all()) == {p1, p2}
    edit = client.get("/projects/networks/air/lines/air-1/edit/").content.decode()
    assert "S1\nS2" in edit
    again = client.post(
        "/projects/networks/air/lines/air-1/edit/", {**line, "length_km": "12.5", "project_codes": "S2"}
    )
    assert again.status_code == 302
    saved.refresh_from_db()
    assert str(saved.length_km) == "12.50" and list(saved.projects.all()) == [p2]
    assert AuditEntry.objects.filter(content_type__model="networkline", object_id=saved.pk).count() == 2


def test_others_may_not(client: Any, loaded_plan: Any, users: dict[str, Any]) -> None:
    NetworkPlan.objects.create(code="air", kind="airport", name_zh="示例机场", name_en="Airport")
    client.force_login(users["reporter_a"])
    assert 'data-testid="new-network"' not in client.get("/projects/networks/").content.decode()
    assert client.post("/projects/networks/new/", {**NETWORK, "code": "x"}).status_code == 403
    assert client.get("/projects/networks/air/edit/").status_code == 403
    assert client.get("/projects/networks/air/lines/new/").status_code == 403
    assert not NetworkPlan.objects.filter(code="x").exists()
