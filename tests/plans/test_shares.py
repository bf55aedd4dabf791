"""County and park shares of a city task (任务分解): services, API, pages and the roll-up.

The test plan: A1 → A1.M1 → A1.M1.T1 (Bureau A, names County C among its counties) and A1.M1.T2
(Bureau B). Each test adds a park P (t.p) and a second county D (t.d) when it needs them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans import shares
from jingjin.plans.models import Measure, Task
from jingjin.reporting.models import Report
from jingjin.reporting.selectors import latest_reported, node_progress
from jingjin.reporting.services import period_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(users: dict[str, Any]) -> dict[str, Unit]:
    city = Unit.objects.get(code="t")
    Unit.objects.create(
        code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=city, position=5
    )
    Unit.objects.create(code="t.p", name_zh="戊园区", name_en="Park P", kind="park", parent=city, position=6)
    return {u.code: u for u in Unit.objects.all()}


def t1() -> Task:
    return Task.objects.get(code="A1.M1.T1")


def report(task: Task, year: int, month: int, pct: int, status: str = "approved") -> Report:
    return Report.objects.create(
        task=task, period=period_get_or_create(year=year, month=month), completion_pct=pct, status=status
    )


def audit_of(obj: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(content_type__model="task", object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --------------------------------------------------------------------------------------------
# Services


def test_create_a_share_for_a_county(users, units):
    share = shares.task_share_create(
        actor=users["office"], task=t1(), unit=units["t.c"], weight="2", target="120", target_unit="户"
    )
    assert share.code == "A1.M1.T1.S1" and share.parent == t1() and share.measure == t1().measure
    assert share.lead_unit.code == "t.c"
    assert (share.name_zh, share.name_en) == ("甲局任务（丙县）", "Task of A (County C)")
    assert (share.weight, share.share_target, share.share_target_unit) == (
        Decimal("2"),
        Decimal("120"),
        "户",
    )
    assert (share.start, share.end) == (date(2021, 9, 10), date(2025, 12, 31))  # the city task's window
    assert audit_of(share) == ["create"]
    second = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.p"])
    assert second.code == "A1.M1.T1.S2" and second.weight == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight": "-1"}, "weight"),
        ({"weight": "nan"}, "weight"),
        ({"weight": "inf"}, "weight"),
        ({"weight": "abc"}, "weight"),
        ({"target": "1e20"}, "target"),
        ({"target": "Infinity"}, "target"),
        ({"start": date(2025, 1, 1), "end": date(2024, 1, 1)}, "end"),
        ({"target_unit": "x" * 41}, "target_unit"),
    ],
)
def test_bad_share_input_names_the_field_and_writes_nothing(users, units, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"], **kwargs)
    assert field in exc.value.message_dict
    assert not Task.objects.filter(parent__isnull=False).exists()
    assert not AuditEntry.objects.filter(content_type__model="task", source="web").exists()


def test_only_counties_and_parks_one_share_each_no_share_of_a_share(users, units):
    with pytest.raises(ValidationError) as exc:
        shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.a"])
    assert "unit" in exc.value.message_dict
    share = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    with pytest.raises(ValidationError) as exc:
        shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        shares.task_share_create(actor=users["office"], task=share, unit=units["t.p"])
    assert "task" in exc.value.message_dict


def test_only_the_plan_office_manages_shares(users, units):
    for role in ("reporter_a", "county_c", "leader"):
        with pytest.raises(PermissionDenied):
            shares.task_share_create(actor=users[role], task=t1(), unit=units["t.c"])
    share = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    with pytest.raises(PermissionDenied):
        shares.task_share_update(actor=users["county_c"], share=share, weight=5)
    with pytest.raises(PermissionDenied):
        shares.task_share_delete(actor=users["county_c"], share=share)


def test_split_into_the_task_counties_all_or_nothing(users, units):
    task = t1()
    with pytest.raises(ValidationError) as exc:
        shares.task_split(actor=users["office"], task=task, units=[units["t.c"], units["t.b"]])
    assert "units" in exc.value.message_dict
    assert not task.shares.exists()
    made = shares.task_split(actor=users["office"], task=task, units=[units["t.c"], units["t.p"]])
    assert [s.lead_unit.code for s in made] == ["t.c", "t.p"]
    # again with one more: the held ones are kept, the new one added
    again = shares.task_split(actor=users["office"], task=task, units=[units["t.c"], units["t.d"]])
    assert [s.lead_unit.code for s in again] == ["t.d"]
    assert task.shares.count() == 3


def test_update_and_delete_are_audited_and_a_reported_share_is_kept(users, units):
    share = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    shares.task_share_update(actor=users["office"], share=share, weight="3.5", target="10", target_unit="个")
    share.refresh_from_db()
    assert (share.weight, share.share_target, share.share_target_unit) == (
        Decimal("3.5"),
        Decimal("10"),
        "个",
    )
    with pytest.raises(ValidationError) as exc:
        shares.task_share_update(actor=users["office"], share=share, weight="-0.1")
    assert "weight" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        shares.task_share_update(actor=users["office"], share=share, lead_unit=units["t.p"])
    assert "lead_unit" in exc.value.message_dict
    report(share, 2024, 3, 40)
    with pytest.raises(ValidationError) as exc:
        shares.task_share_delete(actor=users["office"], share=share)
    assert "share" in exc.value.message_dict
    Report.objects.filter(task=share).delete()
    pk = share.pk
    shares.task_share_delete(actor=users["office"], share=share)
    assert not Task.objects.filter(pk=pk).exists()
    assert audit_of(Task(pk=pk)) == ["create", "update", "delete"]


# --------------------------------------------------------------------------------------------
# Roll-up


def _split(users: dict[str, Any], units: dict[str, Unit]) -> tuple[Task, Task]:
    c = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"], weight=1)
    p = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.p"], weight=3)
    return c, p


def test_a_city_task_rolls_up_from_its_shares(users, units):
    c, p = _split(users, units)
    report(t1(), 2024, 1, 90)  # the city task's own (older) report no longer counts
    assert latest_reported([t1().pk]) == {}  # no share has reported yet
    report(c, 2024, 2, 40)
    report(p, 2024, 3, 80, status="submitted")
    report(p, 2024, 4, 95, status="draft")  # drafts do not count
    # (1 × 40 + 3 × 80) / 4 = 70
    assert latest_reported([t1().pk]) == {t1().pk: (70.0, "2024-03")}
    # the shares themselves keep their own figures
    assert latest_reported([c.pk, p.pk]) == {c.pk: (40, "2024-02"), p.pk: (80, "2024-03")}
    # up to 2024-02 only County C had reported: 40
    assert latest_reported([t1().pk], up_to=period_get_or_create(year=2024, month=2)) == {
        t1().pk: (40.0, "2024-02")
    }
    progress = node_progress(user=users["office"], node=t1())
    assert (progress.pct, progress.month) == (70.0, "2024-03")


def test_shares_count_inside_their_task_on_the_measure(users, units):
    c, p = _split(users, units)
    report(c, 2024, 3, 40)
    report(p, 2024, 3, 80)
    report(Task.objects.get(code="A1.M1.T2"), 2024, 3, 10)
    # T1 = 70 (weight 1), T2 = 10 (weight 2.5): (70 + 25) / 3.5 = 27.142857
    progress = node_progress(user=users["office"], node=Measure.objects.get(code="A1.M1"))
    assert progress.pct == pytest.approx(95 / 3.5)
    assert progress.coverage == pytest.approx(1.0)


def test_latest_reported_costs_one_query_with_or_without_shares(users, units):
    _split(users, units)
    ids = list(Task.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        latest_reported(ids)
    assert len(queries) == 1


# --------------------------------------------------------------------------------------------
# API


def test_api_lists_creates_changes_and_deletes_shares(client, users, units):
    client.force_login(users["office"])
    task = t1()
    url = f"/api/tasks/{task.pk}/shares"
    created = client.post(
        url, {"unit": "t.c", "weight": "2", "target": "100", "target_unit": "户"}, "application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["unit"], body["task"], body["weight"]) == (
        "A1.M1.T1.S1",
        "t.c",
        "A1.M1.T1",
        "2.000000",
    )
    assert body["latest_pct"] is None
    report(Task.objects.get(pk=body["id"]), 2024, 3, 55)
    listed = client.get(url).json()
    assert [(s["unit"], s["latest_pct"], s["latest_month"]) for s in listed] == [("t.c", 55.0, "2024-03")]
    patched = client.patch(f"{url}/{body['id']}", {"weight": "0.5"}, "application/json")
    assert patched.status_code == 200 and patched.json()["weight"] == "0.500000"
    refused = client.delete(f"{url}/{body['id']}")
    assert refused.status_code == 400 and "share" in refused.json()
    Report.objects.filter(task_id=body["id"]).delete()
    assert client.delete(f"{url}/{body['id']}").status_code == 204
    assert not task.shares.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"unit": "t.a"}, "unit"),
        ({"unit": "nope"}, "unit"),
        ({}, "unit"),
        ({"unit": "t.c", "weight": "-2"}, "weight"),
        ({"unit": "t.c", "weight": "NaN"}, "weight"),
        ({"unit": "t.c", "target": "1e99"}, "target"),
        ({"unit": "t.c", "start": "2025-01-01", "end": "2024-01-01"}, "end"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field(client, users, units, payload, field):
    client.force_login(users["office"])
    response = client.post(f"/api/tasks/{t1().pk}/shares", payload, "application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not t1().shares.exists()


def test_api_writes_are_for_the_plan_office(client, users, units):
    share = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    client.force_login(users["county_c"])
    url = f"/api/tasks/{t1().pk}/shares"
    assert client.get(url).status_code == 200
    assert client.post(url, {"unit": "t.p"}, "application/json").status_code == 403
    assert client.patch(f"{url}/{share.pk}", {"weight": "9"}, "application/json").status_code == 403
    assert client.delete(f"{url}/{share.pk}").status_code == 403


# --------------------------------------------------------------------------------------------
# Pages


def test_task_page_lists_shares_and_the_office_adds_them(client, users, units):
    client.force_login(users["office"])
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    assert 'data-testid="add-shares"' in page
    # County C is proposed (the task names it among its counties)
    assert 'value="t.c" id="share-unit-' in page
    response = client.post(
        "/plan/test-plan/tasks/A1.M1.T1/shares/", {"units": ["t.c", "t.p"], "weight": "1"}, follow=True
    )
    assert response.status_code == 200
    assert sorted(t1().shares.values_list("lead_unit__code", flat=True)) == ["t.c", "t.p"]
    c = t1().shares.get(lead_unit__code="t.c")
    report(c, 2024, 3, 40)
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    table = page[page.index('data-testid="task-shares"') :]
    assert "丙县" in table and "40%（2024-03）" not in table and "40% (2024-03)" in table
    # bad weight: a message naming the field, nothing changed
    response = client.post(f"/plan/test-plan/tasks/A1.M1.T1/shares/{c.pk}/", {"weight": "-3"}, follow=True)
    assert "权重" in response.content.decode()
    c.refresh_from_db()
    assert c.weight == 1
    # the measure's task list shows a count badge, not the shares as tasks
    fragment = client.get("/plan/test-plan/measures/A1.M1/tasks/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="task-shares-count"' in fragment and "A1.M1.T1.S1" not in fragment


def test_county_user_sees_shares_but_no_form(client, users, units):
    shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    client.force_login(users["county_c"])
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    assert 'data-testid="task-shares"' in page and 'data-testid="add-shares"' not in page
    assert client.post("/plan/test-plan/tasks/A1.M1.T1/shares/", {"units": ["t.p"]}).status_code == 403
    share_page = client.get("/plan/test-plan/tasks/A1.M1.T1.S1/").content.decode()
    assert 'data-testid="share-of"' in share_page


def test_the_cockpit_rolls_shares_into_their_city_task(users, units):
    from jingjin.dashboard.selectors import cockpit

    c, p = _split(users, units)
    report(c, 2024, 3, 40)
    report(p, 2024, 3, 80)
    period = period_get_or_create(year=2024, month=3)
    with CaptureQueriesContext(connection) as with_shares:
        data = cockpit(user=users["leader"], period=period, today=date(2024, 4, 20))
    # the measure's tasks are T1 and T2: the shares are inside T1, whose progress is their roll-up
    assert [t.code for t in data.tasks] == ["A1.M1.T1", "A1.M1.T2"]
    assert data.tasks[0].reported_pct == pytest.approx(70.0)
    assert data.progress == pytest.approx(70.0)  # T2 has not reported
    # each county sees its own share, not the city task
    assert [t.code for t in data.county("t.c").tasks] == [c.code]
    assert [t.code for t in data.county("t.p").tasks] == [p.code]
    # the trends carry the roll-up too; the split city task is not due itself, its shares are
    march = next(point for point in data.trends if point.month == "2024-03")
    assert march.progress == pytest.approx(70.0)
    assert march.due == 3  # the two shares and T2
    # as many queries as without shares
    Report.objects.filter(task__in=[c, p]).delete()
    Task.objects.filter(pk__in=[c.pk, p.pk]).delete()
    cache.clear()  # deleted behind the services' back (no audit row): computed afresh, not cached
    with CaptureQueriesContext(connection) as without:
        cockpit(user=users["leader"], period=period, today=date(2024, 4, 20))
    assert len(with_shares) == len(without)


# --------------------------------------------------------------------------------------------
# Demo and plan import


def test_demo_shares_split_the_tasks_that_name_counties_and_get_demo_reports(users):
    from jingjin.plans.demo import demo_shares
    from jingjin.reporting.demo import demo_reports

    assert demo_shares() == 1  # T1 names County C
    share = t1().shares.get()
    assert share.lead_unit.code == "t.c" and share.code == "A1.M1.T1.S1"
    assert AuditEntry.objects.filter(object_id=str(share.pk), source="demo", action="create").exists()
    assert demo_shares() == 0  # idempotent
    assert demo_reports(today=date(2022, 3, 20)) > 0
    assert Report.objects.filter(task=share).exists()
    assert not Report.objects.filter(task=t1()).exists()  # reported through its share


def test_reloading_the_plan_file_keeps_the_shares(users, units):
    from jingjin.plans.services import plan_export, plan_import
    from tests.conftest import small_plan

    share = shares.task_share_create(actor=users["office"], task=t1(), unit=units["t.c"])
    result = plan_import(data=small_plan(), actor=None, source="test")
    assert not result.changed
    assert Task.objects.filter(pk=share.pk).exists()
    exported = plan_export(code="test-plan")
    codes = [t["code"] for t in exported["actions"][0]["measures"][0]["tasks"]]
    assert codes == ["A1.M1.T1", "A1.M1.T2"]
