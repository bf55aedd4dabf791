"""Writes of demonstration villages and the toilet programme, each checked and audited.

``actor=None`` is the system (the demo loader). Unit users enter the data of the villages in their
unit scope; the managers (the plan office and the rural bureau) designate villages and set targets
(:mod:`jingjin.core.permissions`, section villages). Writes that change a fed figure refresh the
plan indicators linked to it (:func:`jingjin.ecology.feeds.feeds_refresh`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_enter_village_data, may_manage_villages
from jingjin.core.services import audit_change
from jingjin.villages.models import (
    DemoVillage,
    DemoVillageMember,
    DemoVillageReport,
    ToiletAcceptance,
    ToiletPlan,
    ToiletTarget,
)


def require_manager(actor: Any) -> None:
    """Raise unless ``actor`` (None: the system) manages the villages' work."""
    if actor is not None and not may_manage_villages(actor):
        raise PermissionDenied("only the plan office and the rural bureau manage the villages")


def require_village(actor: Any, village: Unit) -> None:
    """Raise unless ``village`` is a village whose data ``actor`` (None: the system) enters."""
    if village.kind != UnitKind.VILLAGE:
        raise ValidationError({"village": _("This unit is not a village.")})
    if actor is not None and not may_enter_village_data(actor, village):
        raise PermissionDenied(f"enter the data of {village.code}")


#: the figures of :mod:`jingjin.villages.feeds`
FIGURES = ("toilets_built", "toilet_villages", "villages_not_weak")


def refresh_feeds(years: Iterable[int]) -> None:
    """Feed the plan indicators linked to the villages' figures for ``years`` (nothing to do when
    no indicator is linked to one of them)."""
    from jingjin.ecology.feeds import feeds_refresh
    from jingjin.ecology.water_models import IndicatorFeed

    if IndicatorFeed.objects.filter(figure__in=FIGURES).exists():
        feeds_refresh(years=years, source="villages")


def _check_year(year: int) -> None:
    if not 2000 <= year <= clock.today().year + 1:
        raise ValidationError({"year": _("The year must be between 2000 and next year.")})


# --------------------------------------------------------------------------------------------
# Demonstration villages (精品示范村)


@transaction.atomic
def demo_village_designate(
    *,
    actor: Any,
    village: Unit,
    year: int,
    level: str,
    theme: str = "",
    members: Iterable[tuple[str, str]] = (),
    is_synthetic: bool = False,
    source: str = "web",
) -> DemoVillage:
    """Designate ``village`` a demonstration village of ``year`` at ``level`` (or change its
    designation) with its team (``members``: (name, role) pairs replacing the team)."""
    require_manager(actor)
    require_village(None, village)
    _check_year(year)
    demo = DemoVillage.objects.filter(village=village).first()
    before = demo.snapshot() if demo is not None else None
    demo = demo or DemoVillage(village=village)
    demo.year, demo.level, demo.theme, demo.is_synthetic = year, level, theme.strip(), is_synthetic
    demo.full_clean()
    demo.save()
    team = [(name.strip(), duty.strip()) for name, duty in members if name.strip()]
    if team:
        demo.members.all().delete()
        DemoVillageMember.objects.bulk_create(
            DemoVillageMember(demo_village=demo, name=name[:100], duty=duty[:100] or "-")
            for name, duty in team
        )
    audit_change(actor=actor, obj=demo, before=before, source=source)
    return demo


@transaction.atomic
def demo_village_report_submit(
    *,
    actor: Any,
    demo: DemoVillage,
    year: int,
    month: int,
    done: str,
    problems: str = "",
    investment: Decimal = Decimal(0),
    projects_completed: int = 0,
    is_synthetic: bool = False,
    source: str = "web",
) -> DemoVillageReport:
    """Submit (or correct) the monthly report of ``demo`` for ``year``-``month``; not a future month
    and not before the designation's year."""
    require_village(actor, demo.village)
    today = clock.today()
    if (year, month) > (today.year, today.month) or year < demo.year:
        raise ValidationError({"month": _("The month must lie between the designation and this month.")})
    if not done.strip():
        raise ValidationError({"done": _("Say what was done.")})
    report = DemoVillageReport.objects.filter(demo_village=demo, year=year, month=month).first()
    before = report.snapshot() if report is not None else None
    report = report or DemoVillageReport(demo_village=demo, year=year, month=month)
    report.done, report.problems = done.strip(), problems.strip()
    report.investment, report.projects_completed = investment, projects_completed
    report.is_synthetic = is_synthetic
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.submitted_at = clock.now()
    report.full_clean()
    report.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    return report


