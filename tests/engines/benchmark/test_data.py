"""The bundled data set, catalogue and peer groups, and the checks on user files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jingjin.benchmark import statistics as bd

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
SICHUAN_18 = [
    "成都",
    "自贡",
    "攀枝花",
    "泸州",
    "德阳",
    "绵阳",
    "广元",
    "遂宁",
    "内江",
    "乐山",
    "南充",
    "眉山",
    "宜宾",
    "广安",
    "达州",
    "雅安",
    "巴中",
    "资阳",
]


def test_bundled_copy_is_byte_identical_to_the_shared_file() -> None:
    shared = SHARED / "sichuan_cities.csv"
    if not shared.exists():
        pytest.skip("../shared/data is not beside this checkout")
    assert bd.BUILTIN_DATA.read_bytes() == shared.read_bytes()
    readme = (bd.BENCHMARK_DIR / "README.md").read_text(encoding="utf-8")
    assert readme.startswith((SHARED / "README.md").read_text(encoding="utf-8"))
    assert "Bundled copy" in readme


def test_builtin_data_loads_with_sources(data: pl.DataFrame) -> None:
    assert data.height == 513
    assert data.get_column("source").null_count() == 0
    assert sorted(data.get_column("year").unique().to_list()) == [2019, 2020, 2021, 2022, 2023]
    assert data.get_column("row").to_list()[:2] == [1, 2]


def test_catalogue(catalogue: dict[str, bd.Indicator], data: pl.DataFrame) -> None:
    assert list(catalogue) == [
        "gdp",
        "gdp_real_growth",
        "gdp_per_capita",
        "resident_population_year_end",
        "general_public_budget_revenue",
        "industrial_value_added_growth",
        "air_good_days_ratio",
        "pm25_annual_mean",
    ]
    assert {c for c, i in catalogue.items() if i.direction == "lower"} == {"pm25_annual_mean"}
    assert {c for c, i in catalogue.items() if i.growth == "rate"} == {
        "gdp_real_growth",
        "industrial_value_added_growth",
        "air_good_days_ratio",
    }
    assert bd.comparable_from(catalogue) == {"gdp_per_capita": 2020}
    # the units of the data file are the catalogue's
    units = dict(data.select("indicator", "unit").unique().iter_rows())
    assert units == {c: i.unit for c, i in catalogue.items()}
    assert all(i.name_zh and i.name_en and i.description_zh and i.description_en for i in catalogue.values())


def test_peer_groups(groups: dict[str, bd.PeerGroup], data: pl.DataFrame) -> None:
    cities = set(data.get_column("city").to_list())
    assert list(groups) == ["sichuan", "chengdu_chongqing", "chengdu_metro"]
    assert list(groups["sichuan"].cities) == SICHUAN_18
    # the data file holds the 18 cities, two autonomous prefectures and two Chongqing districts
    assert cities - set(SICHUAN_18) == {"阿坝", "凉山", "潼南", "铜梁"}
    circle = groups["chengdu_chongqing"].cities
    assert len(circle) == 17 and set(circle) <= cities
    # the 2021 plan: every Sichuan city but 攀枝花, 广元, 巴中 (and the prefectures)
    assert set(SICHUAN_18) - set(circle) == {"攀枝花", "广元", "巴中"}
    assert set(circle) - set(SICHUAN_18) == {"潼南", "铜梁"}
    assert groups["chengdu_metro"].cities == ("成都", "德阳", "眉山", "资阳")


def check(text: str, tmp_path: Path, catalogue: dict[str, bd.Indicator]) -> pl.DataFrame:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return bd.read_statistics(path, catalogue)


HEADER = "city,year,indicator,value,unit\n"


def test_user_file_errors_name_row_and_column(tmp_path: Path, catalogue: dict[str, bd.Indicator]) -> None:
    text = HEADER + "遂宁,2021,gdp,1519.87,亿元\n遂宁,2021,gdp_real_growth,abc,%\n遂宁,2021,happiness,3,分\n"
    with pytest.raises(bd.DataError) as info:
        check(text, tmp_path, catalogue)
    message = str(info.value)
    assert "data row 2 (spreadsheet row 3), column 'value': not a number: 'abc'" in message
    assert "data row 3 (spreadsheet row 4), column 'indicator': unknown indicator 'happiness'" in message


def test_units_duplicates_and_years(tmp_path: Path, catalogue: dict[str, bd.Indicator]) -> None:
    # µg/m³ (micro sign) = μg/m3 (Greek mu, plain 3) after NFKC; an empty unit takes the catalogue's
    ok = check(HEADER + "遂宁,2021,pm25_annual_mean,30,μg/m3\n遂宁,2021,gdp,1519.87,\n", tmp_path, catalogue)
    assert ok.get_column("unit").to_list() == ["µg/m³", "亿元"]
    with pytest.raises(
        bd.DataError, match=r"data row 1 .*column 'unit': unit '万元' contradicts the catalogue"
    ):
        check(HEADER + "遂宁,2021,gdp,1519.87,万元\n", tmp_path, catalogue)
    # an identical duplicate is kept once; a different one names both rows
    same = check(HEADER + "遂宁,2021,gdp,1519.87,亿元\n遂宁,2021,gdp,1519.87,亿元\n", tmp_path, catalogue)
    assert same.height == 1
    with pytest.raises(bd.DataError, match=r"data row 3 .*also in data row 1 with a different value"):
        check(
            HEADER + "遂宁,2021,gdp,1519.87,亿元\n遂宁,2022,gdp,1614.47,亿元\n遂宁,2021,gdp,1520,亿元\n",
            tmp_path,
            catalogue,
        )
    with pytest.raises(bd.DataError, match=r"column 'year': not a whole year: '2021\.5'"):
        check(HEADER + "遂宁,2021.5,gdp,1519.87,亿元\n", tmp_path, catalogue)
    with pytest.raises(bd.DataError, match="column 'value': empty value"):
        check(HEADER + "遂宁,2021,gdp,,亿元\n", tmp_path, catalogue)
    with pytest.raises(bd.DataError, match="column 'unit': missing column"):
        check("city,year,indicator,value\n遂宁,2021,gdp,1\n", tmp_path, catalogue)


def test_statistics_errors_lists_every_error(catalogue: dict[str, bd.Indicator]) -> None:
    frame = pl.DataFrame(
        {
            "city": ["遂宁", "", "遂宁"],
            "year": [2021, 2021, 2021],
            "indicator": ["gdp", "gdp", "gdp"],
            "value": ["1", "2", "x"],
            "unit": ["亿元", "亿元", "亿元"],
        }
    )
    clean, errors = bd.statistics_errors(frame, catalogue)
    assert [(e.row, e.column) for e in errors] == [(2, "city"), (3, "value")]
    assert clean.height == 1
