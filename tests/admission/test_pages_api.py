"""The pages and the API end to end: the list with its chart data, an application checked and
decided through the API, the registers' API, a run through the API and its export."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.admission import services
from jingjin.admission.models import Application

from .conftest import application_data

pytestmark = pytest.mark.django_db


def test_application_through_the_api(world: Any, users: Any, client: Any, english: Any) -> None:
    client.force_login(users["county_c"])
    body = {
        "code": "AP-API", "project_name": "示例", "firm": "示例企业甲", "credit_code": "91510900MA62X1234P",
        "park": "t.c.p", "industry": "LI.BAT", "zoning_unit": "Z-GEN", "land_mu": "50",
        "investment_intensity": "300", "output_per_mu": "500", "tax_per_mu": "30", "energy_per_output": "0.2",
    }  # fmt: skip
    response = client.post("/api/admission-applications", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"/api/admission-applications/{pk}/check")
    assert response.status_code == 200 and response.json()["outcome"] == "restricted"
    assert any("investment_intensity" in r["text"] for r in response.json()["reasons"])
    assert client.post(f"/api/admission-applications/{pk}/decide", {}).status_code == 403
    client.force_login(users["office"])
    response = client.post(f"/api/admission-applications/{pk}/decide", {}, content_type="application/json")
    assert response.json()["state"] == "decided" and response.json()["decision"] == "restricted"
    response = client.post(
        f"/api/admission-applications/{pk}/recheck",
        {"stage": "completion", "output_per_mu": "400"},
        content_type="application/json",
    )
    assert response.json()["rechecks"][0]["shortfalls"][0]["indicator"] == "output_per_mu"


def test_registers_api(world: Any, users: Any, client: Any) -> None:
    client.force_login(users["leader"])
    codes = [r["code"] for r in client.get("/api/zoning-units").json()["results"]]
    assert codes == ["Z-GEN", "Z-KEY", "Z-PRI"]
    entries = client.get("/api/catalogue-entries").json()["results"]
    assert {e["code"]: e["klass"] for e in entries}["C-OLD"] == "eliminated"


def test_pages_and_run(world: Any, users: Any, client: Any, django_capture_on_commit_callbacks: Any) -> None:
    app = services.application_submit(actor=None, data=application_data(world))
    services.application_decide(
        actor=None, application=services.application_check(actor=None, application=app)
    )
    client.force_login(users["office"])
    page = client.get("/admission/")
    assert page.status_code == 200 and page.context["chart"]["values"] == [1, 0, 0]
    assert b"AP-1" in page.content
    detail = client.get(f"/admission/applications/{app.pk}/")
    assert detail.status_code == 200 and b'data-testid="reasons"' in detail.content
    for kind in ("catalogue", "zoning", "thresholds", "actuals"):
        assert client.get(f"/admission/registers/{kind}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/allocation-runs",
            {"code": "R-API", "name": "示例", "pool": 2023, "leading_bonus": "0.1"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    run = client.get(f"/api/allocation-runs/{response.json()['id']}").json()
    assert run["state"] == "done" and run["candidates"][0]["selected"] is True
    assert "shadow_price" in run["summary"]["quotas"]["land"]
    page = client.get(f"/admission/runs/{run['id']}/")
    assert page.status_code == 200 and b'data-testid="quotas"' in page.content
    export = client.get(f"/admission/runs/{run['id']}/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert Application.objects.get(pk=app.pk).state == "decided"


def test_run_page_form_for_the_plan_office_only(world: Any, users: Any, client: Any) -> None:
    client.force_login(users["county_c"])
    assert client.get("/admission/runs/new/").status_code == 403
    client.force_login(users["office"])
    assert client.get("/admission/runs/new/").status_code == 200
