"""The registers' pages make as many SQL queries with more firms, links and industries as with few."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.parks.creditcode import check_character

from .conftest import load

pytestmark = pytest.mark.django_db

PAGES = [
    "/parks/",
    "/parks/t.c.p/",
    "/parks/industries/",
    "/parks/chains/",
    "/parks/chains/C.LI/",
    "/parks/firms/",
    "/parks/firms/?link=C.LI.U1",
    "/parks/clusters/",
    "/api/firms",
    "/api/parks",
    "/api/chains",
]


def _counts(client: Any) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_the_pages_do_not_query_per_row(client, users, park_world) -> None:
    client.force_login(users["leader"])
    header = ["集群代码", "集群名称", "产业代码", "年份", "目标产值(亿元)"]
    load("clusters", [header, ["CL", "示例集群", "LI", 2024, 100]])
    before = _counts(client)
    load(
        "industries",
        [["代码", "名称", "上级代码"], ["EI.PCB", "电子电路", "EI"], ["EC.GAS", "天然气开采", "EC"]],
    )
    load("clusters", [header, ["CL2", "示例集群二", "EI", 2024, 50], ["CL2", "示例集群二", "EI", 2025, 60]])
    rows: list[list[Any]] = [
        ["企业名称", "统一社会信用代码", "园区单位代码", "产业代码", "产业链环节代码", "产值(万元)"]
    ]
    for n in range(12):
        first17 = f"91510900X{n:08d}"
        park = "t.c.p" if n % 2 else "t.q"
        rows.append(
            [f"示例企业{n}", first17 + check_character(first17), park, "EI.PCB", "C.LI.U1、C.LI.D1", n]
        )
    load("firms", rows)
    assert _counts(client) == before
