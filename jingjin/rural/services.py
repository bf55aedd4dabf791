"""Writes of return-to-poverty monitoring, each audited (personal data never in a snapshot).

Identification (识别程序, REFERENCE.md §6): risk lead → home verification → information
comparison → village appraisal and public notice (≥ :data:`NOTICE_DAYS` days) → township review
→ county approval, in this order, each on a day not before the one before and not after today;
the township review comes after the notice has ended. County approval makes the household
monitored from that day. From lead to decision at most :data:`DECISION_DAYS` days: later
decisions are allowed but the household is flagged overdue (:func:`jingjin.rural.selectors.is_overdue`).

Risk elimination (风险消除) has its own procedure, in :mod:`jingjin.rural.elimination`; its county
approval runs the screening engine's rule on the household's own figures: monitored ≥ 6 months,
≥ 1 assistance measure, income above the line in the last ≥ 6 monthly records, 两不愁三保障 and
drinking water secure, a member able to work.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.choices import AuditAction, UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_income_lines, may_work_on_household
from jingjin.core.services import audit_change, audit_record
from jingjin.engines.rural import SECURE_COLUMNS
from jingjin.rural import rules
from jingjin.rural.choices import STEP_ORDER, HouseholdState, LabourCapacity, Relation, Step
from jingjin.rural.crypto import id_number_hash
from jingjin.rural.models import (
    AccessLog,
    AssistanceMeasure,
    FundPool,
    Household,
    IdentificationStep,
    IncomeLine,
    IncomeRecord,
    Member,
    RiskFactor,
)
from jingjin.rural.validation import check_id_number, check_phone, check_text

NOTICE_DAYS = 5
DECISION_DAYS = 15
#: the states of an open file: a person is a member of at most one open file
OPEN_STATES = (HouseholdState.IDENTIFYING, HouseholdState.MONITORED)
#: the most members a household can have on its file
MAX_MEMBERS = 99
#: what a household's situation holds besides its income (the income follows its records)
SITUATION_FIELDS = ("size", "rigid_expenditure", *SECURE_COLUMNS)


def household_change(
    actor: Any, household: Household, source: str, *, clean: bool = False, **changes: Any
) -> None:
    """Set ``changes`` on the household (validated by the model when ``clean``), save it and
    audit the change; the callers check the rest."""
    before = household.snapshot()
    for name, value in changes.items():
        setattr(household, name, value)
    if clean:
        household.full_clean()
    household.save()
    audit_change(actor=actor, obj=household, before=before, source=source)


def _require(actor: Any, household: Household) -> None:
    if actor is not None and not may_work_on_household(actor, household):
        raise PermissionDenied(f"{actor} may not work on household {household.code}")


def _not_future(day: date, field: str) -> None:
    if day > clock.today():
        raise ValidationError({field: _("The day cannot be after today.")})


def _refresh_feeds(year: int) -> None:
    """After the commit, the indicators fed by the rural figures take their new values."""

    def refresh() -> None:
        from jingjin.ecology.feeds import feeds_refresh

        feeds_refresh(years=[year])

    transaction.on_commit(refresh)


def county_of(village: Unit) -> Unit:
    """The county a village lies in (its nearest ancestor of kind county)."""
    unit: Unit | None = village
    while unit is not None and unit.kind != UnitKind.COUNTY:
        unit = unit.parent
    if unit is None:
        raise ValidationError({"village": _("The village lies in no county.")})
    return unit


def next_code() -> str:
    last = Household.objects.filter(code__startswith="JC").order_by("-code").values_list("code", flat=True)
    number = int(last[0][2:]) + 1 if last and last[0][2:].isdigit() else 1
    return f"JC{number:06d}"


@transaction.atomic
def household_create(
    *,
    actor: Any,
    village: Unit,
    head_name: str,
    channel: str,
    monitoring_type: str,
    lead_date: date,
    former_poor: bool = False,
    size: int = 1,
    net_income: Decimal = Decimal(0),
    rigid_expenditure: Decimal = Decimal(0),
    secure: dict[str, bool] | None = None,
    note: str = "",
    is_synthetic: bool = False,
    previous: Household | None = None,
    source: str = "web",
) -> Household:
    """Open a household under identification from a risk lead (its first step, 线索);
    ``previous``: the family's closed file it follows (see :func:`household_monitor_again`)."""
    if village.kind != UnitKind.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    _not_future(lead_date, "lead_date")
    check_text(head_name, "head_name", max_length=64)
    _check_size(size)
    household = Household(
        code=next_code(),
        head_name=head_name.strip(),
        village=village,
        county=county_of(village),
        channel=channel,
        monitoring_type=monitoring_type,
        former_poor=former_poor,
        size=size,
        net_income=net_income,
        rigid_expenditure=rigid_expenditure,
        lead_date=lead_date,
        note=note,
        is_synthetic=is_synthetic,
        previous=previous,
        **(secure or {}),
    )
    _require(actor, household)
    household.full_clean()
    household.save()
    audit_change(actor=actor, obj=household, before=None, source=source)
    step = IdentificationStep.objects.create(
        household=household, step=Step.LEAD, done_on=lead_date, actor=actor
    )
    audit_change(actor=actor, obj=step, before=None, source=source)
    return household


