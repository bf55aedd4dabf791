"""``GET /api/cockpit``: the cockpit's figures as JSON."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(users):
    client = APIClient()
    client.force_authenticate(users["leader"])
    return client


def test_the_cockpit_figures(api, scenario):
    response = api.get("/api/cockpit", {"period": "2024-03"})
    assert response.status_code == 200
    data = response.json()
    assert data["plan"] == {"code": "test-plan", "name": "Test plan"}
    assert data["period"] == {"code": "2024-03", "deadline": "2024-04-05"}
    assert data["progress"] == 37.5 and data["coverage"] == 1.0
    assert data["status_counts"] == {
        "on_track": 1,
        "behind": 0,
        "far_behind": 0,
        "done": 0,
        "overdue": 1,
        "unknown": 1,
    }
    a1, a2 = data["actions"]
    assert (a1["code"], a1["progress"], a1["worst_status"]) == ("A1", 30.0, "on_track")
    assert (a2["code"], a2["progress"], a2["worst_status"]) == ("A2", 40.0, "overdue")
    assert a1["tasks"][0] == {
        "code": "A1.M1.T1",
        "name": "Task of A",
        "lead_unit": "Bureau A",
        "reported_pct": 55.0,
        "expected_pct": 59.3,
        "status": "on_track",
        "url": "/plan/test-plan/tasks/A1.M1.T1/",
    }
    assert data["reports"]["due"] == 3 and data["reports"]["late"] == 2 and data["reports"]["missing"] == 1
    assert [r["task"] for r in data["reports"]["attention"]] == ["A1.M1.T2", "A2.M1.T1"]
    assert [i["code"] for i in data["supervision"]["overdue"]] == ["DB-2024-001"]
    assert [i["code"] for i in data["supervision"]["due_soon"]] == ["DB-2024-002"]
    assert data["supervision"]["overdue_count"] == 1 and data["supervision"]["due_soon_count"] == 1
    # the on-time denominator is the same 3 due tasks (A2.M1.T1 ended unfinished: still due)
    assert data["trends"][-1] == {
        "month": "2024-03",
        "progress": 37.5,
        "on_time_rate": 0.3333,
        "reports": 2,
        "on_time": 1,
        "due": 3,
        "url": "/cockpit/?period=2024-03",
    }
    county = next(c for c in data["counties"] if c["code"] == "t.c")
    assert county["tasks"] == [
        {"code": "A1.M1.T1", "status": "on_track"},
        {"code": "A2.M1.T1", "status": "overdue"},
    ]
    assert data["ranking_lists"] == [] and data["synthetic"] is False


def test_a_bad_period_is_400(api, scenario):
    for code in ("2024-3", "2024-13", "2019-01", "abc"):
        response = api.get("/api/cockpit", {"period": code})
        assert response.status_code == 400, code
        assert "period" in response.json()


def test_signed_out_is_refused(scenario):
    assert APIClient().get("/api/cockpit").status_code in (401, 403)


def test_the_openapi_document_describes_the_cockpit(api):
    document = api.get("/api/openapi.json").json()
    operation = document["paths"]["/api/cockpit"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "plan"}
    assert "200" in operation["responses"]


def test_an_unknown_plan_is_400(api, scenario):
    response = api.get("/api/cockpit", {"plan": "no-such-plan"})
    assert response.status_code == 400 and "plan" in response.json()
