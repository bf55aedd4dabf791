"""A small world of talent and party building on the test units (t, t.a, t.b, t.c), as of
2024-05-15 (the last complete quarter: 2024-01-01 – 2024-03-31)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.core.models import Unit
from jingjin.people import services, warning_services
from jingjin.people.choices import MEETINGS_PER_QUARTER

TODAY = date(2024, 5, 15)


@pytest.fixture(autouse=True)
def _as_of(settings: Any) -> None:
    settings.JINGJIN_AS_OF = TODAY.isoformat()


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    units = {u.code: u for u in Unit.objects.all()}
    users["personnel"] = make_user("personnel", "personnel", "t")
    users["reporter_a"].refresh_from_db()
    team = services.team_save(
        actor=None,
        data={
            "code": "TD1",
            "name": "示例团队",
            "unit": units["t.a"],
            "is_outstanding": True,
            "recognised_on": date(2023, 6, 1),
        },
    )
    talents = {
        code: services.talent_save(
            actor=None,
            data={
                "code": f"RC-{code}",
                "name": f"张某（演示）{code}",
                "category": "leading",
                "unit": units[code],
                "id_number": "99000019850101123X",
                "phone": "19900001234",
                "birth_date": date(1985, 1, 1),
                "recognised_on": date(2023, 3, 1),
                "team": team if code == "t.a" else None,
            },
        )
        for code in ("t.a", "t.b", "t.c")
    }
    orgs = {}
    for code in ("t.a", "t.b"):
        services.unit_members_set(actor=None, unit=units[code], members=20)
        orgs[code] = services.org_save(
            actor=None,
            data={
                "code": f"DZ-{code}",
                "name": f"{code}党支部",
                "kind": "enterprise",
                "unit": units[code],
                "members": 20,
                "secretary": "李某（演示）",
                "founded_on": date(2020, 1, 1),
            },
        )
    services.unit_members_set(actor=None, unit=units["t.c"], members=8)  # no organisation
    warning_services.rules_default()
    return {"units": units, "users": users, "talents": talents, "orgs": orgs, "team": team}


def hold_every_meeting(org: Any, *, start: date = date(2024, 1, 1)) -> None:
    """Every 三会一课 meeting due in the quarter from ``start``, and an activity last month."""
    for kind, due in MEETINGS_PER_QUARTER.items():
        for k in range(due):
            services.meeting_record(
                actor=None, org=org, kind=kind, held_on=date(start.year, start.month + k, 10)
            )
    services.meeting_record(actor=None, org=org, kind="activity", held_on=date(2024, 4, 20))


__all__ = ["TODAY", "Decimal", "hold_every_meeting"]