def check_notice(
    notice: bool, review: bool, done_on: date, notice_end: date | None, previous: IdentificationStep | None
) -> None:
    """A village notice (``notice``) lasts at least :data:`NOTICE_DAYS` days; the township review
    (``review``) comes after the notice of the step before it (``previous``) has ended."""
    if notice:
        if notice_end is None or (notice_end - done_on).days + 1 < NOTICE_DAYS:
            raise ValidationError(
                {"notice_end": _("The public notice lasts at least %(days)s days.") % {"days": NOTICE_DAYS}}
            )
    elif review and previous is not None and previous.notice_end and done_on <= previous.notice_end:
        raise ValidationError({"done_on": _("The township review comes after the notice has ended.")})


@transaction.atomic
def step_record(
    *,
    actor: Any,
    household: Household,
    step: str,
    done_on: date,
    notice_end: date | None = None,
    note: str = "",
    source: str = "web",
) -> IdentificationStep:
    """Record the next step of the identification procedure (in order; see the module doc)."""
    _require(actor, household)
    if household.state != HouseholdState.IDENTIFYING:
        raise ValidationError({"step": _("The household is not under identification.")})
    done = list(household.steps.filter(step__in=STEP_ORDER).order_by("done_on", "id"))
    expected = STEP_ORDER[len(done)] if len(done) < len(STEP_ORDER) else None
    if expected is None or step != expected:
        if expected is None:
            raise ValidationError({"step": _("The identification is complete.")})
        raise ValidationError({"step": _("The next step is %(step)s.") % {"step": Step(expected).label}})
    _not_future(done_on, "done_on")
    previous = done[-1]
    if done_on < previous.done_on:
        raise ValidationError({"done_on": _("The day is before the previous step's.")})
    check_notice(step == Step.VILLAGE_NOTICE, step == Step.TOWNSHIP_REVIEW, done_on, notice_end, previous)
    check_text(note, "note", max_length=500)
    record = IdentificationStep.objects.create(
        household=household,
        step=step,
        done_on=done_on,
        notice_end=notice_end if step == Step.VILLAGE_NOTICE else None,
        note=note,
        actor=actor,
    )
    audit_change(actor=actor, obj=record, before=None, source=source)
    if step == Step.COUNTY_APPROVAL:
        household_change(
            actor,
            household,
            source,
            state=HouseholdState.MONITORED,
            decided_on=done_on,
            monitored_since=done_on,
        )
        _refresh_feeds(done_on.year)
    return record


@transaction.atomic
def household_reject(
    *, actor: Any, household: Household, on: date, note: str, source: str = "web"
) -> Household:
    """Close an identification without confirming the household (不予纳入), with a reason."""
    _require(actor, household)
    if household.state != HouseholdState.IDENTIFYING:
        raise ValidationError({"state": _("The household is not under identification.")})
    if not note.strip():
        raise ValidationError({"note": _("Give the reason.")})
    check_text(note, "note", max_length=2000)
    _not_future(on, "on")
    household_change(
        actor, household, source, state=HouseholdState.REJECTED, decided_on=on, note=note.strip()
    )
    return household


