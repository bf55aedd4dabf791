"""Fixtures of the ecology tests: the registers (a station and a section of county t.c, a source
with a project in t.c, a black-odorous body in t.c) and three water sections of the small plan's units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.core.models import Unit
from jingjin.ecology import services
from jingjin.ecology.models import BlackOdorousBody, PollutionSource, ReductionProject, Section, Station


@pytest.fixture
def registers(users: dict[str, Any]) -> dict[str, Any]:
    county = Unit.objects.get(code="t.c")
    office = users["office"]
    station = services.record_create(
        model=Station,
        actor=office,
        data={"code": "S1", "name_zh": "测试站", "level": "national", "county": county},
    )
    section = services.record_create(
        model=Section,
        actor=office,
        data={
            "code": "W1",
            "name_zh": "测试断面",
            "waterbody": "测试河",
            "level": "provincial",
            "county": county,
        },
        targets={2024: 3, 2025: 2},
    )
    body = services.record_create(
        model=BlackOdorousBody,
        actor=office,
        data={"code": "H1", "name_zh": "测试黑臭水体", "county": county, "identified_on": date(2024, 1, 5)},
    )
    source = services.record_create(
        model=PollutionSource,
        actor=office,
        data={
            "code": "P1",
            "name_zh": "测试源",
            "county": county,
            "kind": "industrial",
            "nox_t": Decimal("100.5"),
            "vocs_t": Decimal(40),
        },
    )
    project = services.record_create(
        model=ReductionProject,
        actor=office,
        data={
            "code": "P1-1",
            "name_zh": "测试减排",
            "source": source,
            "nox_reduction_t": Decimal("10.25"),
            "state": "done",
        },
    )
    return {"station": station, "section": section, "body": body, "source": source, "project": project}


def section_made(code: str, kind: str = "river", county: str = "t.c") -> Any:
    """A national section ``code`` of ``kind`` in the unit ``county``, named after its code."""
    from jingjin.core.models import Unit
    from jingjin.ecology.models import Section

    return Section.objects.create(
        code=code,
        name_zh=f"示例断面{code}",
        name_en=f"Demo section {code}",
        waterbody="示例河",
        waterbody_type=kind,
        level="national",
        county=Unit.objects.get(code=county),
    )


@pytest.fixture
def sections(loaded_plan: Any) -> dict[str, Any]:
    """W1 (river) and W2 (lake) in county t.c, W3 (river) in unit t.a; targets class III in 2024."""
    from jingjin.ecology.models import SectionTarget

    made = {}
    for code, kind, county in (("W1", "river", "t.c"), ("W2", "lake", "t.c"), ("W3", "river", "t.a")):
        made[code] = section_made(code, kind, county)
        SectionTarget.objects.create(section=made[code], year=2024, target_class=3)
    return made


@pytest.fixture(autouse=True)
def _english(english: Any) -> None:
    """These tests read the English messages and pages."""
