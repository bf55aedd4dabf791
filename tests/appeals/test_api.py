"""/api/appeals over HTTP: list (scoped), create (multipart, with evidence), decide; the mark on
/api/ranking-lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def inside(settings: Any, tmp_path: Any) -> None:
    """Two days after publication (inside the window); uploads in a temporary folder."""
    settings.JINGJIN_AS_OF = "2024-04-22"
    settings.MEDIA_ROOT = str(tmp_path)


def _as(client: Any, user: Any) -> Any:
    client.logout()
    client.login(username=user.get_username(), password=PASSWORD)
    return client


def test_file_list_decide_over_http(client: Any, users: Any, published: Any, inside: None) -> None:
    reporter = _as(client, users["reporter_b"])
    made = reporter.post(
        "/api/appeals",
        {
            "ranking_list": published.pk,
            "unit": "t.b",
            "reason": "指标已达成，系统未计入。",
            "evidence": [SimpleUploadedFile("记录.txt", "报送记录".encode(), content_type="text/plain")],
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["unit"], body["state"], body["mark"]) == ("t.b", "filed", "Appeal: pending")
    assert [e["name"] for e in body["evidence"]] == ["记录.txt"]
    appeal_id = body["id"]
    assert AuditEntry.objects.filter(source="api", content_type__model="appeal", object_id=appeal_id).exists()
    # not for another unit's entry; leaders file nothing
    other = reporter.post(
        "/api/appeals",
        {"ranking_list": published.pk, "unit": "t.a", "reason": "x"},
        content_type="application/json",
    )
    assert other.status_code == 403
    assert (
        reporter.post(f"/api/appeals/{appeal_id}/decide", {"outcome": "reject", "decision": "x"}).status_code
        == 403
    )
    leader = _as(client, users["leader"])
    assert leader.post("/api/appeals", {}, content_type="application/json").status_code == 403
    assert [a["id"] for a in leader.get("/api/appeals").json()["results"]] == [appeal_id]
    # scoped: t.a's reporter sees none of t.b's appeals
    reporter_a = _as(client, users["reporter_a"])
    assert reporter_a.get("/api/appeals").json()["results"] == []
    assert reporter_a.get(f"/api/appeals/{appeal_id}").status_code == 404

    office = _as(client, users["office"])
    bad = office.post(
        f"/api/appeals/{appeal_id}/decide",
        {"outcome": "accept", "decision": "核实", "corrections": {"attainment": 150}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    done = office.post(
        f"/api/appeals/{appeal_id}/decide",
        {"outcome": "accept", "decision": "核实无误，更正。", "corrections": {"attainment": 100}},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["state"], body["score_before"], body["score_after"]) == ("accepted", 70.0, 100.0)
    assert (body["rank_before"], body["rank_after"], body["verdict_after"]) == (2, 1, "red")
    again = office.post(
        f"/api/appeals/{appeal_id}/decide",
        {"outcome": "reject", "decision": "x"},
        content_type="application/json",
    )
    assert again.status_code == 400
    listed = office.get(f"/api/ranking-lists/{published.pk}").json()
    marks = {e["unit"]: e["appeal"] for e in listed["entries"]}
    assert marks["t.b"]["state"] == "accepted" and marks["t.b"]["mark"] == "Appeal: accepted"
    assert marks["t.a"] is None
    assert {e["unit"]: e["verdict"] for e in listed["entries"]} == {"t.a": "black", "t.b": "red"}
    assert office.get("/api/appeals?state=filed").json()["results"] == []


def test_outside_the_window_over_http(client: Any, users: Any, published: Any, settings: Any) -> None:
    settings.JINGJIN_AS_OF = "2024-04-26"  # published 2024-04-20, window 5 days
    made = _as(client, users["reporter_b"]).post(
        "/api/appeals",
        {"ranking_list": published.pk, "unit": "t.b", "reason": "迟到"},
        content_type="application/json",
    )
    assert made.status_code == 400
    assert "closed on 2024-04-25" in made.content.decode()