@transaction.atomic
def household_monitor_again(
    *,
    actor: Any,
    household: Household,
    lead_date: date,
    channel: str,
    monitoring_type: str,
    note: str,
    source: str = "web",
) -> Household:
    """Open a new file for a family whose file is closed (risk eliminated or not confirmed) when a
    risk is found again (风险再现，重新纳入监测): a household under identification from the new
    lead, linked to the closed one (``previous``), with its figures, situation and members
    (personal data included) copied. The closed file stays as it was; it is followed by one file."""
    _require(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.state in OPEN_STATES:
        raise ValidationError({"state": _("The household's file is open: work on it.")})
    later = household.later.first()
    if later is not None:
        raise ValidationError({"state": _("The family is followed in file %(code)s.") % {"code": later.code}})
    closed_on = household.eliminated_on or household.decided_on
    if closed_on is not None and lead_date < closed_on:
        raise ValidationError(
            {"lead_date": _("The lead comes after the file was closed (%(day)s).") % {"day": closed_on}}
        )
    if not note.strip():
        raise ValidationError({"note": _("Give the risk found.")})
    situation = {name: getattr(household, name) for name in SECURE_COLUMNS}
    new = household_create(
        actor=actor,
        village=household.village,
        head_name=household.head_name,
        channel=channel,
        monitoring_type=monitoring_type,
        lead_date=lead_date,
        former_poor=household.former_poor,
        size=household.size,
        net_income=household.net_income,
        rigid_expenditure=household.rigid_expenditure,
        secure=situation,
        note=note.strip(),
        is_synthetic=household.is_synthetic,
        previous=household,
        source=source,
    )
    for member in household.members.all():
        fields = ("name", "relation", "id_number", "phone", "bank_account", "health", "labour_capacity")
        try:
            member_add(actor=actor, household=new, source=source, **{f: getattr(member, f) for f in fields})
        except ValidationError as exc:
            problems = "; ".join(exc.messages)
            raise ValidationError(
                _("Member %(name)s: %(problems)s") % {"name": member.name, "problems": problems}
            ) from None
    return new


def _check_size(size: int) -> None:
    if not 1 <= size <= MAX_MEMBERS:
        raise ValidationError({"size": _("A household has 1 to %(most)s members.") % {"most": MAX_MEMBERS}})


@transaction.atomic
def household_situation_update(
    *, actor: Any, household: Household, source: str = "web", **situation: Any
) -> Household:
    """Update what the monitoring rules read of a household besides its income records: its
    size, rigid expenditure and whether food and clothing, education, medical care, housing and
    drinking water are secure (两不愁三保障) — for a household under identification or monitored.
    Only the fields given change (names as :data:`SITUATION_FIELDS`)."""
    _require(actor, household)
    unknown = set(situation) - set(SITUATION_FIELDS)
    if unknown:
        raise TypeError(f"not a field of the situation: {', '.join(sorted(unknown))}")
    if household.state not in OPEN_STATES:
        raise ValidationError({"state": _("The household's file is closed.")})
    if "size" in situation:
        _check_size(situation["size"])
    household_change(actor, household, source, clean=True, **situation)
    return household


def _registered_elsewhere(id_number: str, household: Household, member: Member | None) -> bool:
    """Is the person (by ID number) another member of ``household`` or a member of an open file
    (under identification or monitored)? A closed file's members are the family's history: the
    same person may be registered again in a file that follows it."""
    key = id_number_hash(id_number)
    if member is not None and member.id_hash == key:
        return False  # the member keeps its ID number: nothing new is registered
    others = Member.objects.filter(id_hash=key)
    if member is not None:
        others = others.exclude(pk=member.pk)
    return others.filter(Q(household=household) | Q(household__state__in=OPEN_STATES)).exists()


def _personal(
    name: str,
    id_number: str,
    phone: str,
    bank_account: str,
    health: str,
    *,
    household: Household,
    member: Member | None,
) -> tuple[str, str, str]:
    """Check a member's name and personal data (messages name the field, never the value); the
    normalised ID number, phone and bank account."""
    check_text(name, "name", max_length=64)
    id_number = check_id_number(id_number)
    phone = check_phone(phone)
    bank_account = bank_account.strip().replace(" ", "")
    if bank_account and not (bank_account.isdigit() and 12 <= len(bank_account) <= 30):
        raise ValidationError({"bank_account": _("A bank account has 12 to 30 digits.")})
    check_text(health, "health", max_length=200)
    if id_number and _registered_elsewhere(id_number, household, member):
        raise ValidationError({"id_number": _("A member with this ID number is already registered.")})
    return id_number, phone, bank_account


@transaction.atomic
def member_add(
    *,
    actor: Any,
    household: Household,
    name: str,
    relation: str = Relation.OTHER,
    id_number: str = "",
    phone: str = "",
    bank_account: str = "",
    health: str = "",
    labour_capacity: str = LabourCapacity.ABLE,
    source: str = "web",
) -> Member:
    """Add a member; the personal data are encrypted on save and left out of the audit row.
    Error messages name the field, never its value."""
    _require(actor, household)
    id_number, phone, bank_account = _personal(
        name, id_number, phone, bank_account, health, household=household, member=None
    )
    member = Member(
        household=household,
        name=name.strip(),
        relation=relation,
        id_number=id_number,
        id_hash=id_number_hash(id_number) if id_number else "",
        phone=phone,
        bank_account=bank_account,
        health=health.strip(),
        labour_capacity=labour_capacity,
    )
    member.full_clean(exclude=["id_number", "phone", "bank_account", "health"])
    member.save()
    audit_change(actor=actor, obj=member, before=None, source=source)
    return member


@transaction.atomic
def risk_add(
    *, actor: Any, household: Household, kind: str, note: str = "", source: str = "web"
) -> RiskFactor:
    _require(actor, household)
    check_text(note, "note", max_length=500)
    risk = RiskFactor(household=household, kind=kind, note=note.strip())
    risk.full_clean()
    risk.save()
    audit_change(actor=actor, obj=risk, before=None, source=source)
    return risk


@transaction.atomic
def measure_add(
    *,
    actor: Any,
    household: Household,
    kind: str,
    description: str,
    started_on: date,
    pool: FundPool | None = None,
    paid: Decimal = Decimal(0),
    source: str = "web",
) -> AssistanceMeasure:
    """Add an assistance measure; a payment from the county's pool must fit its balance."""
    _require(actor, household)
    if household.state not in (HouseholdState.IDENTIFYING, HouseholdState.MONITORED):
        raise ValidationError({"kind": _("The household is not monitored.")})
    _not_future(started_on, "started_on")
    check_text(description, "description", max_length=500, required=True)
    if paid and pool is None:
        raise ValidationError({"pool": _("Choose the fund pool the payment comes from.")})
    if pool is not None:
        pool = FundPool.objects.select_for_update().get(pk=pool.pk)
        if pool.county_id != household.county_id:
            raise ValidationError({"pool": _("The pool belongs to another county.")})
        if paid > rules.pool_balance(pool):
            raise ValidationError({"paid": _("The payment is larger than the pool's balance.")})
    measure = AssistanceMeasure(
        household=household,
        kind=kind,
        description=description.strip(),
        started_on=started_on,
        pool=pool,
        paid=paid,
    )
    measure.full_clean()
    measure.save()
    audit_change(actor=actor, obj=measure, before=None, source=source)
    return measure


@transaction.atomic
def income_record(
    *, actor: Any, household: Household, month: date, net_income: Decimal, source: str = "web"
) -> IncomeRecord:
    """Record (or correct) the net income of the 12 months ending with ``month``."""
    _require(actor, household)
    month = month.replace(day=1)
    _not_future(month, "month")
    record = IncomeRecord.objects.filter(household=household, month=month).first()
    before = record.snapshot() if record else None
    if record is None:
        record = IncomeRecord(household=household, month=month, net_income=net_income)
    record.net_income = net_income
    record.full_clean()
    record.save()
    audit_change(actor=actor, obj=record, before=before, source=source)
    latest = household.incomes.order_by("-month").first()
    if latest is not None and latest.pk == record.pk:
        household_change(actor, household, source, net_income=net_income)
    return record


def access_record(*, user: Any, household: Household, via: str) -> AccessLog:
    """Log one view of a household's full personal data (who looked at whom). The log is the
    audit of reads: a row per page, API response or export that showed the data in full."""
    return AccessLog.objects.create(user=user, household=household, at=clock.now(), via=via)


@transaction.atomic
def member_update(
    *,
    actor: Any,
    member: Member,
    name: str,
    relation: str,
    id_number: str = "",
    phone: str = "",
    bank_account: str = "",
    health: str = "",
    labour_capacity: str = LabourCapacity.ABLE,
    source: str = "web",
) -> Member:
    """Correct a member. The audit row shows the other fields' changes and, when personal data
    changed, which of them (``personal_data``: the field names) — never a value."""
    _require(actor, member.household)
    id_number, phone, bank_account = _personal(
        name, id_number, phone, bank_account, health, household=member.household, member=member
    )
    before = member.snapshot()
    personal = {
        "id_number": id_number,
        "phone": phone,
        "bank_account": bank_account,
        "health": health.strip(),
    }
    changed = sorted(field for field, value in personal.items() if getattr(member, field) != value)
    member.name, member.relation, member.labour_capacity = name.strip(), relation, labour_capacity
    for field, value in personal.items():
        setattr(member, field, value)
    member.id_hash = id_number_hash(id_number) if id_number else ""
    member.full_clean(exclude=["id_number", "phone", "bank_account", "health"])
    member.save()
    after = member.snapshot()
    if changed:
        before, after = {**before, "personal_data": ""}, {**after, "personal_data": ", ".join(changed)}
    if after != before:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=member, before=before, after=after, source=source
        )
    return member


