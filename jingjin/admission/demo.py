"""Synthetic admission data for the demo: a catalogue of a few items, a zoning unit of each type
in the parks' counties, standard-land thresholds for the demo parks, eight applications covering
every state of the workflow, the year's quota pool and one solved allocation run.

Everything is marked ``is_synthetic``; the firms are 示例企业 with credit codes made for the demo,
the figures invented. The parks, industries and counties are those loaded before (the parks
demo); the year and dates come from ``today`` (the demo's as-of date). Calling
:func:`demo_admission` again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from jingjin.admission import allocation, services
from jingjin.admission.models import (
    AllocationRun,
    Application,
    CatalogueEntry,
    LandThreshold,
    QuotaPool,
    ZoningUnit,
)
from jingjin.parks.creditcode import check_character
from jingjin.parks.models import Industry, Park

#: (catalogue code suffix, name, class) — attached to the first sub-industries in order
CATALOGUE = (
    ("01", "示例鼓励类条目（动力电池）", "encouraged"),
    ("02", "示例鼓励类条目（电子元件）", "encouraged"),
    ("03", "示例限制类条目（新建产能）", "restricted"),
    ("04", "示例淘汰类条目（落后工艺）", "eliminated"),
)
#: applications: (land mu, investment, output, tax per mu, energy per output, plot ratio, env,
#: industry index, catalogue index or None, zoning type, target state)
APPLICATIONS = (
    (80, 420, 560, 32, "0.18", "1.5", 6, 0, 0, "general", "producing"),
    (60, 380, 480, 28, "0.22", "1.3", 5, 1, 1, "general", "completed"),
    (45, 300, 350, 18, "0.30", "1.1", 4, 0, None, "general", "decided"),
    (30, 500, 650, 40, "0.15", "1.6", 3, 1, 1, "key", "decided"),
    (50, 260, 300, 15, "0.60", "0.9", 9, 2, 2, "general", "decided"),
    (40, 450, 520, 30, "0.20", "1.4", 4, 0, 0, "priority", "checked"),
    (25, 400, 500, 26, "0.25", "1.2", 2, 1, None, "general", "submitted"),
    (35, 350, 420, 22, "0.28", "1.2", 5, 2, 3, "key", "submitted"),
)


def _credit_code(n: int) -> str:
    first17 = f"91510000MA7D{n:05d}"
    return first17 + check_character(first17)


def _registers(parks: list[Park], industries: list[Industry], year: int) -> dict[str, Any]:
    entries = []
    for i, (suffix, name, klass) in enumerate(CATALOGUE):
        industry = industries[min(i, len(industries) - 1)]
        code = f"DEMO-{suffix}"
        entry = CatalogueEntry.objects.filter(code=code, version=year).first() or services.register_save(
            actor=None, model=CatalogueEntry, source="demo",
            data={"code": code, "name": name, "klass": klass, "version": year, "industry": industry,
                  "is_synthetic": True},
        )  # fmt: skip
        entries.append(entry)
    county = parks[0].county
    zoning = {}
    lists = {"priority": ([], []), "key": ([], [industries[-1].code]), "general": ([entries[3].code], [])}
    names = {"priority": "示例优先保护单元", "key": "示例重点管控单元", "general": "示例一般管控单元"}
    for i, (kind, (prohibited, restricted)) in enumerate(lists.items(), start=1):
        code = f"DEMO-ZH{i:02d}"
        zoning[kind] = ZoningUnit.objects.filter(code=code).first() or services.register_save(
            actor=None, model=ZoningUnit, source="demo",
            data={"code": code, "name": names[kind], "county": county, "unit_type": kind,
                  "prohibited": prohibited, "restricted": restricted, "is_synthetic": True},
        )  # fmt: skip
    keys: list[Industry | None] = [None, industries[0]]
    for k, park in enumerate(parks):
        for threshold_industry in keys:
            if LandThreshold.objects.filter(park=park, industry=threshold_industry).exists():
                continue
            services.register_save(
                actor=None, model=LandThreshold, source="demo",
                data={"park": park, "industry": threshold_industry,
                      "min_investment_intensity": Decimal(300 + 20 * k), "min_output_per_mu": Decimal(400),
                      "min_tax_per_mu": Decimal(20),
                      "max_energy_per_output": Decimal("0.5"), "plot_ratio_min": Decimal("1.0"),
                      "is_synthetic": True},
            )  # fmt: skip
    return {"entries": entries, "zoning": zoning}


def _application(
    n: int, row: tuple[Any, ...], park: Park, industries: list[Industry], reg: dict[str, Any], today: date
) -> None:
    land, inv, out, tax, energy, plot, env, ind, cat, zone, target = row
    code = f"DEMO-ZR-{n:02d}"
    if Application.objects.filter(code=code).exists():
        return
    data = {
        "code": code, "project_name": f"示例项目{n}（演示）", "firm": f"示例企业{'甲乙丙丁戊己庚辛'[n - 1]}",
        "credit_code": _credit_code(n), "park": park, "industry": industries[ind],
        "catalogue_entry": None if cat is None else reg["entries"][cat], "zoning_unit": reg["zoning"][zone],
        "land_mu": Decimal(land), "investment_intensity": Decimal(inv), "output_per_mu": Decimal(out),
        "tax_per_mu": Decimal(tax), "energy_per_output": Decimal(energy), "plot_ratio": Decimal(plot),
        "env_units": Decimal(env), "submitted_on": today - timedelta(days=20 * n), "is_synthetic": True,
    }  # fmt: skip
    if data["catalogue_entry"] is not None and data["catalogue_entry"].industry_id != industries[ind].pk:
        data["catalogue_entry"] = None
    app = services.application_submit(actor=None, data=data, source="demo")
    if target == "submitted":
        return
    app = services.application_check(actor=None, application=app, source="demo")
    if target == "checked":
        return
    app = services.application_decide(actor=None, application=app, source="demo")
    if target == "decided" or not app.admitted:
        return
    short = {"investment_intensity": app.investment_intensity * Decimal("0.95")}
    services.application_recheck(
        actor=None, application=app, stage="completion", actual=short,
        checked_on=today - timedelta(days=30), source="demo",
    )  # fmt: skip
    if target == "producing":
        services.application_recheck(
            actor=None, application=app, stage="full_production", checked_on=today - timedelta(days=5),
            actual={"output_per_mu": app.output_per_mu, "tax_per_mu": app.tax_per_mu * Decimal("0.9"),
                    "energy_per_output": app.energy_per_output},
            source="demo",
        )  # fmt: skip


@transaction.atomic
def demo_admission(*, today: date) -> dict[str, int]:
    """Load the demo admission data (idempotent); the counts afterwards."""
    parks = list(Park.objects.filter(county__isnull=False).select_related("county", "unit")[:2])
    industries = list(Industry.objects.filter(parent__isnull=False).order_by("position", "code")[:3])
    if not parks or len(industries) < 3:
        return {"applications": 0}
    reg = _registers(parks, industries, today.year)
    for n, row in enumerate(APPLICATIONS, start=1):
        _application(n, row, parks[(n - 1) % len(parks)], industries, reg, today)
    pool = QuotaPool.objects.filter(year=today.year).first() or services.register_save(
        actor=None, model=QuotaPool, source="demo",
        data={"year": today.year, "land_mu": Decimal(150), "energy_tce": Decimal(15000),
              "env_units": Decimal(15), "is_synthetic": True},
    )  # fmt: skip
    if not AllocationRun.objects.filter(code="DEMO-RUN-1").exists():
        candidates = allocation.application_candidates(
            allocation.admitted_applications(), must=set(), exclude=set()
        )
        if candidates:
            run = allocation.run_create(
                actor=None, code="DEMO-RUN-1", name=f"{today.year}年指标分配（示例）", pool=pool,
                source="applications", leading_bonus=Decimal("0.2"), candidates=candidates, queue=False,
                is_synthetic=True, origin="demo",
            )  # fmt: skip
            allocation.run_solve(run)
    return {
        "catalogue_entries": CatalogueEntry.objects.filter(is_synthetic=True).count(),
        "zoning_units": ZoningUnit.objects.filter(is_synthetic=True).count(),
        "applications": Application.objects.filter(is_synthetic=True).count(),
        "allocation_runs": AllocationRun.objects.filter(is_synthetic=True).count(),
    }
