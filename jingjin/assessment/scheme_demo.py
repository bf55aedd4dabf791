"""Demo schemes (示例考核方案), races and village-cadre pay, all marked synthetic. Idempotent.

* the red/black unit schemes carried over into criteria rows (``rb-…``);
* the county industrial-economy assessment (县域工业经济考核) of the counties and parks, previewed and
  published on the latest month with demo reports, and a monthly race over the last months;
* the township party-secretary competition (乡镇党委书记擂台赛) of the demo townships, on recorded
  review scores with petitions deducted;
* the village annual assessment of the demo villages (last December) and the village-cadre pay
  linked to it by bands.

Recorded figures are synthetic, drawn from a hash of the unit's code and the month (no real
person or place gets a figure).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count

from jingjin.assessment import scheme_services as services
from jingjin.assessment.models import (
    AssessmentScheme,
    CadrePayScheme,
    PeerSet,
    Race,
    RankingScheme,
    SchemeCriterion,
)
from jingjin.assessment.scheme_migration import convert_ranking_schemes
from jingjin.assessment.scheme_models import SchemeStatus
from jingjin.assessment.services import ranking_schemes_convert
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.services import period_get_or_create

COUNTY_CRITERIA = [
    {"source": "investment", "weight": 0.35, "normalisation": "target", "target": 100},
    {"source": "progress", "weight": 0.3},
    {"source": "on_time", "weight": 0.2},
    {"source": "milestones", "weight": 0.15, "normalisation": "minmax"},
]
COUNTY_ADJUSTMENTS = [
    {"kind": "deduction", "source": "missed_reports", "points": 2, "cap": 6, "label": "迟报漏报"},
    {"kind": "deduction", "source": "off_track_indicators", "points": 1, "cap": 3, "label": "指标滞后"},
]
TOWNSHIP_CRITERIA = [
    {"source": "recorded", "source_key": "party_review", "weight": 0.7},
    {"source": "recorded", "source_key": "projects_signed", "weight": 0.3, "normalisation": "rank"},
]
TOWNSHIP_ADJUSTMENTS = [
    {
        "kind": "deduction",
        "source": "recorded",
        "source_key": "petitions",
        "points": 2,
        "cap": 6,
        "label": "信访扣分",
    },
    {
        "kind": "bonus",
        "source": "recorded",
        "source_key": "awards",
        "points": 1.5,
        "cap": 3,
        "label": "表彰加分",
    },
]
PAY_BANDS: list[dict[str, Any]] = [
    {"lower": None, "upper": 60, "coefficient": "0.8"},
    {"lower": 60, "upper": 80, "coefficient": "1.0"},
    {"lower": 80, "upper": 90, "upper_inclusive": True, "coefficient": "1.1"},
    {"lower": 90, "lower_inclusive": False, "upper": None, "coefficient": "1.2"},
]
RACE_MONTHS = 4


def _draw(code: str, period: ReportingPeriod, low: float, high: float, key: str) -> float:
    digest = hashlib.sha256(f"{key}|{code}|{period.code}".encode()).digest()
    return round(low + (high - low) * digest[0] / 255, 1)


def _record(units: list[Unit], period: ReportingPeriod, spans: dict[str, tuple[float, float]]) -> None:
    for unit in units:
        for key, (low, high) in spans.items():
            value = _draw(unit.code, period, low, high, key)
            if key in ("petitions", "awards", "projects_signed"):
                value = float(int(value))
            services.figure_record(
                actor=None, key=key, unit=unit, period=period, value=value, is_synthetic=True, source="demo"
            )


def _scheme(
    code: str, names: tuple[str, str], peers: PeerSet, criteria: Any, adjustments: Any, **settings: Any
) -> AssessmentScheme:
    existing = AssessmentScheme.objects.filter(code=code).order_by("-version").first()
    if existing is not None:
        return AssessmentScheme.objects.get(pk=existing.pk)
    return services.scheme_create(
        actor=None,
        code=code,
        name_zh=names[0],
        name_en=names[1],
        peer_set=peers,
        criteria=criteria,
        adjustments=adjustments,
        settings=settings,
        is_synthetic=True,
        source="demo",
    )


def _publish(scheme: AssessmentScheme, period: ReportingPeriod, today: date) -> None:
    if scheme.status == SchemeStatus.DRAFT:
        services.scheme_preview(actor=None, scheme=scheme, period=period, today=today)
        services.scheme_publish(actor=None, scheme=scheme, period=period, today=today, source="demo")
        scheme.refresh_from_db()


def _report_periods(today: date) -> list[ReportingPeriod]:
    counts = dict(
        Report.objects.filter(is_synthetic=True, period__deadline__lt=today)
        .order_by()
        .values("period_id")
        .annotate(n=Count("id"))
        .values_list("period_id", "n")
    )
    busy = [pk for pk, n in counts.items() if n >= 0.25 * max(counts.values())] if counts else []
    return list(ReportingPeriod.objects.filter(pk__in=busy).order_by("year", "month"))


def _peers(code: str, names: tuple[str, str], units: list[Unit]) -> PeerSet:
    return services.peer_set_save(
        actor=None,
        code=code,
        name_zh=names[0],
        name_en=names[1],
        units=units,
        is_synthetic=True,
        source="demo",
    )


def _demo_county(today: date) -> int:
    """The county industrial-economy assessment and its monthly race; returns the rounds added."""
    periods = _report_periods(today)
    counties = list(
        Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK]).order_by("position", "code")
    )
    county = _scheme(
        "county-industry",
        ("县域工业经济考核", "County industrial-economy assessment"),
        _peers("demo-counties-parks", ("县（区）和园区", "Counties and parks"), counties),
        COUNTY_CRITERIA,
        COUNTY_ADJUSTMENTS,
        red_top_n=2,
        black_bottom_m=2,
        target_score=70,
        deduction_cap=8,
    )
    if not periods:
        return 0
    _publish(county, periods[-1], today)
    if Race.objects.filter(code="county-industry-race").exists():
        return 0
    window = periods[-RACE_MONTHS:]
    race = services.race_create(
        actor=None,
        code="county-industry-race",
        name_zh="县域工业经济月度赛马",
        name_en="Monthly race of the county industrial economy",
        scheme=county,
        cadence="monthly",
        start=window[0],
        end=window[-1],
        is_synthetic=True,
        source="demo",
    )
    return services.race_run(actor=None, race=race, today=today, source="demo")


def _demo_townships(today: date) -> None:
    """The township party-secretary competition on last month's recorded figures."""
    townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_synthetic=True).order_by("code"))
    if not townships:
        return
    month = period_get_or_create(year=today.year, month=today.month - 1 if today.month > 1 else 12)
    _record(
        townships,
        month,
        {"party_review": (62, 97), "projects_signed": (0, 6), "petitions": (0, 5), "awards": (0, 3)},
    )
    secretaries = _scheme(
        "township-secretaries",
        ("乡镇党委书记擂台赛", "Township party-secretary competition"),
        _peers("demo-townships", ("示例乡镇", "Demo townships"), townships),
        TOWNSHIP_CRITERIA,
        TOWNSHIP_ADJUSTMENTS,
        red_top_n=3,
        black_bottom_m=2,
        target_score=70,
        deduction_cap=8,
    )
    _publish(secretaries, month, today)