@transaction.atomic
def risk_update(
    *, actor: Any, risk: RiskFactor, kind: str, note: str = "", source: str = "web"
) -> RiskFactor:
    _require(actor, risk.household)
    check_text(note, "note", max_length=500)
    before = risk.snapshot()
    risk.kind, risk.note = kind, note.strip()
    risk.full_clean()
    risk.save()
    audit_change(actor=actor, obj=risk, before=before, source=source)
    return risk


@transaction.atomic
def measure_update(
    *,
    actor: Any,
    measure: AssistanceMeasure,
    kind: str,
    description: str,
    started_on: date,
    pool: FundPool | None = None,
    paid: Decimal = Decimal(0),
    source: str = "web",
) -> AssistanceMeasure:
    """Correct a measure; a payment must fit the pool's balance without the measure's own payment."""
    household = measure.household
    _require(actor, household)
    _not_future(started_on, "started_on")
    check_text(description, "description", max_length=500, required=True)
    if paid and pool is None:
        raise ValidationError({"pool": _("Choose the fund pool the payment comes from.")})
    if pool is not None:
        pool = FundPool.objects.select_for_update().get(pk=pool.pk)
        if pool.county_id != household.county_id:
            raise ValidationError({"pool": _("The pool belongs to another county.")})
        own = measure.paid if measure.pool_id == pool.pk else Decimal(0)
        if paid > rules.pool_balance(pool) + own:
            raise ValidationError({"paid": _("The payment is larger than the pool's balance.")})
    before = measure.snapshot()
    measure.kind, measure.description, measure.started_on = kind, description.strip(), started_on
    measure.pool, measure.paid = pool, paid
    measure.full_clean()
    measure.save()
    audit_change(actor=actor, obj=measure, before=before, source=source)
    return measure


