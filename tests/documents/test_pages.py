"""The register's pages: list, issue, read, download, withdraw."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.documents.models import OfficialDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]


def test_the_office_issues_from_a_page_and_withdraws(
    client: Any, users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    client.force_login(users["office"])
    assert client.get("/documents/new/").status_code == 200
    missing = client.post("/documents/new/", {"plan": loaded_plan.pk, "kind": "notice"})
    assert missing.status_code == 400 and not OfficialDocument.objects.exists()
    response = client.post(
        "/documents/new/", {"plan": loaded_plan.pk, "kind": "notice", "supervision_item": item.pk}
    )
    document = OfficialDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert document.number in page and "推进户厕改造" in page and 'data-testid="withdraw-form"' in page
    listed = client.get("/documents/").content.decode()
    assert document.number in listed
    assert client.get(f"/documents/{document.pk}/file.docx").content.startswith(b"PK")
    assert client.get(f"/documents/{document.pk}/file.exe").status_code == 404
    client.post(f"/documents/{document.pk}/withdraw/", {"reason": "有误"})
    document.refresh_from_db()
    assert document.state == "withdrawn"
    assert 'data-testid="withdraw-form"' not in client.get(f"/documents/{document.pk}/").content.decode()


def test_units_see_only_theirs_and_cannot_issue(
    client: Any, users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    from jingjin.documents import services

    document = services.document_issue(actor=users["office"], kind="notice", plan=loaded_plan, source=item)
    client.force_login(users["reporter_b"])
    assert client.get("/documents/new/").status_code == 403
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert document.number not in client.get("/documents/").content.decode()
    client.force_login(users["reporter_a"])
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert document.number in page and 'data-testid="withdraw-form"' not in page
    assert client.post(f"/documents/{document.pk}/withdraw/", {"reason": "x"}).status_code == 403
