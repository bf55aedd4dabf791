"""Exports of the park registers, in the columns of their imports (an export imports again).

Written through :mod:`jingjin.core.exports` (no formula from data, no control character): Excel
with openpyxl's write-only mode, CSV with the ``csv`` module, each row as it is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from jingjin.core.exports import append_row, csv_text
from jingjin.parks import imports
from jingjin.parks.choices import FIRM_FLAGS
from jingjin.parks.firm_import import FIRM_COLUMNS
from jingjin.parks.models import Chain, ChainLink, Cluster, Firm, Industry, Park
from jingjin.parks.tables import Column

YES, NO = "是", "否"
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "city": "市级"}
POSITION_ZH = {"up": "上游", "mid": "中游", "down": "下游"}
FORTUNE_ZH = {"world": "世界500强", "china": "中国500强", "private": "民营500强", "": ""}


def _number(value: Any) -> Any:
    return float(value) if value is not None else None


def _industries() -> Iterator[list[Any]]:
    for i in Industry.objects.select_related("parent").order_by("parent_id", "position", "code"):
        yield [
            i.code,
            i.name_zh,
            i.name_en,
            i.parent.code if i.parent else "",
            i.gbt4754,
            i.system_tier,
            i.position,
        ]


def _parks() -> Iterator[list[Any]]:
    parks = Park.objects.select_related("unit", "county").prefetch_related("leading_industries", "industries")
    for p in parks:
        yield [
            p.unit.code,
            LEVEL_ZH.get(p.level, p.level),
            p.county.code if p.county else "",
            _number(p.area_km2),
            "、".join(i.code for i in p.leading_industries.all()),
            "、".join(i.code for i in p.industries.all()),
        ]


def _chains() -> Iterator[list[Any]]:
    links = ChainLink.objects.select_related("chain__lead_unit", "chain__industry").order_by(
        "chain__position", "chain__code", "order", "code"
    )
    for link in links:
        c: Chain = link.chain
        yield [
            c.code,
            c.name_zh,
            c.name_en,
            c.chain_leader,
            c.chain_leader_post,
            c.lead_unit.code if c.lead_unit else "",
            c.industry.code if c.industry else "",
            link.code,
            link.name_zh,
            link.name_en,
            POSITION_ZH[link.position],
            _number(link.importance),
            _number(link.reference_output),
        ]


def _clusters() -> Iterator[list[Any]]:
    for c in Cluster.objects.prefetch_related("industries", "years"):
        industries = "、".join(i.code for i in c.industries.all())
        for y in c.years.all():
            yield [
                c.code,
                c.name_zh,
                c.name_en,
                industries,
                y.year,
                _number(y.target_output),
                _number(y.actual_output),
            ]


def _firms() -> Iterator[list[Any]]:
    through = Firm.chain_links.through
    links: dict[int, list[str]] = {}
    for firm_id, code in through.objects.values_list("firm_id", "chainlink__code").order_by(
        "chainlink__code"
    ):
        links.setdefault(firm_id, []).append(code)
    firms = Firm.objects.values_list(
        "pk",
        "name",
        "credit_code",
        "park__unit__code",
        "county__code",
        "industry__code",
        "output",
        "tax",
        "employees",
        "fortune500",
        *FIRM_FLAGS,
    ).order_by("name", "credit_code")
    for row in firms.iterator(chunk_size=5000):
        pk, name, code, park, county, industry, output, tax, employees, group, *flags = row
        yield [
            name,
            code,
            park or "",
            county or "",
            industry or "",
            "、".join(links.get(pk, [])),
            _number(output),
            _number(tax),
            employees,
            FORTUNE_ZH.get(group, group),
            *(YES if f else NO for f in flags),
        ]


def columns_of(kind: str) -> tuple[Column, ...]:
    return FIRM_COLUMNS if kind == "firms" else imports.REGISTERS[kind][0]


ROWS = {"industries": _industries, "parks": _parks, "chains": _chains, "clusters": _clusters, "firms": _firms}


def register_xlsx(kind: str) -> bytes:
    """The register ``kind`` as a workbook (header row, then a row per entry)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    append_row(sheet, [c.label for c in columns_of(kind)])
    for row in ROWS[kind]():
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_csv(kind: str) -> bytes:
    """The register ``kind`` as UTF-8 CSV with a byte-order mark (spreadsheets then read it right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in columns_of(kind)])
    for row in ROWS[kind]():
        writer.writerow([csv_text(v) if v is not None else "" for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The import template of ``kind``: the header row and one example row."""
    from jingjin.parks.firm_import import FIRM_EXAMPLE
    from jingjin.parks.tables import template_xlsx as build

    example = FIRM_EXAMPLE if kind == "firms" else imports.REGISTERS[kind][2]
    return build(columns_of(kind), example)
