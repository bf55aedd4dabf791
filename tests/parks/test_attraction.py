"""The attraction pipeline (靶向招引): gap scores on the chain page (worked by hand), the state
rules and their audit rows, signed → key project, the stale flag, the funnel, the candidate
import with its errors, and who may do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.parks import attraction_selectors as sel
from jingjin.parks import attraction_services as svc
from jingjin.parks.models import AttractionLead, CandidateFirm, ChainLink, LeadStage, Park
from jingjin.parks.tables import ImportFailed
from jingjin.projects.models import KeyProject

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"


@pytest.fixture
def world(park_world: Any, settings: Any) -> dict[str, Any]:
    """The park world with reference outputs: U1 4000, M1 1600, D1 1000 (万元)."""
    settings.JINGJIN_AS_OF = AS_OF
    for code, reference in (("C.LI.U1", 4000), ("C.LI.M1", 1600), ("C.LI.D1", 1000)):
        ChainLink.objects.filter(code=code).update(reference_output=reference)
    return {"links": {link.code: link for link in ChainLink.objects.all()}}


def _lead(actor: Any, owner: str = "t.a", on: date = date(2026, 3, 1), **data: Any) -> AttractionLead:
    values = {"firm_name": "示例目标企业", "owner_unit": Unit.objects.get(code=owner), **data}
    return svc.lead_create(actor=actor, data=values, stage_date=on)


def test_the_chain_page_shows_the_gap_scores_worked_by_hand(client, users, world) -> None:
    # U1: firm A 1200.5 + half of firm B's 800 = 1600.5 of 4000 → coverage 0.400125,
    #     score 0.8 × 0.599875 = 0.47990
    # M1: the other half of B, 400 of 1600 → coverage 0.25, score 1 × 0.75 = 0.75
    # D1: firm C without output, 0 of 1000 → coverage 0, score 0.5 × 1 = 0.5
    client.force_login(users["reporter_a"])
    html = client.get("/parks/chains/C.LI/").content.decode()
    from jingjin.parks import gaps
    from jingjin.parks.models import Chain

    found = gaps.chain_gaps(Chain.objects.get(code="C.LI"))
    by_code = {world["links"][c].pk: c for c in world["links"]}
    scores = {
        by_code[k]: (round(g.score, 5), round(g.coverage, 6), g.local_output, g.firms)
        for k, g in found.items()
    }
    assert scores == {
        "C.LI.U1": (0.4799, 0.400125, 1600.5, 2),
        "C.LI.M1": (0.75, 0.25, 400.0, 1),
        "C.LI.D1": (0.5, 0.0, 0.0, 1),
    }
    assert "0.480" in html and "40.0" in html and "1600.50" in html and "0.750" in html
    assert html.count('data-testid="new-lead"') == 3  # every link has a gap; reporters add leads
    client.force_login(users["leader"])
    assert 'data-testid="new-lead"' not in client.get("/parks/chains/C.LI/").content.decode()


def test_links_are_sorted_by_gap_within_a_position(users, world) -> None:
    from jingjin.parks import gaps, selectors
    from jingjin.parks.models import Chain

    ChainLink.objects.create(
        chain=Chain.objects.get(code="C.LI"),
        code="C.LI.U2",
        name_zh="锂矿",
        position="up",
        order=9,
        importance=Decimal("0.9"),
        reference_output=100,
    )  # no firm: score 0.9, above U1's 0.48 although its order is later
    data = selectors.chain_detail(user=users["leader"], code="C.LI")
    chain = data["chain"]
    up = gaps.with_gaps(data["positions"], gaps.chain_gaps(chain))[0]
    assert [r["row"].link.code for r in up["links"]] == ["C.LI.U2", "C.LI.U1"]


def test_a_lead_moves_forward_one_stage_at_a_time_and_is_audited(users, world) -> None:
    actor = users["reporter_a"]
    lead = _lead(actor, chain_links=[world["links"]["C.LI.M1"]], planned_investment=Decimal("50000"))
    assert (lead.stage, lead.stage_date) == ("lead", date(2026, 3, 1))
    lead = svc.lead_move(actor=actor, lead=lead, stage="contact", on=date(2026, 3, 10))
    with pytest.raises(ValidationError, match="forward only"):
        svc.lead_move(actor=actor, lead=lead, stage="lead", on=date(2026, 3, 11))
    with pytest.raises(ValidationError, match="Skipping a stage needs a reason"):
        svc.lead_move(actor=actor, lead=lead, stage="signed", on=date(2026, 3, 11))
    with pytest.raises(ValidationError, match="before the last move"):
        svc.lead_move(actor=actor, lead=lead, stage="visit", on=date(2026, 3, 9))
    with pytest.raises(ValidationError, match="future"):
        svc.lead_move(actor=actor, lead=lead, stage="visit", on=date(2026, 7, 1))
    lead = svc.lead_move(actor=actor, lead=lead, stage="visit", on=date(2026, 4, 1))
    assert [(s.stage, s.date) for s in LeadStage.objects.filter(lead=lead)] == [
        ("lead", date(2026, 3, 1)),
        ("contact", date(2026, 3, 10)),
        ("visit", date(2026, 4, 1)),
    ]
    entries = AuditEntry.objects.filter(content_type__model="attractionlead", object_id=lead.pk).order_by(
        "pk"
    )
    assert [(e.action, e.user_name) for e in entries] == [
        ("create", "reporter_a"),
        ("update", "reporter_a"),
        ("update", "reporter_a"),
    ]
    assert (entries[2].before["stage"], entries[2].after["stage"]) == ("contact", "visit")


def test_signing_creates_the_key_project_and_a_skip_needs_a_reason(users, world) -> None:
    actor = users["county_c"]
    park = Park.objects.get(unit__code="t.c.p")
    lead = _lead(actor, owner="t.c", park=park, planned_investment=Decimal("120000.50"))
    lead = svc.lead_move(actor=actor, lead=lead, stage="signed", on=date(2026, 5, 1), reason="已在外地考察")
    project = KeyProject.objects.get(pk=lead.project_id)
    assert (project.code, project.state, project.owner_unit.code, project.park.code, project.county.code) == (
        f"ZS-{lead.pk}",
        "preparation",
        "t.c",
        "t.c.p",
        "t.c",
    )
    assert project.total_investment == Decimal("120000.50") and project.name_zh == "示例目标企业项目"
    assert (lead.reached, LeadStage.objects.get(lead=lead, stage="signed").reason) == (
        "signed",
        "已在外地考察",
    )
    assert AuditEntry.objects.filter(
        content_type__model="keyproject", object_id=project.pk, source="attraction"
    ).exists()
    lead = svc.lead_move(actor=actor, lead=lead, stage="started", on=date(2026, 5, 2))
    assert KeyProject.objects.count() == 1 and lead.project_id == project.pk  # linked, not created again
    lead = svc.lead_move(actor=actor, lead=lead, stage="production", on=date(2026, 6, 1))
    with pytest.raises(ValidationError, match="moves no more"):
        svc.lead_move(actor=actor, lead=lead, stage="dropped", on=date(2026, 6, 2), reason="x")


def test_dropping_needs_a_reason_and_ends_the_lead(users, world) -> None:
    actor = users["office"]
    lead = _lead(actor)
    lead = svc.lead_move(actor=actor, lead=lead, stage="contact", on=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="reason for dropping"):
        svc.lead_move(actor=actor, lead=lead, stage="dropped", on=date(2026, 3, 6))
    lead = svc.lead_move(actor=actor, lead=lead, stage="dropped", on=date(2026, 3, 6), reason="企业战略调整")
    assert (lead.stage, lead.reached, lead.drop_reason) == ("dropped", "contact", "企业战略调整")
    with pytest.raises(ValidationError, match="moves no more"):
        svc.lead_move(actor=actor, lead=lead, stage="visit", on=date(2026, 3, 7))


def test_who_may_add_and_move_leads(users, world) -> None:
    lead = _lead(users["reporter_a"])
    for name in ("reporter_b", "county_c", "leader"):
        with pytest.raises(PermissionDenied):
            svc.lead_move(actor=users[name], lead=lead, stage="contact", on=date(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        _lead(users["leader"])
    with pytest.raises(PermissionDenied):  # another unit's lead
        _lead(users["reporter_a"], owner="t.b")
    svc.lead_move(actor=users["office"], lead=lead, stage="contact", on=date(2026, 3, 2))
    assert AttractionLead.objects.get(pk=lead.pk).stage == "contact"
    assert (
        LeadStage.objects.count() == 2
        and AuditEntry.objects.filter(content_type__model="attractionlead").count() == 2
    )


def test_stale_leads_are_flagged(client, users, world, settings) -> None:
    settings.JINGJIN_ATTRACTION_STALE_DAYS = {"lead": 60, "contact": 45}
    old = _lead(users["office"], on=date(2026, 4, 30))  # 61 days before 2026-06-30: stale
    fresh = _lead(users["office"], on=date(2026, 5, 1), firm_name="示例新企业")  # 60 days: not yet
    assert [lead.pk for lead in sel.lead_list(user=users["leader"], filters=sel.LeadFilters(stale=True))] == [
        old.pk
    ]
    assert (sel.is_stale("lead", old.stage_date), sel.is_stale("lead", fresh.stage_date)) == (True, False)
    client.force_login(users["leader"])
    assert 'data-testid="stale"' in client.get(f"/parks/attraction/{old.pk}/").content.decode()
    assert 'data-testid="stale"' not in client.get(f"/parks/attraction/{fresh.pk}/").content.decode()
    listing = client.get("/parks/attraction/").content.decode()
    assert listing.count('data-testid="stale"') == 1


def test_the_funnel_counts_reached_stages(client, users, world) -> None:
    office = users["office"]
    moves = [
        [],  # at 线索
        ["contact"],
        ["contact", "visit"],
        ["contact", "dropped"],  # reached 接洽
        ["contact", "visit", "signed"],
    ]
    for number, path in enumerate(moves):
        lead = _lead(office, firm_name=f"示例{number}", planned_investment=Decimal(1000 * (number + 1)))
        for day, stage in enumerate(path, start=2):
            lead = svc.lead_move(actor=office, lead=lead, stage=stage, on=date(2026, 3, day), reason="不合作")
    result = sel.funnel(AttractionLead.objects.all())
    assert [(s.stage, s.reached, s.current) for s in result["stages"]] == [
        ("lead", 5, 1),
        ("contact", 4, 1),
        ("visit", 2, 1),
        ("signed", 1, 1),
        ("started", 0, 0),
        ("production", 0, 0),
    ]
    assert [s.conversion for s in result["stages"][:5]] == [None, 0.8, 0.5, 0.5, 0.0]
    assert (result["dropped"], result["signed_investment"]) == (1, Decimal(5000))
    client.force_login(users["leader"])
    page = client.get("/parks/attraction/funnel/?by=owner").content.decode()
    assert 'data-testid="signed-investment">5000.00<' in page and "funnel-data" in page


CANDIDATE_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "产业代码",
    "产业链环节代码",
    "三类500强",
    "行业领军",
    "专精特新",
    "来源",
]


def test_the_candidate_import_names_every_bad_cell_and_writes_nothing(users, world) -> None:
    rows = [
        CANDIDATE_HEADER,
        ["示例候选甲", "", "LI.BAT", "C.LI.M1", "世界500强", "是", "否", "示例名单"],
        ["示例候选乙", "123", "NOPE", "C.LI.X9", "十强", "也许", "", ""],
        ["示例候选甲", "", "", "", "", "", "", ""],
    ]
    with pytest.raises(ImportFailed) as failed:
        svc.candidates_import(raw=csv_bytes(rows), filename="c.csv", actor=users["office"])
    assert [(e.row, e.column, e.header) for e in failed.value.errors] == [
        (3, "B", "统一社会信用代码"),
        (3, "C", "产业代码"),
        (3, "D", "产业链环节代码"),
        (3, "E", "三类500强"),
        (3, "F", "行业领军"),
        (4, "A", "企业名称"),
        (4, "D", "产业链环节代码"),
    ]
    shown = "Row 3, column D (产业链环节代码): no chain link with the code C.LI.X9"
    assert str(failed.value.errors[2]) == shown
    assert CandidateFirm.objects.count() == 0
    with pytest.raises(PermissionDenied):
        svc.candidates_import(raw=csv_bytes(rows[:2]), filename="c.csv", actor=users["reporter_a"])


def test_candidates_are_matched_to_gaps_and_ranked(users, world) -> None:
    rows = [
        CANDIDATE_HEADER,
        ["示例候选丙", "", "", "C.LI.M1", "", "", "是", ""],  # weight 1
        ["示例候选甲", "", "", "C.LI.M1、C.LI.U1", "世界500强", "是", "否", ""],  # 4 + 3 = 7
        ["示例候选乙", "", "", "C.LI.U1", "中国500强", "", "", ""],  # 3, only on U1 (gap 0.48)
    ]
    result = svc.candidates_import(raw=csv_bytes(rows), filename="c.csv", actor=users["office"])
    assert (result.created, result.updated) == (3, 0)
    m1 = world["links"]["C.LI.M1"]
    assert [c.name for c in sel.candidates_for_link(m1)] == ["示例候选甲", "示例候选丙"]
    ranked = [(r["candidate"].name, round(r["gap"], 4), r["weight"]) for r in sel.ranked_candidates()]
    assert ranked == [("示例候选甲", 0.75, 7), ("示例候选丙", 0.75, 1), ("示例候选乙", 0.4799, 3)]
    assert AuditEntry.objects.filter(content_type__model="candidatefirm").count() == 3


def test_the_api_creates_changes_and_moves_a_lead(client, users, world) -> None:
    client.force_login(users["reporter_a"])
    client.cookies["django_language"] = "en"  # the English messages compared below
    body = {
        "firm_name": "示例接口企业",
        "owner_unit": "t.a",
        "chain_links": ["C.LI.M1"],
        "date": "2026-06-01",
    }
    created = client.post("/api/attraction-leads", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (created.json()["stage"], created.json()["stage_date"]) == ("lead", "2026-06-01")
    url = f"/api/attraction-leads/{pk}"
    assert client.patch(url, {"stage": "signed"}, content_type="application/json").json()["stage"] == "lead"
    changed = client.patch(url, {"owner_person": "示例责任人"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["owner_person"] == "示例责任人"
    moved = client.post(
        f"{url}/move", {"stage": "contact", "date": "2026-06-02"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "contact"
    assert [h["stage"] for h in moved.json()["history"]] == ["lead", "contact"]
    skip = client.post(
        f"{url}/move", {"stage": "signed", "date": "2026-06-03"}, content_type="application/json"
    )
    assert skip.status_code == 400 and "reason" in skip.content.decode()
    assert client.get("/api/attraction-leads", {"stage": "contact"}).json()["count"] == 1
    assert client.get("/api/attraction-leads", {"chain": "C.LI"}).json()["count"] == 1
    assert client.get("/api/attraction-leads", {"stage": "nope"}).status_code == 400
    assert (
        client.post(
            "/api/attraction-leads", {**body, "owner_unit": "t.b"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(users["reporter_b"])
    refused = client.post(
        f"{url}/move", {"stage": "visit", "date": "2026-06-03"}, content_type="application/json"
    )
    assert refused.status_code == 403 and AttractionLead.objects.get(pk=pk).stage == "contact"
    client.force_login(users["leader"])
    assert client.post("/api/attraction-leads", body, content_type="application/json").status_code == 403
    assert client.get(url).json()["firm_name"] == "示例接口企业"
    assert client.get("/api/attraction-candidates").status_code == 200
