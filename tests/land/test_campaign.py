"""The campaign's way through the services: the joins (a firm missing from one source, codes
twice), the run and its classes, an appeal changing a grade and its audit, publication."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.land import services
from jingjin.land.models import Appeal, FirmResult, Rectification
from jingjin.land.sources import SourceFileError
from tests.land.conftest import CODES, csv_bytes, imported, land_rows

pytestmark = pytest.mark.django_db


def kind_of(obj: Any) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def test_duplicated_codes_and_bad_cells_are_row_errors(world: dict[str, Any]) -> None:
    rows = land_rows()
    rows.append([CODES[1], "重复企业", 5])
    rows.append(["91510900MA0000000X", "坏代码", "abc"])
    with pytest.raises(SourceFileError) as caught:
        services.source_import(
            actor=world["office"],
            campaign=world["campaign"],
            kind="land",
            raw=csv_bytes(rows),
            name="land.csv",
        )
    places = {(e.row, e.column): str(e.message) for e in caught.value.errors}
    assert set(places) == {(7, "A"), (8, "A"), (8, "C")}, places
    assert "3" in places[(7, "A")]
    assert not world["campaign"].sources.exists()


def test_missing_column_names_the_column(world: dict[str, Any]) -> None:
    with pytest.raises(SourceFileError) as caught:
        services.source_import(
            actor=world["office"],
            campaign=world["campaign"],
            kind="tax",
            raw=csv_bytes([["credit_code", "tax_10k"], [CODES[0], 1]]),
            name="tax.csv",
        )
    assert any("revenue_10k" in str(e) for e in caught.value.errors)
    assert any("value_added_10k" in str(e) for e in caught.value.errors)


def test_join_report_and_firm_missing_from_a_source(world: dict[str, Any]) -> None:
    campaign = imported(world)
    assert campaign.state == "imported"
    summary = services.campaign_evaluate(actor=world["office"], campaign=campaign)
    assert summary["join"]["missing_from"]["energy"] == {"count": 1, "codes": [CODES[4]]}
    assert summary["join"]["no_land"]["tax"]["count"] == 0
    results = {r.credit_code: r for r in FirmResult.objects.filter(campaign=campaign)}
    assert [results[c].firm_class for c in CODES] == ["A", "B", "C", "D", ""]
    missing = results[CODES[4]]
    assert "missing:energy" in missing.flags and "not_graded:energy_tce" in missing.flags
    assert missing.explanation
    first = results[CODES[0]]
    assert first.points == {"tax_per_mu": 60.0, "value_added_per_energy": 40.0}
    assert first.score == 100 and first.rank == 1
    assert first.county is not None and first.firm is not None
    campaign.refresh_from_db()
    assert campaign.state == "evaluated" and campaign.summary["classes"] == {"A": 1, "B": 1, "C": 1, "D": 1}


def test_appeal_changes_the_grade_and_is_audited(world: dict[str, Any]) -> None:
    campaign = imported(world)
    office = world["office"]
    services.campaign_evaluate(actor=office, campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        services.appeal_file(actor=office, campaign=campaign, credit_code=CODES[3], reason="税款漏计")
    services.campaign_start_review(actor=office, campaign=campaign)
    county_user = world["users"]["county_c"]
    with pytest.raises(PermissionDenied):  # the fourth firm is not of county C
        services.appeal_file(actor=county_user, campaign=campaign, credit_code=CODES[3], reason="税款漏计")
    appeal = services.appeal_file(actor=office, campaign=campaign, credit_code=CODES[3], reason="税款漏计")
    assert appeal.class_before == "D"
    with pytest.raises(ValidationError):
        services.campaign_publish(actor=office, campaign=campaign)
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            actor=county_user, appeal=appeal, accept=True, decision="x", corrections={"tax_10k": 90}
        )
    with pytest.raises(ValidationError):
        services.appeal_decide(
            actor=office, appeal=appeal, accept=True, decision="核实", corrections={"tax_10k": "inf"}
        )
    services.appeal_decide(
        actor=office, appeal=appeal, accept=True, decision="税务局核实补录", corrections={"tax_10k": 90}
    )
    services.campaign_evaluate(actor=office, campaign=campaign)
    appeal.refresh_from_db()
    assert (appeal.class_before, appeal.class_after) == ("D", "A")
    assert FirmResult.objects.get(campaign=campaign, credit_code=CODES[3]).firm_class == "A"
    trail = AuditEntry.objects.filter(content_type=kind_of(appeal), object_id=appeal.pk).order_by("pk")
    states = [(e.before or {}).get("state") for e in trail] + [trail.last().after.get("state")]
    assert "accepted" in states and trail.last().after["class_after"] == "A"
    campaign.refresh_from_db()
    assert campaign.state == "under_review" and campaign.runs == 2


def test_rejected_appeal_keeps_the_grade_and_publish_makes_rectifications(world: dict[str, Any]) -> None:
    campaign = imported(world)
    office = world["office"]
    services.campaign_evaluate(actor=office, campaign=campaign)
    campaign.refresh_from_db()
    services.campaign_start_review(actor=office, campaign=campaign)
    appeal = services.appeal_file(
        actor=world["users"]["county_c"], campaign=campaign, credit_code=CODES[2], reason="用地面积有误"
    )
    with pytest.raises(ValidationError):
        services.appeal_decide(actor=office, appeal=appeal, accept=False, decision="")
    services.appeal_decide(actor=office, appeal=appeal, accept=False, decision="不动产登记面积无误")
    assert Appeal.objects.get().class_after == "C"
    made = services.campaign_publish(actor=office, campaign=campaign)
    assert made == 1
    rect = Rectification.objects.get()
    assert rect.credit_code == CODES[3]
    created = AuditEntry.objects.get(content_type=kind_of(rect), object_id=rect.pk, action="create")
    assert created.after["credit_code"] == CODES[3] and created.after["campaign"] == "2022"
    with pytest.raises(PermissionDenied):  # not a firm of county C
        services.rectification_update(
            actor=world["users"]["county_c"], rectification=rect, plan="p", deadline=None, progress=10
        )
    services.rectification_update(
        actor=office, rectification=rect, plan="腾退低效用地", deadline=None, progress=100
    )
    assert Rectification.objects.get().state == "done"
    with pytest.raises(ValidationError):
        services.source_import(
            actor=office, campaign=campaign, kind="land", raw=csv_bytes(land_rows()), name="l.csv"
        )


def test_demo_loads_a_published_and_a_reviewed_campaign(loaded_plan: Any) -> None:
    from jingjin.core import clock
    from jingjin.land.demo import demo_land
    from jingjin.land.models import EvaluationCampaign

    today = clock.today()
    counts = demo_land(today=today)
    assert counts["campaigns"] == 2 and counts["policies"] == 11
    past = EvaluationCampaign.objects.get(year=today.year - 2)
    current = EvaluationCampaign.objects.get(year=today.year - 1)
    assert past.state == "published" and current.state == "under_review"
    assert past.rectifications.exists() and current.appeals.filter(state="pending").count() == 1
    assert past.summary["join"]["missing_from"]["energy"]["count"] == 1
    assert demo_land(today=today) == counts  # idempotent
