"""A small admission world on the test plan's units: a park in county C (leading industry LI) and
one under the city, three industries, a catalogue of three entries, a general and a priority
zoning unit, thresholds for park P and a city-wide fallback, a quota pool — made through the
services (as the system)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jingjin.admission import services
from jingjin.admission.models import CatalogueEntry, LandThreshold, QuotaPool, ZoningUnit
from jingjin.core.models import Unit
from jingjin.parks.models import Industry, Park

CODE_A = "91510900MA62X1234P"


@pytest.fixture
def world(loaded_plan: Any) -> dict[str, Any]:
    return make_world()


def make_world() -> dict[str, Any]:
    """The world on the loaded test plan (a function, for the browser test too)."""
    county = Unit.objects.get(code="t.c")
    p_unit = Unit.objects.create(
        code="t.c.p", name_zh="丙县示例园区", name_en="Park P", kind="park", parent=county
    )
    q_unit = Unit.objects.create(
        code="t.q", name_zh="市直示例园区", name_en="Park Q", kind="park", parent=Unit.objects.get(code="t")
    )
    li = Industry.objects.create(code="LI", name_zh="锂电", name_en="Lithium")
    bat = Industry.objects.create(code="LI.BAT", name_zh="锂离子电池", name_en="Li-ion cells", parent=li)
    chem = Industry.objects.create(code="EC", name_zh="能源化工", name_en="Energy chemicals")
    park_p = Park.objects.create(unit=p_unit, level="provincial", county=county)
    park_p.leading_industries.set([li])
    park_q = Park.objects.create(unit=q_unit, level="national")
    save = services.register_save
    cat = {
        "C-BAT": save(
            actor=None,
            model=CatalogueEntry,
            data={"code": "C-BAT", "name": "锂电池", "klass": "encouraged", "version": 2024, "industry": bat},
        ),
        "C-CHEM": save(
            actor=None,
            model=CatalogueEntry,
            data={"code": "C-CHEM", "name": "焦化", "klass": "restricted", "version": 2024, "industry": chem},
        ),
        "C-OLD": save(
            actor=None,
            model=CatalogueEntry,
            data={
                "code": "C-OLD",
                "name": "落后电池",
                "klass": "eliminated",
                "version": 2024,
                "industry": bat,
            },
        ),
    }
    general = save(
        actor=None,
        model=ZoningUnit,
        data={
            "code": "Z-GEN",
            "name": "一般管控单元",
            "county": county,
            "unit_type": "general",
            "prohibited": ["EC"],
            "restricted": ["C-BAT-X"],
        },
    )
    priority = save(
        actor=None,
        model=ZoningUnit,
        data={
            "code": "Z-PRI",
            "name": "优先保护单元",
            "county": county,
            "unit_type": "priority",
            "prohibited": [],
            "restricted": [],
        },
    )
    key = save(
        actor=None,
        model=ZoningUnit,
        data={
            "code": "Z-KEY",
            "name": "重点管控单元",
            "county": county,
            "unit_type": "key",
            "prohibited": [],
            "restricted": ["LI"],
        },
    )
    save(
        actor=None,
        model=LandThreshold,
        data={
            "park": park_p,
            "industry": li,
            "min_investment_intensity": Decimal(300),
            "min_output_per_mu": Decimal(400),
            "min_tax_per_mu": Decimal(20),
            "max_energy_per_output": Decimal("0.5"),
        },
    )
    save(
        actor=None,
        model=LandThreshold,
        data={
            "park": park_p,
            "industry": bat,
            "min_investment_intensity": Decimal(350),
            "min_tax_per_mu": Decimal(25),
        },
    )
    pool = save(
        actor=None,
        model=QuotaPool,
        data={"year": 2023, "land_mu": Decimal(150), "energy_tce": Decimal(20000), "env_units": Decimal(30)},
    )
    return {
        "county": county, "park_p": park_p, "park_q": park_q, "li": li, "bat": bat, "chem": chem,
        "catalogue": cat, "general": general, "priority": priority, "key": key, "pool": pool,
    }  # fmt: skip


def application_data(world: dict[str, Any], **over: Any) -> dict[str, Any]:
    data = {
        "code": "AP-1",
        "project_name": "示例电池项目",
        "firm": "示例企业甲",
        "credit_code": CODE_A,
        "park": world["park_p"],
        "industry": world["bat"],
        "catalogue_entry": world["catalogue"]["C-BAT"],
        "zoning_unit": world["general"],
        "land_mu": Decimal(100),
        "investment_intensity": Decimal(400),
        "output_per_mu": Decimal(500),
        "tax_per_mu": Decimal(30),
        "energy_per_output": Decimal("0.2"),
        "env_units": Decimal(5),
    }
    return data | over
