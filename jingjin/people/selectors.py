"""Reads of talent and party building: scoped and masked per role (``core.permissions``), the
counts every role reads, target progress, coverage of the units with party members, and the
measures the early-warning engine evaluates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q, QuerySet, Sum

from jingjin.core import clock
from jingjin.core import permissions as P
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.engines import party_warning as engine
from jingjin.people.choices import MEETINGS_PER_QUARTER, PartyWarningState, TalentCategory, TargetKey
from jingjin.people.models import (
    Challenge,
    MemberChange,
    PartyMeeting,
    PartyOrg,
    PartyWarning,
    Talent,
    TalentAccess,
    TalentTarget,
    TalentTeam,
    UnitPartyMembers,
    WarningRule,
)

OPEN_STATES = (PartyWarningState.OPEN, PartyWarningState.RECTIFYING)

# --------------------------------------------------------------------------------------------
# Masking


def mask_id_number(value: str) -> str:
    """``510903198501011234`` → ``5****************4``: the first and last character only."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str) -> str:
    """``13800001234`` → ``138****1234``; a short number keeps only its last two digits."""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(0, len(value) - 2) + value[-2:]


def personal_fields(user: Any, talent: Talent) -> dict[str, str]:
    """A talent's personal fields as ``user`` may see them: in full for :func:`sees_personal_data`,
    masked for everyone else (the birth date as its year only)."""
    birth = talent.birth_date.isoformat() if talent.birth_date else ""
    if P.sees_personal_data(user):
        return {"id_number": talent.id_number, "phone": talent.phone, "birth_date": birth}
    return {
        "id_number": mask_id_number(talent.id_number),
        "phone": mask_phone(talent.phone),
        "birth_date": f"{birth[:4]}-**-**" if birth else "",
    }


# --------------------------------------------------------------------------------------------
# Talents


def talents_for(user: Any) -> QuerySet[Talent]:
    return P.talents_for(user, Talent.objects.select_related("unit", "team"))


def teams_for(user: Any) -> QuerySet[TalentTeam]:
    return P.talents_for(user, TalentTeam.objects.select_related("unit").annotate(size=Count("members")))


