"""Admission applications: the check against each register with its reasons, one test per
state of the workflow (submitted → checked → decided → completion → full production), audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.admission import services
from jingjin.admission.models import Application
from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied

from .conftest import application_data

pytestmark = pytest.mark.django_db


def submit(world: dict[str, Any], actor: Any = None, **over: Any) -> Application:
    return services.application_submit(actor=actor, data=application_data(world, **over))


def checked(world: dict[str, Any], **over: Any) -> Application:
    return services.application_check(actor=None, application=submit(world, **over))


def lines(app: Application, register: str) -> list[dict[str, Any]]:
    return [r for r in app.reasons if r["register"] == register]


def test_submitted_by_a_county_user_for_its_park_only(world: Any, users: Any) -> None:
    app = submit(world, actor=users["county_c"])
    assert app.state == "submitted" and app.outcome == "" and app.reasons == []
    assert AuditEntry.objects.filter(object_id=app.pk, action="create").exists()
    with pytest.raises(PermissionDenied):
        submit(world, actor=users["county_c"], code="AP-2", park=world["park_q"])
    with pytest.raises(PermissionDenied):
        submit(world, actor=users["leader"], code="AP-3")


def test_checked_encouraged_when_every_register_passes(world: Any) -> None:
    app = checked(world)
    assert (app.state, app.outcome) == ("checked", "encouraged")
    assert [r["ok"] for r in app.reasons] == [True, True, True]
    assert {r["register"] for r in app.reasons} == {"catalogue", "zoning", "thresholds"}


def test_thresholds_missed_are_each_a_reason(world: Any) -> None:
    # LI.BAT in park P: investment ≥ 350, tax ≥ 25 (the most specific row wins over the LI row)
    app = checked(world, investment_intensity=Decimal(320), tax_per_mu=Decimal(10))
    assert app.outcome == "restricted"
    texts = [r["text"] for r in lines(app, "thresholds")]
    assert len(texts) == 2
    assert any("investment_intensity" in t and "320" in t and "350" in t for t in texts)
    assert any("tax_per_mu" in t and "10" in t and "25" in t for t in texts)


def test_no_thresholds_for_the_park_restricts(world: Any) -> None:
    app = checked(world, park=world["park_q"])
    assert app.outcome == "restricted"
    assert lines(app, "thresholds")[0]["ok"] is False and "t.q" in lines(app, "thresholds")[0]["text"]


def test_catalogue_class_comes_from_the_register(world: Any) -> None:
    app = checked(world, catalogue_entry=world["catalogue"]["C-OLD"])
    assert app.outcome == "prohibited"
    assert "C-OLD" in lines(app, "catalogue")[0]["text"] and not lines(app, "catalogue")[0]["ok"]
    with pytest.raises(ValidationError):  # an entry of another industry
        submit(world, code="AP-9", catalogue_entry=world["catalogue"]["C-CHEM"])


@pytest.mark.parametrize(
    ("unit", "industry", "entry", "outcome", "fragment"),
    [
        ("general", "chem", None, "prohibited", "EC"),  # on the prohibited list by industry
        ("key", "bat", "C-BAT", "restricted", "LI"),  # the parent industry on the restricted list
        ("priority", "bat", "C-BAT", "restricted", "Z-PRI"),  # a priority protection unit
    ],
)
def test_zoning_lists_and_types(
    world: Any, unit: str, industry: str, entry: Any, outcome: str, fragment: str
) -> None:
    over: dict[str, Any] = {"zoning_unit": world[unit], "industry": world[industry]}
    over["catalogue_entry"] = world["catalogue"][entry] if entry else None
    if industry == "chem":
        over["park"] = world["park_p"]
    app = checked(world, **over)
    zoning = lines(app, "zoning")[0]
    assert app.outcome == outcome and not zoning["ok"] and fragment in zoning["text"]


def test_decided_by_the_plan_office_with_a_note_when_milder(world: Any, users: Any) -> None:
    app = checked(world, investment_intensity=Decimal(320))
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=users["county_c"], application=app)
    with pytest.raises(ValidationError):
        services.application_decide(actor=users["office"], application=app, decision="encouraged")
    app = services.application_decide(
        actor=users["office"], application=app, decision="encouraged", note="示例说明"
    )
    assert (app.state, app.decision) == ("decided", "encouraged")
    entry = AuditEntry.objects.filter(object_id=app.pk, action="update").latest("id")
    assert {f: (a, b) for f, a, b in entry.changed_fields()}["state"] == ("checked", "decided")


def test_completion_recheck_flags_each_shortfall(world: Any, users: Any) -> None:
    app = services.application_decide(actor=None, application=checked(world))
    with pytest.raises(ValidationError):  # full production before completion
        services.application_recheck(
            actor=None, application=app, stage="full_production", actual={"output_per_mu": Decimal(1)}
        )
    rec = services.application_recheck(
        actor=users["county_c"],
        application=app,
        stage="completion",
        actual={"investment_intensity": Decimal(380), "energy_per_output": Decimal("0.25")},
    )
    assert [s["indicator"] for s in rec.shortfalls] == ["investment_intensity", "energy_per_output"]
    assert rec.shortfalls[0]["gap_pct"] == -5.0 and rec.shortfalls[1]["gap_pct"] == 25.0
    assert Application.objects.get(pk=app.pk).state == "completed"


def test_full_production_recheck_without_shortfall(world: Any) -> None:
    app = services.application_decide(actor=None, application=checked(world))
    services.application_recheck(
        actor=None, application=app, stage="completion", actual={"investment_intensity": Decimal(400)}
    )
    rec = services.application_recheck(
        actor=None,
        application=app,
        stage="full_production",
        actual={
            "output_per_mu": Decimal(520),
            "tax_per_mu": Decimal(30),
            "energy_per_output": Decimal("0.2"),
        },
    )
    assert rec.shortfalls == [] and Application.objects.get(pk=app.pk).state == "producing"


def test_a_prohibited_project_is_not_rechecked(world: Any) -> None:
    app = services.application_decide(
        actor=None, application=checked(world, catalogue_entry=world["catalogue"]["C-OLD"])
    )
    with pytest.raises(ValidationError):
        services.application_recheck(
            actor=None, application=app, stage="completion", actual={"output_per_mu": Decimal(1)}
        )
