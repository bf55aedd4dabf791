"""A unit changes only its own objects — in the web UI and in the API — and every write is audited."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import restrict
from jingjin.plans.models import Indicator, Task
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def task(code: str) -> Task:
    return Task.objects.get(code=code)


def web_login(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def test_restrict_is_the_one_rule(users):
    tasks = Task.objects.all()
    assert set(restrict(users["reporter_a"], "change", tasks).values_list("code", flat=True)) == {"A1.M1.T1"}
    assert set(restrict(users["reporter_b"], "change", tasks).values_list("code", flat=True)) == {"A1.M1.T2"}
    assert restrict(users["leader"], "change", tasks).count() == 0
    assert restrict(users["office"], "change", tasks).count() == 2
    assert restrict(users["reporter_a"], "view", tasks).count() == 2
    assert restrict(users["reporter_a"], "delete", tasks).count() == 0
    assert Task.objects.restrict(users["county_c"], "change").count() == 0  # lists t.c but is not led by it


def test_reporter_edits_own_task_in_the_web_ui(client, users):
    web_login(client, "reporter_a")
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/")
    assert page.status_code == 200 and b'data-testid="edit-task"' in page.content
    response = client.post(
        "/plan/test-plan/tasks/A1.M1.T1/edit/",
        {
            "description_zh": "本月新说明",
            "description_en": "New description",
            "start": "2021-10-01",
            "end": "2025-12-31",
        },
    )
    assert response.status_code == 302
    assert task("A1.M1.T1").description_zh == "本月新说明"
    entry = AuditEntry.objects.filter(action="update", object_repr__startswith="A1.M1.T1").get()
    assert entry.user_name == "reporter_a" and entry.unit.code == "t.a" and entry.source == "web"
    assert entry.before["description_zh"] == "" and entry.after["description_zh"] == "本月新说明"
    assert entry.before["start"] == "2021-09-10" and entry.after["start"] == "2021-10-01"


def test_reporter_is_refused_on_another_departments_task_in_the_web_ui(client, users):
    web_login(client, "reporter_a")
    page = client.get("/plan/test-plan/tasks/A1.M1.T2/")
    assert page.status_code == 200 and b'data-testid="edit-task"' not in page.content
    assert client.get("/plan/test-plan/tasks/A1.M1.T2/edit/").status_code == 403
    response = client.post("/plan/test-plan/tasks/A1.M1.T2/edit/", {"description_zh": "越权"})
    assert response.status_code == 403
    assert task("A1.M1.T2").description_zh == ""
    assert not AuditEntry.objects.filter(action="update").exists()


def test_leader_reads_but_changes_nothing(client, users):
    web_login(client, "leader")
    assert client.get("/").status_code == 200
    assert client.post("/plan/test-plan/tasks/A1.M1.T1/edit/", {"description_zh": "x"}).status_code == 403
    assert client.get("/plan/import/").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, loaded_plan):
    response = client.get("/plan/test-plan/tasks/A1.M1.T1/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_reporter_patches_own_task_and_is_refused_on_another(users):
    mine, other = task("A1.M1.T1"), task("A1.M1.T2")
    client = api(users["reporter_a"])
    ok = client.patch(f"/api/tasks/{mine.pk}", {"description_en": "via API"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["description_en"] == "via API"
    refused = client.patch(f"/api/tasks/{other.pk}", {"description_en": "not mine"}, format="json")
    assert refused.status_code == 403
    assert task("A1.M1.T2").description_en == ""
    entry = AuditEntry.objects.get(action="update")
    assert (entry.source, entry.user_name, entry.before["description_en"], entry.after["description_en"]) == (
        "api",
        "reporter_a",
        "",
        "via API",
    )


def test_api_reporter_may_not_change_plan_office_fields(users):
    mine = task("A1.M1.T1")
    response = api(users["reporter_a"]).patch(f"/api/tasks/{mine.pk}", {"lead_unit": "t.b"}, format="json")
    assert response.status_code == 403
    assert "lead_unit" in response.json()["detail"]
    assert task("A1.M1.T1").lead_unit.code == "t.a"


def test_api_indicator_of_own_task(users):
    ind = Indicator.objects.get(code="A1.M1.T1.I1")
    response = api(users["reporter_a"]).patch(
        f"/api/indicators/{ind.pk}", {"baseline_value": "12"}, format="json"
    )
    assert response.status_code == 200, response.content
    refused = api(users["reporter_b"]).patch(
        f"/api/indicators/{ind.pk}", {"baseline_value": "13"}, format="json"
    )
    assert refused.status_code == 403
    entry = AuditEntry.objects.get(action="update")
    assert entry.before["baseline_value"] == 0 and entry.after["baseline_value"] == 12


def test_api_office_creates_and_deletes_with_audit(users, loaded_plan):
    client = api(users["office"])
    measure = task("A1.M1.T1").measure
    created = client.post(
        "/api/tasks",
        {
            "measure": measure.pk,
            "code": "A1.M1.T3",
            "name_zh": "新任务",
            "name_en": "New task",
            "lead_unit": "t.b",
            "co_units": ["t.a"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    entry = AuditEntry.objects.get(action="create", object_repr__startswith="A1.M1.T3")
    assert entry.after["lead_unit"] == "t.b" and entry.after["co_units"] == ["t.a"]
    assert api(users["reporter_b"]).delete(f"/api/tasks/{created.json()['id']}").status_code == 403
    gone = client.delete(f"/api/tasks/{task('A1.M1.T1').pk}")
    assert gone.status_code == 204
    deleted = set(AuditEntry.objects.filter(action="delete").values_list("object_repr", flat=True))
    assert deleted == {"A1.M1.T1 甲局任务", "A1.M1.T1.I1 户厕"}  # the cascade is recorded too
    before = AuditEntry.objects.get(action="delete", object_repr__startswith="A1.M1.T1.I1").before
    assert before["target_value"] == 57996


def test_api_reporters_cannot_create(users, loaded_plan):
    measure = task("A1.M1.T1").measure
    response = api(users["reporter_a"]).post(
        "/api/tasks",
        {"measure": measure.pk, "code": "A1.M1.T9", "name_zh": "x", "name_en": "x"},
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_api_anonymous_writes_are_refused(loaded_plan, method):
    pk = task("A1.M1.T1").pk
    path = "/api/tasks" if method == "post" else f"/api/tasks/{pk}"
    response = getattr(api(), method)(path, {"name_zh": "x"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_api_over_http_with_a_token(live_server, users):
    token = Token.objects.create(user=users["reporter_a"]).key
    other = task("A1.M1.T2").pk

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            live_server.url + path,
            method=method,
            data=json.dumps(body).encode() if body else None,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    status, listing = call("GET", "/api/tasks?plan=test-plan")
    assert status == 200 and [t["code"] for t in listing["results"]] == ["A1.M1.T1", "A1.M1.T2"]
    assert call("PATCH", f"/api/tasks/{other}", {"description_zh": "越权"})[0] == 403
    status, units = call("GET", "/api/units?kind=county")
    assert status == 200 and [u["code"] for u in units["results"]] == ["t.c"]


def test_audit_trail_page_filters_by_user_unit_and_date(client, users):
    web_login(client, "reporter_a")
    client.post(
        "/plan/test-plan/tasks/A1.M1.T1/edit/",
        {"description_zh": "甲的修改", "description_en": "", "start": "2021-09-10", "end": "2025-12-31"},
    )
    web_login(client, "office")
    page = client.get("/audit/", {"user": "reporter_a"})
    assert page.status_code == 200
    assert "甲的修改" in page.content.decode()
    assert page.context["page"].paginator.count == 1
    assert client.get("/audit/", {"unit": "t.b"}).context["page"].paginator.count == 0
    assert client.get("/audit/", {"unit": "t.a"}).context["page"].paginator.count == 1
    assert (
        client.get("/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"})
        .context["page"]
        .paginator.count
        == 0
    )
    history = client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    assert "甲的修改" in history and "reporter_a" in history


def test_audit_api_lists_changes_with_before_and_after(users):
    mine = task("A1.M1.T1")
    api(users["reporter_a"]).patch(f"/api/tasks/{mine.pk}", {"end": "2024-12-31"}, format="json")
    response = api(users["leader"]).get("/api/audit", {"user": "reporter_a"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["before"]["end"] == "2025-12-31" and row["after"]["end"] == "2024-12-31"
    assert row["unit"] == "t.a" and row["model"] == "task"


@pytest.mark.parametrize(("path", "username"), [("actions", "reporter_a"), ("measures", "reporter_a")])
def test_unit_users_may_not_change_the_actions_and_measures_their_unit_leads(users, path, username):
    """Finding 6 of issue 18: a unit user changes tasks and indicators, never actions and measures,
    even those its unit leads (docs/permissions.md)."""
    from jingjin.plans.models import Action, Measure

    model = Action if path == "actions" else Measure
    node = model.objects.get(code="A1" if path == "actions" else "A1.M1")
    assert node.lead_unit.code == "t.a"
    api = APIClient()
    api.force_authenticate(users[username])
    response = api.patch(f"/api/{path}/{node.pk}", {"description_zh": "越权"}, format="json")
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.description_zh == ""
    assert not AuditEntry.objects.filter(action="update").exists()
    office = APIClient()
    office.force_authenticate(users["office"])
    assert (
        office.patch(f"/api/{path}/{node.pk}", {"description_zh": "可以"}, format="json").status_code == 200
    )
