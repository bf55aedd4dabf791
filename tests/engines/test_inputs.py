"""The rules every engine command shares (docs/engines/files.md), checked on every command.

GB18030/GBK CSV is read, not refused; a repeated or empty column name is one error with one
message in every format; NaN is a missing value in every engine; an input without data rows ends
with exit status 2 in every command; a value too large for the quota solver names its row; the
engines raise one ``InputError``; writes are atomic; ``python -m jingjin.cli`` maps errors too.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from openpyxl import Workbook

from jingjin.cli import main
from jingjin.commands import _io
from jingjin.commands._io import read_table, write_table

SPEC = """
method: weighted_sum
weights: fixed
id_column: unit
criteria:
  - {column: gdp_growth, weight: 0.5, normalize: minmax}
  - {column: investment, weight: 0.5, normalize: minmax}
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call ``jingjin`` in-process with string arguments; return exit code, stdout and stderr."""

    def call(*args: object) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call


@dataclass(frozen=True)
class Command:
    """An engine command and a small valid input for it (header + rows of CSV text)."""

    name: str
    args: list[str]
    header: str
    rows: list[str]


COMMANDS = [
    Command(
        "air aqi",
        ["air", "aqi", "{in}", "-o", "{out}", "--standard", "HJ633-2012", "--report", "daily"],
        "站点,pm25_24h,co_24h",
        ["遂宁监测站,80,2.2", "射洪站,30,1.0"],
    ),
    Command(
        "air daily",
        ["air", "daily", "{in}", "-o", "{out}", "--station-column", "站点", "--time-column", "time"],
        "站点,time,pm25_1h,so2_1h",
        ["遂宁站,2025-01-01 00:00,30,5", "遂宁站,2025-01-01 01:00,40,6"],
    ),
    Command(
        "air annual",
        ["air", "annual", "{in}", "-o", "{out}", "--group-column", "城市"],
        "城市,date,pm25_24h",
        ["遂宁,2025-01-01,30", "遂宁,2025-01-02,40"],
    ),
    Command(
        "water classify",
        ["water", "classify", "{in}", "-o", "{out}", "--waterbody", "river"],
        "断面,do,cod",
        ["涪江大桥,8.0,10", "琼江口,5.0,20"],
    ),
    Command(
        "water river",
        ["water", "river", "{in}", "-o", "{out}", "--group-column", "河流"],
        "河流,do,cod",
        ["涪江,8.0,10", "涪江,5.0,20"],
    ),
    Command(
        "water blackodor",
        ["water", "blackodor", "{in}", "-o", "{out}"],
        "point,transparency,do,orp,nh3_n",
        ["城南沟,30,3.0,100,2.0", "城北沟,20,1.0,-50,9.0"],
    ),
    Command(
        "score",
        ["score", "{in}", "-o", "{out}", "--spec", "{spec}"],
        "unit,gdp_growth,investment",
        ["船山区,6.6,200", "安居区,5.4,100"],
    ),
    Command(
        "land evaluate",
        ["land", "evaluate", "{in}", "-o", "{out}", "--scheme", "huangyan-2022"],
        "enterprise_id,land_mu,tax_10k,revenue_10k,value_added_10k,energy_tce,emissions_t,employees,rd_10k",
        ["甲公司,100,4819.4,30000,6808,1263.5,1,400,453", "乙公司,20,200,5000,1000,500,0.5,100,50"],
    ),
    Command(
        "land admit",
        ["land", "admit", "{in}", "-o", "{out}"],
        "project_id,park,industry,land_mu,investment_10k,tax_10k,output_10k,rd_10k",
        ["P1,内荣工业园,装备制造,100,16000,900,36000,800", "P2,内荣工业园,食品饮料,50,6000,350,14000,100"],
    ),
    Command(
        "allocate",
        ["allocate", "{in}", "-o", "{out}", "--land", "9", "--energy", "6", "--env", "4"],
        "project_id,benefit,land_mu,energy_tce,env_units",
        ["甲,10,5,2,1", "乙,8,4,1,1"],
    ),
]
IDS = [c.name for c in COMMANDS]


def run(cli: Callable[..., Run], command: Command, source: Path, target: Path) -> Run:
    spec = source.parent / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    fill = {"{in}": str(source), "{out}": str(target), "{spec}": str(spec)}
    return cli(*(fill.get(a, a) for a in command.args))


def csv_text(command: Command, rows: list[str] | None = None) -> str:
    return "\n".join([command.header, *(command.rows if rows is None else rows)]) + "\n"


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_chinese_office_csv_is_read_as_utf8_is(cli, tmp_path: Path, command: Command, encoding: str) -> None:
    """A CSV saved by Chinese office software (GBK/GB18030, or UTF-8 with a byte-order mark)
    gives the table the UTF-8 file gives."""
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(csv_text(command), encoding="utf-8")
    expected = run(cli, command, utf8, tmp_path / "expected.csv")
    assert expected.code == 0, expected.err
    office = tmp_path / "office.csv"
    office.write_bytes(csv_text(command).encode(encoding))
    got = run(cli, command, office, tmp_path / "got.csv")
    assert got.code == 0, got.err
    assert _without_timing(got.out) == _without_timing(expected.out)
    assert (tmp_path / "got.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()


def _without_timing(summary: str) -> str:
    """A command's JSON summary without the solver's running time (it differs from run to run)."""
    return re.sub(r'"(solve_)?seconds": [0-9.e-]+', '"seconds": _', summary)


def test_text_neither_utf8_nor_gb18030_is_refused_clearly(cli, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"station,pm25_24h\n\xff\xfe,30\n")
    got = cli("air", "aqi", source, "-o", tmp_path / "o.csv", "--standard", "HJ633-2012", "--report", "daily")
    assert got.code == 2
    assert "neither UTF-8 nor GB18030/GBK" in got.err and "Traceback" not in got.err
    assert not (tmp_path / "o.csv").exists()


def _number(cell: str) -> object:
    try:
        return float(cell)
    except ValueError:
        return cell


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_repeated_column_name_is_one_error_in_every_command_and_format(
    cli, tmp_path: Path, command: Command, suffix: str
) -> None:
    header = command.header.split(",")
    repeated = header[-1]
    names = [*header, repeated]
    rows = [[*r.split(","), "1"] for r in command.rows]
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        source.write_text("\n".join(",".join(r) for r in [names, *rows]) + "\n", encoding="utf-8")
    else:
        _xlsx(source, names, rows)
    got = run(cli, command, source, tmp_path / "o.csv")
    assert got.code == 2
    column = len(names)
    assert (
        f"{source}: a column is given twice: "
        f"{repeated} is given by columns {column - 1}, {column} of the header" in got.err
    )
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_empty_column_name_is_refused_in_every_format(cli, tmp_path: Path, suffix: str) -> None:
    command = COMMANDS[0]
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        source.write_text("站点,,co_24h\nA,80,2.2\n", encoding="utf-8")
    else:
        _xlsx(source, ["站点", "", "co_24h"], [["A", 80, 2.2]])
    got = run(cli, command, source, tmp_path / "o.csv")
    assert got.code == 2 and "column 2 of the header row is empty" in got.err


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_no_data_rows_ends_with_status_2_in_every_command(
    cli, tmp_path: Path, command: Command, suffix: str
) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_text(command.header + "\n", encoding="utf-8")
    source = tmp_path / f"in{suffix}"
    if suffix != ".csv":
        write_table(pl.read_csv(header_only), source)
    else:
        source = header_only
    got = run(cli, command, source, tmp_path / "o.csv")
    assert got.code == 2, got.out
    assert "the input has no rows under the header" in got.err
    assert not (tmp_path / "o.csv").exists()


def test_benchmark_data_without_rows_ends_with_status_2(cli, tmp_path: Path) -> None:
    source = tmp_path / "stats.csv"
    source.write_text("city,year,indicator,value,unit\n", encoding="utf-8")
    got = cli("benchmark", "compare", source, "--focus", "遂宁", "--year", 2023, "-o", tmp_path / "o.csv")
    assert got.code == 2 and "the input has no rows under the header" in got.err


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("nan", ["NaN", "nan", "parquet NaN", "xlsx NaN"])
def test_nan_is_a_missing_value_in_every_command(cli, tmp_path: Path, command: Command, nan: str) -> None:
    """A cell reading NaN (or a float NaN in Parquet) gives what an empty cell gives: the same
    table, or the same message."""
    rows = list(command.rows)
    cells = rows[1].split(",")
    cells[-1] = ""
    rows[1] = ",".join(cells)
    empty = tmp_path / "empty.csv"
    empty.write_text(csv_text(command, rows), encoding="utf-8")
    last = command.header.split(",")[-1]
    if nan == "parquet NaN":
        frame = pl.read_csv(empty)
        with_nan = tmp_path / "nan.parquet"
        frame.with_columns(pl.col(last).cast(pl.Float64).fill_null(math.nan)).write_parquet(with_nan)
        assert math.isnan(pl.read_parquet(with_nan)[last][1])
    elif nan == "xlsx NaN":
        with_nan = tmp_path / "nan.xlsx"
        body = [[_number(c) for c in r.split(",")] for r in rows]
        body[1][-1] = "NaN"
        _xlsx(with_nan, command.header.split(","), body)
    else:
        cells[-1] = nan
        rows[1] = ",".join(cells)
        with_nan = tmp_path / "nan.csv"
        with_nan.write_text(csv_text(command, rows), encoding="utf-8")
    a = run(cli, command, empty, tmp_path / "a.csv")
    b = run(cli, command, with_nan, tmp_path / "b.csv")
    assert (a.code, a.out, a.err.replace(str(empty), "IN")) == (
        b.code,
        b.out,
        b.err.replace(str(with_nan), "IN"),
    )
    if a.code == 0:
        left = read_table(tmp_path / "a.csv").drop(last, strict=False)
        right = read_table(tmp_path / "b.csv").drop(last, strict=False)
        assert left.equals(right)


def test_benchmark_engine_reads_nan_as_an_absent_value() -> None:
    """The engine itself (not only the file reader) agrees: NaN is a missing value, not an error."""
    from jingjin.engines.benchmark import compare

    rows = {
        "city": ["遂宁", "成都", "绵阳", "德阳"],
        "year": [2023, 2023, 2023, 2023],
        "indicator": ["gdp"] * 4,
        "value": [1600.0, 22000.0, 3800.0, math.nan],
    }
    with_nan = compare(pl.DataFrame(rows), focus="遂宁", year=2023, directions={"gdp": "higher"}, peers=None)
    without = compare(
        pl.DataFrame(rows).head(3), focus="遂宁", year=2023, directions={"gdp": "higher"}, peers=None
    )
    assert with_nan.equals(without)


def test_benchmark_engine_names_the_row_of_an_infinite_value() -> None:
    from jingjin.engines.benchmark import compare
    from jingjin.engines.errors import InputError

    data = pl.DataFrame(
        {
            "city": ["遂宁", "成都"],
            "year": [2023, 2023],
            "indicator": ["gdp", "gdp"],
            "value": [1.0, math.inf],
        }
    )
    with pytest.raises(InputError, match=r"column 'value': infinite value in data row 2\b"):
        compare(data, focus="遂宁", year=2023, directions={"gdp": "higher"}, peers=None)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("甲,1e308,5,2,1", "column 'benefit': value beyond ±1e+15 (too large to solve) in data row 1"),
        ("甲,10,1e308,2,1", "column 'land_mu': value beyond ±1e+15 (too large to solve) in data row 1"),
        ("甲,-1e308,5,2,1", "column 'benefit': value beyond ±1e+15 (too large to solve) in data row 1"),
    ],
)
def test_allocate_names_the_row_of_a_value_too_large(cli, tmp_path: Path, cells: str, message: str) -> None:
    source = tmp_path / "projects.csv"
    source.write_text(
        f"project_id,benefit,land_mu,energy_tce,env_units\n{cells}\n乙,8,4,1,1\n", encoding="utf-8"
    )
    got = cli("allocate", source, "-o", tmp_path / "o.csv", "--land", 9, "--energy", 6, "--env", 4)
    assert got.code == 2 and got.out == ""
    assert message in got.err
    assert not (tmp_path / "o.csv").exists()


def test_allocate_names_the_row_whose_leading_bonus_overflows(cli, tmp_path: Path) -> None:
    source = tmp_path / "projects.csv"
    source.write_text(
        "project_id,benefit,land_mu,energy_tce,env_units,leading\n甲,1,1,1,1,0\n乙,1e14,1,1,1,1\n",
        encoding="utf-8",
    )
    got = cli(
        "allocate",
        source,
        "-o",
        tmp_path / "o.csv",
        "--land",
        9,
        "--energy",
        6,
        "--env",
        4,
        "--leading-bonus",
        100,
    )
    assert got.code == 2 and "weighted benefit" in got.err and "in data row 2 " in got.err


def test_one_input_error_for_every_engine() -> None:
    from jingjin.engines import air, benchmark, land, scoring, water
    from jingjin.engines.allocation import allocate
    from jingjin.engines.errors import InputError

    assert air.InvalidInputError is InputError and water.InvalidInputError is InputError
    assert scoring.InputError is InputError and land.InputError is InputError
    with pytest.raises(InputError, match="data row 2"):
        allocate(np.array([1.0, np.inf]), np.ones((2, 1)), np.array([5.0]))
    with pytest.raises(InputError, match="not in the data"):
        benchmark.compare(
            pl.DataFrame({"city": ["a"], "year": [2023], "indicator": ["gdp"], "value": [1.0]}),
            focus="b",
            year=2023,
            directions={"gdp": "higher"},
            peers=None,
        )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    write_table(pl.DataFrame({"a": [1, 2]}), target)
    before = target.read_bytes()

    def half_written(self: pl.DataFrame, path: Path, *args: object, **kwargs: object) -> None:
        Path(path).write_bytes(b"half a table")
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_csv", half_written)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", half_written)
    monkeypatch.setattr(_io, "_write_xlsx", lambda frame, path: half_written(frame, path))
    with pytest.raises(_io.TableError, match="cannot be written: disk full"):
        write_table(pl.DataFrame({"a": [3]}), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_an_output_that_cannot_be_written_ends_with_status_2(cli, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(csv_text(COMMANDS[0]), encoding="utf-8")
    (tmp_path / "dir.csv").mkdir()
    got = run(cli, COMMANDS[0], source, tmp_path / "dir.csv")
    assert got.code == 2 and "cannot be written" in got.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv", "in.csv", "spec.yaml"]


def test_python_m_jingjin_cli_reports_input_errors_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("station,pm25_24h\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jingjin.cli",
            "air",
            "aqi",
            str(source),
            "-o",
            str(tmp_path / "o.csv"),
            "--standard",
            "HJ633-2012",
            "--report",
            "daily",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "no rows under the header" in done.stderr
