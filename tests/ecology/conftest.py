"""Fixtures of the ecology tests: three water sections of the small plan's units."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def sections(loaded_plan: Any) -> dict[str, Any]:
    """W1 (river) and W2 (lake) in county t.c, W3 (river) in unit t.a; targets class III in 2024."""
    from jingjin.core.models import Unit
    from jingjin.ecology.models import Section, SectionTarget

    made = {}
    for code, kind, county in (("W1", "river", "t.c"), ("W2", "lake", "t.c"), ("W3", "river", "t.a")):
        made[code] = Section.objects.create(
            code=code,
            name_zh=f"示例断面{code}",
            name_en=f"Demo section {code}",
            waterbody="示例河",
            waterbody_type=kind,
            level="national",
            county=Unit.objects.get(code=county),
        )
        SectionTarget.objects.create(section=made[code], year=2024, target_class=3)
    return made
