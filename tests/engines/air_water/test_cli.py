"""``jingjin air`` and ``jingjin water`` end to end: files in, files out, exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from jingjin.cli import main
from jingjin.commands._io import read_table, write_table

AIR = pl.DataFrame(
    {
        "station": ["A", "B", "C"],
        "date": ["2026-02-28", "2026-03-01", "2026-03-02"],
        "pm25_24h": [80.0, 80.0, None],
        "co_24h": [2.2, 2.45, 1.0],
        "remark": ["x", "y", "z"],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_air_aqi_auto_in_every_format(tmp_path, suffix):
    source = tmp_path / f"in{suffix}"
    target = tmp_path / f"out{suffix}"
    write_table(AIR, source)
    code = main(
        [
            "air",
            "aqi",
            str(source),
            "-o",
            str(target),
            "--standard",
            "auto",
            "--report",
            "daily",
            "--time-column",
            "date",
        ]
    )
    assert code == 0
    out = read_table(target)
    assert out.columns[:5] == AIR.columns
    assert out["station"].to_list() == ["A", "B", "C"]
    # 2012: PM2.5 80 → 107, CO 2.2 → 55; 2026: PM2.5 80 → 119, CO 2.45 → 2.4 → 60; C: CO 1.0 → 25.
    assert out["iaqi_pm25_24h"].to_list() == [107, 119, None]
    assert out["iaqi_co_24h"].to_list() == [55, 60, 25]
    assert out["aqi"].to_list() == [107, 119, 25]
    assert out["category"].to_list() == ["轻度污染", "轻度污染", "优"]
    assert out["primary_pollutants"].fill_null("").to_list() == ["pm25_24h", "pm25_24h", ""]
    assert out["exceeding_pollutants"].fill_null("").to_list() == ["pm25_24h", "", ""]
    assert out["standard"].to_list() == ["HJ633-2012", "HJ633-2026", "HJ633-2026"]


def run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err


def test_air_bad_values_exit_2_name_rows_and_write_nothing(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("site,so2_24h,no2_24h\nA,1,2\nB,-5,2\nC,abc,3\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    code, err = run(
        ["air", "aqi", str(source), "-o", str(target), "--standard", "HJ633-2012", "--report", "daily"],
        capsys,
    )
    assert code == 2
    assert "column so2_24h: negative value in data row 2" in err
    assert "column so2_24h: not a number in data row 3" in err
    assert "first data row under the header" in err
    assert not target.exists()


def test_air_invalid_skip_marks_missing_and_counts(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("site,so2_24h\nA,1\nB,-5\nC,abc\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    code, err = run(
        [
            "air", "aqi", str(source), "-o", str(target),
            "--standard", "HJ633-2012", "--report", "daily", "--invalid", "skip",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert "marked 2 invalid cell(s) missing (so2_24h: 2)" in err
    assert read_table(target)["aqi"].to_list() == [1, None, None]


def test_air_column_given_twice(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("pm25_24h,x,pm25_24h\n1,2,3\n", encoding="utf-8")
    code, err = run(
        [
            "air",
            "aqi",
            str(source),
            "-o",
            str(tmp_path / "o.csv"),
            "--standard",
            "HJ633-2026",
            "--report",
            "daily",
        ],
        capsys,
    )
    assert code == 2
    assert "pm25_24h is given by columns 1, 3" in err


def test_air_no_known_column(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    code, err = run(
        [
            "air",
            "aqi",
            str(source),
            "-o",
            str(tmp_path / "o.csv"),
            "--standard",
            "HJ633-2026",
            "--report",
            "daily",
        ],
        capsys,
    )
    assert code == 2
    assert "none of the known concentration columns" in err


def test_air_auto_needs_a_time_column_and_dates_in_range(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("day,pm25_24h\n2020-01-01,1\n2015-06-30,2\n", encoding="utf-8")
    target = tmp_path / "o.csv"
    code, err = run(
        ["air", "aqi", str(source), "-o", str(target), "--standard", "auto", "--report", "daily"], capsys
    )
    assert code == 2 and "needs --time-column" in err
    code, err = run(
        [
            "air",
            "aqi",
            str(source),
            "-o",
            str(target),
            "--standard",
            "auto",
            "--report",
            "daily",
            "--time-column",
            "day",
        ],
        capsys,
    )
    assert code == 2
    assert "column day: date before 2016-01-01" in err and "data row 2" in err
    assert not target.exists()


def test_air_missing_input_file_and_bad_output_type(tmp_path, capsys):
    code, err = run(
        ["air", "aqi", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o.csv"), "--standard", "auto",
         "--report", "daily", "--time-column", "d"],
        capsys,
    )  # fmt: skip
    assert code == 2 and "no such file" in err
    source = tmp_path / "in.csv"
    source.write_text("pm25_24h\n1\n", encoding="utf-8")
    code, err = run(
        [
            "air",
            "aqi",
            str(source),
            "-o",
            str(tmp_path / "o.txt"),
            "--standard",
            "HJ633-2012",
            "--report",
            "daily",
        ],
        capsys,
    )
    assert code == 2 and "unsupported output type" in err


def test_air_daily_then_annual(tmp_path):
    start = datetime(2025, 1, 1)
    rows = []
    for station, level in (("S1", 10.0), ("S2", 30.0)):
        for h in range(48):
            rows.append(
                {"city": "Suining", "site": station, "time": start + timedelta(hours=h), "pm25_1h": level}
            )
    hourly = tmp_path / "hourly.parquet"
    pl.DataFrame(rows).write_parquet(hourly)
    per_station = tmp_path / "daily.csv"
    assert (
        main(
            [
                "air",
                "daily",
                str(hourly),
                "-o",
                str(per_station),
                "--station-column",
                "site",
                "--time-column",
                "time",
            ]
        )
        == 0
    )
    out = read_table(per_station)
    assert out["site"].to_list() == ["S1", "S1", "S2", "S2"]
    assert out["pm25_24h"].to_list() == [10.0, 10.0, 30.0, 30.0]
    per_city = tmp_path / "city.csv"
    args = [
        "air",
        "daily",
        str(hourly),
        "-o",
        str(per_city),
        "--station-column",
        "site",
        "--time-column",
        "time",
    ]
    code = main([*args, "--city-column", "city"])
    assert code == 0
    city = read_table(per_city)
    assert city["pm25_24h"].to_list() == [20.0, 20.0]
    report = tmp_path / "annual.xlsx"
    assert main(["air", "annual", str(per_city), "-o", str(report), "--group-column", "city"]) == 0
    result = read_table(report)
    assert result["city"].to_list() == ["Suining"]
    assert result["pm25_annual_mean"].to_list() == [20.0]
    assert result["pm25_annual_mean_valid"].to_list() == [False]  # two days only
    assert result["good_days"].to_list() == [2]


def test_water_classify_and_blackodor_and_river(tmp_path, capsys):
    source = tmp_path / "water.csv"
    source.write_text(
        "section,river,ph,do,cod,nh3_n,tp,tn\n"
        "S1,R,7.2,8.0,10,0.15,0.02,3\n"
        "S2,R,7.0,5.0,20,1.0,0.2,3\n"
        "S3,R,7.0,1.5,45,2.5,0.5,3\n",
        encoding="utf-8",
    )
    target = tmp_path / "classes.csv"
    assert main(["water", "classify", str(source), "-o", str(target), "--waterbody", "river"]) == 0
    out = read_table(target)
    assert out.columns[:8] == ["section", "river", "ph", "do", "cod", "nh3_n", "tp", "tn"]
    assert out["class"].to_list() == ["I", "III", "劣V"]
    assert out["class_num"].to_list() == [1, 3, 6]
    assert out["exceedances"].fill_null("").to_list() == ["", "", "cod:1.25;nh3_n:1.50;tp:1.50"]
    lake = tmp_path / "lake.csv"
    assert (
        main(["water", "classify", str(source), "-o", str(lake), "--waterbody", "lake", "--items", "all"])
        == 0
    )
    assert read_table(lake)["class"].to_list() == ["劣V", "劣V", "劣V"]  # TN 3 > 2.0
    rivers = tmp_path / "rivers.csv"
    assert main(["water", "river", str(source), "-o", str(rivers), "--group-column", "river"]) == 0
    assert read_table(rivers)["method"].to_list() == ["mean"]

    bo = tmp_path / "bo.csv"
    bo.write_text("point,date,transparency,do,orp,nh3_n\np1,2025-06-01,5,0.1,-250,20\n", encoding="utf-8")
    bo_out = tmp_path / "bo_out.csv"
    assert main(["water", "blackodor", str(bo), "-o", str(bo_out)]) == 0
    assert read_table(bo_out)["point_level"].to_list() == ["重度黑臭"]

    bad = tmp_path / "bad.csv"
    bad.write_text("cod,do\n1,2\n-1,x\n", encoding="utf-8")
    code, err = run(
        ["water", "classify", str(bad), "-o", str(tmp_path / "b.csv"), "--waterbody", "river"], capsys
    )
    assert code == 2
    assert (
        "column do: not a number in data row 2" in err and "column cod: negative value in data row 2" in err
    )


def test_subprocess_entry_point(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("so2_1h,pm25_24h,o3_8h\n900,80,50\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    script = Path(sys.executable).with_name("jingjin")
    result = subprocess.run(
        [
            str(script),
            "air",
            "aqi",
            str(source),
            "-o",
            str(target),
            "--standard",
            "HJ633-2026",
            "--report",
            "hourly",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = read_table(target)
    assert out["aqi"].to_list() == [200]  # SO2 1-h above 800 counts 200 (HJ 633-2026 note b)
    bad = subprocess.run(
        [
            str(script),
            "air",
            "aqi",
            str(source),
            "-o",
            str(target),
            "--standard",
            "auto",
            "--report",
            "hourly",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "needs --time-column" in bad.stderr


def test_daily_and_blackodor_skip_count_the_invalid_cells(tmp_path, capsys):
    source = tmp_path / "hourly.csv"
    lines = ["site,time,so2_1h"] + [
        f"A,2025-01-01 {h:02d}:00,{'-1' if h == 3 else 'x' if h == 4 else '5'}" for h in range(24)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "daily.csv"
    args = [
        "air",
        "daily",
        str(source),
        "-o",
        str(target),
        "--station-column",
        "site",
        "--time-column",
        "time",
    ]
    code, err = run(args, capsys)
    assert code == 2 and "data row 4" in err and "data row 5" in err and not target.exists()
    code, err = run([*args, "--invalid", "skip"], capsys)
    assert code == 0
    assert "marked 2 invalid cell(s) missing (so2_1h: 2)" in err
    assert read_table(target)["so2_24h"].to_list() == [5.0]  # 22 valid hours

    bo = tmp_path / "bo.csv"
    bo.write_text("point,orp,do\np1,-250,x\np1,-300,0.1\n", encoding="utf-8")
    out = tmp_path / "bo_out.csv"
    code, err = run(["water", "blackodor", str(bo), "-o", str(out), "--invalid", "skip"], capsys)
    assert code == 0 and "marked 1 invalid cell(s) missing (do: 1)" in err
    assert read_table(out)["level_orp"].to_list() == ["重度黑臭", "重度黑臭"]


def test_water_classify_type_column_equals_separate_runs(tmp_path, capsys):
    source = tmp_path / "sections.csv"
    source.write_text(
        "section,type,ph,do,codmn,nh3_n,tp,tn,tp_flag\n"
        "A,河流,7.1,8.0,2.5,0.2,0.05,3.1,\n"
        "B,湖泊,7.3,7.0,3.5,0.3,0.05,0.8,\n"
        "C,水库,7.8,6.5,2.0,0.1,0.12,1.6,\n"
        "D,river,7.5,5.5,5.0,0.9,0.25,,\n"
        "E,lake,8.1,8.2,4.5,0.4,--,2.2,当天质控不合格\n"
        "F,,7.0,8.0,2.0,0.1,0.02,0.3,\n",
        encoding="utf-8",
    )
    mixed = tmp_path / "mixed.csv"
    args = ["water", "classify", str(source), "-o", str(mixed), "--waterbody-column", "type"]
    code, err = run([*args, "--waterbody", "river", "--missing-flag-suffix", "_flag"], capsys)
    assert code == 0, err
    out = read_table(mixed)
    assert out.columns[:9] == ["section", "type", "ph", "do", "codmn", "nh3_n", "tp", "tn", "tp_flag"]
    # TP 0.05: river II, lake III; TP 0.12 reservoir (lake column) V; E's TP failed QC: CODMn 4.5 III.
    assert out["class"].to_list() == ["II", "III", "V", "IV", "III", "I"]
    assert out["waterbody_used"].to_list() == ["river", "lake", "reservoir", "river", "lake", "river"]
    assert out["excluded"].fill_null("").to_list() == ["", "", "", "", "tp", ""]
    for body, rows in (("river", [0, 3, 5]), ("lake", [1, 2, 4])):
        alone = tmp_path / f"{body}.csv"
        single = ["water", "classify", str(source), "-o", str(alone), "--waterbody", body]
        assert run([*single, "--missing-flag-suffix", "_flag"], capsys)[0] == 0
        expected = read_table(alone)[rows]
        for column in expected.columns:
            assert out[rows][column].to_list() == expected[column].to_list(), (body, column)


def test_water_classify_type_errors(tmp_path, capsys):
    source = tmp_path / "sections.csv"
    source.write_text("section,type,tp\nA,river,0.1\nB,海,0.1\nC,,0.1\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    base = ["water", "classify", str(source), "-o", str(target)]
    code, err = run([*base, "--waterbody-column", "type", "--waterbody", "lake"], capsys)
    assert code == 2
    assert "column type: unknown water body type ('海') in data row 2" in err
    source.write_text("section,type,tp\nA,river,0.1\nC,,0.1\n", encoding="utf-8")
    code, err = run([*base, "--waterbody-column", "type"], capsys)
    assert code == 2 and "column type: empty water body type in data row 2" in err
    code, err = run(base, capsys)
    assert code == 2 and "--waterbody river|lake, or --waterbody-column" in err
    code, err = run([*base, "--waterbody", "river", "--missing-flag-suffix", "_flag"], capsys)
    assert code == 2 and "no flag column ending in '_flag'" in err
    assert not target.exists()
