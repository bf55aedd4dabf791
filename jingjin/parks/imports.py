"""Validation of the small registers' import files: industries, parks, chains with their links,
clusters with their yearly targets (the firms, the large one, are in :mod:`.firm_import`).

Each ``*_validate`` reads every row, collects every bad cell as a
:class:`~jingjin.core.limits.CellProblem` naming the row and the column, and raises
:class:`~.tables.ImportFailed` with all of them; when there is none it returns plain records,
which :mod:`jingjin.parks.services` writes in one transaction (all or nothing). An import adds
what is new and changes what exists (by code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.bounds import BoundError, parse_year
from jingjin.core.choices import UnitKind
from jingjin.core.limits import CellProblem, file_problem
from jingjin.core.models import Unit
from jingjin.parks import tables
from jingjin.parks.choices import LinkPosition, ParkLevel, SystemTier
from jingjin.parks.models import AMOUNT, AREA, CLUSTER_OUTPUT, IMPORTANCE, NAME_MAX, ChainLink, Industry
from jingjin.parks.tables import Column, ImportFailed

C = Column
INDUSTRY_COLUMNS = (
    C("code", "代码", "code", required=True),
    C("name_zh", "名称", "name", required=True),
    C("name_en", "英文名称", "English name"),
    C("parent", "上级代码", "parent code"),
    C("gbt4754", "国民经济行业代码", "GB/T 4754 code"),
    C("system_tier", "体系层级", "3+3+3 tier"),
    C("position", "排序", "order"),
)
PARK_COLUMNS = (
    C("unit", "园区单位代码", "park unit code", required=True),
    C("level", "级别", "level", required=True),
    C("county", "所在县区代码", "county code"),
    C("area_km2", "面积(平方公里)", "area (km2)"),
    C("leading", "主导产业代码", "leading industries"),
    C("industries", "细分产业代码", "industries present"),
)
CHAIN_COLUMNS = (
    C("chain", "产业链代码", "chain code", required=True),
    C("chain_name", "产业链名称", "chain name", required=True),
    C("chain_name_en", "产业链英文名称", "chain English name"),
    C("chain_leader", "链长", "chain leader"),
    C("chain_leader_post", "链长职务", "chain leader's post"),
    C("lead_unit", "牵头单位代码", "lead unit code"),
    C("industry", "产业代码", "industry code"),
    C("link", "环节代码", "link code", required=True),
    C("link_name", "环节名称", "link name", required=True),
    C("link_name_en", "环节英文名称", "link English name"),
    C("position", "位置", "position", required=True),
    C("importance", "重要度", "importance"),
    C("reference_output", "参考产值(万元)", "reference output (10,000 yuan)"),
)
CLUSTER_COLUMNS = (
    C("cluster", "集群代码", "cluster code", required=True),
    C("name_zh", "集群名称", "cluster name", required=True),
    C("name_en", "英文名称", "English name"),
    C("industries", "产业代码", "industry codes"),
    C("year", "年份", "year", required=True),
    C("target_output", "目标产值(亿元)", "target output (100 million yuan)"),
    C("actual_output", "实际产值(亿元)", "actual output (100 million yuan)"),
)

TIERS = tables.choice_labels(SystemTier, {"1": "first", "2": "second", "3": "third"})
LEVELS = tables.choice_labels(ParkLevel, {"国家级": "national", "省级": "provincial", "市级": "city"})
POSITIONS = tables.choice_labels(
    LinkPosition, {"上游": "up", "中游": "mid", "下游": "down", "upstream": "up", "downstream": "down"}
)


class _Rows:
    """The data rows of a file with their column indexes, collecting the errors of every cell."""

    def __init__(self, rows: Sequence[tuple[Any, ...]], columns: Sequence[Column]):
        if not rows:
            raise ImportFailed([file_problem(_("The file is empty."))])
        self.index = tables.header_map(rows[0], columns)
        self.header = rows[0]
        self.columns = {c.key: c for c in columns}
        self.rows = rows[1:]
        self.errors: list[CellProblem] = []
        self.line = 0

    def __iter__(self) -> Any:
        for number, row in enumerate(self.rows, start=2):
            if not any(v not in (None, "") for v in row):
                continue
            self.line = number
            self.row = row
            yield number

    def has(self, key: str) -> bool:
        return key in self.index

    def raw(self, key: str) -> Any:
        return tables.cell(self.row, self.index.get(key))

    def error(self, key: str, message: str) -> None:
        self.errors.append(tables.problem(self.line, self.index.get(key), self.header, message))

    def text(self, key: str, *, max_length: int = NAME_MAX) -> str:
        value, problem = tables.text(self.raw(key), max_length=max_length)
        if problem:
            self.error(key, problem)
        elif not value and self.columns[key].required:
            self.error(key, _("must not be empty"))
        return value

    def number(self, key: str, bound: Any) -> Any:
        value, problem = tables.number(self.raw(key), bound)
        if problem:
            self.error(key, problem)
        return value

    def choice(self, key: str, labels: dict[str, str], *, blank: bool = False) -> str:
        raw = self.raw(key)
        if blank and (raw is None or not str(raw).strip()):
            return ""
        value = tables.choice(raw, labels)
        if value is None:
            shown = "、".join(sorted({v for v in labels.values() if v}))
            self.error(key, _("%(value)s is not one of: %(choices)s") % {"value": raw, "choices": shown})
            return ""
        return value

    def known(self, key: str, known: Callable[[str], bool], what: str) -> list[str]:
        found = tables.codes(self.raw(key))
        for code in found:
            if not known(code):
                self.error(key, _("no %(what)s with the code %(code)s") % {"what": what, "code": code})
        return found

    def done(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)


def industries_validate(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The industry records of a file (parents may come earlier or later in it, or exist)."""
    table = _Rows(rows, INDUSTRY_COLUMNS)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line in table:
        code = table.text("code", max_length=32)
        if code in seen:
            table.error(
                "code", _("the code %(code)s is already in row %(row)s") % {"code": code, "row": seen[code]}
            )
        seen[code] = line
        position = table.number("position", AMOUNT)
        records.append(
            {
                "line": line,
                "code": code,
                "name_zh": table.text("name_zh"),
                "name_en": table.text("name_en"),
                "parent": table.text("parent", max_length=32),
                "gbt4754": table.text("gbt4754", max_length=8),
                "system_tier": table.choice("system_tier", TIERS, blank=True),
                "position": int(position) if position is not None else 0,
            }
        )
        if records[-1]["gbt4754"] and not records[-1]["gbt4754"].isdigit():
            table.error("gbt4754", _("a GB/T 4754 code has digits only"))
    existing = set(Industry.objects.values_list("code", flat=True))
    for record in records:
        parent = record["parent"]
        table.line = record["line"]
        if parent and parent not in seen and parent not in existing:
            table.error("parent", _("no industry with the code %(code)s") % {"code": parent})
        elif parent and parent == record["code"]:
            table.error("parent", _("an industry cannot be its own parent"))
    table.done()
    return _parents_first(records)


