"""A small park world on the test plan's units: two parks (one in county C, one under the city),
three industries, one chain with three links, three firms — loaded through the imports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from jingjin.core.models import Unit
from jingjin.parks import services

#: valid synthetic credit codes (check characters computed by hand in test_models.py)
CODE_A = "91510900MA62X1234P"
CODE_B = "91510900MA62X1235T"
CODE_C = "91510900MA62X1236X"


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def load(kind: str, rows: list[list[Any]], actor: Any = None) -> Any:
    return services.register_import(kind=kind, raw=csv_bytes(rows), filename=f"{kind}.csv", actor=actor)


@pytest.fixture
def park_world(loaded_plan: Any) -> dict[str, Any]:
    Unit.objects.create(
        code="t.c.p",
        name_zh="丙县示例园区",
        name_en="Park P",
        kind="park",
        parent=Unit.objects.get(code="t.c"),
    )
    Unit.objects.create(
        code="t.q", name_zh="市直示例园区", name_en="Park Q", kind="park", parent=Unit.objects.get(code="t")
    )
    load(
        "industries",
        [
            ["代码", "名称", "英文名称", "上级代码", "国民经济行业代码", "体系层级"],
            ["LI", "锂电", "Lithium", "", "", "first"],
            ["LI.BAT", "锂离子电池制造", "Li-ion cells", "LI", "3841", ""],
            ["EI", "电子信息", "Electronics", "", "", "1"],
            ["EC", "能源化工", "Energy chemicals", "", "", "first"],
        ],
    )
    load(
        "parks",
        [
            ["园区单位代码", "级别", "所在县区代码", "面积(平方公里)", "主导产业代码", "细分产业代码"],
            ["t.c.p", "省级", "t.c", "12.5", "LI、EI,EC", "LI.BAT"],
            ["t.q", "national", "", "", "LI、EI、EC", ""],
        ],
    )
    header = [
        "产业链代码",
        "产业链名称",
        "链长",
        "牵头单位代码",
        "产业代码",
        "环节代码",
        "环节名称",
        "位置",
        "重要度",
    ]
    load(
        "chains",
        [
            header,
            ["C.LI", "锂电产业链", "示例链长", "t.a", "LI", "C.LI.U1", "锂盐", "上游", "0.8"],
            ["C.LI", "锂电产业链", "示例链长", "t.a", "LI", "C.LI.M1", "电芯", "中游", "1"],
            ["C.LI", "锂电产业链", "示例链长", "t.a", "LI", "C.LI.D1", "回收", "下游", "0.5"],
        ],
    )
    load(
        "firms",
        [
            [
                "企业名称",
                "统一社会信用代码",
                "园区单位代码",
                "产业代码",
                "产业链环节代码",
                "产值(万元)",
                "专精特新",
            ],
            ["示例锂盐企业01", CODE_A, "t.c.p", "LI.BAT", "C.LI.U1", "1200.5", "是"],
            ["示例电芯企业02", CODE_B, "t.q", "LI.BAT", "C.LI.M1、C.LI.U1", "800", "否"],
            ["示例回收企业03", CODE_C, "", "LI", "C.LI.D1", "", ""],
        ],
    )
    return {"parks": ["t.c.p", "t.q"]}


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages in English, as the tests compare them."""
    from django.utils import translation

    with translation.override("en"):
        yield
