"""Writes of the targeted attraction pipeline (靶向招引), each audited: the candidate-firm import
(all or nothing), a lead's creation and change, and its moves through the stages.

State rules of :func:`lead_move` (docs/parks.md "Attraction pipeline"):

* forward only, one stage at a time: 线索 → 接洽 → 考察 → 签约 → 开工 → 投产;
* a skip (e.g. 接洽 → 签约 when the visit happened elsewhere) is allowed **with a reason**, which
  the history row keeps; the funnel counts the skipped stages as passed;
* 终止 (dropped) from any stage before 投产, only with a reason;
* no move after 终止 or 投产; no move back;
* the date of a move is not before the lead's last move and not after today (the clock);
* reaching 签约 (or beyond it) creates the lead's key project in the project library
  (:func:`jingjin.projects.services.project_create`: state 前期 preparation, the owner unit, the
  park and its county, the planned investment as the total investment) unless the lead already
  links one. The project is written by the system on the move's behalf (audit source
  ``attraction``); the move itself is audited with the user.

Who: :func:`jingjin.core.permissions.may_move_attraction_lead` (the owner unit's users and the plan
office); :func:`~jingjin.core.permissions.may_add_attraction_leads` adds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.limits import file_problem
from jingjin.core.permissions import (
    PermissionDenied,
    may_add_attraction_leads,
    may_import_candidates,
    may_move_attraction_lead,
    may_own_attraction_lead,
)
from jingjin.core.services import audit_change
from jingjin.parks import attraction_imports, tables
from jingjin.parks.attraction_choices import FINAL, PIPELINE, LeadStageName
from jingjin.parks.models import AttractionLead, CandidateFirm, ChainLink, LeadStage
from jingjin.parks.services import ImportResult
from jingjin.parks.tables import ImportFailed

#: the fields a lead is created or changed with (the stage moves through :func:`lead_move`)
LEAD_FIELDS = AttractionLead.office_editable_fields


def _user_name(actor: Any, source: str) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return source or "system"


# --------------------------------------------------------------------------------------------
# Candidate firms


def candidates_import(
    *, raw: bytes, filename: str, actor: Any, source: str = "import", synthetic: bool = False
) -> ImportResult:
    """Import the candidate list (:mod:`.attraction_imports`): every row checked first
    (:class:`~.tables.ImportFailed` names the bad cells, nothing written), then all written in one
    transaction, a candidate found by its name changed, an audit row per candidate."""
    if actor is not None and not may_import_candidates(actor):
        raise PermissionDenied(_("Only the plan office imports the candidate firms."))
    records = attraction_imports.candidates_validate(tables.read_rows(raw, filename))
    links = {link.code: link for link in ChainLink.objects.all()}
    created = updated = 0
    try:
        with transaction.atomic():
            for record in records:
                values = {k: v for k, v in record.items() if k not in ("line", "links")}
                obj = CandidateFirm.objects.filter(name=record["name"]).first()
                before = obj.snapshot() if obj is not None else None
                obj = obj or CandidateFirm(name=record["name"])
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.is_synthetic = obj.is_synthetic or synthetic
                obj.full_clean()
                obj.save()
                obj.chain_links.set([links[code] for code in record["links"]])
                audit_change(actor=actor, obj=obj, before=before, source=source)
                created += before is None
                updated += before is not None
    except ValidationError as exc:  # a rule of the model the file's checks do not repeat
        raise ImportFailed([file_problem(" ".join(exc.messages))]) from exc
    return ImportResult(created=created, updated=updated)


# --------------------------------------------------------------------------------------------
# Leads


def _check_date(value: Any, after: date | None) -> date:
    if not isinstance(value, date):
        raise ValidationError({"date": _("Give the date of the stage.")})
    if value > clock.today():
        raise ValidationError({"date": _("The date lies in the future.")})
    if after is not None and value < after:
        raise ValidationError(
            {"date": _("The date lies before the last move (%(date)s).") % {"date": after.isoformat()}}
        )
    return value


def _set_fields(lead: AttractionLead, data: dict[str, Any], allowed: tuple[str, ...]) -> list[Any] | None:
    refused = sorted(set(data) - set(allowed))
    if refused:
        raise PermissionDenied(_("Not allowed to change: %(fields)s") % {"fields": ", ".join(refused)})
    for name, value in data.items():
        if name != "chain_links":
            setattr(lead, name, value)
    if lead.candidate_id is not None and not lead.firm_name:
        lead.firm_name = lead.candidate.name if lead.candidate else ""
    links = data.get("chain_links")
    return list(links) if links is not None else None


@transaction.atomic
def lead_create(
    *, actor: Any, data: dict[str, Any], stage_date: date | None = None, source: str = "web"
) -> AttractionLead:
    """A new lead at stage 线索 on ``stage_date`` (default today) from ``data`` (fields of
    :data:`LEAD_FIELDS`; ``chain_links`` a list of links); a unit user for its unit or below."""
    if actor is not None:
        if not may_add_attraction_leads(actor):
            raise PermissionDenied(_("You may not add attraction leads."))
        if not may_own_attraction_lead(actor, data.get("owner_unit")):
            raise PermissionDenied(_("A lead belongs to your unit or a unit below it."))
    lead = AttractionLead(stage=LeadStageName.LEAD, reached=LeadStageName.LEAD)
    links = _set_fields(lead, dict(data), (*LEAD_FIELDS, "is_synthetic"))
    lead.stage_date = _check_date(stage_date or clock.today(), None)
    if not lead.firm_name:
        raise ValidationError({"firm_name": _("Give the firm's name or choose a candidate.")})
    lead.full_clean()
    lead.save()
    if links is not None:
        lead.chain_links.set(links)
    LeadStage.objects.create(
        lead=lead, stage=lead.stage, date=lead.stage_date, user_name=_user_name(actor, source)
    )
    audit_change(actor=actor, obj=lead, before=None, source=source)
    return lead


@transaction.atomic
def lead_update(
    *, actor: Any, lead: AttractionLead, data: dict[str, Any], source: str = "web"
) -> AttractionLead:
    """Change the fields in ``data`` (those the actor may change); the stage only moves."""
    lead = AttractionLead.objects.select_for_update().get(pk=lead.pk)
    allowed: tuple[str, ...] = LEAD_FIELDS
    if actor is not None:
        if not may_move_attraction_lead(actor, lead):
            raise PermissionDenied(_("You may not change this lead."))
        if "owner_unit" in data and not may_own_attraction_lead(actor, data["owner_unit"]):
            raise PermissionDenied(_("A lead belongs to your unit or a unit below it."))
    before = lead.snapshot()
    links = _set_fields(lead, dict(data), allowed)
    lead.full_clean()
    lead.save()
    if links is not None:
        lead.chain_links.set(links)
    audit_change(actor=actor, obj=lead, before=before, source=source)
    return lead


def move_problem(lead: AttractionLead, stage: str, reason: str) -> str | None:
    """Why ``lead`` cannot move to ``stage`` (with ``reason``), or None: the state rules."""
    if lead.stage in FINAL:
        return _("A lead that is dropped or in production moves no more.")
    if stage == LeadStageName.DROPPED:
        return None if reason else _("Give the reason for dropping the lead.")
    if stage not in PIPELINE:
        return _("Unknown stage.")
    step = PIPELINE.index(stage) - PIPELINE.index(lead.stage)
    if step <= 0:
        return _("A lead moves forward only.")
    if step > 1 and not reason:
        return _("Skipping a stage needs a reason.")
    return None


def _key_project(lead: AttractionLead, source: str) -> Any:
    """The key project of a signed lead, created in the project library (see the module)."""
    from jingjin.projects import services as project_services
    from jingjin.projects.models import KeyProject

    existing = KeyProject.objects.filter(code=f"ZS-{lead.pk}").first()
    if existing is not None:  # created for this lead before (e.g. restored from a backup): link it
        return existing
    park = lead.park
    data = {
        "code": f"ZS-{lead.pk}",
        "name_zh": f"{lead.firm_name}项目",
        "name_en": f"{lead.firm_name} project",
        "level": "city",
        "category": "industry",
        "owner_unit": lead.owner_unit,
        "county": park.county if park is not None else None,
        "park": park.unit if park is not None else None,
        "industry": "、".join(sorted({link.chain.name_zh for link in lead.chain_links.all()}))[:100],
        "total_investment": lead.planned_investment,
        "state": "preparation",
        "is_synthetic": lead.is_synthetic,
    }
    return project_services.project_create(actor=None, data=data, source=source)


@transaction.atomic
def lead_move(
    *, actor: Any, lead: AttractionLead, stage: str, on: Any, reason: str = "", source: str = "web"
) -> AttractionLead:
    """Move ``lead`` to ``stage`` on the date ``on`` (the rules: the module's docstring); a history
    row per move, an audit row, the key project on reaching 签约."""
    lead = AttractionLead.objects.select_for_update().get(pk=lead.pk)
    if actor is not None and not may_move_attraction_lead(actor, lead):
        raise PermissionDenied(_("You may not move this lead."))
    reason = (reason or "").strip()
    problem = move_problem(lead, stage, reason)
    if problem:
        raise ValidationError({"stage": problem})
    before = lead.snapshot()
    lead.stage_date = _check_date(on, lead.stage_date)
    lead.stage = stage
    if stage == LeadStageName.DROPPED:
        lead.drop_reason = reason
    else:
        lead.reached = stage
    LeadStage(lead=lead, stage=stage, date=lead.stage_date, reason=reason).full_clean(exclude=["lead"])
    if stage in PIPELINE and PIPELINE.index(stage) >= PIPELINE.index("signed") and lead.project_id is None:
        lead.project = _key_project(lead, "attraction")
    lead.full_clean()
    lead.save()
    LeadStage.objects.create(
        lead=lead, stage=stage, date=lead.stage_date, reason=reason, user_name=_user_name(actor, source)
    )
    audit_change(actor=actor, obj=lead, before=before, source=source)
    return lead
