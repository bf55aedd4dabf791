"""Writes of the talent pool and the party organisations, each checked against a predicate of
``core.permissions`` and recorded in the audit trail. The challenge board's writes are in
:mod:`jingjin.people.challenge_services`; the early warning's in
:mod:`jingjin.people.warning_services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import permissions as P
from jingjin.core.services import audit_change
from jingjin.people.models import (
    GrowthEntry,
    MemberChange,
    PartyMeeting,
    PartyOrg,
    Talent,
    TalentAccess,
    TalentTarget,
    TalentTeam,
    UnitPartyMembers,
)

TALENT_FIELDS = {
    "code",
    "name",
    "category",
    "unit",
    "title",
    "field",
    "team",
    "recognised_on",
    "id_number",
    "phone",
    "birth_date",
    "is_synthetic",
}


def _refuse_unknown(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})


def _may_place(actor: Any, unit: Any) -> bool:
    """May ``actor`` keep a record in ``unit``? Managers any unit; unit users their scope."""
    if P.manages_people(actor):
        return True
    return P.acts_for_a_unit(actor) and unit is not None and unit.pk in P.unit_scope(actor)


def _check_id_number(value: str) -> None:
    if value and not (
        len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] in "Xx")
    ):
        raise ValidationError({"id_number": _("An ID number has 17 digits and a digit or X.")})


@transaction.atomic
def talent_save(
    *, actor: Any, data: dict[str, Any], talent: Talent | None = None, source: str = "web"
) -> Talent:
    """Create (``talent`` None) or change a talent. Managers any; unit users the talents of their
    unit and below (and only into such a unit); ``actor=None`` is the system (demo, import)."""
    _refuse_unknown(data, TALENT_FIELDS)
    if actor is not None:
        if talent is not None and not P.may_see_talent(actor, talent):
            raise P.PermissionDenied("change this talent")
        if not _may_place(actor, data.get("unit", talent.unit if talent else None)):
            raise P.PermissionDenied("keep a talent in this unit")
    _check_id_number(str(data.get("id_number", "") or ""))
    before = talent.snapshot() if talent is not None else None
    talent = talent or Talent()
    for name, value in data.items():
        setattr(talent, name, value)
    talent.full_clean()
    talent.save()
    audit_change(actor=actor, obj=talent, before=before, source=source)
    return talent


@transaction.atomic
def growth_add(
    *, actor: Any, talent: Talent, kind: str, day: date, text: str, source: str = "web"
) -> GrowthEntry:
    """Add a dated entry to ``talent``'s growth file (who may change the talent)."""
    if actor is not None and not P.may_see_talent(actor, talent):
        raise P.PermissionDenied("change this talent")
    entry = GrowthEntry(talent=talent, kind=kind, date=day, text=text)
    entry.full_clean()
    entry.save()
    audit_change(actor=actor, obj=entry, before=None, source=source)
    return entry


@transaction.atomic
def team_save(
    *, actor: Any, data: dict[str, Any], team: TalentTeam | None = None, source: str = "web"
) -> TalentTeam:
    """Create or change a team (managers; unit users their unit's)."""
    _refuse_unknown(
        data, {"code", "name", "unit", "field", "is_outstanding", "recognised_on", "is_synthetic"}
    )
    if actor is not None and team is not None and not P.may_edit_talent_team(actor, team):
        raise P.PermissionDenied("change this team")
    if actor is not None and not _may_place(actor, data.get("unit", team.unit if team else None)):
        raise P.PermissionDenied("keep a team in this unit")
    before = team.snapshot() if team is not None else None
    team = team or TalentTeam()
    for name, value in data.items():
        setattr(team, name, value)
    team.full_clean()
    team.save()
    audit_change(actor=actor, obj=team, before=before, source=source)
    return team


@transaction.atomic
def target_set(
    *,
    actor: Any,
    key: str,
    target: int,
    start_year: int,
    end_year: int,
    is_synthetic: bool = False,
    source: str = "web",
) -> TalentTarget:
    """Set the five-year target counted by ``key`` (managers)."""
    if actor is not None and not P.manages_people(actor):
        raise P.PermissionDenied("set talent targets")
    if end_year < start_year:
        raise ValidationError({"end_year": _("The end must not be before the start.")})
    row = TalentTarget.objects.filter(key=key).first()
    before = row.snapshot() if row is not None else None
    row = row or TalentTarget(key=key)
    row.target, row.start_year, row.end_year, row.is_synthetic = target, start_year, end_year, is_synthetic
    row.full_clean()
    row.save()
    audit_change(actor=actor, obj=row, before=before, source=source)
    return row