@transaction.atomic
def income_line_save(
    *,
    actor: Any,
    province: str,
    year: int,
    amount: Decimal,
    province_name: str = "",
    source_text: str = "",
    source: str = "web",
) -> IncomeLine:
    """Record (or correct) the monitoring line of a province and year (监测范围), audited. The
    figure is the office's: nothing here fills in a year it has not recorded."""
    if actor is not None and not may_manage_income_lines(actor):
        raise PermissionDenied(f"{actor} may not record monitoring lines")
    province = province.strip()
    if not (len(province) == 6 and province.isdigit()):
        raise ValidationError({"province": _("A province code has 6 digits (GB/T 2260).")})
    if not 2000 <= year <= clock.today().year + 1:
        raise ValidationError({"year": _("Give a year from 2000 to next year.")})
    check_text(province_name, "province_name", max_length=32)
    check_text(source_text, "source_text", max_length=300)
    line = IncomeLine.objects.select_for_update().filter(province=province, year=year).first()
    before = line.snapshot() if line else None
    if line is None:
        line = IncomeLine(province=province, year=year, amount=amount)
    line.amount = amount
    line.province_name = province_name.strip() or line.province_name
    line.source = source_text.strip()
    line.full_clean()
    line.save()
    audit_change(actor=actor, obj=line, before=before, source=source)
    return line


