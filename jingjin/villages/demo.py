"""Synthetic demo data of the villages (``make demo``), from ``demo.yaml`` and a seed: the
toilet targets and each synthetic village's programme with acceptances, demonstration villages
with teams and monthly reports, a scorecard scheme and scores per year, and collective incomes —
for the years up to the demo's as-of date (:func:`jingjin.core.clock.today`). Safe to run again."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.villages import economy_services, score_services, services
from jingjin.villages.models import CollectiveIncome, DemoVillage, Scorecard, ToiletPlan

DATA = Path(__file__).with_name("demo.yaml")


def _config() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def demo_villages(*, today: date) -> dict[str, int]:
    """Load the villages' demo data up to ``today``; returns counts of what exists afterwards."""
    config = _config()
    rng = random.Random(config["seed"])
    villages = list(Unit.objects.filter(kind=UnitKind.VILLAGE, is_synthetic=True).select_related("parent"))
    years = [y for y in sorted(config["toilet_targets"]) if y <= today.year]
    for year in years:
        target = config["toilet_targets"][year]
        services.toilet_target_set(
            actor=None,
            year=year,
            villages=target["villages"],
            households=target["households"],
            is_synthetic=True,
            source="demo",
        )
    for village in villages:
        _toilets(village, years, today, rng)
    _designations(villages, config["demo_villages"], today, rng)
    _scores(villages, config["score_scheme"], years, today, rng)
    _economy(villages, config["economy"], today, rng)
    _link_feeds(config["feeds"])
    return {
        "toilet_plans": ToiletPlan.objects.count(),
        "demo_villages": DemoVillage.objects.count(),
        "scorecards": Scorecard.objects.count(),
        "collective_incomes": CollectiveIncome.objects.count(),
    }


def _toilets(village: Unit, years: list[int], today: date, rng: random.Random) -> None:
    for year in years:
        planned = rng.randrange(120, 420)
        if ToiletPlan.objects.filter(village=village, year=year).exists():
            continue
        share = 1.0 if year < today.year else min(1.0, today.month / 12 + rng.uniform(0, 0.2))
        built = (
            int(planned * share * rng.uniform(0.85, 1.0)) if year < today.year else int(planned * share * 0.8)
        )
        plan = services.toilet_plan_record(
            actor=None,
            village=village,
            year=year,
            planned=planned,
            built=built,
            is_synthetic=True,
            source="demo",
        )
        accepted = built if year < today.year else built // 2
        if accepted:
            on = date(year, 12, 20) if year < today.year else date(year, max(1, today.month - 1), 15)
            services.toilet_acceptance_add(
                actor=None,
                plan=plan,
                on=on,
                inspector="赵某（演示）",
                households=accepted,
                problems="" if rng.random() < 0.7 else "个别户化粪池未封盖（演示）",
                is_synthetic=True,
                source="demo",
            )


def _designations(villages: list[Unit], config: dict[str, Any], today: date, rng: random.Random) -> None:
    seen: set[int] = set()
    levels = config["levels"]
    team = [tuple(member) for member in config["team"]]
    for village in villages:
        county = village.parent.parent_id if village.parent else None
        if county is None or county in seen or DemoVillage.objects.filter(village=village).exists():
            seen.add(county or 0)
            continue
        seen.add(county)
        demo = services.demo_village_designate(
            actor=None,
            village=village,
            year=config["first_year"],
            level=levels[len(seen) % len(levels)],
            theme="乡村旅游与特色产业（演示）",
            members=team,
            is_synthetic=True,
            source="demo",
        )
        for back in range(config["report_months"], 0, -1):
            index = today.year * 12 + today.month - 1 - back
            year, month = divmod(index, 12)
            services.demo_village_report_submit(
                actor=None,
                demo=demo,
                year=year,
                month=month + 1,
                done="完成道路硬化和庭院整治（演示）",
                problems="" if rng.random() < 0.6 else "资金到位偏慢（演示）",
                investment=Decimal(rng.randrange(20, 200)),
                projects_completed=rng.randrange(0, 3),
                is_synthetic=True,
                source="demo",
            )


def _scores(
    villages: list[Unit], config: dict[str, Any], years: list[int], today: date, rng: random.Random
) -> None:
    for year in years:
        items = [(code, zh, en, Decimal(points)) for code, zh, en, points in config["items"]]
        scheme = score_services.score_scheme_set(
            actor=None,
            year=year,
            name=config["name"],
            items=[] if Scorecard.objects.filter(scheme__year=year).exists() else items,
            pass_mark=Decimal(config["pass_mark"]),
            list_size=config["list_size"],
            is_synthetic=True,
            source="demo",
        )
        on = date(year, 11, 30) if year < today.year else date(year, max(1, today.month - 1), 10)
        for village in villages:
            if Scorecard.objects.filter(scheme=scheme, village=village).exists():
                continue
            points = {
                item.pk: (Decimal(repr(round(float(item.points) * rng.uniform(0.55, 1.0), 1))), "")
                for item in scheme.items.all()
            }
            score_services.scorecard_save(
                actor=None,
                scheme=scheme,
                village=village,
                on=on,
                inspector="钱某（演示）",
                points=points,
                is_synthetic=True,
                source="demo",
            )


def _economy(villages: list[Unit], config: dict[str, Any], today: date, rng: random.Random) -> None:
    limits = config["thresholds"]
    last = today.year - 1  # a year's accounts close after its end
    for year in range(config["first_year"] + 1, last + 1):
        economy_services.thresholds_set(
            actor=None,
            year=year,
            shell_below=Decimal(limits["shell_below"]),
            weak_below=Decimal(limits["weak_below"]),
            strong_from=Decimal(limits["strong_from"]),
            base_year=limits["base_year"],
            target_weak_max=limits["target_weak_max"],
            is_synthetic=True,
            source="demo",
        )
    for village in villages:
        base = rng.uniform(0, 30)
        for year in range(config["first_year"], last + 1):
            if CollectiveIncome.objects.filter(village=village, year=year).exists():
                continue
            grow = (1 + rng.uniform(0.05, 0.45)) ** (year - config["first_year"])
            operating = base * grow
            parts = {
                "business": _money(operating * 0.5),
                "contracting": _money(operating * 0.3),
                "investment": _money(operating * 0.15),
                "other_operating": _money(operating * 0.05),
                "subsidies": _money(rng.uniform(5, 20)),
                "other": _money(rng.uniform(0, 3)),
            }
            economy_services.collective_income_save(
                actor=None, village=village, year=year, parts=parts, is_synthetic=True, source="demo"
            )


def _money(value: float) -> Decimal:
    """万元 with two decimals."""
    return Decimal(repr(round(value, 2)))


def _link_feeds(links: dict[str, str]) -> None:
    from jingjin.ecology.feeds import feed_link
    from jingjin.plans.models import Indicator

    for code, figure in links.items():
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is not None:
            feed_link(actor=None, indicator=indicator, figure=figure, source="demo", warn=False)
