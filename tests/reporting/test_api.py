"""The reports API over the test client (and once over HTTP with a token): reads, writes, workflow actions."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from jingjin.core.models import AuditEntry
from jingjin.reporting.models import Report

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _create(client: APIClient, task_id: int, **extra):
    body = {
        "period": "2024-03",
        "task": task_id,
        "progress": "本月完成验收",
        "completion_pct": 50,
        "next_plan": "1. 培训",
        "indicator_values": [{"indicator": "A1.M1.T1.I1", "value": "321"}],
        **extra,
    }
    return client.post("/api/reports", body, format="json")


def test_anonymous_gets_401(db):
    assert _client().get("/api/reports").status_code == 401
    assert _client().get("/api/periods").status_code == 401


def test_reporter_creates_patches_and_submits_approver_approves(users, approver_a, task_a):
    reporter = _client(users["reporter_a"])
    created = _create(reporter, task_a.pk)
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "draft" and report["period"] == "2024-03" and report["unit"] == "t.a"
    assert report["indicator_values"] == [{"indicator": "A1.M1.T1.I1", "value": "321.000000"}]
    assert _create(reporter, task_a.pk).status_code == 409  # one report per task and month

    url = f"/api/reports/{report['id']}"
    patched = reporter.patch(url, {"completion_pct": 60, "problems": "资金不足"}, format="json")
    assert patched.status_code == 200 and patched.json()["completion_pct"] == 60
    assert reporter.patch(url, {"completion_pct": 120}, format="json").status_code == 400

    submitted = reporter.post(f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert reporter.post(f"{url}/submit").status_code == 409  # a second submission
    assert reporter.patch(url, {"progress": "改"}, format="json").status_code == 409
    assert reporter.post(f"{url}/approve").status_code == 403  # a reporter does not approve

    approver = _client(approver_a)
    assert approver.post(f"{url}/return", {}, format="json").status_code == 400  # comment required
    approved = approver.post(f"{url}/approve", {"comment": "好"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["reviewed_by"] == "approver_a"
    assert reporter.patch(url, {"progress": "改"}, format="json").status_code == 409  # locked
    entries = AuditEntry.objects.filter(content_type__model="report", object_id=report["id"], source="api")
    assert entries.count() == 4


def test_wrong_unit_and_role_get_403(users, approver_a, task_a, make_user):
    response = _create(_client(users["reporter_b"]), task_a.pk)
    assert response.status_code == 403
    assert _create(_client(users["leader"]), task_a.pk).status_code == 403
    report = _create(_client(users["reporter_a"]), task_a.pk).json()
    url = f"/api/reports/{report['id']}"
    assert _client(users["reporter_b"]).patch(url, {"progress": "x"}, format="json").status_code == 403
    assert _client(users["leader"]).post(f"{url}/submit").status_code == 403
    _client(users["reporter_a"]).post(f"{url}/submit")
    approver_b = make_user("approver_b", "approver", "t.b")
    assert _client(approver_b).post(f"{url}/approve").status_code == 403
    returned = _client(users["office"]).post(f"{url}/return", {"comment": "补充"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert _client(users["leader"]).get(url).status_code == 200  # leaders read


def test_list_filters(users, approver_a, task_a, task_b):
    _create(_client(users["reporter_a"]), task_a.pk)
    _create(_client(users["reporter_b"]), task_b.pk, period="2024-04", indicator_values=[])
    leader = _client(users["leader"])
    assert leader.get("/api/reports").json()["count"] == 2
    assert [r["task_code"] for r in leader.get("/api/reports?period=2024-03").json()["results"]] == [
        "A1.M1.T1"
    ]
    assert leader.get("/api/reports?period=2030-01").json()["count"] == 0
    assert leader.get("/api/reports?unit=t.b").json()["results"][0]["task_code"] == "A1.M1.T2"
    assert leader.get("/api/reports?status=approved").json()["count"] == 0
    assert leader.get("/api/reports?period=March").status_code == 400
    assert leader.get("/api/reports?status=lost").status_code == 400
    periods = leader.get("/api/periods").json()["results"]
    assert [p["code"] for p in periods] == ["2024-04", "2024-03"]
    assert periods[1]["deadline"] == "2024-04-05"


def test_bad_create_input_is_400(users, task_a):
    reporter = _client(users["reporter_a"])
    assert _create(reporter, task_a.pk, period="2024-13").status_code == 400
    assert (
        _create(reporter, task_a.pk, indicator_values=[{"indicator": "nope", "value": 1}]).status_code == 400
    )
    assert _create(reporter, 999999).status_code == 400
    assert not Report.objects.exists()


def test_continuity_over_the_api(users, task_a):
    reporter = _client(users["reporter_a"])
    _create(reporter, task_a.pk)
    april = _create(reporter, task_a.pk, period="2024-04").json()
    assert april["continuity"] == [{"position": 0, "text": "1. 培训", "outcome": "", "reason": ""}]
    url = f"/api/reports/{april['id']}"
    bad = reporter.patch(url, {"continuity": [{"position": 0, "outcome": "moved"}]}, format="json")
    assert bad.status_code == 400 and "reason" in json.dumps(bad.json(), ensure_ascii=False)
    good = reporter.patch(
        url, {"continuity": [{"position": 0, "outcome": "moved", "reason": "延至五月"}]}, format="json"
    )
    assert good.json()["continuity"][0]["outcome"] == "moved"


def test_openapi_lists_the_reporting_paths(client, users):
    client.force_login(users["leader"])  # the document is for signed-in users
    paths = set(json.loads(client.get("/api/openapi.json").content)["paths"])
    assert {
        "/api/reports",
        "/api/reports/{id}",
        "/api/reports/{id}/submit",
        "/api/reports/{id}/approve",
        "/api/reports/{id}/return",
        "/api/periods",
    } <= paths


@pytest.mark.django_db(transaction=True)
def test_submit_over_http_with_a_token(live_server, users, task_a):
    import urllib.request

    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["reporter_a"]).key
    report = _create(_client(users["reporter_a"]), task_a.pk).json()
    request = urllib.request.Request(
        f"{live_server.url}/api/reports/{report['id']}/submit",
        method="POST",
        headers={"Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["status"] == "submitted"


# --- strike-off (销号) and reopening over the API -------------------------------------------------


def _approved_100(users, approver_a, task_a, period="2024-03"):
    reporter = _client(users["reporter_a"])
    report = _create(reporter, task_a.pk, period=period, completion_pct=100).json()
    reporter.post(f"/api/reports/{report['id']}/submit")
    assert (
        _client(approver_a).post(f"/api/reports/{report['id']}/approve", {}, format="json").status_code == 200
    )
    return report


def test_an_approved_100_shows_struck_off_from_and_the_plan_office_reopens(
    users, approver_a, task_a, settings
):
    url = f"/api/tasks/{task_a.pk}"
    assert _client(users["leader"]).get(url).json()["struck_off_from"] is None
    _approved_100(users, approver_a, task_a)
    assert _client(users["leader"]).get(url).json()["struck_off_from"] == "2024-04"
    listed = _client(users["leader"]).get("/api/tasks", {"code": "A1.M1.T1"}).json()["results"]
    assert listed[0]["struck_off_from"] == "2024-04"

    # a struck-off month takes no report: 400, nothing written
    refused = _create(_client(users["reporter_a"]), task_a.pk, period="2024-05")
    assert refused.status_code == 400 and not Report.objects.filter(period__month=5).exists()

    for who in ("reporter_a", "leader", "county_c"):
        assert _client(users[who]).post(f"{url}/reopen", {"reason": "整改"}, format="json").status_code == 403
    office = _client(users["office"])
    empty = office.post(f"{url}/reopen", {"reason": "  "}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()
    assert office.post(f"{url}/reopen", {}, format="json").status_code == 400
    settings.JINGJIN_AS_OF = "2024-06-10"
    reopened = office.post(f"{url}/reopen", {"reason": "验收不合格"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["struck_off_from"] is None
    assert (
        AuditEntry.objects.filter(content_type__model="strikeoff", source="api", action="update").count() == 1
    )
    assert (
        _create(
            _client(users["reporter_a"]), task_a.pk, period="2024-06", regression_reason="返工"
        ).status_code
        == 201
    )
    assert (
        office.post(f"{url}/reopen", {"reason": "again"}, format="json").status_code == 400
    )  # not struck off


def test_the_reports_list_of_a_month_leaves_struck_off_tasks_out_of_due(users, approver_a, task_a):
    from jingjin.dashboard.selectors import cockpit
    from jingjin.reporting.services import period_get_or_create

    _approved_100(users, approver_a, task_a)
    april = period_get_or_create(year=2024, month=4)
    body = _client(users["leader"]).get("/api/cockpit", {"period": "2024-04"}).json()
    assert "A1.M1.T1" not in [a["task"] for a in body["reports"]["attention"]]
    assert body["reports"]["due"] == len(cockpit(user=users["leader"], period=april).report_rows) == 1
