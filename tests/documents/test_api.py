"""``/api/documents``: list, issue from a source, read, download, withdraw; who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from jingjin.core.models import Unit
from jingjin.documents.models import OfficialDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def issued(users: dict[str, Any], item: Any, loaded_plan: Any) -> dict[str, Any]:
    """A notice to t.a (through the API) and one to t.b."""
    from jingjin.supervision import services as supervision

    office = _client(users["office"])
    response = office.post(
        "/api/documents",
        {"plan": loaded_plan.code, "kind": "notice", "supervision_item": item.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    other = supervision.item_issue(
        actor=users["office"],
        title="乙局事项",
        assignee_unit=Unit.objects.get(code="t.b"),
        deadline=item.deadline,
    )
    second = office.post(
        "/api/documents",
        {"plan": loaded_plan.code, "kind": "notice", "supervision_item": other.pk},
        format="json",
    )
    return {"a": response.json(), "b": second.json()}


def test_the_office_issues_and_gets_the_number_and_the_files(
    issued: dict[str, Any], users: dict[str, Any]
) -> None:
    a = issued["a"]
    assert a["number"] == "督函〔2026〕1号" or a["number"].endswith("〕1号")
    assert issued["b"]["number"].endswith("〕2号")
    assert a["recipients"] == ["t.a"] and a["state"] == "issued"
    office = _client(users["office"])
    docx = office.get(a["files"]["docx"])
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "filename*=UTF-8''" in docx["Content-Disposition"]
    pdf = office.get(a["files"]["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_units_read_only_the_documents_addressed_to_them(
    issued: dict[str, Any], users: dict[str, Any]
) -> None:
    reporter = _client(users["reporter_a"])
    listed = reporter.get("/api/documents").json()
    assert [d["number"] for d in listed["results"]] == [issued["a"]["number"]]
    assert reporter.get(f"/api/documents/{issued['b']['id']}").status_code == 404
    assert reporter.get(f"/api/documents/{issued['b']['id']}/pdf").status_code == 404
    assert reporter.get(f"/api/documents/{issued['a']['id']}/pdf").status_code == 200
    assert len(_client(users["leader"]).get("/api/documents").json()["results"]) == 2
    assert _client(users["county_c"]).get("/api/documents").json()["results"] == []


def test_only_the_office_issues_and_withdraws(
    issued: dict[str, Any], users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    body = {"plan": loaded_plan.code, "kind": "notice", "supervision_item": item.pk}
    assert _client(users["reporter_a"]).post("/api/documents", body, format="json").status_code == 403
    assert _client(users["leader"]).post("/api/documents", body, format="json").status_code == 403
    url = f"/api/documents/{issued['a']['id']}/withdraw"
    assert _client(users["reporter_a"]).post(url, {"reason": "x"}, format="json").status_code == 403
    office = _client(users["office"])
    assert office.post(url, {}, format="json").status_code == 400
    done = office.post(url, {"reason": "有误"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert done.json()["number"] == issued["a"]["number"]
    assert office.post(url, {"reason": "再撤"}, format="json").status_code == 409


def test_a_source_is_required_for_each_kind(users: dict[str, Any], loaded_plan: Any) -> None:
    office = _client(users["office"])
    for kind, field in (("notice", "supervision_item"), ("bulletin", "period"), ("ranking", "ranking_list")):
        response = office.post("/api/documents", {"plan": loaded_plan.code, "kind": kind}, format="json")
        assert response.status_code == 400 and field in response.json(), kind
    assert office.get("/api/documents?kind=memo").status_code == 400
    assert office.get("/api/documents?year=23").status_code == 400
    assert not OfficialDocument.objects.exists()


def test_a_bad_or_unknown_period_is_refused(users: dict[str, Any], loaded_plan: Any) -> None:
    office = _client(users["office"])
    for code in ("2024-13", "0", "2099-01"):
        body = {"plan": loaded_plan.code, "kind": "bulletin", "period": code}
        response = office.post("/api/documents", body, format="json")
        assert response.status_code == 400 and "period" in response.json(), code
    response = office.post(
        "/api/documents", {"plan": "0", "kind": "notice", "period": "2024-03"}, format="json"
    )
    assert response.status_code == 400
