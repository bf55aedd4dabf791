"""The registers through the API and the pages: reads for every role, firm changes by unit,
imports for the plan office only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.core.models import AuditEntry
from jingjin.parks.models import Firm

from .conftest import CODE_A, CODE_B, csv_bytes

pytestmark = pytest.mark.django_db


def test_the_api_reads_the_registers(client, users, park_world) -> None:
    client.force_login(users["leader"])
    parks = {p["unit"]: p for p in client.get("/api/parks").json()["results"]}
    assert parks["t.c.p"]["leading_cap"] == 2 and parks["t.c.p"]["over_cap"] is True
    assert parks["t.q"]["leading_cap"] == 3 and parks["t.q"]["over_cap"] is False
    chain = client.get("/api/chains").json()["results"][0]
    assert [(x["code"], x["position"]) for x in chain["links"]] == [
        ("C.LI.U1", "up"),
        ("C.LI.M1", "mid"),
        ("C.LI.D1", "down"),
    ]
    on_link = client.get("/api/firms", {"link": "C.LI.U1"}).json()
    assert sorted(f["credit_code"] for f in on_link["results"]) == [CODE_A, CODE_B]
    special = client.get("/api/firms", {"category": "is_specialised"}).json()["results"]
    assert [f["credit_code"] for f in special] == [CODE_A]
    assert client.get("/api/firms", {"park": "t.q"}).json()["count"] == 1
    assert client.get("/api/firms", {"category": "nope"}).status_code == 400
    industries = {i["code"]: i for i in client.get("/api/industries").json()["results"]}
    assert industries["LI.BAT"]["parent"] == "LI" and industries["LI.BAT"]["gbt4754"] == "3841"


def test_a_county_user_changes_the_firms_of_its_parks_only(client, users, park_world) -> None:
    own = Firm.objects.get(credit_code=CODE_A)  # in park t.c.p, below county t.c
    other = Firm.objects.get(credit_code=CODE_B)  # in park t.q, under the city
    client.force_login(users["county_c"])
    answer = client.patch(f"/api/firms/{own.pk}", {"output": "2000"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["output"] == "2000.00"
    entry = AuditEntry.objects.filter(content_type__model="firm", action="update").get()
    assert (entry.user_name, entry.before["output"], entry.after["output"]) == ("county_c", 1200.5, 2000)
    assert (
        client.patch(f"/api/firms/{own.pk}", {"name": "改名"}, content_type="application/json").status_code
        == 403
    )
    refused = client.patch(f"/api/firms/{other.pk}", {"output": "1"}, content_type="application/json")
    assert refused.status_code == 403
    assert client.delete(f"/api/firms/{own.pk}").status_code == 403
    client.force_login(users["reporter_a"])  # Bureau A leads the chain, but owns no park
    assert (
        client.patch(f"/api/firms/{own.pk}", {"output": "1"}, content_type="application/json").status_code
        == 403
    )
    assert Firm.objects.get(pk=own.pk).output == 2000


def test_the_plan_office_adds_a_firm_and_a_bad_code_is_400(client, users, park_world) -> None:
    client.force_login(users["office"])
    data = {"name": "示例新企业", "credit_code": "91510900MA62X1237A", "park": "t.q"}
    bad = client.post("/api/firms", data, content_type="application/json")
    assert bad.status_code == 400 and "credit_code" in bad.json()
    data["credit_code"] = "91510900MA62X12370"  # 1682 + 3·28 = 1766; 1766 mod 31 = 30; 31 − 30 = 1
    assert client.post("/api/firms", data, content_type="application/json").status_code == 400
    data["credit_code"] = "91510900MA62X12371"
    made = client.post("/api/firms", {**data, "chain_links": ["C.LI.M1"]}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["park"] == "t.q" and made.json()["chain_links"] == ["C.LI.M1"]
    client.force_login(users["county_c"])
    data["credit_code"] = "91510900MA62X12384"
    assert client.post("/api/firms", data, content_type="application/json").status_code == 403


def test_the_pages_show_the_registers(client, users, park_world) -> None:
    client.force_login(users["leader"])
    parks = client.get("/parks/").content.decode()
    assert parks.count('data-testid="over-cap"') == 1  # t.c.p: provincial with 3 leading industries
    assert "丙县示例园区" in client.get("/parks/t.c.p/").content.decode()
    tree = client.get("/parks/industries/").content.decode()
    assert 'data-tier="first"' in tree and "锂离子电池制造" in tree
    chain = client.get("/parks/chains/C.LI/").content.decode()
    assert (
        chain.index('data-code="C.LI.U1"')
        < chain.index('data-code="C.LI.M1"')
        < chain.index('data-code="C.LI.D1"')
    )
    firms = client.get("/parks/firms/", {"link": "C.LI.M1"}).content.decode()
    assert firms.count('data-testid="firm"') == 1 and CODE_B in firms
    assert client.get("/parks/clusters/").status_code == 200
    assert client.get("/parks/chains/").status_code == 200
    assert client.get("/parks/nope/").status_code == 404
    export = client.get("/parks/export/firms.csv")
    assert export.status_code == 200 and CODE_A in export.content.decode("utf-8-sig")
    assert client.get("/parks/import/firms/template.xlsx").status_code == 200


def test_only_the_plan_office_imports(client, users, park_world) -> None:
    rows = [["企业名称", "统一社会信用代码"], ["示例企业", "91510900MA62X1237A"]]
    upload = SimpleUploadedFile("firms.csv", csv_bytes(rows))
    client.force_login(users["county_c"])
    assert client.post("/parks/import/firms/", {"file": upload}).status_code == 403
    client.force_login(users["office"])
    upload = SimpleUploadedFile("firms.csv", csv_bytes(rows))
    answer = client.post("/parks/import/firms/", {"file": upload})
    assert answer.status_code == 400
    assert "第 2 行，B 列（统一社会信用代码）：" in answer.content.decode()  # the page in Chinese
    rows[1][1] = "91510900MA62X12371"
    answer = client.post("/parks/import/firms/", {"file": SimpleUploadedFile("firms.csv", csv_bytes(rows))})
    assert answer.status_code == 302 and Firm.objects.filter(credit_code="91510900MA62X12371").exists()
