"""The API of issue 20's practices: instructions, extension requests, urgings, meetings, stationings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jingjin.core import clock
from jingjin.plans.models import Task
from jingjin.supervision.models import Instruction, Meeting, Stationing

pytestmark = pytest.mark.django_db


def post(client, user, path, data):
    client.force_login(user)
    return client.post(path, data, content_type="application/json")


def test_instructions_api(client, users):
    task = Task.objects.get(code="A1.M1.T1")
    body = {
        "text": "抓紧",
        "units": ["t.a"],
        "deadline": str(clock.today() + timedelta(days=5)),
        "task": task.pk,
    }
    assert client.post("/api/instructions", body, content_type="application/json").status_code == 401
    assert post(client, users["reporter_a"], "/api/instructions", body).status_code == 403
    assert post(client, users["leader"], "/api/instructions", {**body, "task": None}).status_code == 400
    response = post(client, users["leader"], "/api/instructions", body)
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["assignee_unit"] == "t.a"
    client.force_login(users["reporter_b"])
    listed = client.get("/api/instructions?state=open").json()
    assert listed["count"] == 1 and Instruction.objects.count() == 1


def test_extension_requests_api(client, users, item):
    new = str(item.deadline + timedelta(days=9))
    assert (
        post(
            client,
            users["reporter_b"],
            "/api/extension-requests",
            {"item": item.pk, "new_deadline": new, "reason": "r"},
        ).status_code
        == 403
    )
    response = post(
        client,
        users["reporter_a"],
        "/api/extension-requests",
        {"item": item.pk, "new_deadline": new, "reason": "雨季"},
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert (
        post(client, users["reporter_a"], f"/api/extension-requests/{pk}/grant", {"reason": "x"}).status_code
        == 403
    )
    assert post(client, users["office"], f"/api/extension-requests/{pk}/grant", {}).status_code == 400
    granted = post(client, users["office"], f"/api/extension-requests/{pk}/grant", {"reason": "同意"})
    assert granted.status_code == 200 and granted.json()["original_deadline"] == str(item.deadline)
    assert (
        post(client, users["office"], f"/api/extension-requests/{pk}/refuse", {"reason": "晚了"}).status_code
        == 409
    )


def test_meetings_and_stationings_api(client, users):
    today = clock.today()
    meeting = {
        "title": "调度会",
        "date": str(today),
        "place": "现场",
        "chair": "李某（演示）",
        "units": ["t.a"],
        "tasks": [],
        "notes": "",
        "decisions": [{"text": "完成征地", "unit": "t.a", "deadline": str(today + timedelta(days=3))}],
    }
    assert post(client, users["leader"], "/api/meetings", meeting).status_code == 403
    response = post(client, users["office"], "/api/meetings", meeting)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert post(client, users["reporter_a"], f"/api/meetings/{pk}/issue", {}).status_code == 403
    issued = post(client, users["office"], f"/api/meetings/{pk}/issue", {})
    assert issued.status_code == 200 and issued.json()["decisions"][0]["items"][0].startswith("DB-")
    assert Meeting.objects.get(pk=pk).decisions.get().items.count() == 1
    task = Task.objects.get(code="A1.M1.T1")
    station = {
        "cadre_name": "张某（演示）",
        "cadre_unit": "t.a",
        "task": task.pk,
        "purpose": "推进",
        "start": str(today - timedelta(days=1)),
        "end": str(today + timedelta(days=30)),
    }
    assert post(client, users["reporter_a"], "/api/stationings", station).status_code == 403
    response = post(client, users["office"], "/api/stationings", station)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert post(client, users["reporter_b"], f"/api/stationings/{pk}/log", {"text": "x"}).status_code == 403
    assert (
        post(client, users["reporter_a"], f"/api/stationings/{pk}/log", {"text": "走访"}).status_code == 200
    )
    assert (
        post(client, users["reporter_a"], f"/api/stationings/{pk}/close", {"summary": "s"}).status_code == 403
    )
    closed = post(client, users["office"], f"/api/stationings/{pk}/close", {"summary": "完成"})
    assert closed.status_code == 200 and Stationing.objects.get(pk=pk).closed_at is not None
    client.force_login(users["reporter_b"])
    assert client.get("/api/urgings").status_code == 200
