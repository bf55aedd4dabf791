"""The toilet programme: recording built households and acceptances (rules and permissions), and
the roll-up by township, county and city against the year's target."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.villages.selectors import toilet_rollup
from jingjin.villages.services import toilet_acceptance_add, toilet_plan_record, toilet_target_set

pytestmark = pytest.mark.django_db


def test_a_county_user_records_its_villages_and_no_other(world: Any) -> None:
    county = world.users["county_c"]
    plan = toilet_plan_record(actor=county, village=world["t.c.t1.v1"], year=2023, planned=100, built=40)
    assert (plan.planned, plan.built, plan.accepted) == (100, 40, 0)
    assert AuditEntry.objects.filter(object_id=plan.pk, action="create").exists()
    with pytest.raises(PermissionDenied):
        toilet_plan_record(actor=county, village=world["t.b.t1.v1"], year=2023, planned=10, built=1)
    with pytest.raises(PermissionDenied):
        toilet_plan_record(actor=world.users["leader"], village=world["t.c.t1.v1"], year=2023, built=50)
    # a township user: its own villages only
    township = world.users["township"]
    toilet_plan_record(actor=township, village=world["t.c.t1.v2"], year=2023, planned=10, built=5)
    with pytest.raises(PermissionDenied):
        toilet_plan_record(actor=township, village=world["t.c.t2.v1"], year=2023, planned=10, built=5)


def test_built_and_accepted_stay_within_their_bounds(world: Any) -> None:
    county = world.users["county_c"]
    village = world["t.c.t1.v1"]
    with pytest.raises(ValidationError):
        toilet_plan_record(actor=county, village=village, year=2023, planned=10, built=11)
    plan = toilet_plan_record(actor=county, village=village, year=2023, planned=10, built=8)
    toilet_acceptance_add(actor=county, plan=plan, on=date(2023, 9, 1), inspector="验收组", households=5)
    with pytest.raises(ValidationError) as error:
        toilet_acceptance_add(actor=county, plan=plan, on=date(2023, 9, 2), inspector="验收组", households=4)
    assert "households" in error.value.message_dict
    for bad_day in (date(2023, 10, 16), date(2022, 12, 31)):  # after the as-of date; not the year
        with pytest.raises(ValidationError):
            toilet_acceptance_add(actor=county, plan=plan, on=bad_day, inspector="验收组", households=1)
    with pytest.raises(ValidationError):  # below the accepted
        toilet_plan_record(actor=county, village=village, year=2023, built=4)
    plan.refresh_from_db()
    assert (plan.built, plan.accepted) == (8, 5)


def test_the_rollup_by_township_county_and_city(world: Any) -> None:
    office = world.users["office"]
    toilet_target_set(actor=office, year=2023, villages=4, households=1000)
    figures = {
        "t.c.t1.v1": (100, 80, 50),
        "t.c.t1.v2": (200, 150, 0),
        "t.c.t2.v1": (50, 50, 50),
        "t.b.t1.v1": (30, 10, 10),
    }
    for code, (planned, built, accepted) in figures.items():
        plan = toilet_plan_record(actor=office, village=world[code], year=2023, planned=planned, built=built)
        if accepted:
            toilet_acceptance_add(
                actor=office, plan=plan, on=date(2023, 10, 1), inspector="甲", households=accepted
            )
    toilet_plan_record(
        actor=office, village=world["t.c.t2.v2"], year=2022, planned=999, built=999
    )  # another year
    rollup = toilet_rollup(2023)
    city = rollup.city
    assert (city.villages, city.planned, city.built, city.accepted) == (4, 380, 290, 110)
    assert rollup.households_pct == 29.0  # 290 of the target's 1,000
    counties = {r.code: (r.villages, r.planned, r.built, r.accepted) for r in rollup.counties}
    assert counties == {"t.b": (1, 30, 10, 10), "t.c": (3, 350, 280, 100)}
    townships = {r.code: (r.planned, r.built, r.accepted, r.built_pct) for r in rollup.townships}
    assert townships == {
        "t.b.t1": (30, 10, 10, 33.3),
        "t.c.t1": (300, 230, 50, 76.7),
        "t.c.t2": (50, 50, 50, 100.0),
    }


def test_only_managers_set_targets(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        toilet_target_set(actor=world.users["county_c"], year=2023, villages=1, households=1)
    assert (
        toilet_target_set(actor=world.users["bureau"], year=2023, villages=105, households=57996).households
        == 57996
    )
