"""The pages and the API of the per-mu evaluation, end to end, with who sees which firm."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingjin.land import services
from jingjin.land.models import Appeal, FirmResult
from tests.conftest import PASSWORD
from tests.land.conftest import CODES, csv_bytes, energy_rows, imported, land_rows, tax_rows

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_import_run_review_appeal_publish_through_pages(world: dict[str, Any]) -> None:
    office = client_for("office")
    url = "/land/2022/"
    bad = [*land_rows(), [CODES[0], "重复", 3]]
    response = office.post(url, {"kind": "land", "file": SimpleUploadedFile("land.csv", csv_bytes(bad))})
    assert response.status_code == 400 and b"import-errors" in response.content
    for kind, rows in (("land", land_rows()), ("tax", tax_rows()), ("energy", energy_rows())):
        response = office.post(
            url, {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", csv_bytes(rows))}
        )
        assert response.status_code == 302, response.content[:500]
    # the run is a job; in a test transaction the queue's on-commit hook never fires, so run it here
    assert office.post(f"{url}run/").status_code == 302
    services.campaign_evaluate(actor=world["office"], campaign=world["campaign"])
    page = office.get(url)
    assert page.status_code == 200 and b'data-class="A"' in page.content and b"join-report" in page.content
    assert office.post(f"{url}review/").status_code == 302
    county = client_for("county_c")
    firm_page = county.get(f"/land/firms/{CODES[2]}/")
    assert firm_page.status_code == 200 and b"appeal-form" in firm_page.content
    assert county.get(f"/land/firms/{CODES[3]}/").status_code == 404  # not a firm of its county
    response = county.post(
        f"/land/firms/{CODES[2]}/",
        {"reason": "营业收入少计", "evidence": SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test")},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert county.post(f"/land/appeals/{appeal.pk}/", {"accept": "1", "decision": "x"}).status_code == 403
    response = office.post(
        f"/land/appeals/{appeal.pk}/", {"accept": "1", "decision": "核实后更正", "tax_10k": "100"}
    )
    assert response.status_code == 302
    services.campaign_evaluate(actor=world["office"], campaign=world["campaign"])
    appeal.refresh_from_db()
    assert (appeal.class_before, appeal.class_after) == ("C", "A")
    assert office.get(f"/land/appeals/{appeal.pk}/evidence/").status_code == 200
    assert office.post(f"{url}publish/").status_code == 302
    assert FirmResult.objects.get(credit_code=CODES[2]).firm_class == "A"
    export = county.get(f"{url}export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_api_lists_campaigns_and_the_users_firms(world: dict[str, Any]) -> None:
    campaign = imported(world)
    services.campaign_evaluate(actor=world["office"], campaign=campaign)
    leader = client_for("leader")
    body = leader.get("/api/land-campaigns").json()
    assert body["results"][0]["year"] == 2022 and body["results"][0]["classes"]["A"] == 1
    results = leader.get(f"/api/land-campaigns/{campaign.pk}/results?class=A").json()
    assert [r["credit_code"] for r in results["results"]] == [CODES[0]]
    county = client_for("county_c").get(f"/api/land-campaigns/{campaign.pk}/results").json()
    assert sorted(r["credit_code"] for r in county["results"]) == sorted(CODES[:3])
    assert client_for("reporter_a").get(f"/api/land-campaigns/{campaign.pk}/results").json()["count"] == 0
    assert Client().get("/api/land-campaigns").status_code in (401, 403)


def test_pages_render_for_every_role(world: dict[str, Any]) -> None:
    campaign = imported(world)
    services.campaign_evaluate(actor=world["office"], campaign=campaign)
    for user in ("office", "leader", "county_c", "reporter_a"):
        client = client_for(user)
        for path in (
            "/land/",
            "/land/2022/",
            "/land/2022/results/?class=A",
            "/land/policies/",
            "/land/rectifications/",
        ):
            assert client.get(path).status_code == 200, (user, path)
    office = client_for("office")
    assert office.get(f"/land/firms/{CODES[0]}/").status_code == 200
    assert client_for("leader").post("/land/2022/run/").status_code == 403
    assert client_for("leader").get("/land/2022/export.xlsx").status_code == 404  # not published
    response = office.post(
        "/land/policies/",
        {"firm_class": "D", "kind": "electricity", "measure": "差别电价 0.1 元/千瓦时", "rate": "0.1"},
    )
    assert response.status_code == 302


def test_scheme_page_changes_the_weights_checked_by_the_engine(world: dict[str, Any]) -> None:
    import json

    office = client_for("office")
    body = json.loads(json.dumps(world["scheme"].body))
    body["segments"]["above_scale"]["criteria"][0]["weight"] = "much"
    response = office.post("/land/schemes/city/", {"body": json.dumps(body)})
    assert response.status_code == 400 and b"scheme-errors" in response.content
    body["segments"]["above_scale"]["criteria"][0]["weight"] = 50
    body["segments"]["above_scale"]["criteria"][1]["weight"] = 50
    assert office.post("/land/schemes/city/", {"body": json.dumps(body)}).status_code == 302
    world["scheme"].refresh_from_db()
    assert world["scheme"].body["segments"]["above_scale"]["criteria"][0]["weight"] == 50
    assert client_for("leader").post("/land/schemes/city/", {"body": "{}"}).status_code == 403
    assert client_for("leader").get("/land/schemes/city/").status_code == 200
