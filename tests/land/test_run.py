"""The run between the sources and the engine, without the database: the join report (a firm
missing from a source, a code without land), a source left out entirely, outliers, corrections."""

from __future__ import annotations

import polars as pl

from jingjin.engines.land import LandScheme
from jingjin.land.run import apply_corrections, evaluate_campaign, join_sources
from jingjin.land.services import builtin_scheme_body
from tests.land.conftest import BODY, code

CODES = [code(100 + i) for i in range(20)]


def frames(n: int = 20) -> dict[str, pl.DataFrame]:
    codes = CODES[:n]
    return {
        "land": pl.DataFrame(
            {"credit_code": codes, "name": [f"企业{i}" for i in range(n)], "land_mu": [10.0] * n}
        ),
        "tax": pl.DataFrame(
            {
                "credit_code": codes,
                "tax_10k": [float(10 + i) for i in range(n)],
                "revenue_10k": [1000.0] * n,
                "value_added_10k": [200.0] * n,
            }
        ),
        # the first firm is missing from energy; one code of energy has no land
        "energy": pl.DataFrame(
            {
                "credit_code": [*codes[1:], code(999)],
                "energy_tce": [100.0] * n,
                "electricity_10k_kwh": [50.0] * n,
            }
        ),
        "statistics": pl.DataFrame({"credit_code": codes, "employees": [10.0] * n, "rd_10k": [30.0] * n}),
    }


def test_join_report_names_missing_firms_and_codes_without_land() -> None:
    joined, report = join_sources(frames())
    assert joined.height == 20
    assert report.missing_from == {"tax": [], "energy": [CODES[0]], "statistics": []}
    assert report.no_land["energy"] == [code(999)]
    assert joined.filter(pl.col("credit_code") == CODES[0])["missing_sources"].to_list() == [["energy"]]


def test_builtin_scheme_without_an_emissions_file_grades_with_the_mean_item() -> None:
    scheme = LandScheme.from_dict(builtin_scheme_body("huangyan-2022"))
    result = evaluate_campaign(frames(), scheme, {})
    rows = {r["credit_code"]: r for r in result.rows}
    assert rows[CODES[0]]["firm_class"] == "" and "not_graded:energy_tce" in rows[CODES[0]]["flags"]
    graded = [r for r in result.rows if r["firm_class"]]
    assert len(graded) == 19 and sum(result.summary["classes"].values()) == 19
    assert (
        result.summary["classes"]["A"] == 3
    )  # the best 20 % of 19 firms (3.8: the engine counts whole firms)
    best = max(graded, key=lambda r: r["score"])
    assert best["credit_code"] == CODES[-1] and best["rank"] == 1


def test_outlier_flag_and_corrections() -> None:
    data = frames()
    data["tax"] = data["tax"].with_columns(
        pl.when(pl.col("credit_code") == CODES[5]).then(5000.0).otherwise(pl.col("tax_10k")).alias("tax_10k")
    )
    result = evaluate_campaign(data, LandScheme.from_dict(BODY), {})
    flagged = [r["credit_code"] for r in result.rows if "outlier:tax_per_mu" in r["flags"]]
    assert flagged == [CODES[5]]
    fixed = apply_corrections(data["tax"], {CODES[5]: {"tax_10k": 15.0, "unknown": 1.0}})
    assert fixed.filter(pl.col("credit_code") == CODES[5])["tax_10k"].item() == 15.0
    assert "unknown" not in fixed.columns
