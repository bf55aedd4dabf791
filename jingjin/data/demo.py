"""Demo data for ``jingjin demo``: the built-in plan, synthetic townships and villages, and accounts.

Everything here except the plan itself is synthetic and marked so (``is_synthetic``); the
names say 示例 ("example") so no one mistakes them for real places. Loading is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jingjin.core.choices import Role, UnitKind
from jingjin.core.models import Unit
from jingjin.core.services import unit_create, user_ensure
from jingjin.data.demo_calendar import demo_calendar
from jingjin.plans.services import builtin_plan_load

DEMO_PASSWORD = "jingjin-demo"  # noqa: S105 - printed for the demo, never used outside it

#: (user name, role, unit code) — one account per role
DEMO_ACCOUNTS = (
    ("office", Role.PLAN_OFFICE, "sn"),
    ("fgw_reporter", Role.REPORTER, "sn.fgw"),
    ("fgw_approver", Role.APPROVER, "sn.fgw"),
    ("jxj_reporter", Role.REPORTER, "sn.jxj"),
    ("chuanshan", Role.COUNTY, "sn.chuanshan"),
    ("leader", Role.LEADER, "sn"),
    ("personnel", Role.PERSONNEL, "sn"),  # issue 17: talent and party building
    ("chuanshan_rural", Role.CASE_WORKER, "sn.chuanshan"),  # issue 15: sees 船山区's households in full
)

CHINESE_ORDINALS = "一二三"


@transaction.atomic
def synthetic_units() -> int:
    """Two example townships per county, two example villages per township (marked synthetic)."""
    created = 0
    for county in Unit.objects.filter(kind=UnitKind.COUNTY, is_synthetic=False):
        for t in range(2):
            code = f"{county.code}.demo-t{t + 1}"
            township = Unit.objects.filter(code=code).first()
            if township is None:
                township = unit_create(
                    actor=None,
                    code=code,
                    kind=UnitKind.TOWNSHIP,
                    parent=county,
                    is_synthetic=True,
                    name_zh=f"{county.name_zh}示例镇{CHINESE_ORDINALS[t]}",
                    name_en=f"{county.name_en} example township {t + 1}",
                    source="demo",
                )
                created += 1
            for v in range(2):
                vcode = f"{code}.v{v + 1}"
                if not Unit.objects.filter(code=vcode).exists():
                    unit_create(
                        actor=None,
                        code=vcode,
                        kind=UnitKind.VILLAGE,
                        parent=township,
                        is_synthetic=True,
                        name_zh=f"{township.name_zh}示例村{CHINESE_ORDINALS[v]}",
                        name_en=f"{township.name_en}, example village {v + 1}",
                        source="demo",
                    )
                    created += 1
    return created


def demo_accounts() -> list[tuple[str, str, str]]:
    rows = []
    for username, role, unit_code in DEMO_ACCOUNTS:
        unit = Unit.objects.get(code=unit_code)
        user_ensure(username=username, password=DEMO_PASSWORD, role=role, unit=unit, source="demo")
        rows.append((username, str(Role(role).label), f"{unit.name_zh} ({unit.code})"))
    return rows


def demo_load() -> dict[str, Any]:
    """Load everything ``make demo`` shows, as of :func:`jingjin.core.clock.today` (the demo's
    ``JINGJIN_AS_OF`` month, or the real date); safe to run again."""
    from jingjin.admission.demo import demo_admission
    from jingjin.alerts.demo import demo_warnings
    from jingjin.assessment.demo import demo_lists
    from jingjin.assessment.scheme_demo import demo_schemes
    from jingjin.benchmark.services import builtin_load
    from jingjin.core import clock
    from jingjin.documents.demo import demo_documents
    from jingjin.ecology.air_demo import demo_air
    from jingjin.ecology.demo_registers import demo_registers
    from jingjin.ecology.water_demo import demo_water
    from jingjin.land.demo import demo_land
    from jingjin.parks.demo import demo_parks
    from jingjin.people.demo import demo_people
    from jingjin.plans.demo import demo_shares
    from jingjin.projects.demo import demo_projects
    from jingjin.reporting.demo import demo_reports
    from jingjin.rural.demo import demo_rural
    from jingjin.supervision.demo import demo_items, demo_practices
    from jingjin.villages.demo import demo_villages

    plan = builtin_plan_load()
    benchmark = builtin_load()
    link_demo_indicators()
    units_created = synthetic_units()
    shares = demo_shares()  # before the reports: counties and parks report on their shares
    accounts = demo_accounts()
    today = clock.today()
    first = demo_calendar().first_month
    return {
        "as_of": today,
        "first_month": f"{first[0]:04d}-{first[1]:02d}",
        "plan": plan,
        "benchmark": benchmark,
        "units_created": units_created,
        "shares": shares,
        "accounts": accounts,
        "supervision_items": demo_items(today=today),
        "reports": demo_reports(today=today),
        # before the lists: the key-project lists rank the demo projects
        "key_projects": demo_projects(today=today),
        "ranking_lists": demo_lists(today=today),
        "assessment_schemes": demo_schemes(today=today),  # after the lists: their schemes are carried over
        "ecology_registers": demo_registers(
            today=today
        ),  # before the air and water data: their stations and sections
        "air": demo_air(today=today),
        "water": demo_water(today=today),  # before the warnings: the fed water indicator
        # issue 15: the synthetic villages' toilets, scores and incomes; before the warnings (fed indicators)
        "villages": demo_villages(today=today),
        "warnings": demo_warnings(today=today),
        "parks": demo_parks(),
        # issue 20: after the reports, projects and warnings the instructions and stationings name
        "supervision_practices": demo_practices(today=today),
        "admission": demo_admission(today=today),  # after the parks: their parks and industries
        # after the items, reports and lists it is written from (issue 20)
        "documents": demo_documents(today=today),
        "people": demo_people(today=today),  # after the demo townships and villages
        "land": demo_land(today=today),  # after the parks: their demo firms are evaluated
        "rural": demo_rural(today=today),  # on the synthetic villages; adds chuanshan_rural
    }


#: plan indicators measured by a benchmarking indicator of the bundled statistics
DEMO_LINKS = {"A5.M4.T1.I1": "air_good_days_ratio", "A5.M4.T1.I2": "air_good_days_ratio"}


def link_demo_indicators() -> int:
    """Point plan indicators at the peer-city indicator that measures them (audited, idempotent)."""
    from jingjin.benchmark.models import CatalogueIndicator
    from jingjin.core.services import object_update
    from jingjin.plans.models import Indicator

    office = None  # the system itself
    changed = 0
    for code, benchmark_code in DEMO_LINKS.items():
        indicator = Indicator.objects.filter(code=code).first()
        target = CatalogueIndicator.objects.filter(code=benchmark_code).first()
        if indicator is None or target is None or indicator.benchmark_indicator_id == target.pk:
            continue
        object_update(obj=indicator, actor=office, data={"benchmark_indicator": target}, source="demo")
        changed += 1
    return changed
