"""The ecology registers as data: for each register its model, its columns (import, export,
template, list) and its states.

One table drives the imports (:mod:`jingjin.ecology.imports`), the exports, the forms and the
pages, so that a column is named the same everywhere: Chinese header first (what the template
and the export write), the English header accepted too.

Registers: 空气质量监测站点 (stations), 水质断面 (sections, with a column ``2025年目标`` per year of
targets), 黑臭水体 (black-odorous bodies), 污染源 (pollution sources), 减排项目 (reduction
projects, each naming its source's code), 土壤污染风险管控和修复名录 (soil risk sites), 重金属减排
项目 (heavy-metal projects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from jingjin.core.bounds import Number
from jingjin.ecology import choices as c
from jingjin.ecology import models as m

#: longitude and latitude as the station's fields store them (the model's validators add the range)
LONGITUDE = Number(9, 6)
LATITUDE = Number(8, 6)

#: Chinese names accepted in an import for each choice value (the UI shows the translated label)
ZH_NAMES: dict[str, str] = {
    "国控": c.MonitoringLevel.NATIONAL,
    "省控": c.MonitoringLevel.PROVINCIAL,
    "市控": c.MonitoringLevel.CITY,
    "河流": c.WaterbodyType.RIVER,
    "湖泊": c.WaterbodyType.LAKE,
    "水库": c.WaterbodyType.RESERVOIR,
    "已排查": c.BlackOdorousState.IDENTIFIED,
    "整治中": c.BlackOdorousState.TREATING,
    "已完成整治": c.BlackOdorousState.TREATED,
    "长制久清": c.BlackOdorousState.LONG_TERM_CLEAN,
    "不黑臭": c.BlackOdorousLevel.NONE,
    "轻度黑臭": c.BlackOdorousLevel.LIGHT,
    "重度黑臭": c.BlackOdorousLevel.HEAVY,
    "工业源": c.SourceKind.INDUSTRIAL,
    "移动源": c.SourceKind.MOBILE,
    "面源": c.SourceKind.AREA,
    "其他": c.SourceKind.OTHER,
    "计划": c.ProjectState.PLANNED,
    "实施中": c.ProjectState.UNDER_WAY,
    "已完成": c.ProjectState.DONE,
    "风险管控": c.SoilSiteState.RISK_CONTROL,
    "修复": c.SoilSiteState.REMEDIATION,
    "移出": c.SoilSiteState.REMOVED,
}


@dataclass(frozen=True)
class Column:
    """A column of a register's file: the model field it fills, its headers, how a cell is read.

    ``kind``: ``text``, ``choice``, ``decimal``, ``date``, ``bool``, ``county`` (a unit's code or
    Chinese name), ``source`` (a pollution source's code)."""

    field: str
    zh: str
    en: str
    kind: str = "text"
    required: bool = False
    choices: type[models.Choices] | None = None
    bound: Number | None = None

    @property
    def headers(self) -> set[str]:
        return {self.zh, self.en.lower()}


@dataclass(frozen=True)
class Register:
    """One register: its URL slug, model, columns and — where it has states — the moves allowed
    between them and the date field each state sets."""

    slug: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    #: columns shown in the list (field names; the code and name always come first)
    listed: tuple[str, ...]
    #: fields a unit user may not change (who owns the record)
    locked: tuple[str, ...] = ("code", "county")
    moves: dict[str, frozenset[str]] = field(default_factory=dict)
    state_dates: dict[str, str] = field(default_factory=dict)
    #: the sections' file has a column "2025年目标" (or "target 2025") per year
    has_targets: bool = False

    @property
    def title(self) -> Any:
        return self.model._meta.verbose_name_plural

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(col.field for col in self.columns)

    def column(self, name: str) -> Column:
        return next(col for col in self.columns if col.field == name)


CODE = Column("code", "编码", "Code", required=True)
NAME_ZH = Column("name_zh", "名称", "Name", required=True)
NAME_EN = Column("name_en", "英文名称", "English name")
COUNTY = Column("county", "区县", "County", "county", required=True)
SYNTHETIC = Column("is_synthetic", "示例数据", "Synthetic", "bool")


def _choice(name: str, zh: str, en: str, choices: type[models.Choices], required: bool = True) -> Column:
    return Column(name, zh, en, "choice", required=required, choices=choices)


def _number(name: str, zh: str, en: str, bound: Number, required: bool = False) -> Column:
    return Column(name, zh, en, "decimal", required=required, bound=bound)


def _date(name: str, zh: str, en: str) -> Column:
    return Column(name, zh, en, "date")


PROJECT_MOVES: dict[str, frozenset[str]] = {
    c.ProjectState.PLANNED: frozenset({c.ProjectState.UNDER_WAY, c.ProjectState.DONE}),
    c.ProjectState.UNDER_WAY: frozenset({c.ProjectState.DONE}),
    c.ProjectState.DONE: frozenset({c.ProjectState.UNDER_WAY}),
}

REGISTERS: dict[str, Register] = {
    r.slug: r
    for r in (
        Register(
            "stations",
            m.Station,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                _choice("level", "级别", "Level", c.MonitoringLevel),
                Column("county", "区县", "County", "county"),
                _number("longitude", "经度", "Longitude", LONGITUDE),
                _number("latitude", "纬度", "Latitude", LATITUDE),
                Column("counts_for_city", "参与城市评价", "Counts for the city", "bool"),
                Column("active", "在用", "Active", "bool"),
                SYNTHETIC,
            ),
            listed=("level", "county", "counts_for_city", "active"),
        ),
        Register(
            "sections",
            m.Section,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                Column("waterbody", "河流湖库", "River or lake", required=True),
                _choice("waterbody_type", "水体类型", "Waterbody type", c.WaterbodyType, required=False),
                _choice("level", "考核级别", "Assessed level", c.MonitoringLevel),
                Column("county", "区县", "County", "county"),
                Column("active", "在用", "Active", "bool"),
                SYNTHETIC,
            ),
            listed=("waterbody", "level", "county", "active"),
            has_targets=True,
        ),
        Register(
            "blackodor-bodies",
            m.BlackOdorousBody,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                COUNTY,
                Column("location", "位置", "Location"),
                _number("length_km", "长度（km）", "Length (km)", m.LENGTH_KM),
                _number("area_km2", "面积（km²）", "Area (km²)", m.AREA_KM2),
                Column("chief_names", "河长湖长", "Chiefs"),
                Column("chief_posts", "河长湖长职务", "Chiefs' posts"),
                _choice("state", "状态", "State", c.BlackOdorousState),
                _date("identified_on", "排查日期", "Identified on"),
                _date("treating_on", "开始整治日期", "Treatment started on"),
                _date("treated_on", "完成整治日期", "Treatment completed on"),
                _date("clean_on", "长制久清日期", "Clean since"),
                _choice(
                    "last_check_level", "最近监测结果", "Last check", c.BlackOdorousLevel, required=False
                ),
                _date("last_check_on", "最近监测日期", "Last checked on"),
                SYNTHETIC,
            ),
            listed=("county", "state", "chief_names", "last_check_level"),
            moves={
                c.BlackOdorousState.IDENTIFIED: frozenset({c.BlackOdorousState.TREATING}),
                c.BlackOdorousState.TREATING: frozenset({c.BlackOdorousState.TREATED}),
                c.BlackOdorousState.TREATED: frozenset(
                    {c.BlackOdorousState.LONG_TERM_CLEAN, c.BlackOdorousState.TREATING}
                ),
                c.BlackOdorousState.LONG_TERM_CLEAN: frozenset({c.BlackOdorousState.TREATING}),
            },
            state_dates={
                c.BlackOdorousState.IDENTIFIED: "identified_on",
                c.BlackOdorousState.TREATING: "treating_on",
                c.BlackOdorousState.TREATED: "treated_on",
                c.BlackOdorousState.LONG_TERM_CLEAN: "clean_on",
            },
        ),
        Register(
            "pollution-sources",
            m.PollutionSource,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                COUNTY,
                _choice("kind", "类别", "Kind", c.SourceKind),
                _number("nox_t", "氮氧化物（吨/年）", "NOx (t/a)", m.TONNES, required=True),
                _number("vocs_t", "挥发性有机物（吨/年）", "VOCs (t/a)", m.TONNES, required=True),
                SYNTHETIC,
            ),
            listed=("county", "kind", "nox_t", "vocs_t"),
        ),
        Register(
            "reduction-projects",
            m.ReductionProject,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                Column("source", "污染源编码", "Source code", "source", required=True),
                _number("nox_reduction_t", "氮氧化物减排量（吨/年）", "NOx reduction (t/a)", m.TONNES),
                _number("vocs_reduction_t", "挥发性有机物减排量（吨/年）", "VOCs reduction (t/a)", m.TONNES),
                _choice("state", "状态", "State", c.ProjectState),
                _date("due_on", "计划完成日期", "Due on"),
                _date("done_on", "完成日期", "Done on"),
                SYNTHETIC,
            ),
            listed=("source", "state", "nox_reduction_t", "vocs_reduction_t", "due_on"),
            locked=("code", "source"),
            moves=PROJECT_MOVES,
            state_dates={c.ProjectState.DONE: "done_on"},
        ),
        Register(
            "soil-risk-sites",
            m.SoilRiskSite,
            (
                CODE,
                Column("name_zh", "地块名称", "Plot name", required=True),
                NAME_EN,
                COUNTY,
                _number("area_m2", "面积（m²）", "Area (m²)", m.AREA_M2),
                Column("former_use", "原用途", "Former use"),
                _choice("state", "状态", "State", c.SoilSiteState),
                _date("listed_on", "列入日期", "Listed on"),
                _date("removed_on", "移出日期", "Removed on"),
                SYNTHETIC,
            ),
            listed=("county", "state", "area_m2", "listed_on"),
            moves={
                c.SoilSiteState.RISK_CONTROL: frozenset(
                    {c.SoilSiteState.REMEDIATION, c.SoilSiteState.REMOVED}
                ),
                c.SoilSiteState.REMEDIATION: frozenset(
                    {c.SoilSiteState.RISK_CONTROL, c.SoilSiteState.REMOVED}
                ),
                c.SoilSiteState.REMOVED: frozenset(
                    {c.SoilSiteState.RISK_CONTROL, c.SoilSiteState.REMEDIATION}
                ),
            },
            state_dates={
                c.SoilSiteState.RISK_CONTROL: "listed_on",
                c.SoilSiteState.REMEDIATION: "listed_on",
                c.SoilSiteState.REMOVED: "removed_on",
            },
        ),
        Register(
            "heavy-metal-projects",
            m.HeavyMetalProject,
            (
                CODE,
                NAME_ZH,
                NAME_EN,
                COUNTY,
                Column("metals", "重金属", "Metals", required=True),
                _number("reduction_kg", "减排量（千克/年）", "Reduction (kg/a)", m.KILOGRAMS),
                _choice("state", "状态", "State", c.ProjectState),
                _date("due_on", "计划完成日期", "Due on"),
                _date("done_on", "完成日期", "Done on"),
                SYNTHETIC,
            ),
            listed=("county", "metals", "state", "reduction_kg", "due_on"),
            moves=PROJECT_MOVES,
            state_dates={c.ProjectState.DONE: "done_on"},
        ),
    )
}


def register_of(slug: str) -> Register:
    """The register of ``slug``; ``KeyError`` when there is none."""
    return REGISTERS[slug]


def register_for(model: type[models.Model]) -> Register:
    return next(r for r in REGISTERS.values() if r.model is model)