VILLAGE_DEDUCTIONS = [
    {
        "kind": "deduction",
        "source": "recorded",
        "source_key": "petitions",
        "points": 2,
        "cap": 6,
        "label": "信访扣分",
    }
]


def _demo_villages(today: date) -> int:
    """The village annual assessment of last December and the pay linked to it; returns the pay rows."""
    villages = list(Unit.objects.filter(kind=UnitKind.VILLAGE, is_synthetic=True).order_by("code"))
    if not villages:
        return 0
    annual = period_get_or_create(year=today.year - 1, month=12)
    _record(villages, annual, {"village_review": (55, 98), "petitions": (0, 4)})
    village = _scheme(
        "village-annual",
        ("村级年度综合考核", "Annual assessment of the villages"),
        _peers("demo-villages", ("示例村", "Demo villages"), villages),
        [{"source": "recorded", "source_key": "village_review", "weight": 1}],
        VILLAGE_DEDUCTIONS,
        red_top_n=3,
        black_bottom_m=3,
        target_score=60,
    )
    _publish(village, annual, today)
    pay = CadrePayScheme.objects.filter(code="village-cadre-pay").first() or services.pay_scheme_save(
        actor=None,
        code="village-cadre-pay",
        name_zh="村干部基本报酬系数",
        name_en="Village-cadre pay coefficients",
        scheme_code="village-annual",
        period=annual,
        base_pay=Decimal("30000"),
        bands=PAY_BANDS,
        is_synthetic=True,
        source="demo",
    )
    return len(services.pay_table_compute(actor=None, pay=pay, source="demo").rows)


@transaction.atomic
def demo_schemes(*, today: date) -> dict[str, int]:
    """Load the demo schemes, race and pay table (after the demo reports and red/black lists)."""
    carried = convert_ranking_schemes(
        ranking_scheme=RankingScheme,
        peer_set=PeerSet,
        assessment_scheme=AssessmentScheme,
        criterion=SchemeCriterion,
        unit=Unit,
    )
    # from now on the unit lists come from the carried-over schemes (the published ones stay)
    ranking_schemes_convert(actor=None, source="demo")
    races = _demo_county(today)
    _demo_townships(today)
    pay_rows = _demo_villages(today)
    return {"carried_over": carried, "race_rounds": races, "pay_rows": pay_rows}
