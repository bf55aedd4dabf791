"""``jingjin projects progress`` end to end: files in, files out, exit codes and messages.

Worked by hand as of June 2024 (default thresholds: ahead ≥ +5, on track ≥ −10, behind ≥ −25):

* 示例甲: whole year, 300 of 1,000 → 30 %, elapsed 6/12 = 50 %, gap −20 (behind), projection
  300 + 50 × 6 = 600 → 60 %; started planned 1 March, reached 11 March → 10 days.
* 示例乙: starts October → elapsed 0, 0 of 600 → 0 %, gap 0 (on track), no projection; signed
  planned 1 May, not reached → 30 June − 1 May = 60 days.
* 示例丙: no plan for the year → not judged; started September 2021 → elapsed 50 %.
* 示例丁: ends March → elapsed 100 %, 400 of 400 → 100 %, gap 0, projection 100 %.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from jingjin.cli import main
from jingjin.commands._io import read_table, write_table
from jingjin.commands.projects import ProgressFileError, progress_file

CSV = (
    "project,county,level,planned,ytd,start,end,started_planned,started_actual,signed_planned\n"
    "示例甲,船山,city,1000,300,,,2024-03-01,2024-03-11,\n"
    "示例乙,船山,province,600,0,2024-10,,,,2024-05-01\n"
    "示例丙,安居,city,,50,2021-09-15,,,,\n"
    "示例丁,安居,city,400,400,,2024-03-31,,,\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["projects", "progress", *(str(a) for a in args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_progress_and_rollup_from_a_gb18030_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "projects.csv"
    source.write_bytes(CSV.encode("gb18030"))
    target, rolled = tmp_path / "progress.csv", tmp_path / "by-county.csv"
    code, out, err = run(
        capsys, source, "-o", target, "--as-of", "2024-06", "--group-by", "county", "--rollup-output", rolled
    )
    assert (code, err) == (0, "")
    assert '"projects": 4' in out
    table = read_table(target)
    assert table.columns == [
        "project",
        "planned",
        "ytd",
        "completion_pct",
        "elapsed_pct",
        "gap",
        "projected_pct",
        "delay_days",
        "lag",
    ]
    assert table.rows() == [
        ("示例甲", 1000.0, 300.0, 30.0, 50.0, -20.0, 60.0, 10, "behind"),
        ("示例乙", 600.0, 0.0, 0.0, 0.0, 0.0, None, 60, "on_track"),
        ("示例丙", None, 50.0, None, 50.0, None, None, 0, None),
        ("示例丁", 400.0, 400.0, 100.0, 100.0, 0.0, 100.0, 0, "on_track"),
    ]
    # 安居: plans 400 (丙 has none), done 450, completion 400 / 400; 船山: 300 of 1,600 = 18.75 %
    assert read_table(rolled).rows() == [
        ("安居", 2, 400.0, 450.0, 100.0, 0, 1, 0, 0, 1),
        ("船山", 2, 1600.0, 300.0, 18.75, 0, 1, 1, 0, 0),
    ]


def test_rollup_by_two_columns_and_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "projects.csv"
    source.write_text(CSV, encoding="utf-8")
    target, rolled = tmp_path / "p.parquet", tmp_path / "r.parquet"
    # --behind 25 --far-behind 30: 甲's gap −20 is now on track
    code, _out, err = run(
        capsys,
        *(source, "-o", target, "--as-of", "2024-06", "--behind", "25", "--far-behind", "30"),
        *("--group-by", "county", "--group-by", "level", "--rollup-output", rolled),
    )
    assert (code, err) == (0, "")
    assert read_table(target)["lag"].to_list() == ["on_track", "on_track", None, "on_track"]
    rows = read_table(rolled).select("county", "level", "projects", "planned", "on_track").rows()
    assert rows == [
        ("安居", "city", 2, 400.0, 1),
        ("船山", "city", 1, 1000.0, 1),
        ("船山", "province", 1, 600.0, 1),
    ]


def test_project_months_in_excel_with_date_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # May and June rows of the same projects; --as-of 2024-06 takes June's. Starts are date cells.
    frame = pl.DataFrame(
        {
            "month": ["2024-05", "2024-06", "2024-05", "2024-06"],
            "project": ["P1", "P1", "P2", "P2"],
            "planned": [1200.0, 1200.0, 600.0, 600.0],
            "ytd": [500.0, 540.0, 50.0, 100.0],
            "start": [None, None, date(2024, 7, 10), date(2024, 7, 10)],
        }
    )
    source, target = tmp_path / "reports.xlsx", tmp_path / "out.xlsx"
    write_table(frame, source)
    code, _out, err = run(capsys, source, "-o", target, "--as-of", "2024-06")
    assert (code, err) == (0, "")
    out = read_table(target)
    # P1: 540 of 1,200 = 45 %, 50 % elapsed, gap −5; P2 starts in July: nothing elapsed
    assert out.select("project", "ytd", "completion_pct", "elapsed_pct", "gap", "lag").rows() == [
        ("P1", 540.0, 45.0, 50.0, -5.0, "on_track"),
        ("P2", 100.0, 16.67, 0.0, 16.67, "ahead"),
    ]


def test_bad_cells_exit_2_name_row_and_column_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "project,planned,ytd,start,end,signed_planned\n"
        "P1,abc,300,,,2024-02-30\n"
        ",600,-1,2024-07,2024-05,\n"
        "P1,1e13,,x,,2024-03\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    code, _out, err = run(capsys, source, "-o", target, "--as-of", "2024-09")
    assert code == 2
    assert not target.exists()
    for line in (
        "data row 1 (spreadsheet row 2), column 'project': project P1 is given in more than one row",
        "data row 1 (spreadsheet row 2), column 'planned': must be a number, not 'abc'",
        "data row 1 (spreadsheet row 2), column 'signed_planned': not a date YYYY-MM-DD: '2024-02-30'",
        "data row 2 (spreadsheet row 3), column 'project': empty: give the project's code or name",
        "data row 2 (spreadsheet row 3), column 'ytd': must be at least 0, not -1",
        "data row 2 (spreadsheet row 3), column 'end': the end is before the start",
        "data row 3 (spreadsheet row 4), column 'planned': 1e13 is too large",
        "data row 3 (spreadsheet row 4), column 'ytd': empty: write 0 when nothing was invested this year",
        "data row 3 (spreadsheet row 4), column 'start': not a date YYYY-MM-DD or month YYYY-MM: 'x'",
        "… and 1 more error(s)",  # row 3's signed_planned, a month where a day is needed
    ):
        assert line in err


def test_messages_keep_their_msgids_for_a_page() -> None:
    frame = pl.DataFrame({"project": ["P1"], "planned": ["x"], "ytd": [1.0]})
    with pytest.raises(ProgressFileError) as raised:
        progress_file(frame, 2024 * 12 + 5)
    message = raised.value.messages[0]
    assert (
        message.msgid == "data row %(row)s (spreadsheet row %(sheet_row)s), column '%(column)s': %(message)s"
    )
    assert message.params["message"].msgid == "must be a number, not %(value)s"


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("project,ytd\nP1,1\n", [], "column 'planned': missing column (the file has: project, ytd)"),
        (CSV, ["--group-by", "park", "--rollup-output", "r.csv"], "column 'park': missing column"),
        (CSV, ["--group-by", "county"], "--group-by needs --rollup-output"),
        (CSV, ["--rollup-output", "r.csv"], "--rollup-output needs at least one --group-by"),
        (CSV, ["--as-of", "2024-13"], "--as-of: expected a month YYYY-MM, not '2024-13'"),
        (CSV, ["--behind", "30"], "far_behind must be at least behind"),
        (CSV, ["--ahead", "nan"], "thresholds must be finite numbers"),
        ("month,project,planned,ytd\n2024-05,P1,1,1\n", [], "column 'month': no row of month 2024-06"),
        (
            "month,project,planned,ytd\n2024/5/1,P1,1,1\n,P2,1,1\n",
            [],
            "data row 2 (spreadsheet row 3), column",
        ),
        ("project,planned,ytd\n", [], "the input has no rows under the header"),
    ],
)
def test_refused_inputs_and_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, options: list[str], message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    arguments = [source, "-o", tmp_path / "out.csv", "--as-of", "2024-06", *options]
    code, _out, err = run(capsys, *arguments)
    assert code == 2
    assert message in err
    assert not (tmp_path / "out.csv").exists()


def test_missing_texts_are_no_plan_but_year_to_date_must_be_given() -> None:
    frame = pl.DataFrame({"project": ["P1", "P2"], "planned": ["-", " NaN "], "ytd": ["5", "0"]})
    result = progress_file(frame, 2024 * 12 + 5)
    assert result.table["planned"].to_list() == [None, None]
    assert result.table["lag"].to_list() == [None, None]
    assert result.summary["lag"]["not_judged"] == 2
    with pytest.raises(ProgressFileError, match="column 'ytd': empty: write 0"):
        progress_file(frame.with_columns(ytd=pl.lit("n/a")), 2024 * 12 + 5)
