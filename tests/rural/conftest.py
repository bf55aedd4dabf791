"""A small rural world on the test plan's units: a township and two villages under county C, a
second county D with a village, case workers of C and D, a household with one member."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.core.models import Unit

#: synthetic ID numbers with valid check characters (GB 11643-1999; computed by the validator's rule)
ID_HEAD = "510903198001011233"
ID_CHILD = "510903201001011238"
#: a synthetic member's other personal data
PHONE, ACCOUNT, HEALTH = "13900005678", "6222029876543210987", "糖尿病"


@pytest.fixture(autouse=True)
def _as_of(settings: Any) -> None:
    settings.JINGJIN_AS_OF = "2023-10-15"


def make_world(users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Villages under county C and a county D, and a case worker of each (the browser test uses it too)."""
    county_c = Unit.objects.get(code="t.c")
    city = Unit.objects.get(code="t")
    township = Unit.objects.create(
        code="t.c.x", name_zh="某镇", name_en="Town X", kind="township", parent=county_c
    )
    village = Unit.objects.create(
        code="t.c.x.1", name_zh="一村", name_en="Village 1", kind="village", parent=township
    )
    Unit.objects.create(code="t.c.x.2", name_zh="二村", name_en="Village 2", kind="village", parent=township)
    county_d = Unit.objects.create(code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=city)
    village_d = Unit.objects.create(
        code="t.d.1", name_zh="丁村", name_en="Village D", kind="village", parent=county_d
    )
    return {
        **users,
        "worker_c": make_user("worker_c", "case_worker", "t.c"),
        "worker_d": make_user("worker_d", "case_worker", "t.d"),
        "village": village,
        "village_d": village_d,
        "county_unit": county_c,
    }


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return make_world(users, make_user)


@pytest.fixture
def household(world: dict[str, Any]) -> Any:
    from jingjin.rural import services

    household = services.household_create(
        actor=world["worker_c"],
        village=world["village"],
        head_name="张某（演示）",
        channel="cadre_visit",
        monitoring_type="marginal",
        lead_date=date(2023, 10, 1),
        size=2,
        net_income=Decimal(10000),
        source="test",
    )
    services.member_add(
        actor=world["worker_c"],
        household=household,
        name="张某（演示）",
        relation="head",
        id_number=ID_HEAD,
        phone="13800001234",
        bank_account="6222021234567890123",
        health="高血压",
        source="test",
    )
    return household


@pytest.fixture(autouse=True)
def _english(english: Any) -> None:
    """The messages these tests read are compared in English (the UI's other language)."""


def record_items(
    household: Any, worker: Any, *, pool: Any = None, paid: Decimal = Decimal(0)
) -> dict[str, Any]:
    """One record of each kind (``member``, ``risk``, ``measure``, ``income``) of ``household``; the
    member with every personal field filled in, the measure paid ``paid`` from ``pool``."""
    from jingjin.rural import services

    child = services.member_add(
        actor=worker,
        household=household,
        name="张小某",
        relation="child",
        id_number=ID_CHILD,
        phone=PHONE,
        bank_account=ACCOUNT,
        health=HEALTH,
    )
    return {
        "member": child,
        "risk": services.risk_add(actor=worker, household=household, kind="illness", note="住院"),
        "measure": services.measure_add(
            actor=worker,
            household=household,
            kind="education",
            description="助学",
            started_on=date(2023, 10, 5),
            pool=pool,
            paid=paid,
        ),
        "income": services.income_record(
            actor=worker, household=household, month=date(2023, 9, 1), net_income=Decimal(9000)
        ),
    }


def household_of(
    world: dict[str, Any], head: str, *, village: str = "village", worker: str = "worker_c"
) -> Any:
    """Another household of ``village``, opened by ``worker`` (under identification)."""
    from jingjin.rural import services

    return services.household_create(
        actor=world[worker],
        village=world[village],
        head_name=head,
        channel="cadre_visit",
        monitoring_type="marginal",
        lead_date=date(2023, 10, 1),
        size=3,
        net_income=Decimal(9000),
        source="test",
    )
