"""A small per-mu world: a scheme with score bounds (A ≥ 90, B ≥ 80, C ≥ 65, D below) scoring
tax per mu (60 points, benchmark 10 万元/亩) and value added per energy (40 points, benchmark 2),
five firms of county C in the park register, and their source files as CSV bytes."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from jingjin.core.models import Unit
from jingjin.land import services
from jingjin.parks.creditcode import check_character
from jingjin.parks.models import Firm


def code(i: int) -> str:
    first = f"91510900MA6{i:06d}"
    return first + check_character(first)


CODES = [code(i) for i in range(1, 6)]

BODY: dict[str, Any] = {
    "name": "test",
    "title": "测试办法",
    "segments": {
        "above_scale": {
            "method": "weighted_sum",
            "weights": "fixed",
            "total": 100,
            "criteria": [
                {
                    "column": "tax_per_mu",
                    "label": "亩均税收",
                    "normalize": "ratio",
                    "benchmark": 10,
                    "cap": 1,
                    "weight": 60,
                },
                {
                    "column": "value_added_per_energy",
                    "label": "单位能耗增加值",
                    "normalize": "ratio",
                    "benchmark": 2,
                    "cap": 1,
                    "weight": 40,
                },
            ],
        }
    },
    "classes": {"by": "score", "bounds": {"A": 90, "B": 80, "C": 65}, "rest": "D"},
}


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def land_rows() -> list[list[Any]]:
    return [["统一社会信用代码", "企业名称", "用地面积"]] + [
        [c, f"示例企业{i}", 10] for i, c in enumerate(CODES, start=1)
    ]


def tax_rows() -> list[list[Any]]:
    # tax per mu 10, 8, 6, 4, 2 → 60, 48, 36, 24, 12 points
    return [["credit_code", "tax_10k", "revenue_10k", "value_added_10k"]] + [
        [c, 100 - 20 * i, 1000, 200] for i, c in enumerate(CODES)
    ]


def energy_rows() -> list[list[Any]]:
    # value added per energy 200/100 = 2 → 40 points each, except the last firm: missing
    return [["credit_code", "energy_tce"]] + [[c, 100] for c in CODES[:4]]


@pytest.fixture
def world(users: Any) -> dict[str, Any]:
    county = Unit.objects.get(code="t.c")
    for i, c in enumerate(CODES, start=1):
        Firm.objects.create(name=f"示例企业{i}", credit_code=c, county=county if i <= 3 else None)
    office = users["office"]
    scheme = services.scheme_create(actor=office, code="city", title="本市办法", based_on="", body=BODY)
    campaign = services.campaign_create(actor=office, year=2022, title="2022年度亩均评价", scheme=scheme)
    return {"office": office, "scheme": scheme, "campaign": campaign, "users": users}


def imported(world: dict[str, Any]) -> Any:
    campaign = world["campaign"]
    office = world["office"]
    for kind, rows in (("land", land_rows()), ("tax", tax_rows()), ("energy", energy_rows())):
        services.source_import(
            actor=office, campaign=campaign, kind=kind, raw=csv_bytes(rows), name=f"{kind}.csv"
        )
    campaign.refresh_from_db()
    return campaign
