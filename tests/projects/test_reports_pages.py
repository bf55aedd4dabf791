"""The project-report pages: my project reports, the form, the report with its review and the
support request → supervision item button, the review queue; flat query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.projects.models import ProjectReport
from jingjin.supervision.models import SupervisionItem
from tests.projects.reports_world import World, make_world, project

pytestmark = pytest.mark.django_db

FORM = {
    "investment_month": "50",
    "investment_ytd": "150",
    "image_progress": "厂房封顶",
    "problems": "",
    "support_needed": "请协调天然气接入",
    "ytd_reason": "",
    "milestone_topped_out": "2024-03-18",
}


@pytest.fixture
def world(users: dict[str, Any], make_user: Any, settings: Any) -> World:
    settings.LANGUAGE_CODE = "en"
    return make_world(users, make_user)


def test_fill_submit_review_and_supervise_through_the_pages(client: Any, world: World) -> None:
    u = world.users
    client.force_login(u["reporter_a"])
    home = client.get("/projects/reports/?period=2024-03")
    assert home.status_code == 200
    assert [p.code for p in (r.project for r in home.context["rows"])] == ["XM-A"]
    edit = "/projects/reports/2024-03/XM-A/"
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {**FORM, "investment_ytd": "10", "action": "save"})
    assert bad.status_code == 400 and bad.context["form"].errors["investment_ytd"]
    assert not ProjectReport.objects.exists()
    response = client.post(edit, {**FORM, "action": "submit"})
    report = ProjectReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/reports/{report.pk}/"
    assert report.status == "submitted"
    assert list(report.milestones_reached.values_list("kind", flat=True)) == ["topped_out"]
    # the report is no longer editable: the form sends to the report's page
    assert client.get(edit)["Location"] == f"/projects/reports/{report.pk}/"
    assert client.post(f"/projects/reports/{report.pk}/", {"action": "approve"}).status_code == 403
    client.force_login(u["reporter_b"])
    assert client.post(edit, {**FORM, "action": "save"}).status_code == 403

    client.force_login(u["approver_a"])
    queue = client.get("/projects/reports/review/")
    assert [r.pk for r in queue.context["reports"]] == [report.pk]
    page = client.get(f"/projects/reports/{report.pk}/")
    assert page.context["may_review"] and page.context["supervise_form"] is None
    client.post(f"/projects/reports/{report.pk}/", {"action": "approve", "comment": "同意"})
    report.refresh_from_db()
    assert report.status == "approved"

    client.force_login(u["office"])
    page = client.get(f"/projects/reports/{report.pk}/")
    assert page.context["supervise_form"] is not None and not page.context["may_review"]
    made = client.post(
        f"/projects/reports/{report.pk}/supervise/", {"assignee_unit": "t.c", "deadline": "2099-02-01"}
    )
    item = SupervisionItem.objects.get()
    assert made["Location"] == f"/supervision/{item.code}/"
    assert item.assignee_unit.code == "t.c" and "请协调天然气接入" in item.body
    shown = client.get(f"/supervision/{item.code}/").content.decode()
    assert f"/projects/reports/{report.pk}/" in shown
    assert item.code in client.get(f"/projects/reports/{report.pk}/").content.decode()
    # once only
    client.post(
        f"/projects/reports/{report.pk}/supervise/", {"assignee_unit": "t.a", "deadline": "2099-02-01"}
    )
    assert SupervisionItem.objects.count() == 1


def test_the_review_queue_and_supervising_are_refused_to_others(client: Any, world: World) -> None:
    client.force_login(world.users["reporter_a"])
    assert client.get("/projects/reports/review/").status_code == 403
    client.force_login(world.users["leader"])
    assert client.get("/projects/reports/").context["rows"] == []
    client.post("/projects/reports/2024-03/XM-A/", {**FORM, "action": "save"})
    assert not ProjectReport.objects.exists()
    client.force_login(world.users["reporter_a"])
    client.post("/projects/reports/2024-03/XM-A/", {**FORM, "action": "submit"})
    report = ProjectReport.objects.get()
    client.force_login(world.users["approver_a"])
    assert (
        client.post(f"/projects/reports/{report.pk}/supervise/", {"deadline": "2099-01-01"}).status_code
        == 403
    )
    assert not SupervisionItem.objects.exists()


def test_my_project_reports_runs_flat_queries(client: Any, world: World) -> None:
    client.force_login(world.users["office"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/projects/reports/?period=2024-03").status_code == 200
        return len(queries)

    client.post("/projects/reports/2024-03/XM-A/", FORM)  # the office does not fill: nothing stored
    few = count()
    for n in range(6):
        code = f"XM-N{n}"
        project(code, "t.b")
    assert len(client.get("/projects/reports/?period=2024-03").context["rows"]) == 8
    assert count() == few
