"""The supervision API through the test client: issue, steps, filters, and who gets 401/403/409."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jingjin.plans.models import Task
from jingjin.supervision.choices import ItemState
from jingjin.supervision.models import SupervisionItem

pytestmark = pytest.mark.django_db

URL = "/api/supervision-items"


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_anonymous_gets_401(client, item):
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{item.pk}").status_code == 401
    assert post(client, f"{URL}/{item.pk}/acknowledge").status_code == 401
    assert post(client, URL, {"title": "x"}).status_code == 401


def test_the_plan_office_issues_and_units_and_leaders_may_not(client, users):
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    task = Task.objects.get(code="A1.M1.T1")
    body = {
        "title": "API 督办",
        "body": "说明",
        "assignee_unit": "t.a",
        "task": task.pk,
        "deadline": deadline,
    }
    for who in ("reporter_a", "county_c", "leader"):
        assert post(as_user(client, users[who]), URL, body).status_code == 403
    response = post(as_user(client, users["office"]), URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["code"].startswith("DB-") and data["state"] == "assigned"
    assert (data["assignee_unit"], data["task"], data["deadline"]) == ("t.a", task.pk, deadline)
    assert data["issued_by"] == "office" and data["signal"] == ""
    assert [s["step"] for s in data["steps"]] == ["issue"]


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x", "assignee_unit": "t.a", "deadline": "2000-01-01"},  # before today
        {"title": "x", "assignee_unit": "no-such-unit", "deadline": "2099-01-01"},
        {"title": "", "assignee_unit": "t.a", "deadline": "2099-01-01"},
        {"title": "x", "assignee_unit": "t.a", "deadline": "2099-01-01", "task": 10**12},
        {"title": "x", "assignee_unit": "t.a"},
    ],
)
def test_bad_items_get_400(client, users, body):
    response = post(as_user(client, users["office"]), URL, body)
    assert response.status_code == 400, response.content
    assert not SupervisionItem.objects.exists()


def test_the_steps_through_the_api(client, users, item):
    path = f"{URL}/{item.pk}"
    reporter = as_user(client, users["reporter_a"])
    response = post(reporter, f"{path}/acknowledge", {"text": "收到"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "acknowledged"
    assert post(reporter, f"{path}/acknowledge").status_code == 409  # already acknowledged
    assert "acknowledged" in post(reporter, f"{path}/acknowledge").json()["detail"]
    assert post(reporter, f"{path}/start").json()["state"] == "in_progress"
    response = post(reporter, f"{path}/answer", {"text": ""})
    assert response.status_code == 400 and "answer" in response.json()["text"][0]
    response = post(reporter, f"{path}/answer", {"text": "已办理完毕"})
    assert response.json()["state"] == "answered" and response.json()["answer"] == "已办理完毕"
    assert post(reporter, f"{path}/close").status_code == 403

    office = as_user(client, users["office"])
    assert post(office, f"{path}/reopen").status_code == 400
    assert post(office, f"{path}/reopen", {"text": "补充材料"}).json()["state"] == "in_progress"
    assert post(as_user(client, users["reporter_a"]), f"{path}/answer", {"text": "已补充"}).status_code == 200
    response = post(as_user(client, users["office"]), f"{path}/close", {"text": "办结"})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "closed" and data["closed_at"]
    assert [s["step"] for s in data["steps"]] == [
        "issue",
        "acknowledge",
        "start",
        "answer",
        "reopen",
        "answer",
        "close",
    ]
    assert data["steps"][1] == {
        **data["steps"][1],
        "actor": "reporter_a",
        "actor_unit": "t.a",
        "text": "收到",
    }


@pytest.mark.parametrize("who", ["reporter_b", "county_c", "leader", "office"])
def test_other_units_leaders_and_the_office_may_not_do_unit_steps(client, users, item, who):
    response = post(as_user(client, users[who]), f"{URL}/{item.pk}/acknowledge")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED


def test_unknown_items_get_404(client, users):
    office = as_user(client, users["office"])
    assert client.get(f"{URL}/999999").status_code == 404
    assert post(office, f"{URL}/999999/close").status_code == 404
    assert client.get(f"{URL}/abc").status_code == 404


def test_list_filters_and_scope(client, users, make_item):
    today = timezone.localdate()
    late = make_item(unit="t.a", deadline=today, title="今天到期")
    SupervisionItem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))  # now overdue
    soon = make_item(unit="t.a", deadline=today + timedelta(days=3), title="三天后")
    far = make_item(unit="t.b", deadline=today + timedelta(days=30), state=ItemState.ANSWERED, title="远")

    def codes(user, query=""):
        response = as_user(client, users[user]).get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes("office") == {late.code, soon.code, far.code}
    assert codes("reporter_a") == {late.code, soon.code}
    assert codes("reporter_b") == {far.code}
    assert codes("office", "?state=answered") == {far.code}
    assert codes("office", "?unit=t.b") == {far.code}
    assert codes("office", "?unit=nowhere") == set()
    assert codes("office", "?overdue=true") == {late.code}
    assert codes("office", "?overdue=false") == {soon.code, far.code}
    assert codes("office", "?due_soon=true") == {soon.code}
    rows = as_user(client, users["office"]).get(URL).json()["results"]
    assert {r["code"]: r["signal"] for r in rows} == {
        late.code: "overdue",
        soon.code: "due_soon",
        far.code: "",
    }
    assert client.get(f"{URL}?state=bogus").status_code == 400
    assert client.get(f"{URL}?overdue=perhaps").status_code == 400


def test_another_units_item_can_be_read_but_not_acted_on(client, users, item):
    reporter_b = as_user(client, users["reporter_b"])
    assert reporter_b.get(f"{URL}/{item.pk}").status_code == 200
    assert post(reporter_b, f"{URL}/{item.pk}/start").status_code == 403


def test_the_openapi_document_lists_the_steps(client, users):
    client.force_login(users["leader"])  # the document is for signed-in users
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths[URL])
    assert "get" in paths[URL + "/{id}"]
    assert "put" not in paths[URL + "/{id}"] and "delete" not in paths[URL + "/{id}"]
    for step in ("acknowledge", "start", "answer", "close", "reopen"):
        operation = paths[f"{URL}/{{id}}/{step}"]["post"]
        assert {"200", "403", "409"} <= set(operation["responses"])
