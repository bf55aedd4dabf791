"""Demo data of talent and party building (all synthetic, marked ``is_synthetic``): talents named
"张某（演示）", teams, the five-year targets (over the plan's years), challenges in each state, party
organisations for the demo townships and villages with their meetings, some gaps and vacancies,
the default warning rules and the warnings they raise. Dates follow :func:`jingjin.core.clock.today`.
Loading again changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.people import challenge_services, services, warning_services
from jingjin.people.choices import MEETINGS_PER_QUARTER
from jingjin.people.models import Challenge, PartyOrg, Talent, TalentTarget, TalentTeam
from jingjin.people.selectors import quarter_before

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭"
CATEGORIES = ("leading", "outstanding", "young_cadre", "rural")
#: the five-year targets (action 6): 100 leading talents, about 30 outstanding teams …
TARGETS = {"leading": 100, "team": 30, "outstanding": 300, "young_cadre": 200, "rural": 500}
TEAMS = (
    "示例锂电创新团队（演示）",
    "示例智能制造团队（演示）",
    "示例现代农业团队（演示）",
    "示例医疗卫生团队（演示）",
    "示例数字经济团队（演示）",
    "示例文旅融合团队（演示）",
)


def _units() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=(UnitKind.COUNTY, UnitKind.DEPARTMENT)).order_by("code")[:8])


def _talents(today: date, units: list[Unit], teams: list[TalentTeam]) -> int:
    made = 0
    for i in range(24):
        code = f"RC-DEMO-{i + 1:03d}"
        if Talent.objects.filter(code=code).exists():
            continue
        born = date(today.year - 30 - i % 20, 1 + i % 12, 1 + i % 27)
        talent = services.talent_save(
            actor=None,
            source="demo",
            data={
                "code": code,
                "name": f"{SURNAMES[i % len(SURNAMES)]}某{'甲乙丙'[i // len(SURNAMES)]}（演示）",
                "category": CATEGORIES[i % 4],
                "unit": units[i % len(units)],
                "title": "示例职务（演示）",
                "team": teams[i % len(teams)] if i % 3 == 0 else None,
                "recognised_on": today - timedelta(days=60 + 45 * i),
                "id_number": f"99{i:04d}{born:%Y%m%d}{i % 1000:03d}{i % 10}",
                "phone": f"1990000{i:04d}",
                "birth_date": born,
                "is_synthetic": True,
            },
        )
        services.growth_add(
            actor=None,
            talent=talent,
            kind="position",
            day=today - timedelta(days=700),
            text="任示例岗位（演示）",
            source="demo",
        )
        services.growth_add(
            actor=None,
            talent=talent,
            kind="training",
            day=today - timedelta(days=200),
            text="参加示例培训班（演示）",
            source="demo",
        )
        made += 1
    return made


def _teams(today: date, units: list[Unit]) -> list[TalentTeam]:
    teams = []
    for i, name in enumerate(TEAMS):
        team = TalentTeam.objects.filter(code=f"TD-DEMO-{i + 1}").first()
        if team is None:
            team = services.team_save(
                actor=None,
                source="demo",
                data={
                    "code": f"TD-DEMO-{i + 1}",
                    "name": name,
                    "unit": units[i % len(units)],
                    "is_outstanding": i < 4,
                    "recognised_on": today - timedelta(days=100 * (i + 1)),
                    "is_synthetic": True,
                },
            )
        teams.append(team)
    return teams


def _challenges(today: date, units: list[Unit], teams: list[TalentTeam]) -> int:
    if Challenge.objects.filter(code__startswith="JB-DEMO").exists():
        return 0
    specs = [
        ("JB-DEMO-1", "示例：锂电池回收关键工艺攻关（演示）", 300, 45),
        ("JB-DEMO-2", "示例：丘陵地区农机适配改造（演示）", 120, 20),
        ("JB-DEMO-3", "示例：园区能耗在线监测平台（演示）", 80, 10),
        ("JB-DEMO-4", "示例：中药材品质溯源（演示）", 60, 90),
    ]
    for n, (code, title, budget, days) in enumerate(specs):
        c = challenge_services.challenge_save(
            actor=None,
            source="demo",
            data={
                "code": code,
                "title": title,
                "goal": "示例目标（演示）",
                "budget": Decimal(budget),
                "deadline": today + timedelta(days=days),
                "evaluation": "专家评审与现场验收（演示）",
                "unit": units[n % len(units)],
                "is_synthetic": True,
            },
        )
        if n == 3:
            continue  # stays a draft
        challenge_services.challenge_publish(actor=None, challenge=c, source="demo")
        bids = [
            challenge_services.bid_record(
                actor=None,
                challenge=c,
                team=teams[(n + k) % len(teams)],
                plan="示例实施方案（演示）",
                budget_asked=Decimal(budget - 10 * k),
                source="demo",
            )
            for k in range(2)
        ]
        if n >= 1:
            challenge_services.bid_select(
                actor=None, bid=bids[0], reason="方案可行、报价合理（演示）", source="demo"
            )
            m = challenge_services.milestone_add(
                actor=None,
                challenge=c,
                name="示例中期检查（演示）",
                planned=today - timedelta(days=5),
                source="demo",
            )
            challenge_services.milestone_reach(
                actor=None, milestone=m, reached=today - timedelta(days=3), source="demo"
            )
        if n == 2:
            challenge_services.challenge_accept(
                actor=None, challenge=c, passed=True, reason="示例验收通过（演示）", source="demo"
            )
    return len(specs)


def _meetings(org: PartyOrg, today: date, skip: int) -> None:
    start, _end = quarter_before(today)
    for kind, due in MEETINGS_PER_QUARTER.items():
        for k in range(due):
            if skip > 0:
                skip -= 1
                continue
            services.meeting_record(
                actor=None,
                org=org,
                kind=kind,
                held_on=start + timedelta(days=20 * k + 3),
                topic="示例学习（演示）",
                source="demo",
            )
    if skip == 0:
        services.meeting_record(
            actor=None,
            org=org,
            kind="activity",
            held_on=today - timedelta(days=10),
            topic="示例主题党日（演示）",
            source="demo",
        )


def _orgs(today: date) -> int:
    if PartyOrg.objects.filter(code__startswith="DZ-DEMO").exists():
        return 0
    places = list(
        Unit.objects.filter(is_synthetic=True, kind__in=(UnitKind.TOWNSHIP, UnitKind.VILLAGE)).order_by(
            "code"
        )
    )
    made = 0
    for i, unit in enumerate(places):
        services.unit_members_set(
            actor=None, unit=unit, members=15 + 3 * (i % 9), is_synthetic=True, source="demo"
        )
        if i % 7 == 6:
            continue  # a unit with members and no organisation: listed by the coverage check
        kind = "village" if unit.kind == UnitKind.VILLAGE else ("community" if i % 2 else "two_new")
        org = services.org_save(
            actor=None,
            source="demo",
            data={
                "code": f"DZ-DEMO-{i + 1:03d}",
                "name": f"{unit.name_zh}党支部（演示）",
                "kind": kind,
                "unit": unit,
                "members": 15 + 3 * (i % 9),
                "secretary": "" if i % 11 == 3 else f"{SURNAMES[i % len(SURNAMES)]}某（演示）",
                "founded_on": today - timedelta(days=3000),
                "is_synthetic": True,
            },
        )
        if org.secretary == "":
            services.org_save(
                actor=None,
                org=org,
                data={"vacant_since": today - timedelta(days=40 + 30 * (i % 3))},
                source="demo",
            )
        _meetings(org, today, skip=(0 if i % 5 else 3) if i % 13 != 4 else 8)
        if i % 10 == 9:
            services.member_change_record(
                actor=None,
                org=org,
                changed_on=today - timedelta(days=30),
                delta=-(org.members // 4 + 1),
                reason="示例组织关系转出（演示）",
                source="demo",
            )
        made += 1
    return made


@transaction.atomic
def demo_people(*, today: date) -> dict[str, Any]:
    """Load the demo's talent and party-building data (idempotent)."""
    from jingjin.plans.models import Plan

    plan = Plan.objects.order_by("pk").first()
    start = plan.start_year if plan else today.year
    for key, target in TARGETS.items():
        if not TalentTarget.objects.filter(key=key).exists():
            services.target_set(
                actor=None,
                key=key,
                target=target,
                start_year=start,
                end_year=start + 4,
                is_synthetic=True,
                source="demo",
            )
    units = _units()
    if not units:
        return {"talents": 0}
    teams = _teams(today, units)
    talents = _talents(today, units, teams)
    challenges = _challenges(today, units, teams)
    orgs = _orgs(today)
    warning_services.rules_default(source="demo")
    warnings = warning_services.warnings_evaluate(actor=None, today=today, source="demo")
    return {"talents": talents, "challenges": challenges, "organisations": orgs, "warnings": warnings}
