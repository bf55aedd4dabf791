"""``jingjin benchmark compare`` and ``index`` end to end, in-process and once as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from jingjin.commands._io import write_table
from jingjin.engines.benchmark import COMPARE_COLUMNS

JINGJIN = Path(sys.executable).parent / "jingjin"
HEADER = "city,year,indicator,value,unit,source\n"


def test_compare_builtin(cli, tmp_path: Path) -> None:
    out = tmp_path / "suining.csv"
    run = cli(
        "benchmark",
        "compare",
        "builtin",
        "--focus",
        "遂宁",
        "--year",
        2021,
        "--group",
        "sichuan",
        "--target-year",
        2025,
        "-o",
        out,
    )
    assert run.code == 0, run.err
    assert run.json()["indicators"] == 5
    result = pl.read_csv(out)
    assert tuple(result.columns) == COMPARE_COLUMNS
    gdp = result.filter(pl.col("indicator") == "gdp").row(0, named=True)
    assert (gdp["rank"], gdp["n"], gdp["median"]) == (12, 18, 1603.5)
    assert gdp["required_growth_pct"] == pytest.approx(105.86, abs=0.01)


def test_compare_with_peers_and_xlsx_output(cli, tmp_path: Path) -> None:
    out = tmp_path / "metro.xlsx"
    run = cli(
        "benchmark",
        "compare",
        "builtin",
        "--focus",
        "遂宁",
        "--year",
        2022,
        "--peers",
        "成都，德阳、眉山,资阳",
        "-o",
        out,
    )
    assert run.code == 0, run.err
    from jingjin.commands._io import read_table

    result = read_table(out)
    assert result.filter(pl.col("indicator") == "gdp").select("rank", "n").row(0) == (4, 5)


def test_index_builtin(cli, tmp_path: Path) -> None:
    out = tmp_path / "index.csv"
    run = cli(
        "benchmark",
        "index",
        "builtin",
        "--year",
        2022,
        "--indicators",
        "gdp,gdp_per_capita,pm25_annual_mean",
        "--group",
        "chengdu_chongqing",
        "-o",
        out,
    )
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["ranked"] == 15 and summary["excluded"] == ["潼南", "铜梁"]
    assert sum(summary["weights"].values()) == pytest.approx(1.0)
    result = pl.read_csv(out)
    assert result.columns[:5] == ["city", "rank", "score", "weighted_sum", "missing"]
    assert result.item(0, "city") == "成都"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"--peers": "成都,西安"}, "unknown cities in --peers: 西安"),
        ({"--group": "chongqing"}, "unknown peer group 'chongqing'"),
        ({"--focus": "重庆"}, "unknown focus city '重庆'"),
        ({"--year": "2030"}, "遂宁 has no value in 2030"),
        ({"--target-year": "2020"}, "target_year 2020 must be after year 2021"),
        ({"--base-year": "2021"}, "base_year 2021 must be before year 2021"),
    ],
)
def test_compare_bad_arguments(cli, tmp_path: Path, override: dict[str, str], message: str) -> None:
    out = tmp_path / "out.csv"
    options = {"--focus": "遂宁", "--year": "2021", **override}
    run = cli("benchmark", "compare", "builtin", *[x for pair in options.items() for x in pair], "-o", out)
    assert run.code == 2
    assert message in run.err
    assert not out.exists()


GOOD = "遂宁,2021,gdp,1519.87,亿元,x\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("遂宁,2021,gdp,1520,亿元,y\n", "data row 2 (spreadsheet row 3), column 'value': 遂宁 2021 gdp"),
        ("成都,2021,gdp,lots,亿元,y\n", "data row 2 (spreadsheet row 3), column 'value': not a number"),
        ("成都,2021,gdp,19917,元,y\n", "column 'unit': unit '元' contradicts the catalogue"),
        ("成都,2021,gdp_nominal,5,%,y\n", "column 'indicator': unknown indicator 'gdp_nominal'"),
    ],
)
def test_compare_bad_files(cli, tmp_path: Path, rows: str, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + GOOD + rows, encoding="utf-8")
    out = tmp_path / "out.csv"
    run = cli("benchmark", "compare", source, "--focus", "遂宁", "--year", 2021, "-o", out)
    assert run.code == 2
    assert message in run.err
    assert not out.exists()


def test_identical_duplicates_and_excel_input(cli, tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "city": ["遂宁", "遂宁", "成都", "德阳"],
            "year": [2021, 2021, 2021, 2021],
            "indicator": ["gdp"] * 4,
            "value": [1519.87, 1519.87, 19917.0, 2657.0],
            "unit": ["亿元"] * 4,
        }
    )
    source = tmp_path / "in.xlsx"
    write_table(frame, source)
    out = tmp_path / "out.csv"
    run = cli("benchmark", "compare", source, "--focus", "遂宁", "--year", 2021, "-o", out)
    assert run.code == 0, run.err
    result = pl.read_csv(out)
    # 成都 19917, 德阳 2657, 遂宁 1519.87 → 3rd of 3, median 2657
    assert result.select("rank", "n", "median").row(0) == (3, 3, 2657.0)


def test_index_bad_arguments(cli, tmp_path: Path) -> None:
    out = tmp_path / "index.csv"
    run = cli("benchmark", "index", "builtin", "--year", 2022, "--indicators", "gdp,happiness", "-o", out)
    assert run.code == 2 and "unknown indicators in --indicators: happiness" in run.err
    run = cli(
        "benchmark",
        "index",
        "builtin",
        "--year",
        2022,
        "--indicators",
        "gdp",
        "--peers",
        "成都,西安",
        "-o",
        out,
    )
    assert run.code == 2 and "西安" in run.err
    run = cli(
        "benchmark",
        "index",
        "builtin",
        "--year",
        2021,
        "--indicators",
        "industrial_value_added_growth",
        "--group",
        "chengdu_metro",
        "-o",
        out,
    )
    assert run.code == 2 and "at least 2 cities" in run.err
    run = cli(
        "benchmark", "index", "builtin", "--year", 2022, "--indicators", "gdp", "-o", tmp_path / "x.txt"
    )
    assert run.code == 2 and "unsupported output type" in run.err
    assert not out.exists()
    assert cli("benchmark").code == 2


def test_subprocess_on_the_bundled_path(tmp_path: Path) -> None:
    out = tmp_path / "nanchong.csv"
    result = subprocess.run(
        [
            str(JINGJIN),
            "benchmark",
            "compare",
            "builtin",
            "--focus",
            "南充",
            "--year",
            "2023",
            "--group",
            "sichuan",
            "--target-year",
            "2025",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    gdp = pl.read_csv(out).filter(pl.col("indicator") == "gdp").row(0, named=True)
    assert (gdp["rank"], gdp["median"]) == (5, 1778.5)
    bad = subprocess.run(
        [
            str(JINGJIN),
            "benchmark",
            "compare",
            "builtin",
            "--focus",
            "南充",
            "--year",
            "2023",
            "--peers",
            "成都,重庆",
            "-o",
            str(tmp_path / "bad.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "重庆" in bad.stderr and not (tmp_path / "bad.csv").exists()
