"""The comparison as a selector: defaults derived from the plan and the data, rank bands from the
settings, no city, year or band constant in the code."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from jingjin.benchmark import selectors, services
from jingjin.core.bounds import YEAR_MAX
from jingjin.plans.models import Plan
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(users):
    services.builtin_load()
    return users["office"]


def test_the_focus_city_and_years_come_from_the_plan_and_the_data(office):
    Plan.objects.update(city="绵阳市", end_year=2027)
    result = selectors.Comparison(user=office, params=QueryDict("group=sichuan"))
    assert result.focus == "绵阳"  # the plan's city as the statistics name it
    assert result.year == max(selectors.years(user=office))  # the latest year of the data
    assert result.target_year == 2027  # the plan's last year
    assert {row["band"] for row in result.rows} <= {"top", "middle", "bottom"}


def test_rank_bands_are_a_setting(office, settings):
    params = QueryDict("focus=遂宁&group=sichuan&year=2021")
    default = {r["indicator"]: r["band"] for r in selectors.Comparison(user=office, params=params).rows}
    assert default["gdp"] == "middle"  # 12th of 18
    settings.JINGJIN_BENCHMARK_RANK_BANDS = (0.7, 0.9)
    wider = {r["indicator"]: r["band"] for r in selectors.Comparison(user=office, params=params).rows}
    assert wider["gdp"] == "top"


def test_the_target_year_is_bounded_by_the_years_of_the_system(client, office):
    client.login(username="office", password=PASSWORD)
    assert client.get("/benchmark/", {"target_year": YEAR_MAX}).status_code == 200
    refused = client.get("/benchmark/", {"target_year": YEAR_MAX + 1})
    assert refused.status_code == 400
    assert client.get("/benchmark/", {"target_year": "9" * 400}).status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [("name_en", "R&D\x0bintensity"), ("description_zh", "说明\x00"), ("comparable_from", "3000000000")],
)
def test_the_catalogue_form_refuses_control_characters_and_years_out_of_range(client, office, field, value):
    from jingjin.benchmark.models import CatalogueIndicator

    client.login(username="office", password=PASSWORD)
    data = {
        "code": "rd_intensity",
        "name_zh": "研发投入强度",
        "name_en": "R&D intensity",
        "unit": "%",
        "direction": "higher",
        "growth": "rate",
        "description_zh": "",
        "description_en": "",
        field: value,
    }
    response = client.post("/benchmark/catalogue/", data)
    assert response.status_code in {200, 400}
    assert field in response.context["form"].errors
    assert not CatalogueIndicator.objects.filter(code="rd_intensity").exists()
