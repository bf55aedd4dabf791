"""Synthetic ecology registers for the demo: stations and sections of the city's counties, targets
for every year of the plan, a few black-odorous bodies, sources with reduction projects, soil
risk sites and heavy-metal projects.

Every record is marked ``is_synthetic`` and its name says 示例 (example); the codes begin with
``DEMO``. The counties are those of the loaded plan, the years the plan's, the dates relative to
``today`` (the demo's as-of date). The sections lie on 涪江 (named in the source article) and on
rivers named "示例河". Calling :func:`demo_registers` again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.ecology import choices as c
from jingjin.ecology import services
from jingjin.ecology.models import (
    BlackOdorousBody,
    HeavyMetalProject,
    PollutionSource,
    ReductionProject,
    Section,
    SoilRiskSite,
    Station,
)

ORDINALS = "一二三四五六七八九十"
#: the river of the source article, then the synthetic ones
RIVERS = ("涪江", "示例河一", "示例河二")


def _years() -> list[int]:
    from jingjin.plans.models import Plan

    plan = Plan.objects.order_by("pk").first()
    return list(range(plan.start_year, plan.end_year + 1)) if plan is not None else []


def _create(model: Any, code: str, **data: Any) -> bool:
    """Add a record unless its code exists; True when added."""
    if model.objects.filter(code=code).exists():
        return False
    targets = data.pop("targets", None)
    services.record_create(
        model=model,
        actor=None,
        data={"code": code, "is_synthetic": True, **data},
        targets=targets,
        source="demo",
    )
    return True


def _stations(counties: list[Unit]) -> int:
    """Two stations per county: the first national (counts for the city), the second city-level."""
    added = 0
    for n, county in enumerate(counties, start=1):
        for k, level in enumerate((c.MonitoringLevel.NATIONAL, c.MonitoringLevel.CITY), start=1):
            added += _create(
                Station,
                f"DEMO{n:02d}{k}A",
                name_zh=f"{county.name_zh}示例站点{ORDINALS[k - 1]}",
                name_en=f"{county.name_en} example station {k}",
                level=level,
                county=county,
                counts_for_city=level == c.MonitoringLevel.NATIONAL,
                longitude=Decimal("105.5") + Decimal(n) / 20,
                latitude=Decimal("30.5") + Decimal(k) / 20,
            )
    return added


def _sections(counties: list[Unit], years: list[int]) -> int:
    added = 0
    levels = (c.MonitoringLevel.NATIONAL, c.MonitoringLevel.PROVINCIAL, c.MonitoringLevel.CITY)
    for n, county in enumerate(counties, start=1):
        river = RIVERS[(n - 1) % len(RIVERS)]
        level = levels[(n - 1) % len(levels)]
        target = c.WaterClass.II if n == 1 else c.WaterClass.III
        added += _create(
            Section,
            f"DEMO-WS{n:02d}",
            name_zh=f"{river}{county.name_zh}示例断面",
            name_en=f"{county.name_en} example section",
            waterbody=river,
            level=level,
            county=county,
            targets={year: int(target) for year in years},
        )
    return added


def _bodies(counties: list[Unit], today: date) -> int:
    states = list(c.BlackOdorousState)
    dates = ("identified_on", "treating_on", "treated_on", "clean_on")
    added = 0
    for n, state in enumerate([*states, c.BlackOdorousState.LONG_TERM_CLEAN], start=1):
        county = counties[(n - 1) % len(counties)]
        reached = states.index(state)
        data: dict[str, Any] = {
            name: today - timedelta(days=400 - 90 * i) for i, name in enumerate(dates[: reached + 1])
        }
        added += _create(
            BlackOdorousBody,
            f"DEMO-HC{n:02d}",
            name_zh=f"示例黑臭水体{ORDINALS[n - 1]}",
            name_en=f"Example black-odorous body {n}",
            county=county,
            location=f"{county.name_zh}城区（示例）",
            length_km=Decimal("1.2") * n,
            chief_names=f"示例河长{ORDINALS[n - 1]}",
            chief_posts="区（县）级河长（示例）",
            state=state,
            last_check_level=c.BlackOdorousLevel.NONE if reached >= 2 else c.BlackOdorousLevel.LIGHT,
            last_check_on=today - timedelta(days=20),
            **data,
        )
    return added


def _sources(counties: list[Unit], today: date) -> int:
    added = 0
    kinds = list(c.SourceKind)
    for n, county in enumerate(counties[:4], start=1):
        code = f"DEMO-PS{n:02d}"
        added += _create(
            PollutionSource,
            code,
            name_zh=f"示例排放源{ORDINALS[n - 1]}",
            name_en=f"Example source {n}",
            county=county,
            kind=kinds[(n - 1) % len(kinds)],
            nox_t=Decimal(120 * n),
            vocs_t=Decimal(80 * n),
        )
        for k, state in enumerate((c.ProjectState.DONE, c.ProjectState.UNDER_WAY), start=1):
            added += _create(
                ReductionProject,
                f"{code}-P{k}",
                name_zh=f"示例减排项目{ORDINALS[n - 1]}-{k}",
                name_en=f"Example reduction project {n}-{k}",
                source=PollutionSource.objects.get(code=code),
                nox_reduction_t=Decimal(12 * n),
                vocs_reduction_t=Decimal(9 * n),
                state=state,
                due_on=today + timedelta(days=60 * k - 90),
                done_on=today - timedelta(days=30) if state == c.ProjectState.DONE else None,
            )
    return added


def _soil_and_metals(counties: list[Unit], today: date) -> int:
    added = 0
    for n, state in enumerate(c.SoilSiteState, start=1):
        added += _create(
            SoilRiskSite,
            f"DEMO-TR{n:02d}",
            name_zh=f"示例地块{ORDINALS[n - 1]}",
            name_en=f"Example plot {n}",
            county=counties[(n - 1) % len(counties)],
            area_m2=Decimal(15000 * n),
            former_use="原化工企业用地（示例）",
            state=state,
            listed_on=today - timedelta(days=500),
            removed_on=today - timedelta(days=40) if state == c.SoilSiteState.REMOVED else None,
        )
    for n, project_state in enumerate((c.ProjectState.PLANNED, c.ProjectState.DONE), start=1):
        added += _create(
            HeavyMetalProject,
            f"DEMO-ZJ{n:02d}",
            name_zh=f"示例重金属减排项目{ORDINALS[n - 1]}",
            name_en=f"Example heavy-metal project {n}",
            county=counties[(n - 1) % len(counties)],
            metals="铅、镉",
            reduction_kg=Decimal(35 * n),
            state=project_state,
            due_on=today + timedelta(days=120),
            done_on=today - timedelta(days=10) if project_state == c.ProjectState.DONE else None,
        )
    return added


@transaction.atomic
def demo_registers(*, today: date) -> int:
    """Add the synthetic registers (those missing); returns how many records were added."""
    counties = list(Unit.objects.filter(kind=UnitKind.COUNTY, is_synthetic=False).order_by("code"))
    if not counties:
        return 0
    return (
        _stations(counties)
        + _sections(counties, _years())
        + _bodies(counties, today)
        + _sources(counties, today)
        + _soil_and_metals(counties, today)
    )
