"""The ``jingjin score``, ``jingjin land`` and ``jingjin allocate`` commands end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from jingjin.commands._io import read_table, write_table

SPEC = """
method: weighted_sum
weights: fixed
id_column: unit
criteria:
  - {column: gdp_growth, weight: 0.5, normalize: target, target: 6.0}
  - {column: energy_per_gdp, direction: cost, weight: 0.3, normalize: minmax}
  - {column: investment, weight: 0.2, normalize: ratio, benchmark: max}
bonus: [award]
deduct: [penalty]
group_by: kind
classes: {by: share, bounds: {A: 0.5}, rest: B}
"""


def counties() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": ["船山区", "安居区", "射洪市", "蓬溪县", "大英县"],
            "kind": ["district", "district", "county", "county", "county"],
            "gdp_growth": [6.6, 5.4, 7.2, 3.0, 6.0],
            "energy_per_gdp": [0.5, 0.7, 0.9, 0.5, 0.6],
            "investment": [200.0, 100.0, 400.0, 100.0, 300.0],
            "award": [0.0, 1.0, 0.0, 0.0, 0.5],
            "penalty": [0.0, 0.0, 0.25, 0.0, 0.0],
        }
    )


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_score_csv_end_to_end(cli, tmp_path, spec):
    source = tmp_path / "counties.csv"
    write_table(counties(), source)
    run = cli("score", source, "-o", tmp_path / "out.csv", "--spec", spec)
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["rows"] == 5 and summary["weight_values"]["gdp_growth"] == 0.5
    out = read_table(tmp_path / "out.csv")
    assert out.columns == [*counties().columns, "score", "rank", "class"]
    assert out["unit"].to_list() == counties()["unit"].to_list()
    # by hand: target 6 (capped at 1), energy min-max cost over 0.5..0.9, investment / 400
    expected = [
        0.5 * 1 + 0.3 * 1.0 + 0.2 * 0.5,  # 船山区
        0.5 * 0.9 + 0.3 * 0.5 + 0.2 * 0.25 + 1.0,  # 安居区 (+1 award)
        0.5 * 1 + 0.3 * 0.0 + 0.2 * 1.0 - 0.25,  # 射洪市 (−0.25 penalty)
        0.5 * 0.5 + 0.3 * 1.0 + 0.2 * 0.25,  # 蓬溪县
        0.5 * 1 + 0.3 * 0.75 + 0.2 * 0.75 + 0.5,  # 大英县 (+0.5 award)
    ]
    assert out["score"].to_list() == pytest.approx(expected, rel=1e-12)
    # districts: 安居区 1.65 > 船山区 0.9; counties: 大英县 1.375, 蓬溪县 0.6, 射洪市 0.45
    assert out["rank"].to_list() == [2, 1, 3, 2, 1]
    assert out["class"].to_list() == ["B", "A", "B", "B", "A"]


def test_score_xlsx_and_parquet_with_explain(cli, tmp_path, spec):
    write_table(counties(), tmp_path / "c.xlsx")
    run = cli("score", tmp_path / "c.xlsx", "-o", tmp_path / "out.xlsx", "--spec", spec, "--explain")
    assert run.code == 0, run.err
    out = read_table(tmp_path / "out.xlsx")
    assert "contrib_gdp_growth" in out.columns and "bonus_total" in out.columns
    assert out["rank"].to_list() == [2, 1, 3, 2, 1]
    write_table(counties(), tmp_path / "c.parquet")
    run = cli("score", tmp_path / "c.parquet", "-o", tmp_path / "out.parquet", "--spec", spec)
    assert run.code == 0, run.err
    assert read_table(tmp_path / "out.parquet")["score"].dtype == pl.Float64


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop("investment"), "missing column 'investment'"),
        (
            lambda f: f.with_columns(gdp_growth=pl.Series(["6.6", "n/a", "7.2", "3", "6"])),
            "column 'gdp_growth': not a number in data row 2",
        ),
        (
            lambda f: f.with_columns(investment=pl.Series([0.0] * 5)),
            "column 'investment'",
        ),
    ],
)
def test_score_bad_input_exits_2_and_writes_nothing(cli, tmp_path, spec, change, message):
    source = tmp_path / "bad.csv"
    write_table(change(counties()), source)
    target = tmp_path / "out.csv"
    run = cli("score", source, "-o", target, "--spec", spec)
    assert run.code == 2
    assert message in run.err
    assert not target.exists()
    assert run.out == ""


def test_score_rows_message_states_the_convention(cli, tmp_path, spec):
    source = tmp_path / "bad.csv"
    write_table(counties().with_columns(gdp_growth=pl.Series(["6.6", "x", "7.2", "3", "6"])), source)
    run = cli("score", source, "-o", tmp_path / "o.csv", "--spec", spec)
    assert "data row 2" in run.err and "spreadsheet row = data row + 1" in run.err


def test_score_weights_must_sum_to_one_unless_normalised(cli, tmp_path):
    spec = tmp_path / "w.yaml"
    spec.write_text("criteria: [{column: gdp_growth, weight: 0.6}, {column: investment, weight: 0.6}]\n")
    write_table(counties(), tmp_path / "c.csv")
    run = cli("score", tmp_path / "c.csv", "-o", tmp_path / "o.csv", "--spec", spec)
    assert run.code == 2 and "sum to 1.2, not 1" in run.err and "--normalize-weights" in run.err
    assert not (tmp_path / "o.csv").exists()
    run = cli("score", tmp_path / "c.csv", "-o", tmp_path / "o.csv", "--spec", spec, "--normalize-weights")
    assert run.code == 0, run.err
    assert run.json()["weight_values"] == {"gdp_growth": 0.5, "investment": 0.5}


def test_score_entropy_topsis_spec_in_json(cli, tmp_path):
    spec = tmp_path / "t.json"
    spec.write_text(
        json.dumps({"method": "topsis", "weights": "entropy", "criteria": ["gdp_growth", "investment"]})
    )
    write_table(counties(), tmp_path / "c.csv")
    run = cli("score", tmp_path / "c.csv", "-o", tmp_path / "o.csv", "--spec", spec)
    assert run.code == 0, run.err
    weights = run.json()["weight_values"]
    assert sum(weights.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spec", "missing.yaml"], "no such file"),
        (["--spec", "SPEC", "-o", "out.txt"], "unsupported output type"),
        (["--spec", "BROKEN"], "cannot be read as YAML"),
    ],
)
def test_score_bad_files(cli, tmp_path, spec, args, message):
    write_table(counties(), tmp_path / "c.csv")
    broken = tmp_path / "broken.yaml"
    broken.write_text("criteria: [unclosed\n")
    resolved = [str(spec) if a == "SPEC" else str(broken) if a == "BROKEN" else a for a in args]
    if "-o" not in resolved:
        resolved += ["-o", str(tmp_path / "o.csv")]
    run = cli("score", tmp_path / "c.csv", *resolved)
    assert run.code == 2 and message in run.err
    assert not (tmp_path / "o.csv").exists()


def test_score_missing_input_file(cli, tmp_path, spec):
    run = cli("score", tmp_path / "nope.csv", "-o", tmp_path / "o.csv", "--spec", spec)
    assert run.code == 2 and "no such file" in run.err


# ---------------------------------------------------------------------------------------
# land
# ---------------------------------------------------------------------------------------

FIRMS = """enterprise_id,land_mu,tax_10k,revenue_10k,value_added_10k,energy_tce,emissions_t,employees,rd_10k
F1,100,4819.4,30000,6808,1263.5,,400,453
F2,20,200,5000,1000,500,0.5,100,50
F3,10,241,2000,1361.6,100,0.1,50,60.4
"""


def test_land_evaluate_builtin_scheme(cli, tmp_path):
    (tmp_path / "firms.csv").write_text(FIRMS, encoding="utf-8")
    run = cli(
        "land", "evaluate", tmp_path / "firms.csv", "-o", tmp_path / "g.parquet", "--scheme", "huangyan-2022"
    )
    assert run.code == 0, run.err
    assert run.json() == {
        "scheme": "huangyan-2022",
        "firms": 3,
        "evaluated": 3,
        "classes": {"B": 1, "C": 1, "D": 1},
    }
    out = read_table(tmp_path / "g.parquet")
    assert out.columns[:9] == FIRMS.splitlines()[0].split(",")
    assert {"tax_per_mu", "item_tax_per_mu", "score", "rank", "class"} <= set(out.columns)
    assert out["rank"].to_list() == [2, 3, 1]


def test_land_evaluate_scheme_file_and_no_items(cli, tmp_path):
    (tmp_path / "firms.csv").write_text(FIRMS, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: mine\nsegments:\n  above_scale:\n    total: 100\n    criteria:\n"
        "      - {column: tax_per_mu, normalize: ratio, benchmark: 10, weight: 100}\n"
        "classes: {by: score, bounds: {A: 200}}\n",
        encoding="utf-8",
    )
    run = cli(
        "land",
        "evaluate",
        tmp_path / "firms.csv",
        "-o",
        tmp_path / "g.csv",
        "--scheme",
        tmp_path / "s.yaml",
        "--no-items",
    )
    assert run.code == 0, run.err
    out = read_table(tmp_path / "g.csv")
    assert "item_tax_per_mu" not in out.columns
    assert out["score"].to_list() == pytest.approx([481.94, 100.0, 241.0])
    assert out["class"].to_list() == ["A", "B", "A"]


def test_land_evaluate_bad_input(cli, tmp_path):
    (tmp_path / "firms.csv").write_text(FIRMS.replace("F2,20,", "F2,-20,"), encoding="utf-8")
    run = cli(
        "land", "evaluate", tmp_path / "firms.csv", "-o", tmp_path / "g.csv", "--scheme", "huangyan-2022"
    )
    assert run.code == 2
    assert "column 'land_mu': negative land area in data row 2" in run.err
    assert not (tmp_path / "g.csv").exists()
    run = cli("land", "evaluate", tmp_path / "firms.csv", "-o", tmp_path / "g.csv", "--scheme", "zhejiang")
    assert run.code == 2 and "neither a built-in scheme" in run.err


PROJECTS = """project_id,park,industry,land_mu,investment_10k,tax_10k,output_10k,rd_10k,catalogue,zoning
P1,内荣工业园,装备制造,100,16000,900,36000,800,鼓励,通过
P2,内荣工业园,食品饮料,50,6000,350,14000,,允许,有条件
P3,内荣工业园,玻璃,20,3000,160,5000,0,限制类,通过
"""


def test_land_admit_default_and_custom_thresholds(cli, tmp_path):
    (tmp_path / "p.csv").write_text(PROJECTS, encoding="utf-8")
    run = cli("land", "admit", tmp_path / "p.csv", "-o", tmp_path / "a.csv")
    assert run.code == 0, run.err
    assert run.json() == {"projects": 3, "admission": {"encouraged": 1, "restricted": 1, "prohibited": 1}}
    out = read_table(tmp_path / "a.csv")
    assert out["admission_zh"].to_list() == ["鼓励支持", "限制", "禁入"]
    assert out["reasons"][2] == "产业结构调整指导目录 限制类"
    (tmp_path / "t.csv").write_text("park,industry,min_investment_intensity\n*,*,130\n", encoding="utf-8")
    run = cli(
        "land", "admit", tmp_path / "p.csv", "-o", tmp_path / "b.csv", "--thresholds", tmp_path / "t.csv"
    )
    assert run.code == 0, run.err
    out = read_table(tmp_path / "b.csv")
    assert out["reasons"][1] == (
        "固定资产投资强度 (investment_intensity) 120 < 130 万元/亩; 三线一单 zoning check: 有条件通过"
    )


def test_land_admit_unknown_park_exits_2(cli, tmp_path):
    (tmp_path / "p.csv").write_text(PROJECTS.replace("P3,内荣工业园", "P3,别处"), encoding="utf-8")
    run = cli("land", "admit", tmp_path / "p.csv", "-o", tmp_path / "a.csv")
    assert run.code == 2 and "park '别处'" in run.err and "data row 3" in run.err
    assert not (tmp_path / "a.csv").exists()


# ---------------------------------------------------------------------------------------
# allocate
# ---------------------------------------------------------------------------------------

ALLOC = """project_id,benefit,land_mu,energy_tce,env_units,leading,must,exclude
A,10,5,2,1,0,0,0
B,8,4,1,1,1,0,0
C,7,3,3,2,0,1,0
D,3,1,1,0,0,0,1
"""


def test_allocate_end_to_end(cli, tmp_path):
    (tmp_path / "p.csv").write_text(ALLOC, encoding="utf-8")
    args = ["allocate", tmp_path / "p.csv", "-o", tmp_path / "s.csv", "--land", 9, "--energy", 6, "--env", 4]
    run = cli(*args, "--leading-bonus", 0.5)
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["objective"] == 19.0 and summary["proven"] is True and summary["gap"] <= 1e-4
    assert summary["quotas"]["land"] == {"limit": 9.0, "used": 7.0, "slack": 2.0, "binds": True}
    assert summary["greedy"]["objective"] == 19.0
    out = read_table(tmp_path / "s.csv")
    assert out.columns == [*ALLOC.splitlines()[0].split(","), "selected"]
    assert out["selected"].to_list() == [0, 1, 1, 0]
    run = cli(*args, "--partial")
    assert run.code == 0, run.err
    assert read_table(tmp_path / "s.csv")["selected"].dtype == pl.Float64


def test_allocate_infeasible_exits_2(cli, tmp_path):
    (tmp_path / "p.csv").write_text(ALLOC, encoding="utf-8")
    run = cli(
        "allocate", tmp_path / "p.csv", "-o", tmp_path / "s.csv", "--land", 2, "--energy", 6, "--env", 4
    )
    assert run.code == 2
    assert "infeasible" in run.err and "data row 3" in run.err and "land needs 3 > quota 2" in run.err
    assert not (tmp_path / "s.csv").exists() and run.out == ""
    run = cli(
        "allocate",
        tmp_path / "p.csv",
        "-o",
        tmp_path / "s.csv",
        "--land",
        9,
        "--energy",
        6,
        "--env",
        4,
        "--gap",
        2,
    )
    assert run.code == 2 and "--gap" in run.err


def test_jingjin_score_subprocess(tmp_path, spec):
    write_table(counties(), tmp_path / "c.csv")
    exe = Path(sys.executable).with_name("jingjin")
    result = subprocess.run(
        [str(exe), "score", str(tmp_path / "c.csv"), "-o", str(tmp_path / "o.csv"), "--spec", str(spec)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"] == 5
    assert read_table(tmp_path / "o.csv")["rank"].to_list() == [2, 1, 3, 2, 1]
    bad = subprocess.run(
        [
            str(exe),
            "score",
            str(tmp_path / "c.csv"),
            "-o",
            str(tmp_path / "p.csv"),
            "--spec",
            str(tmp_path / "x.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "jingjin score: error:" in bad.stderr
