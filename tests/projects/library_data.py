"""Helpers of the project library's tests (slice projlib): projects and workbooks."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from jingjin.core.models import Unit
from jingjin.projects.models import KeyProject

HEADERS = [
    "项目编码",
    "项目名称",
    "级别",
    "类别",
    "业主单位",
    "县区",
    "园区",
    "行业",
    "总投资（万元）",
    "2024年计划投资（万元）",
    "开工时间",
    "竣工时间",
    "责任领导",
    "工作专班",
    "实施方案",
    "时间表",
    "支持措施",
    "状态",
    "关联任务",
]


def project(code: str, owner: str, *, county: str | None = None, **fields: Any) -> KeyProject:
    """A project written directly (the services are tested on their own)."""
    values: dict[str, Any] = {
        "code": code,
        "name_zh": f"示例项目{code}",
        "name_en": f"Demo project {code}",
        "level": "city",
        "category": "industry",
        "owner_unit": Unit.objects.get(code=owner),
        "county": Unit.objects.get(code=county) if county else None,
        "total_investment": Decimal("1000"),
        "is_synthetic": True,
        **fields,
    }
    return KeyProject.objects.create(**values)


def workbook(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(code: str, **overrides: Any) -> list[Any]:
    """A good row of the commission's sheet (columns of :data:`HEADERS`)."""
    values = {
        "项目编码": code,
        "项目名称": f"示例项目{code}",
        "级别": "市重点",
        "类别": "产业",
        "业主单位": "t.a",
        "县区": "丙县",
        "园区": None,
        "行业": "装备制造",
        "总投资（万元）": 5000,
        "2024年计划投资（万元）": 1200,
        "开工时间": "2024-03-01",
        "竣工时间": "2026-12",
        "责任领导": "示例领导",
        "工作专班": "示例专班",
        "实施方案": "示例方案",
        "时间表": "2024年开工",
        "支持措施": "用地保障",
        "状态": "在建",
        "关联任务": "A1.M1.T1",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]
