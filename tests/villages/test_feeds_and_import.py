"""The figures fed to action 4's indicators, and the all-or-nothing import of collective incomes
with its row and column errors."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import pytest
from openpyxl import Workbook

from jingjin.ecology.feeds import FIGURES, feed_link
from jingjin.ecology.water_models import FedActual
from jingjin.villages.economy_imports import ImportFileError, incomes_import
from jingjin.villages.economy_services import collective_income_save
from jingjin.villages.models import CollectiveIncome
from jingjin.villages.services import toilet_plan_record

pytestmark = pytest.mark.django_db

HEADERS = ["村代码", "年度", "经营收入", "发包及上交收入", "投资收益", "其他经营收入", "补助收入", "其他收入"]


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [HEADERS, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_figures_are_registered_and_computed(world: Any) -> None:
    from jingjin.villages import feeds

    assert {"toilets_built", "toilet_villages", "villages_not_weak"} <= set(FIGURES)
    assert feeds.toilets_built(2023) is None  # no data: no actual rather than 0
    office = world.users["office"]
    toilet_plan_record(actor=office, village=world["t.c.t1.v1"], year=2023, planned=100, built=60)
    toilet_plan_record(actor=office, village=world["t.c.t1.v2"], year=2023, planned=50, built=5)
    assert feeds.toilets_built(2023) == (D(65), 10)  # as of October 2023
    assert feeds.toilet_villages(2023) == (D(2), 10)
    parts = {"business": D(8), "contracting": D(2), "investment": D(0), "other_operating": D(0)}
    collective_income_save(actor=office, village=world["t.c.t1.v1"], year=2022, parts=parts)  # 10: medium
    collective_income_save(
        actor=office, village=world["t.c.t1.v2"], year=2022, parts={**parts, "business": D(1)}
    )
    assert feeds.villages_not_weak(2022) == (D(1), 12)


def test_a_linked_indicator_follows_the_toilets(world: Any, loaded_plan: Any) -> None:
    from jingjin.plans.models import Indicator

    indicator = Indicator.objects.order_by("code").first()
    feed_link(actor=None, indicator=indicator, figure="toilets_built", warn=False)
    toilet_plan_record(
        actor=world.users["county_c"], village=world["t.c.t1.v1"], year=2023, planned=100, built=30
    )
    assert FedActual.objects.get(indicator=indicator, year=2023).value == D(30)
    toilet_plan_record(actor=world.users["county_c"], village=world["t.c.t1.v1"], year=2023, built=70)
    assert FedActual.objects.get(indicator=indicator, year=2023).value == D(70)


def test_import_writes_every_row_with_sums_and_tiers(world: Any) -> None:
    raw = workbook([["t.c.t1.v1", 2022, 3, 1, 0.5, 0.5, 10, 0], ["t.c.t1.v2", 2022, 30, 20, 5, 0, 0, 1]])
    assert incomes_import(actor=world.users["county_c"], raw=raw) == 2
    found = {
        i.village.code: (i.operating_income, i.total_income, i.tier) for i in CollectiveIncome.objects.all()
    }
    assert found == {"t.c.t1.v1": (D(5), D(15), "weak"), "t.c.t1.v2": (D(55), D(56), "strong")}


def test_import_is_all_or_nothing_and_names_row_and_column(world: Any, english: Any) -> None:
    raw = workbook(
        [
            ["t.c.t1.v1", 2022, 3, 1, 0.5, 0.5, 10, 0],
            ["t.c.t1.v2", 2022, -1, 1, 0, 0, 0, 0],  # a negative business income
            ["no.such", 2022, 1, 1, 1, 1, 0, 0],
            ["t.b.t1.v1", 2022, 1, 1, 1, 1, 0, 0],  # outside the county user's scope
            ["t.c.t2.v1", "20x2", 1, "abc", 1, 1, 0, 0],
            ["t.c.t1.v1", 2022, 1, 1, 1, 1, 0, 0],  # twice
        ]
    )
    with pytest.raises(ImportFileError) as error:
        incomes_import(actor=world.users["county_c"], raw=raw)
    places = [(p.row, p.column) for p in error.value.problems]
    assert places == [(3, "C"), (4, "A"), (5, "A"), (6, "B"), (6, "D"), (7, "A")]
    assert "negative" in str(error.value.problems[0])
    assert str(error.value.problems[0]).startswith("Row 3, column C (经营收入)")
    assert not CollectiveIncome.objects.exists()


def test_import_refuses_a_file_without_the_columns(world: Any) -> None:
    book = Workbook()
    book.active.append(["村代码", "年度"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError) as error:
        incomes_import(actor=world.users["office"], raw=buffer.getvalue())
    assert error.value.problems[0].row == 1
    with pytest.raises(ImportFileError):
        incomes_import(actor=world.users["office"], raw=b"not a workbook")
