"""Imports of the ecology registers (all or nothing, every error with its row and column) and the
export (formula texts written as text)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.ecology import imports
from jingjin.ecology.models import PollutionSource, ReductionProject, Section, Station
from jingjin.ecology.registers import REGISTERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(slug: str, user: Any, raw: bytes, name: str = "f.xlsx") -> dict[str, int]:
    return imports.register_import(register=REGISTERS[slug], user=user, raw=raw, filename=name)


def _errors(slug: str, user: Any, raw: bytes, name: str = "f.xlsx") -> list[str]:
    with pytest.raises(imports.RegisterFileError) as caught:
        _import(slug, user, raw, name)
    return [str(e) for e in caught.value.errors]


def test_sections_with_target_columns_import_and_change(users):
    raw = _xlsx(
        [
            ["编码", "名称", "河流湖库", "考核级别", "区县", "2024年目标", "2025年目标"],
            ["W1", "甲断面", "涪江", "国控", "t.c", "Ⅲ", "II"],
            ["W2", "乙断面", "某河", "省控", "丙县", "劣Ⅴ", None],
        ]
    )
    assert _import("sections", users["office"], raw) == {"created": 2, "updated": 0}
    w1, w2 = Section.objects.order_by("code")
    assert (w1.level, w1.county.code, w2.county.code) == ("national", "t.c", "t.c")
    assert dict(w1.targets.values_list("year", "target_class")) == {2024: 3, 2025: 2}
    assert dict(w2.targets.values_list("year", "target_class")) == {2024: 6}
    assert AuditEntry.objects.filter(source="import", action="create").count() == 2
    # the county's user changes its own section; an empty target cell keeps that year
    again = _xlsx(
        [
            ["编码", "名称", "河流湖库", "考核级别", "区县", "2025年目标"],
            ["W2", "乙断面改", "某河", "省控", "t.c", "3"],
        ]
    )
    assert _import("sections", users["county_c"], again) == {"created": 0, "updated": 1}
    assert dict(Section.objects.get(code="W2").targets.values_list("year", "target_class")) == {
        2024: 6,
        2025: 3,
    }


def test_every_error_names_row_and_column_and_nothing_is_written(users):
    raw = _xlsx(
        [
            ["编码", "名称", "级别", "区县", "经度", "在用"],
            ["S1", "好站", "国控", "t.c", 105.5, "是"],
            ["S2", "", "国控", "t.c", 105.5, "是"],
            ["S3", "坏级别", "区控", "t.c", 105.5, "是"],
            ["S4", "坏经度", "市控", "t.c", 181, "是"],
            ["S5", "坏区县", "市控", "nowhere", "NaN", "也许"],
            ["S1", "重复", "国控", "t.c", None, None],
        ]
    )
    errors = _errors("stations", users["office"], raw)
    assert "Row 3, column B (名称): is required" in errors[0]
    assert errors[1].startswith("Row 4, column C (级别): '区控' is not one of") or errors[1].startswith(
        "Row 4, column C (级别): 区控 is not one of"
    )
    assert errors[2].startswith("Row 5, column E (经度):")
    assert any(e.startswith("Row 6, column D (区县): no unit") for e in errors)
    assert any(e.startswith("Row 6, column E (经度): must be a finite number") for e in errors)
    assert any(e.startswith("Row 6, column F (在用):") for e in errors)
    assert any(e.startswith("Row 7: code S1 is already in row 2") for e in errors)
    assert Station.objects.count() == 0 and AuditEntry.objects.filter(source="import").count() == 0


def test_headers_unknown_or_missing_are_named(users):
    raw = _xlsx([["编码", "名字", "级别"], ["S1", "x", "国控"]])
    errors = _errors("stations", users["office"], raw)
    assert errors == [
        "Row 1, column B (名字): unknown or repeated column",
        "Row 1: the column 名称 is missing",
    ]


def test_unit_users_may_not_add_nor_touch_another_county(users, registers):
    raw = _xlsx([["编码", "名称", "级别"], ["S1", "改名", "国控"], ["S9", "新站", "市控"]])
    errors = _errors("stations", users["county_c"], raw)
    assert errors == ["Row 3: only the plan office may add a record (code S9 is new)"]
    errors = _errors(
        "stations", users["reporter_a"], _xlsx([["编码", "名称", "级别"], ["S1", "改名", "国控"]])
    )
    assert errors == ["Row 2: you may not change S1 (not of your county)"]
    with pytest.raises(PermissionDenied):
        _import("stations", users["leader"], raw)


def test_sources_then_projects_by_csv_in_gb18030(users):
    sources = '编码,名称,区县,类别,氮氧化物（吨/年）,挥发性有机物（吨/年）\nP1,源一,t.c,工业源,"1,200.5",30\n'
    assert _import("pollution-sources", users["office"], sources.encode("gb18030"), "s.csv")["created"] == 1
    assert PollutionSource.objects.get().nox_t == pytest.approx(1200.5)
    projects = (
        "编码,名称,污染源编码,氮氧化物减排量（吨/年）,状态,完成日期\n"
        "P1-1,项目,P1,12,已完成,2025-06-30\n"
        "P1-2,项目二,P9,1,计划,2025-13-01\n"
    )
    errors = _errors("reduction-projects", users["office"], projects.encode(), "p.csv")
    assert errors[0].startswith("Row 3, column C (污染源编码): no pollution source with the code P9")
    assert errors[1].startswith("Row 3, column F (完成日期): must be a date YYYY-MM-DD")
    assert ReductionProject.objects.count() == 0


def test_a_file_that_is_no_workbook_and_a_wrong_type(users):
    assert _errors("stations", users["office"], b"not a zip", "x.xlsx") == [
        "The file is not an Excel workbook (.xlsx)."
    ]
    assert _errors("stations", users["office"], b"a", "x.txt") == [
        "Upload an Excel workbook (.xlsx) or a CSV file."
    ]


def test_export_writes_formula_texts_as_text_and_imports_back(users):
    raw = _xlsx([["编码", "名称", "级别", "区县"], ["S1", "@SUM(1+1)*cmd", "国控", "t.c"]])
    _import("stations", users["office"], raw)
    exported = imports.register_workbook(register=REGISTERS["stations"], records=Station.objects.all())
    sheet = load_workbook(io.BytesIO(exported)).active
    cell = sheet["B2"]
    assert cell.value == "@SUM(1+1)*cmd" and cell.data_type == "s" and cell.quotePrefix
    assert [c.value for c in sheet[1]][:4] == ["编码", "名称", "英文名称", "级别"]
    assert sheet["D2"].value == "国控" and sheet["E2"].value == "t.c"
    assert _import("stations", users["office"], exported) == {"created": 0, "updated": 1}


def test_import_page_lists_the_errors(client, users):
    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(_xlsx([["编码", "名称", "级别"], ["S1", "", "国控"]]))
    upload.name = "stations.xlsx"
    response = client.post("/ecology/registers/stations/import/", {"file": upload})
    assert response.status_code == 400
    assert "Row 2, column B (名称): is required" in response.content.decode()
    template = client.get("/ecology/registers/sections/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.active[1]][:4] == ["编码", "名称", "英文名称", "河流湖库"]
    assert book["说明"]["A1"].value.startswith("列")