# Removal of an item entered by mistake (members, risk factors, measures, income records): the same
# rule as correcting it, a reason in the audit row (``after``), the item's last values in ``before``.

#: a member's personal fields: a removal's audit row names those the member had, never a value
PERSONAL_FIELDS = ("bank_account", "health", "id_number", "phone")


def _removal_reason(reason: str) -> str:
    check_text(reason, "reason", max_length=500, required=True)
    return reason.strip()


def _record_removal(*, actor: Any, obj: Any, before: dict[str, Any], reason: str, source: str) -> None:
    after = {"reason": reason}
    audit_record(actor=actor, action=AuditAction.DELETE, obj=obj, before=before, after=after, source=source)
    obj.delete()


@transaction.atomic
def member_remove(*, actor: Any, member: Member, reason: str, source: str = "web") -> None:
    """Remove a member entered by mistake. A monitored household keeps at least one member. The
    audit row's ``before`` names the personal data the member had (``personal_data``), no value."""
    _require(actor, member.household)
    reason = _removal_reason(reason)
    household = Household.objects.select_for_update().get(pk=member.household_id)  # one removal at a time
    if household.state == HouseholdState.MONITORED and not household.members.exclude(pk=member.pk).exists():
        raise ValidationError(_("A monitored household keeps at least one member: this is its last one."))
    before = member.snapshot()
    held = [field for field in PERSONAL_FIELDS if getattr(member, field)]
    if held:
        before["personal_data"] = ", ".join(held)
    _record_removal(actor=actor, obj=member, before=before, reason=reason, source=source)


@transaction.atomic
def risk_remove(*, actor: Any, risk: RiskFactor, reason: str, source: str = "web") -> None:
    """Remove a risk factor entered by mistake."""
    _require(actor, risk.household)
    reason = _removal_reason(reason)
    _record_removal(actor=actor, obj=risk, before=risk.snapshot(), reason=reason, source=source)


@transaction.atomic
def measure_remove(*, actor: Any, measure: AssistanceMeasure, reason: str, source: str = "web") -> None:
    """Remove a measure entered by mistake; its payment goes back to the pool's balance (the balance
    is the pool's amount less its measures' payments), under the pool's lock as when paying."""
    _require(actor, measure.household)
    reason = _removal_reason(reason)
    if measure.pool_id is not None:
        FundPool.objects.select_for_update().get(pk=measure.pool_id)
    _record_removal(actor=actor, obj=measure, before=measure.snapshot(), reason=reason, source=source)


@transaction.atomic
def income_remove(*, actor: Any, income: IncomeRecord, reason: str, source: str = "web") -> None:
    """Remove an income record entered by mistake. When it was the latest, the household's net
    income becomes the new latest record's (as :func:`income_record` sets it); with no record
    left the figure stays. The months above the line are read from the records that remain."""
    _require(actor, income.household)
    reason = _removal_reason(reason)
    household = Household.objects.select_for_update().get(pk=income.household_id)
    latest = household.incomes.order_by("-month").first()
    was_latest = latest is not None and latest.pk == income.pk
    _record_removal(actor=actor, obj=income, before=income.snapshot(), reason=reason, source=source)
    if not was_latest:
        return
    remaining = household.incomes.order_by("-month").first()
    if remaining is not None:
        household_change(actor, household, source, net_income=remaining.net_income)
