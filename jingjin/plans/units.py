"""Units of measurement of indicators (计量单位) and the range of values each kind accepts.

A monthly report's indicator actuals are checked against their unit (see
``jingjin.reporting.services``):

* **count** (个, 户, 人, 条 …): a whole number, 0 or more — 2.5 households or −5 roads are typing
  errors;
* **amount** (亿元, 公里, 亩, 万吨, 万人 …): 0 or more, decimals allowed — a scaled count such as
  万人 (ten thousand people) or 万户 is an amount: 2.5 万人 is 25,000 people;
* **percent** (%): between :data:`PERCENT_RANGE` — shares lie in 0–100, growth rates can be
  negative (never below −100 %) and exceed 100 %, so the bound is wide but finite;
* any other unit (级, a blank unit, a unit this table does not know) keeps the general check: a
  finite number below 10^14 in absolute value.

The table is data: a unit is added here, never tested for in code. Units are compared after
stripping spaces; full-width and half-width percent signs are the same.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class UnitKind(StrEnum):
    """What a unit measures, for the range check of values."""

    COUNT = "count"
    AMOUNT = "amount"
    PERCENT = "percent"
    OTHER = "other"


def _words(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


#: the lowest and highest percentage a value may have (growth rates can be negative or above 100)
PERCENT_RANGE = (Decimal(-100), Decimal(1000))

#: counted things: whole numbers, 0 or more
COUNT_UNITS = _words(
    """
    个 户 人 家 村 座 条 项 所 名 支 次 处 宗 台 辆 件 套 间 类 批 场 张 栋 株 棵 头 只 篇 部
    位 期 届 对 片 块 口 艘 架 列 趟 站 校 园 镇 乡 区 县 款 本 门 面 根 盏 床 辆次 人次 户次
    家次 个数
    """
)

#: measured quantities: 0 or more, decimals allowed (money, length, area, mass, energy, scaled counts)
AMOUNT_UNITS = _words(
    """
    元 万元 亿元 千亿元 万美元 亿美元 美元 公里 千米 米 km 亩 万亩 公顷 平方公里 平方米
    万平方米 m² km² 吨 万吨 亿吨 千克 公斤 立方米 万立方米 亿立方米 千瓦 万千瓦 兆瓦
    千瓦时 万千瓦时 亿千瓦时 吨标准煤 万吨标准煤 标准箱 万标箱 万人 万户 万人次 亿人次 万辆
    万台 万件 万套 天 小时 年 万册
    """
)

#: percentages
PERCENT_UNITS = frozenset({"%", "％", "百分比", "百分点"})


def unit_kind(unit: str | None) -> UnitKind:
    """The kind of a unit (:class:`UnitKind`); unknown or blank units are ``OTHER``."""
    text = "".join((unit or "").split())
    if text in PERCENT_UNITS:
        return UnitKind.PERCENT
    if text in COUNT_UNITS:
        return UnitKind.COUNT
    if text in AMOUNT_UNITS:
        return UnitKind.AMOUNT
    return UnitKind.OTHER
