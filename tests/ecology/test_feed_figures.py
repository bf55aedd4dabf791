"""The black-odorous and air figures that plan indicators can follow, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.ecology import services
from jingjin.ecology.air_models import StationDay
from jingjin.ecology.feeds import air_good_day_ratio, blackodor_remaining
from jingjin.ecology.models import BlackOdorousBody
from jingjin.ecology.water_models import FedActual, IndicatorFeed
from jingjin.plans.models import Indicator

pytestmark = pytest.mark.django_db


def _body(code: str, identified: date, treated: date | None = None) -> BlackOdorousBody:
    return BlackOdorousBody.objects.create(
        code=code,
        name_zh=code,
        name_en=code,
        county=Unit.objects.get(code="t.c"),
        identified_on=identified,
        treated_on=treated,
        state="treated" if treated else "identified",
    )


def test_bodies_remaining_at_a_years_end_count_those_identified_and_not_yet_treated(loaded_plan: Any) -> None:
    _body("H1", date(2021, 3, 1))
    _body("H2", date(2021, 5, 1), treated=date(2022, 6, 30))
    _body("H3", date(2022, 2, 1), treated=date(2022, 11, 1))
    _body("H4", date(2023, 1, 10))
    assert blackodor_remaining(2020) is None  # none identified yet
    assert blackodor_remaining(2021) == (Decimal(2), 12)  # H1, H2
    assert blackodor_remaining(2022) == (Decimal(1), 12)  # H1; H2 and H3 treated in 2022


def test_the_city_good_day_ratio_counts_the_citys_days_with_the_latest_month(loaded_plan: Any) -> None:
    # the city's days (no station): AQI 50, 100 (good), 101, 150 (not good) → 2 of 4 = 50 %
    for day, aqi in (
        (date(2024, 1, 30), 50),
        (date(2024, 1, 31), 100),
        (date(2024, 2, 1), 101),
        (date(2024, 2, 2), 150),
    ):
        StationDay.objects.create(station=None, date=day, aqi=aqi, complete=True, standard="HJ633-2012")
    assert air_good_day_ratio(2024) == (Decimal("50.00"), 2)
    assert air_good_day_ratio(2023) is None


def test_moving_a_body_refreshes_the_indicator_that_follows_it(
    loaded_plan: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = Indicator.objects.filter(direction="decrease").first() or Indicator.objects.first()
    assert indicator is not None
    IndicatorFeed.objects.create(indicator=indicator, figure="blackodor_remaining")
    today = clock.today()
    body = _body("H9", date(today.year, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_move(record=body, actor=users["office"], state="treating", on=today)
    fed = FedActual.objects.get(indicator=indicator, year=today.year)
    assert fed.value == Decimal(1)