def _parents_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_code = {r["code"]: r for r in records}

    def depth(record: dict[str, Any]) -> int:
        steps, parent = 0, record["parent"]
        while parent in by_code and steps <= len(records):
            steps, parent = steps + 1, by_code[parent]["parent"]
        return steps

    return sorted(records, key=depth)


def parks_validate(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The park records of a file: each names an existing park unit, its level, county and
    industries by code (several in one cell separated by 、 or ,)."""
    table = _Rows(rows, PARK_COLUMNS)
    kinds = dict(Unit.objects.values_list("code", "kind"))
    industries = set(Industry.objects.values_list("code", flat=True))
    records = []
    seen: set[str] = set()
    for line in table:
        unit = table.text("unit", max_length=64)
        if unit and kinds.get(unit) != UnitKind.PARK:
            table.error("unit", _("no park unit with the code %(code)s") % {"code": unit})
        if unit in seen:
            table.error("unit", _("the park %(code)s appears twice") % {"code": unit})
        seen.add(unit)
        county = table.text("county", max_length=64)
        if county and kinds.get(county) != UnitKind.COUNTY:
            table.error("county", _("no county with the code %(code)s") % {"code": county})
        records.append(
            {
                "line": line,
                "unit": unit,
                "level": table.choice("level", LEVELS),
                "county": county,
                "area_km2": table.number("area_km2", AREA),
                "leading": table.known("leading", industries.__contains__, _("industry")),
                "industries": table.known("industries", industries.__contains__, _("industry")),
                "columns": set(table.index),
            }
        )
    table.done()
    return records


def chains_validate(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The chains of a file, a row per link; the chain's own cells must agree on all its rows."""
    table = _Rows(rows, CHAIN_COLUMNS)
    units = set(Unit.objects.values_list("code", flat=True))
    industries = set(Industry.objects.values_list("code", flat=True))
    link_chain = dict(ChainLink.objects.values_list("code", "chain__code"))
    chains: dict[str, dict[str, Any]] = {}
    links_seen: set[str] = set()
    for _line in table:
        code = table.text("chain", max_length=32)
        chain = {
            "code": code,
            "name_zh": table.text("chain_name"),
            "name_en": table.text("chain_name_en"),
            "chain_leader": table.text("chain_leader", max_length=100),
            "chain_leader_post": table.text("chain_leader_post"),
            "lead_unit": table.text("lead_unit", max_length=64),
            "industry": table.text("industry", max_length=32),
        }
        if chain["lead_unit"] and chain["lead_unit"] not in units:
            table.error("lead_unit", _("no unit with the code %(code)s") % {"code": chain["lead_unit"]})
        if chain["industry"] and chain["industry"] not in industries:
            table.error("industry", _("no industry with the code %(code)s") % {"code": chain["industry"]})
        first = chains.setdefault(code, {**chain, "links": []})
        for key in ("name_zh", "chain_leader", "chain_leader_post", "lead_unit", "industry"):
            if first[key] != chain[key]:
                column = "chain_name" if key == "name_zh" else key
                table.error(
                    column, _("differs from the chain's first row (%(value)s)") % {"value": first[key]}
                )
        link = table.text("link", max_length=32)
        if link in links_seen:
            table.error("link", _("the link %(code)s appears twice") % {"code": link})
        elif link in link_chain and link_chain[link] != code:
            table.error(
                "link",
                _("the link %(code)s belongs to the chain %(chain)s")
                % {"code": link, "chain": link_chain[link]},
            )
        links_seen.add(link)
        importance = table.number("importance", IMPORTANCE)
        if importance is not None and importance > 1:
            table.error("importance", _("must be from 0 to 1"))
        first["links"].append(
            {
                "code": link,
                "name_zh": table.text("link_name"),
                "name_en": table.text("link_name_en"),
                "position": table.choice("position", POSITIONS),
                "order": len(first["links"]) + 1,
                "importance": importance if importance is not None else 1,
                "reference_output": table.number("reference_output", AMOUNT),
            }
        )
    table.done()
    return list(chains.values())


def clusters_validate(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The clusters of a file, a row per year with its target and actual output (亿元)."""
    table = _Rows(rows, CLUSTER_COLUMNS)
    industries = set(Industry.objects.values_list("code", flat=True))
    clusters: dict[str, dict[str, Any]] = {}
    for _line in table:
        code = table.text("cluster", max_length=32)
        record = clusters.setdefault(
            code,
            {
                "code": code,
                "name_zh": table.text("name_zh"),
                "name_en": table.text("name_en"),
                "industries": [],
                "years": {},
            },
        )
        found = table.known("industries", industries.__contains__, _("industry"))
        record["industries"] = sorted({*record["industries"], *found})
        try:
            year = parse_year(table.raw("year"))
        except BoundError as exc:
            table.error("year", exc.message.translated())
            continue
        if year in record["years"]:
            table.error(
                "year", _("the year %(year)s appears twice for %(code)s") % {"year": year, "code": code}
            )
        record["years"][year] = (
            table.number("target_output", CLUSTER_OUTPUT),
            table.number("actual_output", CLUSTER_OUTPUT),
        )
    table.done()
    return list(clusters.values())


#: the registers the small imports fill: columns, validator, an example row for the template
REGISTERS: dict[str, tuple[tuple[Column, ...], Callable[..., list[dict[str, Any]]], tuple[Any, ...]]] = {
    "industries": (
        INDUSTRY_COLUMNS,
        industries_validate,
        ("LI.MAT", "锂电材料", "Lithium materials", "LI", "2613", "", 1),
    ),
    "parks": (
        PARK_COLUMNS,
        parks_validate,
        ("sn.jkq", "国家级", "sn.chuanshan", "12.5", "LI、EI", "LI.MAT、LI.BAT"),
    ),
    "chains": (
        CHAIN_COLUMNS,
        chains_validate,
        (
            "C.LI",
            "锂电产业链",
            "Lithium battery chain",
            "示例链长",
            "示例职务",
            "sn.jxj",
            "LI",
            "C.LI.U1",
            "锂矿与锂盐",
            "Lithium ore and salts",
            "上游",
            "0.8",
            "100000",
        ),
    ),
    "clusters": (
        CLUSTER_COLUMNS,
        clusters_validate,
        ("CL.LI", "锂电产业集群", "Lithium cluster", "LI", 2025, "1000", ""),
    ),
}
