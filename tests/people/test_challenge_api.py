"""The 揭榜挂帅 steps over HTTP (``/api/challenges/{id}/…``): each step, its audit, a forbidden role
and a step out of turn — the same services and state rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.people.models import Challenge

pytestmark = pytest.mark.django_db

TERMS = {
    "code": "JB-API",
    "title": "示例难题（演示）",
    "goal": "目标",
    "budget": "100",
    "deadline": "2024-06-30",
    "evaluation": "专家评审",
    "unit": "t.a",
}


def _post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json")


def test_every_step_over_http_with_its_audit(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["personnel"])
    created = _post(client, "/api/challenges", TERMS)
    assert created.status_code == 201, created.content
    base = f"/api/challenges/{created.json()['id']}"
    assert _post(client, f"{base}/publish").json()["state"] == "published"
    body = _post(client, f"{base}/bid", {"team": "TD1", "plan": "方案", "budget_asked": "90"}).json()
    assert [b["team"] for b in body["bids"]] == ["TD1"]
    again = _post(client, f"{base}/bid", {"team": "TD1", "plan": "再来", "budget_asked": "80"})
    assert again.status_code == 400 and "team" in again.json()  # one bid per team
    bid = body["bids"][0]["id"]
    blank = _post(client, f"{base}/select", {"bid": bid, "reason": " "})
    assert blank.status_code == 400 and "reason" in blank.json()  # a selection needs reasons
    body = _post(client, f"{base}/select", {"bid": bid, "reason": "方案最优"}).json()
    assert (body["state"], body["selection_reason"], body["bids"][0]["selected"]) == (
        "selected",
        "方案最优",
        True,
    )
    body = _post(client, f"{base}/milestone", {"name": "中期", "planned": "2024-08-01"}).json()
    milestone = body["milestones"][0]["id"]
    early = _post(client, f"{base}/accept", {"passed": True})
    assert early.status_code == 400  # every milestone must be reached first
    future = _post(client, f"{base}/reach", {"milestone": milestone, "reached": "2024-06-01"})
    assert future.status_code == 400 and "reached" in future.json()
    body = _post(client, f"{base}/reach", {"milestone": milestone, "reached": "2024-05-10"}).json()
    assert body["milestones"][0]["reached"] == "2024-05-10"
    body = _post(client, f"{base}/accept", {"passed": True, "reason": "达标"}).json()
    assert (body["state"], body["acceptance_reason"], body["accepted_on"]) == ("passed", "达标", "2024-05-15")
    challenge = Challenge.objects.get(code="JB-API")
    entries = AuditEntry.objects.filter(object_id=challenge.pk, content_type__model="challenge")
    assert [e.after.get("state") for e in entries.order_by("pk")] == [
        "draft",
        "published",
        "selected",
        "passed",
    ]
    assert {e.source for e in entries} == {"api"}
    assert (
        AuditEntry.objects.filter(content_type__model="bid", source="api").count() == 2
    )  # recorded, selected
    assert AuditEntry.objects.filter(content_type__model="challengemilestone", source="api").count() == 2


def test_a_step_out_of_turn_is_refused(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["personnel"])
    base = f"/api/challenges/{_post(client, '/api/challenges', TERMS).json()['id']}"
    refused = _post(client, f"{base}/bid", {"team": "TD1", "plan": "方案", "budget_asked": "90"})
    assert refused.status_code == 400  # no bid on a draft
    assert _post(client, f"{base}/milestone", {"name": "中期", "planned": "2024-08-01"}).status_code == 400
    assert _post(client, f"{base}/accept", {"passed": False, "reason": "x"}).status_code == 400
    assert _post(client, f"{base}/select", {"bid": 999999, "reason": "r"}).status_code == 400
    assert Challenge.objects.get(code="JB-API").state == "draft"
    assert _post(client, f"{base}/publish").status_code == 200
    assert _post(client, f"{base}/publish").status_code == 400  # published once


def test_a_role_that_may_not_is_forbidden(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["personnel"])
    base = f"/api/challenges/{_post(client, '/api/challenges', TERMS).json()['id']}"
    client.logout()
    client.force_login(world["users"]["reporter_a"])
    assert client.get(base).status_code == 200  # reads
    for step, data in (
        ("publish", {}),
        ("bid", {"team": "TD1", "plan": "方案", "budget_asked": "90"}),
        ("accept", {"passed": True}),
    ):
        assert _post(client, f"{base}/{step}", data).status_code == 403, step
    assert Challenge.objects.get(code="JB-API").state == "draft"
