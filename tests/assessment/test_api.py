"""The API: /api/ranking-lists (list, retrieve with entries, compute by POST), publish, exempt."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from jingjin.assessment.models import RankingList
from jingjin.core.models import AuditEntry
from tests.conftest import PASSWORD


@pytest.fixture
def after_deadline():
    with mock.patch("jingjin.assessment.services.today_local", return_value=date(2024, 4, 20)):
        yield


def _client(client, user):
    client.login(username=user.get_username(), password=PASSWORD)
    return client


def test_office_computes_publishes_and_everyone_reads(client, users, march, schemes, after_deadline):
    office = _client(client, users["office"])
    made = office.post(
        "/api/ranking-lists", {"scheme": "departments", "period": "2024-03"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["scheme"], body["period"], body["status"]) == ("departments", "2024-03", "draft")
    entries = {e["unit"]: e for e in body["entries"]}
    assert entries["t.a"]["score"] == pytest.approx(79.63)
    assert [i["criterion"] for i in entries["t.a"]["items"]] == ["on_time", "progress", "attainment"]
    list_id = body["id"]
    assert AuditEntry.objects.filter(source="api", object_repr__startswith="departments 2024-03").exists()

    client.logout()
    reporter = _client(client, users["reporter_a"])
    assert reporter.get("/api/ranking-lists").json()["count"] == 0  # drafts are the office's
    assert reporter.get(f"/api/ranking-lists/{list_id}").status_code == 404
    assert reporter.post(f"/api/ranking-lists/{list_id}/publish").status_code == 403
    assert (
        reporter.post("/api/ranking-lists", {"scheme": "departments", "period": "2024-03"}).status_code == 403
    )
    client.logout()

    office = _client(client, users["office"])
    published = office.post(f"/api/ranking-lists/{list_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert office.post(f"/api/ranking-lists/{list_id}/publish").status_code == 409
    again = office.post(
        "/api/ranking-lists", {"scheme": "departments", "period": "2024-03"}, content_type="application/json"
    )
    assert again.status_code == 409
    client.logout()

    reporter = _client(client, users["reporter_a"])
    listed = reporter.get("/api/ranking-lists").json()
    verdicts = {e["unit"]: e["verdict"] for e in listed["results"][0]["entries"]}
    assert listed["count"] == 1 and verdicts == {"t.a": "none", "t.b": "black"}
    assert reporter.get(f"/api/ranking-lists/{list_id}").status_code == 200


def test_bad_input_is_refused(client, users, schemes, after_deadline):
    office = _client(client, users["office"])
    assert office.post("/api/ranking-lists", {"scheme": "nope", "period": "2024-03"}).status_code == 400
    assert (
        office.post("/api/ranking-lists", {"scheme": "departments", "period": "2024-13"}).status_code == 400
    )
    # the deadline of 2024-04 (2024-05-05) has not passed on 2024-04-20
    late = office.post("/api/ranking-lists", {"scheme": "departments", "period": "2024-04"})
    assert late.status_code == 400 and "has not passed" in late.content.decode()
    assert not RankingList.objects.exists()


def test_exempt_through_the_api(client, users, march, schemes, after_deadline):
    office = _client(client, users["office"])
    list_id = office.post("/api/ranking-lists", {"scheme": "departments", "period": "2024-03"}).json()["id"]
    assert (
        office.post(f"/api/ranking-lists/{list_id}/exempt", {"unit": "t.c", "reason": "x"}).status_code == 400
    )
    assert office.post(f"/api/ranking-lists/{list_id}/exempt", {"unit": "t.a"}).status_code == 400
    done = office.post(f"/api/ranking-lists/{list_id}/exempt", {"unit": "t.a", "reason": "洪灾"})
    assert done.status_code == 200
    entry = next(e for e in done.json()["entries"] if e["unit"] == "t.a")
    assert (entry["verdict"], entry["reason"], entry["rank"]) == ("exempt", "洪灾", None)


def test_schemes_are_listed(client, users, schemes):
    reporter = _client(client, users["reporter_a"])
    codes = {s["code"] for s in reporter.get("/api/ranking-schemes").json()["results"]}
    assert codes == {"departments", "counties-parks", "key-projects", "project-owners"}
