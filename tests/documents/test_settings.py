"""The document settings (issuing office, number prefixes, 抄送 and 印发, signature): edited on a page
and through the API by the plan office only, audited, and used by the next document."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.documents import services
from jingjin.documents.models import DocumentSettings

pytestmark = pytest.mark.django_db

PAGE = "/documents/settings/"
VALUES = {
    "issuer": "测试市督查考核办公室",
    "prefix_notice": "测督函",
    "prefix_bulletin": "测督通",
    "prefix_ranking": "测督榜",
    "signature": "",
    "copy_to": "市委办公室，市政府办公室",
    "printer": "测试市督查考核办公室",
}


def test_the_page_shows_the_defaults_then_saves_and_audits(
    client: Any, users: dict[str, Any], item: Any, quick_pdf: None, english: Any
) -> None:
    client.force_login(users["office"])
    page = client.get(PAGE).content.decode()
    assert 'data-testid="defaults"' in page and 'value="督函"' in page
    response = client.post(PAGE, {"plan": "test-plan", **VALUES})
    assert response.status_code == 302
    stored = DocumentSettings.objects.get(plan__code="test-plan")
    assert (stored.prefix_notice, stored.copy_to) == ("测督函", "市委办公室，市政府办公室")
    entry = AuditEntry.objects.get(content_type__model="documentsettings")
    assert entry.action == "create" and entry.after["issuer"] == "测试市督查考核办公室"
    document = services.document_issue(
        actor=users["office"], kind="notice", plan=stored.plan, source=item, origin="test"
    )
    assert document.number.startswith("测督函〔") and document.copy_to == VALUES["copy_to"]
    # a prefix that would not read back as a number is refused, with its field named
    wrong = client.post(PAGE, {"plan": "test-plan", **VALUES, "prefix_bulletin": "测〔督"})
    assert wrong.status_code == 400 and "A prefix is one word" in wrong.content.decode()
    assert DocumentSettings.objects.get().prefix_bulletin == "测督通"


def test_only_the_plan_office_sets_them(client: Any, users: dict[str, Any]) -> None:
    for role in ("reporter_a", "leader"):
        client.force_login(users[role])
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"plan": "test-plan", **VALUES}).status_code == 403
        assert client.get("/api/document-settings").status_code == 403
        put = client.put("/api/document-settings/test-plan", VALUES, content_type="application/json")
        assert put.status_code == 403
    assert not DocumentSettings.objects.exists()


def test_the_api_reads_and_writes_them(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["office"])
    listed = client.get("/api/document-settings").json()
    assert listed == [{"plan": "test-plan", "stored": False, **listed[0], "prefix_notice": "督函"}]
    put = client.put("/api/document-settings/test-plan", VALUES, content_type="application/json")
    assert put.status_code == 200, put.content
    assert put.json()["stored"] is True and put.json()["copy_to"] == VALUES["copy_to"]
    patch = client.patch(
        "/api/document-settings/test-plan", {"printer": "印发处"}, content_type="application/json"
    )
    assert patch.status_code == 200 and patch.json()["printer"] == "印发处"
    assert patch.json()["prefix_notice"] == "测督函"
    bad = client.patch(
        "/api/document-settings/test-plan", {"prefix_notice": "a b"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "prefix_notice" in bad.json()
    assert client.get("/api/document-settings/nope").status_code == 404
    assert AuditEntry.objects.filter(content_type__model="documentsettings").count() == 2
