"""Benchmark inputs and export: unknown cities in a statistics import, a target year before the
data year, the Excel export's headers, rounding and formula prefixes."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from jingjin.benchmark import services
from jingjin.benchmark.models import City, Statistic
from jingjin.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "city,year,indicator,value,unit,source\n"


@pytest.fixture
def bundled(db):
    return services.builtin_load()


def test_an_unknown_city_is_refused_with_row_and_column_and_nothing_is_written(bundled):
    before = (Statistic.objects.count(), City.objects.count(), AuditEntry.objects.count())
    raw = (HEADER + "遂宁,2024,gdp,1700,亿元,a\n遂林,2024,gdp,1700,亿元,a\n").encode()
    with translation.override("en"), pytest.raises(services.StatisticsFileError) as caught:
        services.statistics_import(raw=raw, fmt="csv", actor=None)
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "city") and "unknown city 遂林" in error.message
    with translation.override("zh-hans"), pytest.raises(services.StatisticsFileError) as caught:
        services.statistics_import(raw=raw, fmt="csv", actor=None)
    assert "未知城市 遂林" in caught.value.errors[0].message
    assert (Statistic.objects.count(), City.objects.count(), AuditEntry.objects.count()) == before
    # asked for explicitly, the new city is added and audited
    summary = services.statistics_import(raw=raw, fmt="csv", actor=None, add_cities=True)
    assert summary.cities_created == ["遂林"] and City.objects.filter(name_zh="遂林").exists()
    assert AuditEntry.objects.filter(object_repr__contains="遂林", action="create").exists()


def test_the_import_page_refuses_unknown_cities_unless_asked(client, users, bundled):
    client.login(username="office", password=PASSWORD)
    raw = (HEADER + "新城,2024,gdp,10,亿元,a\n").encode()
    response = client.post("/benchmark/import/", {"file": SimpleUploadedFile("s.csv", raw)})
    assert response.status_code == 400 and "新城" in response.content.decode()
    assert not City.objects.filter(name_zh="新城").exists()
    response = client.post(
        "/benchmark/import/", {"file": SimpleUploadedFile("s.csv", raw), "add_cities": "on"}, follow=True
    )
    assert response.status_code == 200 and City.objects.filter(name_zh="新城").exists()
    assert "新城" in response.content.decode()  # "new cities added"


@pytest.fixture
def analyst(client, users, bundled):
    assert client.login(username="reporter_a", password=PASSWORD)
    return client


def test_a_target_year_before_the_data_year_is_a_form_error(analyst):
    query = {"focus": "遂宁", "group": "sichuan", "year": 2021}
    response = analyst.get("/benchmark/", {**query, "target_year": 2020})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="target-year-error"' in html and "2021" in html and 'value="2020"' in html
    assert all(r.get("required_growth_pct") is None for r in response.context["rows"])
    assert analyst.get("/benchmark/export.xlsx", {**query, "target_year": 2021}).status_code == 400
    assert analyst.get("/benchmark/", {**query, "target_year": "abc"}).status_code == 400
    ok = analyst.get("/benchmark/", {**query, "target_year": 2030})
    assert ok.status_code == 200 and ok.context["target_year"] == 2030


def test_the_export_has_headers_in_the_ui_language_and_rounded_numbers(analyst):
    query = {"focus": "遂宁", "group": "sichuan", "year": 2021, "target_year": 2030}
    book = load_workbook(io.BytesIO(analyst.get("/benchmark/export.xlsx", query).content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    assert header[0] == "指标" and "与最优差距 %" in header and "n" not in header
    for row in sheet.iter_rows(min_row=3):
        for cell, decimals in (
            (row[3], 2),
            (row[6], 2),
            (row[9], 1),
            (row[10], 1),
            (row[11], 1),
            (row[12], 1),
        ):
            if cell.value is not None:
                assert isinstance(cell.value, int | float)
                assert round(cell.value, decimals) == cell.value
        assert row[9].number_format == "0.0" and row[3].number_format == "#,##0.00"
    gaps = [row[9].value for row in sheet.iter_rows(min_row=3) if row[9].value is not None]
    assert gaps and any(g != int(g) for g in gaps)  # rounded, not truncated to whole numbers
    index = book.worksheets[1]
    for row in index.iter_rows(min_row=2):
        if isinstance(row[2].value, float):
            assert round(row[2].value, 4) == row[2].value

    settings_language = settings.LANGUAGE_COOKIE_NAME
    analyst.cookies[settings_language] = "en"
    book = load_workbook(io.BytesIO(analyst.get("/benchmark/export.xlsx", query).content))
    assert book.worksheets[0]["A2"].value == "Indicator"
    assert [c.value for c in book.worksheets[3][1]] == [
        "City",
        "Year",
        "Indicator",
        "Value",
        "Unit",
        "Source",
    ]


def test_the_export_neutralises_formula_prefixes(analyst):
    statistic = Statistic.objects.get(city__name_zh="遂宁", year=2021, indicator__code="gdp")
    statistic.source = '=HYPERLINK("http://evil","x")'
    statistic.save()
    query = {"focus": "遂宁", "group": "sichuan", "year": 2021}
    book = load_workbook(io.BytesIO(analyst.get("/benchmark/export.xlsx", query).content))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
