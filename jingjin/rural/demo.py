"""Demo data of return-to-poverty monitoring: ~30 synthetic households in the example villages,
in every state (under identification — some overdue —, monitored, risk eliminated, not confirmed),
with members (synthetic ID numbers, phones and accounts), risks, measures, a fund pool, incomes
and a screening-ready sample; and the account ``chuanshan_rural`` (case worker of 船山区).

Everything is marked synthetic; names are "X某（演示）". Elimination in the demo happens in 2021,
the year with a configured line (6,000 yuan). Safe to run again (nothing is added twice)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.engines.rural import SECURE_COLUMNS
from jingjin.rural import elimination, services
from jingjin.rural.choices import STEP_ORDER, Channel, MeasureKind, MonitoringType, RiskKind, Step
from jingjin.rural.models import FundPool, Household
from jingjin.rural.validation import id_check_character

COUNTY_NAME = "船山区"
ACCOUNT = "chuanshan_rural"
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"


def _id_number(rng: random.Random, region: str, born: date) -> str:
    first17 = f"{region}{born:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_character(first17)


def _members(household: Household, rng: random.Random, n: int, surname: str) -> None:
    relations = ["head", "spouse", "child", "parent", "grandchild"]
    for k in range(n):
        born = date(1950 + rng.randint(0, 60), rng.randint(1, 12), rng.randint(1, 28))
        services.member_add(
            actor=None,
            household=household,
            name=f"{surname}某{'' if k == 0 else k + 1}（演示）",
            relation=relations[min(k, 4)],
            id_number=_id_number(rng, "510903", born),
            phone=f"1380000{rng.randint(1000, 9999)}" if k < 2 else "",
            bank_account=f"62220200{rng.randint(10**10, 10**11 - 1)}" if k == 0 else "",
            health=rng.choice(["", "", "高血压", "糖尿病", "残疾（四级）"]),
            labour_capacity="none"
            if k == 0 and household.code.endswith("7")
            else rng.choice(["able", "partial"]),
            source="demo",
        )


#: Days from the lead to the county approval in :func:`_identify` (a step a day, a 5-day notice).
APPROVAL_DAYS = 10


def _identify(household: Household, upto: str, start: date) -> None:
    day = start
    for step in STEP_ORDER[1 : STEP_ORDER.index(upto) + 1]:
        day += timedelta(days=1)
        notice_end = day + timedelta(days=5) if step == Step.VILLAGE_NOTICE else None
        services.step_record(
            actor=None, household=household, step=step, done_on=day, notice_end=notice_end, source="demo"
        )
        if notice_end:
            day = notice_end


def _monitored(
    household: Household, rng: random.Random, pool: FundPool | None, since: date, measure: bool = True
) -> None:
    kind = rng.choice(list(MeasureKind.values))
    paid = Decimal(rng.choice([0, 1000, 2000])) if pool else Decimal(0)  # drawn in any case
    if not measure:
        return
    services.measure_add(
        actor=None,
        household=household,
        kind=kind,
        description={"industry": "发展特色种养", "employment": "公益性岗位", "medical": "大病救助"}.get(
            kind, "帮扶措施"
        ),
        started_on=since + timedelta(days=10),
        pool=pool,
        paid=paid,
        source="demo",
    )


@transaction.atomic
def demo_rural(*, today: date) -> dict[str, Any]:
    """Load the demo households (once) and the case worker account."""
    county = Unit.objects.filter(kind=UnitKind.COUNTY, name_zh=COUNTY_NAME).first()
    if county is None:
        return {"households": 0}
    if Household.objects.filter(is_synthetic=True).exists():
        return {"households": Household.objects.filter(is_synthetic=True).count()}
    villages = list(Unit.objects.filter(kind=UnitKind.VILLAGE, is_synthetic=True, parent__parent=county))
    others = list(
        Unit.objects.filter(kind=UnitKind.VILLAGE, is_synthetic=True).exclude(parent__parent=county)[:4]
    )
    if not villages:
        return {"households": 0}
    pool, _ = FundPool.objects.get_or_create(
        county=county, year=today.year, defaults={"amount": Decimal(500000), "is_synthetic": True}
    )
    rng = random.Random(15)
    plan = (
        [("identifying", Step.LEAD)] * 3
        + [("identifying", Step.COMPARISON)] * 3
        + [("identifying", Step.VILLAGE_NOTICE)] * 2
        + [("overdue", Step.HOME_VERIFICATION)] * 2
        + [("monitored", None)] * 12
        + [("approved", None)]  # the county approved it this month: its announcement has a row
        + [("eliminated", None)] * 5
        + [("rejected", None)] * 2
    )
    unassisted = max(i for i, (state, _) in enumerate(plan) if state == "monitored")  # no measure yet
    for index, (state, upto) in enumerate(plan):
        _household(
            index,
            state,
            upto,
            today=today,
            rng=rng,
            county=county,
            pool=pool,
            places=(villages, others),
            measure=index != unassisted,
        )
    _elimination_under_way(county, today)
    return {"households": len(plan) + _monitored_again(county, today), "account": ACCOUNT}


def _elimination_under_way(county: Unit, today: date) -> None:
    """The county's first monitored household with its housing safe: home verification two days
    ago and the village notice running from then for 5 days."""
    monitored = Household.objects.filter(
        is_synthetic=True, county=county, state="monitored", housing_secure=True
    )
    household = monitored.order_by("code").first()
    if household is None or household.monitored_since is None or household.monitored_since > today:
        return
    start = max(today - timedelta(days=2), household.monitored_since)
    for step, end in (
        (Step.ELIMINATION_VERIFICATION, None),
        (Step.ELIMINATION_NOTICE, start + timedelta(days=4)),
    ):
        elimination.elimination_step_record(
            actor=None, household=household, step=step, done_on=start, notice_end=end, source="demo"
        )


def _monitored_again(county: Unit, today: date) -> int:
    """The county's first eliminated family, monitored again from a lead three days ago."""
    closed = (
        Household.objects.filter(is_synthetic=True, county=county, state="eliminated")
        .order_by("code")
        .first()
    )
    if closed is None or closed.eliminated_on is None:
        return 0
    services.household_monitor_again(
        actor=None,
        household=closed,
        lead_date=max(today - timedelta(days=3), closed.eliminated_on),
        channel=Channel.CADRE_VISIT,
        monitoring_type=MonitoringType.SUDDEN,
        note="因病再次出现返贫风险（演示）",
        source="demo",
    )
    return 1


