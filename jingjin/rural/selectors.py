"""Reads of return-to-poverty monitoring: household lists and files, personal data masked unless
:func:`jingjin.core.permissions.may_see_personal_data`, the deadline flag, candidates, the access log."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.core.permissions import may_screen_households, may_see_personal_data, restrict
from jingjin.rural.choices import HouseholdState
from jingjin.rural.crypto import mask, mask_account, mask_health, mask_phone
from jingjin.rural.models import AccessLog, AssistanceMeasure, Candidate, Household, Member, ScreeningRun

DECISION_DAYS = 15


@dataclass(frozen=True)
class HouseholdFilters:
    state: str = ""
    monitoring_type: str = ""
    county: str = ""
    overdue: bool = False
    without_measure: bool = False


def decision_deadline(household: Household) -> date:
    """Lead plus :data:`DECISION_DAYS` days: the identification is decided by then (≤ 15 days)."""
    return household.lead_date + timedelta(days=DECISION_DAYS)


def is_overdue(household: Household, today: date | None = None) -> bool:
    """Decided after the deadline, or still undecided past it."""
    end = household.decided_on or (today or clock.today())
    return end > decision_deadline(household)


def measure_cutoff(today: date | None = None) -> date:
    """One calendar month before ``today`` (the day clamped to the month's end): a household
    monitored since then or before should have an assistance measure by now."""
    today = today or clock.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def lacks_measure(household: Household, has_measure: bool, today: date | None = None) -> bool:
    """Monitored for a month or more without any assistance measure — a data-quality rule of the
    national monitoring system (REFERENCE.md §6)."""
    since = household.monitored_since
    return (
        household.state == HouseholdState.MONITORED
        and since is not None
        and since <= measure_cutoff(today)
        and not has_measure
    )


def household_list(*, user: Any, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    filters = filters or HouseholdFilters()
    rows = restrict(user, "view", Household.objects.all()).select_related("village", "county")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.monitoring_type:
        rows = rows.filter(monitoring_type=filters.monitoring_type)
    if filters.county:
        rows = rows.filter(county__code=filters.county)
    if filters.overdue:
        latest = clock.today() - timedelta(days=DECISION_DAYS)
        rows = rows.filter(state=HouseholdState.IDENTIFYING, lead_date__lt=latest)
    rows = rows.annotate(has_measure=Exists(AssistanceMeasure.objects.filter(household=OuterRef("pk"))))
    if filters.without_measure:
        rows = rows.filter(
            state=HouseholdState.MONITORED, monitored_since__lte=measure_cutoff(), has_measure=False
        )
    return rows.annotate(member_count=Count("members")).order_by("code")


def household_get(*, user: Any, code: str) -> Household | None:
    return (
        restrict(user, "view", Household.objects.select_related("village", "county"))
        .filter(code=code)
        .first()
    )


#: A member's fields as a correction sets them (its page's form, the API's PATCH).
MEMBER_FIELDS = ("name", "relation", "id_number", "phone", "bank_account", "health", "labour_capacity")


def member_values(member: Member) -> dict[str, Any]:
    """The member's fields as :func:`jingjin.rural.services.member_update` takes them (personal
    data in full: for the form of its county's case workers, or a correction that keeps them)."""
    return {name: getattr(member, name) for name in MEMBER_FIELDS}


def member_rows(members: list[Member], *, full: bool) -> list[dict[str, Any]]:
    """The members as the page, API and exports show them: in full or masked."""
    rows = []
    for m in members:
        rows.append(
            {
                "name": m.name,
                "relation": m.get_relation_display(),
                "id_number": m.id_number if full else mask(m.id_number),
                "phone": m.phone if full else mask_phone(m.phone),
                "bank_account": m.bank_account if full else mask_account(m.bank_account),
                "health": m.health if full else mask_health(m.health),
                "labour_capacity": m.get_labour_capacity_display(),
            }
        )
    return rows


def shows_full(user: Any, household: Household) -> bool:
    return may_see_personal_data(user, household)


def state_counts(*, user: Any) -> dict[str, int]:
    rows = restrict(user, "view", Household.objects.all()).values_list("state").annotate(n=Count("id"))
    return {str(state): int(n) for state, n in rows}


#: The procedures a county announces (县级公告) and the household's day of the county approval.
ANNOUNCED: dict[str, str] = {"identification": "monitored_since", "elimination": "eliminated_on"}


def announcement_counties(*, user: Any) -> QuerySet[Unit]:
    """The counties of the households ``user`` may see: those whose announcement it may read."""
    seen = restrict(user, "view", Household.objects.all()).values("county_id")
    return Unit.objects.filter(pk__in=seen).order_by("position", "code")


def approved_in(
    rows: QuerySet[Household], procedure: str, start: date | None = None, end: date | None = None
) -> QuerySet[Household]:
    """The households of ``rows`` the county approved by ``procedure`` from ``start`` to ``end``
    (both days included; None: open): entered into monitoring (``identification``; a later
    elimination does not take a household off the list of its period) or their risk eliminated
    (``elimination``), by township, village and day."""
    day = ANNOUNCED[procedure]
    rows = rows.filter(**{f"{day}__isnull": False})
    if start is not None:
        rows = rows.filter(**{f"{day}__gte": start})
    if end is not None:
        rows = rows.filter(**{f"{day}__lte": end})
    if procedure == "elimination":
        rows = rows.filter(state=HouseholdState.ELIMINATED)
    return rows.order_by("village__parent__position", "village__parent__code", "village__code", day, "code")


def announcement(*, user: Any, county: Unit, procedure: str, start: date, end: date) -> list[Household]:
    """The households of ``county`` the county approved from ``start`` to ``end`` by
    ``procedure`` (:func:`approved_in`), for its announcement."""
    rows = restrict(user, "view", Household.objects.all()).filter(county=county)
    return list(approved_in(rows, procedure, start, end).select_related("village", "village__parent"))


def screening_runs(*, user: Any) -> QuerySet[ScreeningRun]:
    """The screening runs of the case worker's county (none for other roles)."""
    profile = getattr(user, "profile", None)
    if not may_screen_households(user) or profile is None or not profile.unit_id:
        return ScreeningRun.objects.none()
    return ScreeningRun.objects.filter(county_id=profile.unit_id).select_related("job", "county")


def run_candidates(run: ScreeningRun) -> QuerySet[Candidate]:
    return run.candidates.select_related("village", "household").order_by("household", "per_capita_income")


def access_log() -> QuerySet[AccessLog]:
    return AccessLog.objects.select_related("user", "household", "household__county").order_by("-at", "-id")
