"""``jingjin parks check`` end to end: CSV files per table, XLSX sheets, bad rows → exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from jingjin.cli import main
from jingjin.commands._io import read_table, write_table

# 示例 data: park A (national, county 甲) has 4 leading industries (one over its cap of 3);
# park B (provincial, county 乙) 1; park C (city, county 丙) none. A = {锂材, 电池, 电子, 气化},
# B = {锂材, 电池, 电子}, C = {食品, 电池}: J(A, B) = 3/4, J(A, C) = 1/5, J(B, C) = 1/4.
PARKS = pl.DataFrame(
    {
        "park": ["示例园A"] * 4 + ["示例园B"] * 3 + ["示例园C"] * 2,
        "level": ["国家级"] * 4 + ["provincial"] * 3 + ["city"] * 2,
        "county": ["示例县甲"] * 4 + ["示例县乙"] * 3 + ["示例县丙"] * 2,
        "industry": ["锂材", "电池", "电子", "气化", "锂材", "电池", "电子", "食品", "电池"],
        "leading": ["是", "1", "yes", "1", "1", "0", "", "否", "no"],
    }
)
LINKS = pl.DataFrame(
    {
        "chain": ["示例锂电链"] * 3,
        "link": ["锂矿", "电池", "回收"],
        "position": ["上游", "mid", "downstream"],
        "importance": [0.8, 1.0, 0.5],
        "reference_output": [100.0, 200.0, None],
    }
)
FIRMS = pl.DataFrame(
    {
        "firm": ["示例企业1", "示例企业2", "示例企业2"],
        "chain": ["示例锂电链"] * 3,
        "link": ["电池", "电池", "锂矿"],
        "output": [50.0, 50.0, 500.0],
    }
)


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, Any, str]:
    code = main(["parks", "check", *(str(a) for a in args)])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parks")
    write_table(PARKS, folder / "parks.csv")
    write_table(PARKS, folder / "parks.xlsx")
    write_table(LINKS, folder / "links.csv")
    write_table(FIRMS, folder / "firms.csv")
    return folder


def test_csv_output_one_file_per_table(capsys, files, tmp_path) -> None:
    code, summary, err = run(
        capsys, files / "parks.csv", "-o", tmp_path / "out.csv", "--chains", files / "links.csv",
        "--firms", files / "firms.csv",
    )  # fmt: skip
    assert code == 0, err
    assert summary["parks"] == 3 and summary["over_cap"] == 1 and summary["without_leading"] == 1
    assert summary["files"] == [str(tmp_path / f"out_{t}.csv") for t in ("caps", "gaps", "overlap", "shared")]
    caps = read_table(tmp_path / "out_caps.csv")
    assert caps["park"].to_list() == ["示例园A", "示例园B", "示例园C"]
    assert caps["level"].to_list() == ["national", "provincial", "city"]
    assert caps["leading_count"].to_list() == [4, 1, 0]
    assert caps["cap"].to_list() == [3, 2, 2]
    assert caps["over"].to_list() == [True, False, False]
    assert caps["missing"].to_list() == [False, False, True]
    overlap = read_table(tmp_path / "out_overlap.csv")
    assert overlap.rows() == [("示例园A", "示例园B", 0.75, 3, 4)]
    shared = read_table(tmp_path / "out_shared.csv")  # 锂材 leads in A (甲) and B (乙)
    assert shared.rows() == [("锂材", 2, "示例县甲、示例县乙", "示例园A、示例园B")]
    gaps = read_table(tmp_path / "out_gaps.csv")
    # 电池: 100 of 200 → 1 × 0.5; 回收: no firm → 0.5; 锂矿: 500 of 100 → covered, 0
    assert gaps["link"].to_list() == ["电池", "回收", "锂矿"]
    assert gaps["position"].to_list() == ["mid", "down", "up"]
    assert gaps["coverage"].to_list() == [0.5, 0.0, 1.0]
    assert gaps["score"].to_list() == [0.5, 0.5, 0.0]


def test_xlsx_sheets_threshold_and_caps_options(capsys, files, tmp_path) -> None:
    target = tmp_path / "out.xlsx"
    code, summary, err = run(
        capsys, files / "parks.xlsx", "-o", target, "--threshold", "0.2", "--cap-national", "4",
    )  # fmt: skip
    assert code == 0, err
    assert summary["files"] == [str(target)] and summary["over_cap"] == 0
    book = CalamineWorkbook.from_path(str(target))
    assert book.sheet_names == ["caps", "overlap", "shared"]
    pairs = book.get_sheet_by_name("overlap").to_python()
    # threshold inclusive: J(A, C) = 0.2 is flagged, J(B, C) = 0.25 before it
    assert [row[:3] for row in pairs] == [
        ["park_a", "park_b", "jaccard"],
        ["示例园A", "示例园B", 0.75],
        ["示例园B", "示例园C", 0.25],
        ["示例园A", "示例园C", 0.2],
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("level", "county", "column 'level': unknown level 'county' in data row 5"),
        ("leading", "maybe", "column 'leading': expected yes/no (1/0) in data row 5"),
        ("county", "示例县甲", "column 'county': park '示例园B' has different values in data rows 5, 6, 7"),
        ("industry", "电池", "a park's industry is given twice in data rows 5, 6"),
        ("park", " ", "column 'park': empty in data row 5"),
        ("industry", "a\x07b", "column 'industry': a control character in data row 5"),
    ],
)
def test_bad_park_rows_exit_2_naming_row_and_column(capsys, tmp_path, column, value, message) -> None:
    bad = PARKS.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    write_table(bad, tmp_path / "bad.csv")
    code, _, err = run(capsys, tmp_path / "bad.csv", "-o", tmp_path / "out.csv")
    assert code == 2
    assert message in err and "bad.csv" in err
    assert not list(tmp_path.glob("out*"))


def test_bad_chain_rows_and_options_exit_2(capsys, files, tmp_path) -> None:
    parks, links, firms = files / "parks.csv", files / "links.csv", files / "firms.csv"
    write_table(LINKS.with_columns(importance=pl.Series([0.8, 1.5, 0.5])), tmp_path / "l.csv")
    code, _, err = run(
        capsys, parks, "-o", tmp_path / "o.csv", "--chains", tmp_path / "l.csv", "--firms", firms
    )
    assert code == 2 and "l.csv: column 'importance': above 1 in data row 2" in err
    write_table(FIRMS.with_columns(link=pl.Series(["电池", "电池", "冶炼"])), tmp_path / "f.csv")
    code, _, err = run(
        capsys, parks, "-o", tmp_path / "o.csv", "--chains", links, "--firms", tmp_path / "f.csv"
    )
    assert code == 2 and "f.csv: columns 'chain' and 'link': a link not in" in err and "data row 3" in err
    write_table(FIRMS.with_columns(output=pl.Series([1.0, -2.0, 3.0])), tmp_path / "n.csv")
    code, _, err = run(
        capsys, parks, "-o", tmp_path / "o.csv", "--chains", links, "--firms", tmp_path / "n.csv"
    )
    assert code == 2 and "n.csv: column 'output': negative value in data row 2" in err
    code, _, err = run(capsys, parks, "-o", tmp_path / "o.csv", "--chains", links)
    assert code == 2 and "give both or neither" in err
    code, _, err = run(capsys, parks, "-o", tmp_path / "o.csv", "--cap-city", "-1")
    assert code == 2 and "--cap-city must be ≥ 0" in err