def _household(
    index: int,
    state: str,
    upto: str | None,
    *,
    today: date,
    rng: random.Random,
    county: Unit,
    pool: FundPool,
    places: tuple[list[Unit], list[Unit]],
    measure: bool = True,
) -> None:
    """One demo household in ``state`` (identification steps done up to ``upto``; a monitored one
    with an assistance measure unless not ``measure``)."""
    villages, others = places
    village = others[index % len(others)] if others and index % 6 == 5 else villages[index % len(villages)]
    surname = SURNAMES[index % len(SURNAMES)]
    size = rng.randint(1, 5)
    former = rng.random() < 0.5
    kind = rng.choice(list(MonitoringType.values))
    if state == "eliminated":
        lead = date(2021, 3, 1) + timedelta(days=index)
    elif state == "monitored":
        lead = today - timedelta(days=rng.randint(40, 500))
    elif state == "overdue":
        lead = today - timedelta(days=rng.randint(17, 30))
    elif state == "approved":
        # the county approval (10 days after the lead) three days ago, or on the month's first day
        lead = max(today - timedelta(days=3), today.replace(day=1)) - timedelta(days=APPROVAL_DAYS)
    else:
        lead = today - timedelta(days=rng.randint(4, 12))
    household = services.household_create(
        actor=None,
        village=village,
        head_name=f"{surname}某（演示）",
        channel=rng.choice(list(Channel.values)),
        monitoring_type=kind,
        lead_date=lead,
        former_poor=former,
        size=size,
        net_income=Decimal(size * rng.randint(3500, 7500)),
        rigid_expenditure=Decimal(rng.choice([0, 0, 8000, 20000])),
        secure={"housing_secure": index % 3 != 0} if state == "monitored" else None,
        is_synthetic=True,
        source="demo",
    )
    _members(household, rng, size, surname)
    services.risk_add(actor=None, household=household, kind=rng.choice(list(RiskKind.values)), source="demo")
    if state in ("identifying", "overdue") and upto is not None and upto != Step.LEAD:
        _identify(household, upto, lead)
    elif state == "rejected":
        services.household_reject(
            actor=None,
            household=household,
            on=lead + timedelta(days=5),
            note="经入户核实，收入稳定，不予纳入",
            source="demo",
        )
    elif state == "approved":  # newly monitored: its measure comes later
        _identify(household, Step.COUNTY_APPROVAL, lead)
    elif state in ("monitored", "eliminated"):
        _identify(household, Step.COUNTY_APPROVAL, lead)
        household.refresh_from_db()
        since = household.monitored_since or lead
        in_county = household.county_id == county.pk
        _monitored(household, rng, pool if in_county and state == "monitored" else None, since, measure)
        if state == "eliminated":
            _eliminate(household, rng, since)


def _eliminate(household: Household, rng: random.Random, since: date) -> None:
    """Incomes above the 2021 line for the last 6 months of 2021, then elimination on 2021-12-20."""
    secure = dict.fromkeys(SECURE_COLUMNS, True)
    services.household_situation_update(
        actor=None, household=household, rigid_expenditure=Decimal(0), source="demo", **secure
    )
    for head in household.members.filter(relation="head"):
        personal = {name: getattr(head, name) for name in ("id_number", "phone", "bank_account", "health")}
        services.member_update(
            actor=None,
            member=head,
            name=head.name,
            relation=head.relation,
            labour_capacity="able",
            source="demo",
            **personal,
        )
    income = Decimal(household.size * rng.randint(7000, 9000))
    for month in range(6, 13):
        services.income_record(
            actor=None, household=household, month=date(2021, month, 1), net_income=income, source="demo"
        )
    elimination.eliminate_after_procedure(
        actor=None, household=household, on=date(2021, 12, 20), source="demo"
    )
