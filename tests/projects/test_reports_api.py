"""``/api/project-reports``: create and change a draft, submit, return, approve; filters; refusals."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from jingjin.projects.models import ProjectMilestone
from tests.projects.reports_world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> World:
    return make_world(users, make_user)


def _client(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


BODY = {
    "period": "2024-03",
    "project": "XM-A",
    "investment_month": "80.25",
    "investment_ytd": "200",
    "image_progress": "桩基完成",
    "milestones_reached": [{"kind": "started", "actual": "2024-03-08"}],
}


def test_the_loop_through_the_api(world: World) -> None:
    reporter = _client(world.users["reporter_a"])
    assert _client().get("/api/project-reports").status_code == 401
    assert (
        _client(world.users["reporter_b"]).post("/api/project-reports", BODY, format="json").status_code
        == 403
    )
    created = reporter.post("/api/project-reports", BODY, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["status"], data["unit"], data["investment_month"], data["investment_ytd"]) == (
        "draft",
        "t.a",
        "80.25",
        "200.00",
    )
    assert data["milestones_reached"] == [{"kind": "started", "actual": "2024-03-08"}]
    assert reporter.post("/api/project-reports", BODY, format="json").status_code == 409
    url = f"/api/project-reports/{data['id']}"
    # the year to date below the month: a 400 naming the field
    bad = reporter.patch(url, {"investment_ytd": "10"}, format="json")
    assert bad.status_code == 400 and "investment_ytd" in bad.json()
    assert reporter.patch(url, {"support_needed": "协调电力"}, format="json").status_code == 200
    assert _client(world.users["approver_a"]).post(f"{url}/approve").status_code == 409  # still a draft
    assert reporter.post(f"{url}/submit").json()["status"] == "submitted"
    assert reporter.patch(url, {"problems": "改"}, format="json").status_code == 409
    assert reporter.post(f"{url}/approve").status_code == 403
    assert _client(world.users["approver_b"]).post(f"{url}/approve").status_code == 403
    approver = _client(world.users["approver_a"])
    assert approver.post(f"{url}/return", {}, format="json").status_code == 400  # a comment is needed
    returned = approver.post(f"{url}/return", {"comment": "请补充"}, format="json")
    assert returned.json()["status"] == "returned"
    assert reporter.post(f"{url}/submit").json()["status"] == "resubmitted"
    approved = approver.post(f"{url}/approve", {"comment": "好"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert str(ProjectMilestone.objects.get(project=world.project_a, kind="started").actual) == "2024-03-08"


def test_the_list_filters(world: World) -> None:
    _client(world.users["reporter_a"]).post("/api/project-reports", BODY, format="json")
    _client(world.users["reporter_b"]).post(
        "/api/project-reports", {**BODY, "project": "XM-B", "milestones_reached": []}, format="json"
    )
    leader = _client(world.users["leader"])

    def codes(query: str) -> list[str]:
        response = leader.get(f"/api/project-reports{query}")
        assert response.status_code == 200, response.content
        return [r["project"] for r in response.json()["results"]]

    assert codes("") == ["XM-A", "XM-B"]
    assert codes("?project=XM-B") == ["XM-B"]
    assert codes("?unit=t.a&status=draft") == ["XM-A"]
    assert codes("?period=2024-02") == []
    assert codes("?status=submitted") == []
    assert leader.get("/api/project-reports?status=nope").status_code == 400
    assert leader.get("/api/project-reports?period=2024-13").status_code == 400
