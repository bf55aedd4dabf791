"""The evaluation results as figures of the configurable schemes (sources.py): the per-mu
evaluation's share of A+B firms and mean score per county / park from the newest published
campaign, the good-day ratio of the air and the share of water sections at class III or better
per county — a handful of hand-made rows."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from jingjin.assessment.sources import CRITERION_SOURCES, SourceContext, read
from jingjin.core.models import Unit


@pytest.fixture
def world(loaded_plan: Any) -> dict[str, Any]:
    from jingjin.ecology.air_models import StationDay
    from jingjin.ecology.models import Section, Station
    from jingjin.ecology.water_models import SectionClass
    from jingjin.land.models import EvaluationCampaign, EvaluationScheme, FirmResult
    from jingjin.reporting.services import period_get_or_create

    city = Unit.objects.get(code="t")
    c = Unit.objects.get(code="t.c")
    d = Unit.objects.create(code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=city)
    p = Unit.objects.create(code="t.p", name_zh="戊园区", name_en="Park E", kind="park", parent=city)
    scheme = EvaluationScheme.objects.create(code="s", title="S")
    old = EvaluationCampaign.objects.create(year=2022, title="2022", scheme=scheme, state="published")
    new = EvaluationCampaign.objects.create(year=2023, title="2023", scheme=scheme, state="published")
    draft = EvaluationCampaign.objects.create(year=2024, title="2024", scheme=scheme, state="evaluated")
    firms = [  # (campaign, county, park, score, class)
        (new, c, "", 90.0, "A"),
        (new, c, "", 70.0, "B"),
        (new, c, "", 40.0, "D"),
        (new, c, "", None, ""),  # not evaluated: counts in neither figure
        (new, d, "戊园区", 50.0, "C"),  # in county D and in park E
        (old, d, "", 99.0, "A"),  # an older campaign: not read
        (draft, d, "", 99.0, "A"),  # not published: not read
    ]
    for i, (campaign, county, park, score, firm_class) in enumerate(firms):
        FirmResult.objects.create(
            campaign=campaign,
            credit_code=f"{i:018d}",
            county=county,
            park_name=park,
            score=score,
            firm_class=firm_class,
        )
    s1 = Station.objects.create(code="S1", name_zh="站一", name_en="S1", level="national", county=c)
    s2 = Station.objects.create(code="S2", name_zh="站二", name_en="S2", level="national", county=c)
    for day, (a1, a2) in enumerate([(50, 120), (90, 80), (150, None), (60, 60)], start=1):
        for station, aqi in ((s1, a1), (s2, a2)):
            StationDay.objects.create(station=station, date=date(2024, 3, day), aqi=aqi, standard="HJ633")
    StationDay.objects.create(station=s1, date=date(2024, 4, 1), aqi=300, standard="HJ633")  # after March
    StationDay.objects.create(station=None, date=date(2024, 3, 1), aqi=300, standard="HJ633")  # the city's
    at = timezone.make_aware(datetime(2024, 4, 2))
    for code, county, month, water_class in (
        ("W1", c, 3, 2),
        ("W2", c, 3, 3),
        ("W3", c, 3, 4),
        ("W4", d, 3, 5),
        ("W5", d, 2, 1),  # another month: not read
    ):
        section = Section.objects.create(
            code=code,
            name_zh=code,
            name_en=code,
            waterbody="河",
            waterbody_type="river",
            level="national",
            county=county,
        )
        SectionClass.objects.create(
            section=section, year=2024, month=month, water_class=water_class, computed_at=at
        )
    units = [c, d, p, Unit.objects.get(code="t.a")]
    return {"ctx": SourceContext(units=units, period=period_get_or_create(year=2024, month=3))}


def _figures(world: dict[str, Any], source: str) -> list[float | None]:
    return [
        None if math.isnan(x) else round(float(x), 4)
        for x in read(CRITERION_SOURCES, source, "", world["ctx"])
    ]


def test_per_mu_evaluation_by_county_and_park(world):
    # county C: A, B, D classed → 2/3; county D and park E: one C firm; t.a: none
    assert _figures(world, "land_ab_share") == [66.6667, 0.0, 0.0, None]
    assert _figures(world, "land_mean_score") == [pytest.approx(66.6667), 50.0, 50.0, None]


def test_good_days_and_water_sections_by_county(world):
    # county C's two stations in March: 50, 120, 90, 80, 150, 60, 60 (one day without AQI) → 5/7
    assert _figures(world, "good_days") == [pytest.approx(71.4286), None, None, None]
    # county C: classes II, III, IV → 2/3; county D: V in March (its class I is February's)
    assert _figures(world, "water_good") == [pytest.approx(66.6667), 0.0, None, None]
