"""Benchmarking pages: the comparison, the composite index, the Excel export, the task-page rank."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jingjin.benchmark import services
from jingjin.benchmark.models import CatalogueIndicator, PeerGroup
from jingjin.core.models import AuditEntry
from jingjin.core.services import object_update
from jingjin.plans.models import Indicator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, users):
    services.builtin_load()
    assert client.login(username="reporter_a", password=PASSWORD)
    return client


def test_comparison_page_for_suining_in_sichuan_2021(analyst):
    page = analyst.get("/benchmark/", {"focus": "遂宁", "group": "sichuan", "year": 2021})
    assert page.status_code == 200
    rows = {r["indicator"]: r for r in page.context["rows"]}
    # By hand from the bundled CSV, 2021: Suining GDP 1519.87 亿元 is 12th of 18 (11 cities are larger);
    # the best is Chengdu, 19917 亿元.
    assert (rows["gdp"]["rank"], rows["gdp"]["n"]) == (12, 18)
    assert rows["gdp"]["best_city"] == "成都" and rows["gdp"]["best_value"] == 19917
    # PM2.5 is lower-is-better: Suining 30 µg/m³ is 5th of 17 (泸州 has no 2021 value); Guangyuan 24 is best.
    assert (rows["pm25_annual_mean"]["rank"], rows["pm25_annual_mean"]["n"]) == (5, 17)
    assert rows["pm25_annual_mean"]["best_city"] == "广元"
    assert rows["gdp"]["source"]  # every value shows its source
    html = page.content.decode()
    assert 'id="bench-data"' in html and "vendor/echarts/echarts.min.js" in html
    index = page.context["index_rows"]
    assert [r["rank"] for r in index] == list(range(1, len(index) + 1))
    assert any(r["city"] == "遂宁" for r in index)


def test_peer_group_subset_and_unknown_values(analyst):
    page = analyst.get("/benchmark/", {"focus": "遂宁", "group": "chengdu_metro", "year": 2022})
    rows = {r["indicator"]: r for r in page.context["rows"]}
    assert rows["gdp"]["n"] == 5  # Chengdu, Deyang, Meishan, Ziyang and the focus city itself
    assert analyst.get("/benchmark/", {"focus": "遂宁", "year": "abc"}).status_code == 200  # falls back


def test_excel_export_has_every_table_and_the_sources(analyst):
    response = analyst.get("/benchmark/export.xlsx", {"focus": "遂宁", "group": "sichuan", "year": 2021})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="benchmark-2021-sichuan.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4
    comparison = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    gdp = next(r for r in comparison if r[0] == "地区生产总值")
    assert gdp[3] == 1519.87 and gdp[4] == 12 and gdp[5] == 18
    data = list(book.worksheets[3].iter_rows(values_only=True))
    assert data[0] == ("市", "年份", "指标", "数值", "单位", "来源")  # in the UI's language
    assert all(row[5] for row in data[1:])


def test_plan_office_imports_statistics_from_the_page(client, users):
    services.builtin_load()
    client.login(username="office", password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("s.csv", "city,year,indicator,value,unit\n遂宁,2024,gdp,x,亿元\n".encode())
    response = client.post("/benchmark/import/", {"file": bad})
    assert response.status_code == 400
    # in the UI's language (Chinese by default): row and column named
    assert "第 1 条数据（表格第 2 行），“value”列：不是数字" in response.content.decode()
    good = SimpleUploadedFile("s.csv", "city,year,indicator,value,unit\n遂宁,2024,gdp,1750,亿元\n".encode())
    assert client.post("/benchmark/import/", {"file": good}).status_code == 302
    client.login(username="reporter_a", password=PASSWORD)
    assert client.post("/benchmark/import/", {"file": good}).status_code == 403


def test_catalogue_and_peer_groups_are_extended_from_the_ui(client, users):
    services.builtin_load()
    client.login(username="office", password=PASSWORD)
    response = client.post(
        "/benchmark/catalogue/",
        {
            "code": "rd_intensity",
            "name_zh": "研发投入强度",
            "name_en": "R&D intensity",
            "unit": "%",
            "direction": "higher",
            "growth": "rate",
            "description_zh": "",
            "description_en": "",
        },
    )
    assert response.status_code == 302
    assert CatalogueIndicator.objects.get(code="rd_intensity").growth == "rate"
    response = client.post(
        "/benchmark/groups/",
        {"code": "mine", "name_zh": "近邻", "name_en": "Neighbours", "cities": ["遂宁", "南充", "广安"]},
    )
    assert response.status_code == 302
    assert sorted(PeerGroup.objects.get(code="mine").cities.values_list("name_zh", flat=True)) == [
        "南充",
        "广安",
        "遂宁",
    ]
    assert AuditEntry.objects.filter(object_repr__contains="rd_intensity", action="create").exists()


def test_task_page_shows_the_peer_rank_of_a_linked_indicator(client, users):
    services.builtin_load()
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    object_update(
        obj=indicator,
        actor=users["office"],
        data={"benchmark_indicator": CatalogueIndicator.objects.get(code="gdp")},
    )
    # the test plan's city is 测试市, not in the statistics: no rank, no error
    client.login(username="reporter_a", password=PASSWORD)
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/")
    assert page.status_code == 200 and 'data-testid="peer-rank"' not in page.content.decode()
    plan = indicator.task.measure.action.plan
    plan.city = "遂宁市"
    plan.save()
    page = client.get("/plan/test-plan/tasks/A1.M1.T1/")
    assert 'data-testid="peer-rank"' in page.content.decode()
    # Suining's latest GDP (2023, 1715 亿元) ranks 12th of the 18 cities of Sichuan (by hand from the CSV).
    [(_, _, peer)] = page.context["indicators"]
    assert (peer["city"], peer["year"], peer["rank"], peer["n"], peer["best_city"]) == (
        "遂宁",
        2023,
        12,
        18,
        "成都",
    )
    entry = AuditEntry.objects.get(action="update", object_repr__startswith="A1.M1.T1.I1")
    assert entry.before["benchmark_indicator"] is None and entry.after["benchmark_indicator"] == "gdp"


def test_catalogue_is_extended_by_file(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.builtin_load()
    client.login(username="office", password=PASSWORD)
    good = (
        "format: jingjin-benchmark-catalogue/1\nindicators:\n"
        "  - {code: urbanisation, name_zh: 常住人口城镇化率, name_en: Urbanisation rate, unit: '%',"
        " direction: higher, growth: rate}\n"
    )
    response = client.post(
        "/benchmark/catalogue/", {"catalogue_file": SimpleUploadedFile("c.yaml", good.encode())}
    )
    assert response.status_code == 302
    assert CatalogueIndicator.objects.get(code="urbanisation").name_zh == "常住人口城镇化率"
    bad = good.replace("direction: higher", "direction: up")
    response = client.post(
        "/benchmark/catalogue/", {"catalogue_file": SimpleUploadedFile("c.yaml", bad.encode())}
    )
    assert response.status_code == 400
    assert (
        "direction must be &#x27;higher&#x27; or &#x27;lower&#x27;, not &#x27;up&#x27;"
        in response.content.decode()
    )