def talent_viewed(*, actor: Any, talent: Talent, source: str = "web") -> TalentAccess:
    """Record that ``actor`` opened ``talent``'s full record (the access log), masked or not."""
    if not P.may_see_talent(actor, talent):
        raise P.PermissionDenied("view this talent")
    return TalentAccess.objects.create(
        user=actor,
        user_name=actor.get_username(),
        talent=talent,
        unmasked=P.sees_personal_data(actor),
        source=source,
    )


# --------------------------------------------------------------------------------------------
# Party organisations

ORG_FIELDS = {
    "code",
    "name",
    "kind",
    "unit",
    "members",
    "secretary",
    "vacant_since",
    "founded_on",
    "is_synthetic",
}
ORG_UNIT_FIELDS = {"name", "members", "secretary", "vacant_since"}


@transaction.atomic
def org_save(
    *, actor: Any, data: dict[str, Any], org: PartyOrg | None = None, source: str = "web"
) -> PartyOrg:
    """Create (managers) or change an organisation (managers; unit users of its unit the fields
    of ``ORG_UNIT_FIELDS``). A secretary named ends a vacancy; none named starts one today."""
    from jingjin.core import clock

    _refuse_unknown(data, ORG_FIELDS)
    if actor is not None:
        if org is None and not P.may_manage_party_orgs(actor):
            raise P.PermissionDenied("add party organisations")
        if org is not None and not P.may_edit_party_org(actor, org):
            raise P.PermissionDenied("change this organisation")
        if org is not None and not P.may_manage_party_orgs(actor) and set(data) - ORG_UNIT_FIELDS:
            raise P.PermissionDenied("change these fields")
    before = org.snapshot() if org is not None else None
    org = org or PartyOrg()
    for name, value in data.items():
        setattr(org, name, value)
    if "secretary" in data:
        if org.secretary:
            org.vacant_since = None
        elif org.vacant_since is None:
            org.vacant_since = clock.today()
    org.full_clean()
    org.save()
    audit_change(actor=actor, obj=org, before=before, source=source)
    return org


@transaction.atomic
def meeting_record(
    *, actor: Any, org: PartyOrg, kind: str, held_on: date, topic: str = "", source: str = "web"
) -> PartyMeeting:
    """Record a meeting or activity held (not in the future)."""
    from jingjin.core import clock

    if actor is not None and not P.may_edit_party_org(actor, org):
        raise P.PermissionDenied("record meetings of this organisation")
    if held_on > clock.today():
        raise ValidationError({"held_on": _("A meeting is recorded once it was held.")})
    meeting = PartyMeeting(org=org, kind=kind, held_on=held_on, topic=topic)
    meeting.full_clean()
    meeting.save()
    audit_change(actor=actor, obj=meeting, before=None, source=source)
    return meeting


@transaction.atomic
def member_change_record(
    *, actor: Any, org: PartyOrg, changed_on: date, delta: int, reason: str = "", source: str = "web"
) -> MemberChange:
    """Record members joining (``delta`` > 0) or leaving (< 0); the organisation's count follows."""
    if actor is not None and not P.may_edit_party_org(actor, org):
        raise P.PermissionDenied("record member changes of this organisation")
    if delta == 0:
        raise ValidationError({"delta": _("A change is not 0.")})
    if org.members + delta < 0:
        raise ValidationError({"delta": _("More members would leave than the organisation has.")})
    change = MemberChange(org=org, changed_on=changed_on, delta=delta, reason=reason)
    change.full_clean()
    change.save()
    audit_change(actor=actor, obj=change, before=None, source=source)
    before = org.snapshot()
    org.members += delta
    org.save(update_fields=["members"])
    audit_change(actor=actor, obj=org, before=before, source=source)
    return change


@transaction.atomic
def unit_members_set(
    *, actor: Any, unit: Any, members: int, is_synthetic: bool = False, source: str = "web"
) -> UnitPartyMembers:
    """Register the party members of a unit (the base of the coverage check; managers)."""
    if actor is not None and not P.may_manage_party_orgs(actor):
        raise P.PermissionDenied("register party members of units")
    row = UnitPartyMembers.objects.filter(unit=unit).first()
    before = row.snapshot() if row is not None else None
    row = row or UnitPartyMembers(unit=unit)
    row.members, row.is_synthetic = members, is_synthetic
    row.full_clean()
    row.save()
    audit_change(actor=actor, obj=row, before=before, source=source)
    return row
