"""Statistics imports: all-or-nothing with row and column, revisions keep history, bundled data."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from jingjin.benchmark import services
from jingjin.benchmark.models import CatalogueIndicator, City, PeerGroup, Statistic
from jingjin.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = "city,year,indicator,value,unit,source\n"


@pytest.fixture
def bundled(db):
    return services.builtin_load()


def test_bundled_data_loads_with_sources_and_idempotently(bundled):
    assert bundled["statistics"].created == 513
    assert Statistic.objects.filter(is_current=True).count() == 513
    assert not Statistic.objects.filter(source="").exists()  # every value keeps its source
    suining = Statistic.objects.get(city__name_zh="遂宁", year=2021, indicator__code="gdp")
    assert float(suining.value) == 1519.87 and suining.unit == "亿元"
    assert set(PeerGroup.objects.values_list("code", flat=True)) >= {"sichuan", "chengdu_chongqing"}
    assert PeerGroup.objects.get(code="sichuan").cities.count() == 18
    assert CatalogueIndicator.objects.get(code="pm25_annual_mean").direction == "lower"
    rows = AuditEntry.objects.count()
    again = services.builtin_load()
    assert again["statistics"].unchanged == 513 and again["catalogue_changed"] == 0
    assert AuditEntry.objects.count() == rows


def test_bad_rows_are_all_named_and_nothing_is_written(bundled):
    before = (Statistic.objects.count(), City.objects.count(), AuditEntry.objects.count())
    raw = (
        HEADER
        + "遂宁,2024,gdp,1700,亿元,test\n"  # row 2: fine, but must not be written
        + "新城,2024,gdp,abc,亿元,test\n"  # row 3: non-numeric value
        + "遂宁,2024,gdp_per_capita,60000,万元,x\n"  # row 4: unit contradicts the catalogue
        + "遂宁,2024,happiness,1,分,x\n"  # row 5: unknown indicator
        + "遂宁,2024,gdp,1800,亿元,test\n"  # row 6: duplicate with another value
        + "遂宁,20x4,gdp,1,亿元,test\n"
    ).encode()  # row 7: bad year
    with pytest.raises(services.StatisticsFileError) as caught:
        services.statistics_import(raw=raw, fmt="csv", actor=None)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "value"),
        (3, "unit"),
        (4, "indicator"),
        (5, "value"),
        (6, "year"),
    ]  # data rows: 1 = first
    messages = [str(e) for e in caught.value.errors]
    assert messages[0] == "data row 2 (spreadsheet row 3), column 'value': not a number: 'abc'"
    assert "'万元' contradicts the catalogue, which gives '元' for gdp_per_capita" in messages[1]
    assert "unknown indicator 'happiness'" in messages[2]
    assert "also in data row 1 with a different value (1700 there, 1800 here)" in messages[3]
    assert (Statistic.objects.count(), City.objects.count(), AuditEntry.objects.count()) == before


def test_identical_duplicates_and_unicode_unit_variants_are_accepted(bundled):
    raw = (HEADER + "遂宁,2024,pm25_annual_mean,30,μg/m3,a\n遂宁,2024,pm25_annual_mean,30,μg/m3,a\n").encode()
    summary = services.statistics_import(raw=raw, fmt="csv", actor=None)
    assert summary.created == 1


def test_a_changed_value_is_a_revision_with_history(bundled):
    raw = (HEADER + "巴中,2020,gdp,742.51,亿元,later revision\n").encode()
    summary = services.statistics_import(raw=raw, fmt="csv", actor=None)
    assert (summary.created, summary.revised) == (0, 1)
    history = list(
        Statistic.objects.filter(city__name_zh="巴中", year=2020, indicator__code="gdp")
        .order_by("revision")
        .values_list("revision", "value", "is_current", "source")
    )
    assert [(r, float(v), c) for r, v, c, _ in history] == [(1, 767.0, False), (2, 742.51, True)]
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.before["value"] == 767 and entry.after["value"] == 742.51


def test_excel_import_names_rows_as_excel_shows_them(bundled):
    book = Workbook()
    sheet = book.active
    sheet.append(["city", "year", "indicator", "value", "unit", "source"])
    sheet.append(["遂宁", 2024, "gdp", 1700.5, "亿元", "report"])
    sheet.append(["遂宁", 2024, "gdp_real_growth", "n/a", "%", "report"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(services.StatisticsFileError) as caught:
        services.statistics_import(raw=buffer.getvalue(), fmt="xlsx", actor=None)
    assert [str(e) for e in caught.value.errors] == [
        "data row 2 (spreadsheet row 3), column 'value': not a number: 'n/a'"
    ]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    assert services.statistics_import(raw=buffer.getvalue(), fmt="xlsx", actor=None).created == 1


def test_missing_columns_and_unknown_peer_cities_are_refused(bundled):
    with pytest.raises(services.StatisticsFileError, match="column 'unit': missing column"):
        services.statistics_import(raw=b"city,year,indicator,value\n", fmt="csv", actor=None)
    with pytest.raises(ValueError, match="unknown cities in peer group mine: 重庆"):
        services.peer_group_save(
            actor=None, code="mine", name_zh="我的", name_en="Mine", cities=["遂宁", "重庆"]
        )


def test_only_the_plan_office_imports(users):
    from jingjin.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.statistics_import(raw=HEADER.encode(), fmt="csv", actor=users["reporter_a"])
