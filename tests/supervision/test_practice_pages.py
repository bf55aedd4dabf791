"""The pages of issue 20's practices render for the right users and refuse the others."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.supervision import meetings, stationings

pytestmark = pytest.mark.django_db


def test_instruction_form_on_a_task_and_its_history_on_the_task_page(client, users, loaded_plan):
    task = Task.objects.get(code="A1.M1.T1")
    client.force_login(users["reporter_a"])
    assert client.get(f"/supervision/instructions/new/?task={task.pk}").status_code == 403
    client.force_login(users["leader"])
    assert client.get(f"/supervision/instructions/new/?task={task.pk}").status_code == 200
    data = {
        "task": task.pk,
        "text": "加快进度",
        "units": ["t.a"],
        "deadline": str(clock.today() + timedelta(days=7)),
    }
    response = client.post("/supervision/instructions/new/", data)
    assert response.status_code == 302
    got = client.get(f"/plan/{loaded_plan.code}/tasks/{task.code}/")
    assert got.status_code == 200, (response["Location"], got.status_code)
    page = got.content.decode()
    assert "加快进度" in page and 'data-testid="instructions-here"' in page
    assert "加快进度" in client.get("/supervision/instructions/").content.decode()


def test_lists_and_details_render(client, users, english):
    today = clock.today()
    meeting = meetings.meeting_record(
        actor=users["office"],
        title="调度会",
        date=today,
        place="现场",
        chair="李某（演示）",
        units=[],
        tasks=[],
        decisions=[meetings.DecisionInput(text="办", unit=Unit.objects.get(code="t.a"), deadline=today)],
    )
    stationing = stationings.stationing_create(
        actor=users["office"],
        cadre_name="张某（演示）",
        cadre_unit=Unit.objects.get(code="t.a"),
        purpose="推进",
        start=today,
        end=today + timedelta(days=9),
        task=Task.objects.get(code="A1.M1.T1"),
    )
    client.force_login(users["reporter_a"])
    for path in (
        "/supervision/extensions/",
        "/supervision/urgings/",
        "/supervision/meetings/",
        f"/supervision/meetings/{meeting.code}/",
        "/supervision/stationings/",
        f"/supervision/stationings/{stationing.code}/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/supervision/meetings/new/").status_code == 403
    response = client.get(f"/supervision/meetings/{meeting.code}/minutes.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.post(f"/supervision/stationings/{stationing.code}/log/", {"text": "走访三户"})
    assert "走访三户" in client.get(f"/supervision/stationings/{stationing.code}/").content.decode()
    client.force_login(users["office"])
    lines = f"t.a | {today + timedelta(days=3)} | 完成征地"
    response = client.post(
        "/supervision/meetings/new/",
        {"title": "二次调度", "date": str(today), "place": "某地", "chair": "王某", "decisions": lines},
    )
    assert response.status_code == 302
    bad = client.post(
        "/supervision/meetings/new/",
        {"title": "x", "date": str(today), "place": "某地", "chair": "王某", "decisions": "nope"},
    )
    assert bad.status_code == 400 and "Line 1" in bad.content.decode()
