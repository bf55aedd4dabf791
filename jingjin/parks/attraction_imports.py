"""Validation of the candidate-firm list (靶向招引名单): every bad cell named by row and column,
nothing returned unless the whole file is good (the service then writes it all at once)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from jingjin.parks import creditcode, tables
from jingjin.parks.choices import Fortune500
from jingjin.parks.imports import _Rows
from jingjin.parks.models import NAME_MAX, ChainLink, Industry
from jingjin.parks.tables import Column

C = Column
#: the flag columns: key, Chinese header, English header
FLAG_COLUMNS = (
    C("is_industry_leader", "行业领军", "industry leader"),
    C("is_hidden_champion", "隐形冠军", "hidden champion"),
    C("is_hq", "总部型", "headquarters"),
    C("is_soe", "央企国企", "state-owned"),
    C("is_foreign", "重点外企", "key foreign firm"),
    C("is_specialised", "专精特新", "specialised SME"),
)
CANDIDATE_COLUMNS = (
    C("name", "企业名称", "name", required=True),
    C("credit_code", "统一社会信用代码", "credit code"),
    C("industry", "产业代码", "industry code"),
    C("links", "产业链环节代码", "chain link codes", required=True),
    C("fortune500", "三类500强", "Fortune-500-type group"),
    *FLAG_COLUMNS,
    C("source", "来源", "source"),
)
FORTUNE = tables.choice_labels(
    Fortune500, {"世界500强": "world", "中国500强": "china", "民营500强": "private", "": ""}
)
EXAMPLE = [
    "示例靶向企业",
    "",
    "LI.BAT",
    "C.LI.U1、C.LI.M1",
    "中国500强",
    "是",
    "否",
    "否",
    "否",
    "否",
    "是",
    "示例来源",
]


def candidates_validate(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The candidate records of a file; :class:`~.tables.ImportFailed` with every bad cell."""
    table = _Rows(rows, CANDIDATE_COLUMNS)
    links = set(ChainLink.objects.values_list("code", flat=True))
    industries = dict(Industry.objects.values_list("code", "pk"))
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line in table:
        name = table.text("name", max_length=NAME_MAX)
        if name in seen:
            table.error(
                "name", _("the firm %(name)s is already in row %(row)s") % {"name": name, "row": seen[name]}
            )
        seen[name] = line
        code = table.text("credit_code", max_length=18).upper()
        if code and not creditcode.is_valid(code):
            table.error("credit_code", _("%(code)s is not a unified social credit code") % {"code": code})
        industry = table.text("industry", max_length=32)
        if industry and industry not in industries:
            table.error("industry", _("no industry with the code %(code)s") % {"code": industry})
        found = table.known("links", links.__contains__, _("chain link"))
        if not found:
            table.error("links", _("must not be empty"))
        record: dict[str, Any] = {
            "line": line,
            "name": name,
            "credit_code": code,
            "industry_id": industries.get(industry),
            "links": found,
            "fortune500": table.choice("fortune500", FORTUNE, blank=True),
            "source": table.text("source", max_length=NAME_MAX),
        }
        for column in FLAG_COLUMNS:
            raw = table.raw(column.key)
            flag = tables.yes_no(raw) if raw not in (None, "") else False
            if flag is None:
                table.error(column.key, _("%(value)s is not 是 or 否") % {"value": raw})
            record[column.key] = bool(flag)
        records.append(record)
    table.done()
    return records


def template_xlsx() -> bytes:
    """An empty candidate list with its headers and one example row."""
    return tables.template_xlsx(CANDIDATE_COLUMNS, EXAMPLE)
