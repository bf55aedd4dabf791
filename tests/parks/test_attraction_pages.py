"""The attraction pages: a new lead from a gap and its moves through the web forms, the candidate
import page with its errors, and query counts that do not grow with the leads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import Unit
from jingjin.parks import attraction_services as svc
from jingjin.parks.models import AttractionLead, CandidateFirm, ChainLink

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db


def test_a_lead_from_a_gap_through_the_web_forms(client, users, park_world, settings) -> None:
    settings.JINGJIN_AS_OF = "2026-06-30"
    client.force_login(users["reporter_a"])
    client.cookies["django_language"] = "en"  # the English messages compared below
    form = client.get("/parks/attraction/new/?link=C.LI.M1").content.decode()
    assert 'data-testid="for-link"' in form
    unit = Unit.objects.get(code="t.a")
    link = ChainLink.objects.get(code="C.LI.M1")
    data = {"firm_name": "", "owner_unit": unit.pk, "chain_links": [link.pk], "stage_date": "2026-06-01"}
    refused = client.post("/parks/attraction/new/?link=C.LI.M1", data)
    assert refused.status_code == 400 and "Give the firm&#x27;s name" in refused.content.decode()
    other = {**data, "firm_name": "示例", "owner_unit": Unit.objects.get(code="t.b").pk}
    assert client.post("/parks/attraction/new/", other).status_code == 400  # not a choice for t.a
    created = client.post("/parks/attraction/new/", {**data, "firm_name": "示例网页企业"})
    lead = AttractionLead.objects.get(firm_name="示例网页企业")
    assert created.status_code == 302 and created["Location"] == f"/parks/attraction/{lead.pk}/"
    skip = client.post(f"/parks/attraction/{lead.pk}/move/", {"stage": "signed", "date": "2026-06-02"})
    assert skip.status_code == 400 and "Skipping a stage needs a reason." in skip.content.decode()
    moved = client.post(f"/parks/attraction/{lead.pk}/move/", {"stage": "contact", "date": "2026-06-02"})
    assert moved.status_code == 302 and AttractionLead.objects.get(pk=lead.pk).stage == "contact"
    client.force_login(users["reporter_b"])
    assert (
        client.post(
            f"/parks/attraction/{lead.pk}/move/", {"stage": "visit", "date": "2026-06-03"}
        ).status_code
        == 403
    )
    assert 'data-testid="move-form"' not in client.get(f"/parks/attraction/{lead.pk}/").content.decode()


def test_the_candidate_import_page_lists_the_errors(client, users, park_world, settings) -> None:
    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page in English, as the message compared
    rows = [["企业名称", "产业链环节代码"], ["示例候选", "C.LI.X9"]]
    upload = SimpleUploadedFile("c.csv", csv_bytes(rows), content_type="text/csv")
    answer = client.post("/parks/attraction/candidates/import/", {"file": upload})
    assert answer.status_code == 400
    assert "Row 2, column B (产业链环节代码): no chain link with the code C.LI.X9" in answer.content.decode()
    good = SimpleUploadedFile("c.csv", csv_bytes([rows[0], ["示例候选", "C.LI.M1"]]), content_type="text/csv")
    assert client.post("/parks/attraction/candidates/import/", {"file": good}).status_code == 302
    assert CandidateFirm.objects.get().name == "示例候选"
    page = client.get("/parks/attraction/candidates/").content.decode()
    assert page.count('data-testid="candidate"') == 1
    client.force_login(users["reporter_a"])
    assert client.get("/parks/attraction/candidates/import/").status_code == 403


PAGES = [
    "/parks/chains/C.LI/",
    "/parks/attraction/",
    "/parks/attraction/?stale=1",
    "/parks/attraction/funnel/",
    "/parks/attraction/candidates/",
    "/api/attraction-leads",
]


def _counts(client: Any) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def _leads(n: int, start: int) -> None:
    links = list(ChainLink.objects.all())
    owner = Unit.objects.get(code="t.a")
    for i in range(start, start + n):
        lead = svc.lead_create(
            actor=None,
            data={"firm_name": f"示例{i}", "owner_unit": owner, "chain_links": links[: 1 + i % 3]},
            stage_date=date(2024, 1, 1),
        )
        if i % 2:
            svc.lead_move(actor=None, lead=lead, stage="contact", on=date(2024, 1, 2))


def test_the_pages_make_as_many_queries_with_more_leads(client, users, park_world) -> None:
    _leads(2, 0)
    client.force_login(users["leader"])
    few = _counts(client)
    _leads(12, 2)
    assert _counts(client) == few
