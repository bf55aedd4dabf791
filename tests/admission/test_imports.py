"""Imports of the registers and of the actual figures: all or nothing, errors with row and column."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from jingjin.admission import imports, services
from jingjin.admission.models import CatalogueEntry, CommitmentCheck, LandThreshold, ZoningUnit
from jingjin.core.permissions import PermissionDenied

from .conftest import application_data

pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def load(kind: str, rows: list[list[Any]], actor: Any = None) -> int:
    return imports.register_import(actor=actor, kind=kind, raw=csv_bytes(rows), filename=f"{kind}.csv")


def test_catalogue_and_zoning_import(world: Any) -> None:
    n = load(
        "catalogue",
        [["目录代码", "名称", "类别", "版本年份", "产业代码"], ["C-NEW", "新材料", "鼓励类", "2024", "LI"]],
    )
    assert n == 1 and CatalogueEntry.objects.get(code="C-NEW").klass == "encouraged"
    load(
        "zoning",
        [
            ["单元编码", "单元名称", "县区代码", "单元类型", "禁止类", "限制类"],
            ["Z-NEW", "新单元", "t.c", "重点管控单元", "EC、C-OLD", "LI"],
        ],
    )
    unit = ZoningUnit.objects.get(code="Z-NEW")
    assert (unit.unit_type, unit.prohibited, unit.restricted) == ("key", ["EC", "C-OLD"], ["LI"])


def test_errors_name_row_and_column_and_nothing_is_written(world: Any, english: Any) -> None:
    rows = [
        ["园区代码", "产业代码", "投资强度下限", "容积率下限"],
        ["t.q", "*", "300", "1.2"],
        ["t.x", "LI", "abc", "1"],
        ["t.q", "*", "inf", ""],
    ]
    with pytest.raises(imports.ImportFileError) as info:
        load("thresholds", rows)
    text = str(info.value)
    assert "Row 3, column A (园区代码)" in text and "Row 3, column C" in text and "Row 4" in text
    assert not LandThreshold.objects.filter(park=world["park_q"]).exists()


def test_unknown_header_is_refused(world: Any, english: Any) -> None:
    with pytest.raises(imports.ImportFileError) as info:
        load("catalogue", [["目录代码", "名称", "类别", "版本", "typo"]])
    assert "typo" in str(info.value) and "版本年份" in str(info.value)


def test_registers_import_is_for_the_plan_office(world: Any, users: Any) -> None:
    with pytest.raises(PermissionDenied):
        load(
            "catalogue",
            [["code", "name", "klass", "version"], ["C-X", "x", "encouraged", "2024"]],
            users["county_c"],
        )


def test_actuals_import_rechecks_the_commitment(world: Any, users: Any, english: Any) -> None:
    app = services.application_submit(actor=None, data=application_data(world))
    app = services.application_decide(
        actor=None, application=services.application_check(actor=None, application=app)
    )
    rows = [["申请编号", "阶段", "实际投资强度", "实际亩均产出"], ["AP-1", "竣工", "350", ""]]
    assert load("actuals", rows, users["county_c"]) == 1
    check = CommitmentCheck.objects.get(application=app)
    assert (
        check.investment_intensity == Decimal(350)
        and check.shortfalls[0]["indicator"] == "investment_intensity"
    )
    with pytest.raises(imports.ImportFileError) as info:  # a second completion: the state moved on
        load("actuals", rows, users["county_c"])
    assert "Row 2" in str(info.value)
