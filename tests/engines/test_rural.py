"""The screening rules (issue 15) on hand-worked households: each type, each elimination
condition failing alone, the 6-calendar-month rule clamped to the month's end, the line per year,
bad input named by row and column, and the command line's contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jingjin.commands.rural import monitoring_lines
from jingjin.engines.errors import InputError
from jingjin.engines.rural import INPUT_COLUMNS, line_for, screen

LINE = 6000.0
AS_OF = date(2021, 12, 31)


def household(**changes: Any) -> dict[str, Any]:
    """A household whose risk may be eliminated on AS_OF at the 6,000 line: 3 people, 30,000 yuan
    (10,000 per capita), nothing rigid, all secure, able to work, monitored since 2021-06-30
    (+6 months = 2021-12-30 ≤ AS_OF), one measure, 6 months above the line."""
    row: dict[str, Any] = {
        "household_id": "H",
        "members": 3,
        "former_poor": 0,
        "net_income": 30000.0,
        "rigid_expenditure": 0.0,
        "food_clothing_secure": 1,
        "education_secure": 1,
        "medical_secure": 1,
        "housing_secure": 1,
        "water_secure": 1,
        "labour_capacity": 1,
        "monitored_since": "2021-06-30",
        "assistance_count": 1,
        "months_above_line": 6,
    }
    row.update(changes)
    return row


def run(*rows: dict[str, Any], line: float = LINE, as_of: date = AS_OF) -> list[dict[str, Any]]:
    frame = pl.DataFrame(list(rows), schema_overrides={"monitored_since": pl.String})
    return screen(frame, line=line, as_of=as_of).to_dicts()


def test_the_output_keeps_the_input_and_adds_the_figures() -> None:
    out = run(household(net_income=20000.0, rigid_expenditure=5000.0))[0]
    assert list(out)[: len(INPUT_COLUMNS)] == list(INPUT_COLUMNS)
    assert out["per_capita_income"] == pytest.approx(20000 / 3)
    assert out["adjusted_per_capita"] == pytest.approx(5000.0)  # (20,000 − 5,000) / 3
    assert out["in_range"] is False and out["monitoring_type"] == "sudden"


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"net_income": 18000.0, "former_poor": 1}, "unstable"),  # 6,000 per capita: at the line is in range
        ({"net_income": 18000.0}, "marginal"),
        ({"net_income": 18003.0, "former_poor": 1}, "none"),  # 6,001 per capita
        ({"rigid_expenditure": 12000.0}, "sudden"),  # (30,000 − 12,000) / 3 = 6,000 ≤ line
        ({"rigid_expenditure": 11997.0}, "none"),  # 6,001
        ({"water_secure": 0}, "sudden"),
        ({"housing_secure": 0, "former_poor": 1}, "sudden"),
        ({}, "none"),
    ],
)
def test_each_monitoring_type(changes: dict[str, Any], kind: str) -> None:
    assert run(household(**changes))[0]["monitoring_type"] == kind


def test_basic_needs_risk_is_any_of_the_five_flags() -> None:
    names = ["food_clothing_secure", "education_secure", "medical_secure", "housing_secure", "water_secure"]
    out = run(household(), *(household(**{n: 0}) for n in names))
    assert [r["basic_needs_risk"] for r in out] == [False, True, True, True, True, True]


def test_the_reference_household_is_eligible() -> None:
    assert run(household())[0]["eligible_for_elimination"] is True


@pytest.mark.parametrize(
    "changes",
    [
        {"monitored_since": "2021-07-01"},  # + 6 months = 2022-01-01 > as-of
        {"monitored_since": None},  # not monitored: never eligible
        {"assistance_count": 0},
        {"months_above_line": 5},
        {"medical_secure": 0},
        {"labour_capacity": 0},  # no labour capacity: stays monitored
        {"net_income": 18000.0},  # still in range
        {"rigid_expenditure": 15000.0},  # sudden: adjusted 5,000
    ],
)
def test_each_elimination_condition_failing_alone(changes: dict[str, Any]) -> None:
    assert run(household(**changes))[0]["eligible_for_elimination"] is False


@pytest.mark.parametrize(
    ("since", "as_of", "eligible"),
    [
        ("2021-08-31", date(2022, 2, 28), True),  # Aug 31 + 6 months = Feb 28 (clamped)
        ("2021-08-31", date(2022, 2, 27), False),
        ("2019-08-31", date(2020, 2, 29), True),  # leap year: Feb 29
        ("2019-08-31", date(2020, 2, 28), False),
        ("2021-03-31", date(2021, 9, 30), True),  # Sep has 30 days
        ("2021-01-15", date(2021, 7, 15), True),
        ("2021-01-15", date(2021, 7, 14), False),
    ],
)
def test_six_calendar_months_clamped_to_the_month_end(since: str, as_of: date, eligible: bool) -> None:
    assert run(household(monitored_since=since), as_of=as_of)[0]["eligible_for_elimination"] is eligible


def test_the_line_per_year_from_the_configuration() -> None:
    lines = monitoring_lines()
    assert line_for(lines, 2021) == 6000.0
    with pytest.raises(InputError, match="no monitoring line is configured for 2030"):
        line_for(lines, 2030)
    # the same household is in range at a higher line
    assert run(household(net_income=20000.0), line=7000.0)[0]["monitoring_type"] == "marginal"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members": 0}, "column 'members': not a whole number ≥ 1 in data row 2"),
        ({"net_income": -1.0}, "column 'net_income': not a number of yuan ≥ 0 in data row 2"),
        ({"water_secure": 2}, "column 'water_secure': not 0 or 1 in data row 2"),
        (
            {"monitored_since": "2021-02-30"},
            "column 'monitored_since': not a date YYYY-MM-DD or empty in data row 2",
        ),
        ({"assistance_count": 1.5}, "column 'assistance_count': not a whole number ≥ 0 in data row 2"),
    ],
)
def test_bad_input_names_the_row_and_column(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        run(household(), household(**changes))
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        run(household(members=0, former_poor=3), household(net_income=-5.0))
    text = str(caught.value)
    assert "'members'" in text and "'former_poor'" in text and "'net_income'" in text and "data row 2" in text


def test_a_missing_column_is_named() -> None:
    frame = pl.DataFrame([household()]).drop("water_secure")
    with pytest.raises(InputError, match="missing column 'water_secure'"):
        screen(frame, line=LINE, as_of=AS_OF)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from jingjin.cli import main

    code = main(["rural", "screen", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_command_line_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    pl.DataFrame([household(household_id="A"), household(household_id="B", net_income=9000.0)]).write_csv(
        source
    )
    out = tmp_path / "out.parquet"
    code, stdout, stderr = _cli(
        capsys, str(source), "-o", str(out), "--year", "2021", "--as-of", "2021-12-31"
    )
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["line"] == 6000.0 and summary["types"]["marginal"] == 1
    result = pl.read_parquet(out)
    assert result["monitoring_type"].to_list() == ["none", "marginal"]
    assert result["eligible_for_elimination"].to_list() == [True, False]
    # --line overrides; a year without a line is an error (exit 2), and so is bad input
    target = str(tmp_path / "o.csv")
    code, stdout, _ = _cli(
        capsys, str(source), "-o", target, "--year", "2021", "--line", "20000", "--as-of", "2021-12-31"
    )
    assert code == 0 and json.loads(stdout)["types"]["marginal"] == 2
    code, _, stderr = _cli(capsys, str(source), "-o", target, "--year", "2031")
    assert code == 2 and "2031" in stderr
    bad = tmp_path / "bad.csv"
    pl.DataFrame([household(), household(members=0)]).write_csv(bad)
    code, _, stderr = _cli(capsys, str(bad), "-o", target, "--year", "2021")
    assert code == 2 and "column 'members'" in stderr and "data row 2" in stderr