def talent_counts() -> dict[str, int]:
    """Talents per category and the outstanding teams (what every role reads)."""
    rows = dict(Talent.objects.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    counts = {c.value: int(rows.get(c.value, 0)) for c in TalentCategory}
    counts[TargetKey.TEAM.value] = TalentTeam.objects.filter(is_outstanding=True).count()
    return counts


@dataclass(frozen=True)
class TargetProgress:
    key: str
    label: str
    target: int
    actual: int
    start_year: int
    end_year: int

    @property
    def pct(self) -> float | None:
        return round(100.0 * self.actual / self.target, 1) if self.target else None


def target_progress() -> list[TargetProgress]:
    """Each five-year target with the count reached so far."""
    counts = talent_counts()
    return [
        TargetProgress(
            key=t.key,
            label=str(TargetKey(t.key).label),
            target=t.target,
            actual=counts.get(t.key, 0),
            start_year=t.start_year,
            end_year=t.end_year,
        )
        for t in TalentTarget.objects.all()
    ]


def recognised_by(key: str, end: date) -> int:
    """Talents of category ``key`` (or outstanding teams for ``team``) recognised on or before ``end``."""
    if key == TargetKey.TEAM:
        return TalentTeam.objects.filter(is_outstanding=True, recognised_on__lte=end).count()
    return Talent.objects.filter(category=key, recognised_on__lte=end).count()


def access_log(limit: int = 200) -> list[TalentAccess]:
    return list(TalentAccess.objects.select_related("talent")[:limit])


# --------------------------------------------------------------------------------------------
# Challenges


def challenges_for(user: Any) -> QuerySet[Challenge]:
    """Every challenge for the signed-in (their terms are not personal); none for anyone else."""
    if not P.has_role(user):
        return Challenge.objects.none()
    return Challenge.objects.select_related("unit").annotate(bid_count=Count("bids"))


def open_challenges() -> QuerySet[Challenge]:
    """The public list (no sign-in): published challenges whose deadline has not passed."""
    return Challenge.objects.filter(state="published", deadline__gte=clock.today()).order_by("deadline")


# --------------------------------------------------------------------------------------------
# Party organisations: coverage and measures


def orgs_for(user: Any) -> QuerySet[PartyOrg]:
    return P.party_orgs_for(user, PartyOrg.objects.select_related("unit"))


def warnings_for(user: Any) -> QuerySet[PartyWarning]:
    return P.party_orgs_for(user, PartyWarning.objects.select_related("org", "org__unit"), "org__unit_id")


@dataclass(frozen=True)
class Coverage:
    """Units with registered party members, those with an organisation, and those without."""

    with_members: int
    covered: int
    uncovered: list[tuple[Unit, int]]
    by_county: list[dict[str, Any]]

    @property
    def pct(self) -> float | None:
        return round(100.0 * self.covered / self.with_members, 1) if self.with_members else None


def _county_of(unit_id: int, parents: dict[int, int | None], kinds: dict[int, str]) -> int | None:
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if kinds.get(current) == UnitKind.COUNTY:
            return current
        seen.add(current)
        current = parents.get(current)
    return None


def coverage() -> Coverage:
    """Every unit with party members has an organisation? (units without one are listed)"""
    registered = list(UnitPartyMembers.objects.filter(members__gt=0).select_related("unit"))
    with_org = set(PartyOrg.objects.values_list("unit_id", flat=True))
    units = {u.pk: u for u in Unit.objects.all()}
    parents = {pk: u.parent_id for pk, u in units.items()}
    kinds = {pk: u.kind for pk, u in units.items()}
    per_county: dict[int | None, list[int]] = {}
    uncovered = []
    for row in registered:
        county = _county_of(row.unit_id, parents, kinds)
        slot = per_county.setdefault(county, [0, 0])
        slot[0] += 1
        if row.unit_id in with_org:
            slot[1] += 1
        else:
            uncovered.append((row.unit, row.members))
    by_county = [
        {
            "name": units[c].name if c is not None else "—",
            "units": n,
            "covered": k,
            "pct": round(100.0 * k / n, 1) if n else None,
        }
        for c, (n, k) in sorted(per_county.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]
    covered = sum(1 for row in registered if row.unit_id in with_org)
    return Coverage(with_members=len(registered), covered=covered, uncovered=uncovered, by_county=by_county)


def quarter_before(day: date) -> tuple[date, date]:
    """The last complete quarter before ``day``'s quarter: (first day, last day)."""
    q = (day.month - 1) // 3
    year, q = (day.year, q - 1) if q else (day.year - 1, 3)
    start = date(year, 3 * q + 1, 1)
    end = date(year + (q == 3), (3 * q + 4 - 1) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (``2023-01-31`` → ``2023-03-30`` is 1)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def org_measures(orgs: list[PartyOrg], today: date) -> dict[str, np.ndarray]:
    """The four measures of :mod:`jingjin.engines.party_warning` for ``orgs`` as of ``today``.

    Missed meetings: over the last complete quarter, each kind of 三会一课 due
    (:data:`MEETINGS_PER_QUARTER`) minus those held, not below 0 (organisations founded after the
    quarter began: NaN). Member change: the members now against the members twelve months ago (now
    minus the changes since). Vacancy: days since ``vacant_since`` (0 when filled). Activity gap:
    whole months since the last meeting (since founding when none; NaN when neither is known)."""
    ids = [o.pk for o in orgs]
    start, end = quarter_before(today)
    held: dict[tuple[int, str], int] = {}
    for org_id, kind, n in (
        PartyMeeting.objects.filter(org_id__in=ids, held_on__range=(start, end))
        .values_list("org_id", "kind")
        .annotate(n=Count("pk"))
    ):
        held[(org_id, kind)] = n
    last = dict(
        PartyMeeting.objects.filter(org_id__in=ids, held_on__lte=today)
        .values("org_id")
        .annotate(last=Max("held_on"))
        .values_list("org_id", "last")
    )
    year_ago = date(today.year - 1, today.month, min(today.day, 28))
    changes = dict(
        MemberChange.objects.filter(org_id__in=ids, changed_on__gt=year_ago, changed_on__lte=today)
        .values("org_id")
        .annotate(net=Sum("delta"))
        .values_list("org_id", "net")
    )
    missed, before, after, vacancy, gap = [], [], [], [], []
    for org in orgs:
        if org.founded_on and org.founded_on > start:
            missed.append(np.nan)
        else:
            missed.append(
                sum(max(0, due - held.get((org.pk, k), 0)) for k, due in MEETINGS_PER_QUARTER.items())
            )
        after.append(org.members)
        before.append(org.members - int(changes.get(org.pk) or 0))
        vacancy.append(float((today - org.vacant_since).days) if org.vacant_since else 0.0)
        since = last.get(org.pk) or org.founded_on
        gap.append(float(months_between(since, today)) if since else np.nan)
    return {
        "missed_meetings": np.asarray(missed, dtype=float),
        "member_change_pct": engine.change_pct(before, after),
        "vacancy_days": np.asarray(vacancy, dtype=float),
        "activity_gap_months": np.asarray(gap, dtype=float),
    }


def active_rules() -> list[WarningRule]:
    return list(WarningRule.objects.filter(active=True))


def warning_counts(user: Any) -> dict[str, int]:
    """Open warnings per level (every role reads the counts)."""
    rows = (
        PartyWarning.objects.filter(state__in=OPEN_STATES)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    counts = {"blue": 0, "yellow": 0, "red": 0}
    counts.update({k: int(v) for k, v in rows})
    return counts


def org_counts() -> dict[str, Any]:
    """Organisations per kind and those with a vacant secretary."""
    rows = dict(PartyOrg.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    vacant = PartyOrg.objects.filter(Q(vacant_since__isnull=False) | Q(secretary="")).count()
    return {"by_kind": rows, "total": sum(rows.values()), "vacant": vacant}