# --------------------------------------------------------------------------------------------
# The toilet programme (户厕改造)


@transaction.atomic
def toilet_target_set(
    *, actor: Any, year: int, villages: int, households: int, is_synthetic: bool = False, source: str = "web"
) -> ToiletTarget:
    """Set the city's toilet target of ``year`` (villages, households)."""
    require_manager(actor)
    target = ToiletTarget.objects.filter(year=year).first()
    before = target.snapshot() if target is not None else None
    target = target or ToiletTarget(year=year)
    target.villages, target.households, target.is_synthetic = villages, households, is_synthetic
    target.full_clean()
    target.save()
    audit_change(actor=actor, obj=target, before=before, source=source)
    return target


def toilet_plan_record(
    *,
    actor: Any,
    village: Unit,
    year: int,
    planned: int | None = None,
    built: int | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> ToiletPlan:
    """Record ``village``'s households planned and built of ``year`` (a field left None keeps its
    value); built may not exceed planned, nor fall below the households already accepted."""
    with transaction.atomic():
        plan = _toilet_plan_save(actor, village, year, planned, built, is_synthetic, source)
    refresh_feeds([year])
    return plan


def _toilet_plan_save(
    actor: Any, village: Unit, year: int, planned: int | None, built: int | None, synthetic: bool, source: str
) -> ToiletPlan:
    require_village(actor, village)
    _check_year(year)
    plan = ToiletPlan.objects.select_for_update().filter(village=village, year=year).first()
    before = plan.snapshot() if plan is not None else None
    if plan is None:
        if planned is None:
            raise ValidationError({"planned": _("Give the households planned.")})
        plan = ToiletPlan(village=village, year=year, planned=planned, is_synthetic=synthetic)
    if planned is not None:
        plan.planned = planned
    if built is not None:
        plan.built = built
    if plan.planned < 0 or plan.built < 0:
        raise ValidationError({"built": _("The numbers may not be negative.")})
    if plan.built > plan.planned:
        raise ValidationError({"built": _("More households built than planned.")})
    if plan.built < plan.accepted:
        raise ValidationError({"built": _("Fewer households built than already accepted.")})
    plan.full_clean()
    plan.save()
    audit_change(actor=actor, obj=plan, before=before, source=source)
    return plan


def toilet_acceptance_add(
    *,
    actor: Any,
    plan: ToiletPlan,
    on: date,
    inspector: str,
    households: int,
    problems: str = "",
    is_synthetic: bool = False,
    source: str = "web",
) -> ToiletAcceptance:
    """Record an acceptance inspection of ``plan``'s toilets: at most the households built and not
    yet accepted, dated in the plan's year and not in the future."""
    with transaction.atomic():
        plan = ToiletPlan.objects.select_for_update().get(pk=plan.pk)
        require_village(actor, plan.village)
        if on > clock.today() or on.year != plan.year:
            raise ValidationError(
                {"date": _("The date must lie in the programme's year and not in the future.")}
            )
        if not inspector.strip():
            raise ValidationError({"inspector": _("Name the inspector.")})
        if households < 1 or plan.accepted + households > plan.built:
            raise ValidationError(
                {
                    "households": _("At most %(n)s households built are still to be accepted.")
                    % {"n": plan.built - plan.accepted}
                }
            )
        acceptance = ToiletAcceptance(
            plan=plan,
            date=on,
            inspector=inspector.strip(),
            households=households,
            problems=problems.strip(),
            is_synthetic=is_synthetic,
        )
        acceptance.full_clean()
        acceptance.save()
        audit_change(actor=actor, obj=acceptance, before=None, source=source)
        before = plan.snapshot()
        plan.accepted = plan.acceptances.aggregate(n=Sum("households"))["n"] or 0
        plan.save(update_fields=["accepted"])
        audit_change(actor=actor, obj=plan, before=before, source=source)
    refresh_feeds([plan.year])
    return acceptance
