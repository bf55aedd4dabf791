"""Validation of the firm register's import (企业名录): up to a province's 200,000 firms at once.

The file is read column by column: the credit codes' check characters are checked for the whole
column at once (:func:`jingjin.parks.creditcode.invalid_mask`), the park, county, industry and link
codes through dictionaries read once, the numbers and texts cell by cell. Every bad cell becomes a
:class:`~jingjin.core.limits.CellProblem` naming the row and the column; with none,
:func:`firms_validate` returns the columns as lists that :func:`jingjin.parks.services.firms_import`
writes in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jingjin.core.choices import UnitKind
from jingjin.core.limits import CellProblem, file_problem
from jingjin.core.models import Unit
from jingjin.parks import creditcode, tables
from jingjin.parks.choices import FIRM_FLAGS, Fortune500
from jingjin.parks.models import AMOUNT, EMPLOYEES_MAX, NAME_MAX, ChainLink, Industry, Park
from jingjin.parks.tables import Column, ImportFailed

C = Column
FIRM_COLUMNS = (
    C("name", "企业名称", "name", required=True),
    C("credit_code", "统一社会信用代码", "credit code", required=True),
    C("park", "园区单位代码", "park unit code"),
    C("county", "县区代码", "county code"),
    C("industry", "产业代码", "industry code"),
    C("chain_links", "产业链环节代码", "chain link codes"),
    C("output", "产值(万元)", "output (10,000 yuan)"),
    C("tax", "税收(万元)", "tax (10,000 yuan)"),
    C("employees", "从业人数", "employees"),
    C("fortune500", "三类500强", "Fortune-500-type group"),
    C("is_industry_leader", "行业龙头", "industry leader"),
    C("is_hidden_champion", "隐形冠军", "hidden champion"),
    C("is_specialised", "专精特新", "specialised SME"),
    C("is_hq", "总部型", "headquarters"),
    C("is_soe", "央企国企", "state-owned"),
    C("is_foreign", "外企", "foreign"),
)
FIRM_EXAMPLE = (
    "示例锂电材料企业01",
    "91510900MA62X1234P",
    "sn.jkq",
    "sn.chuanshan",
    "LI.MAT",
    "C.LI.U1、C.LI.M1",
    "52000",
    "1800",
    "320",
    "",
    "否",
    "是",
    "是",
    "否",
    "否",
    "否",
)
FORTUNE = tables.choice_labels(
    Fortune500,
    {"世界500强": "world", "中国500强": "china", "民营500强": "private", "中国民营500强": "private"},
)


@dataclass
class FirmColumns:
    """The valid columns of a firm file: one list per column present, a value per firm."""

    lines: list[int]
    values: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        codes: list[str] = self.values["credit_code"]
        return codes

    def __len__(self) -> int:
        return len(self.lines)


def firms_validate(raw: bytes, filename: str) -> FirmColumns:
    """Read and check a firm file; :class:`ImportFailed` with every bad cell, else the columns."""
    rows = tables.read_rows(
        raw,
        filename,
        max_bytes=settings.JINGJIN_FIRM_IMPORT_MAX_BYTES,
        max_rows=settings.JINGJIN_FIRM_IMPORT_MAX_ROWS,
        max_cells=settings.JINGJIN_FIRM_IMPORT_MAX_CELLS,
    )
    if not rows:
        raise ImportFailed([file_problem(_("The file is empty."))])
    index = tables.header_map(rows[0], FIRM_COLUMNS)
    numbered = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    result = FirmColumns(lines=[n for n, _row in numbered])
    errors: list[CellProblem] = []

    def column(key: str) -> list[Any]:
        at = index[key]
        return [row[at] if at < len(row) else None for _n, row in numbered]

    def bad(i: int, key: str, message: str) -> None:
        errors.append(tables.problem(result.lines[i], index[key], rows[0], message))

    _names_and_codes(result, column, bad)
    _references(result, index, column, bad)
    _numbers_and_flags(result, index, column, bad)
    if errors:
        errors.sort(key=lambda e: e.row)
        raise ImportFailed(errors)
    return result


def _names_and_codes(result: FirmColumns, column: Any, bad: Any) -> None:
    names = []
    for i, value in enumerate(column("name")):
        name, problem = tables.text(value, max_length=NAME_MAX)
        if problem or not name:
            bad(i, "name", problem or _("must not be empty"))
        names.append(name)
    codes = [str(v if v is not None else "").strip().upper() for v in column("credit_code")]
    for index in creditcode.invalid_mask(codes).nonzero()[0]:
        i = int(index)
        bad(
            i,
            "credit_code",
            _(
                "%(code)s is not a unified social credit code (18 characters with the check character of "
                "GB 32100-2015)"
            )
            % {"code": tables.text(codes[i], max_length=60)[0][:60]},
        )
    first: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code in first and code:
            bad(
                i,
                "credit_code",
                _("the code %(code)s is already in row %(row)s")
                % {"code": code, "row": result.lines[first[code]]},
            )
        first.setdefault(code, i)
    result.values["name"] = names
    result.values["credit_code"] = codes


def _lookup(
    result: FirmColumns, key: str, cells: list[Any], known: dict[str, int], what: str, bad: Any
) -> list[int | None]:
    ids: list[int | None] = []
    for i, value in enumerate(cells):
        code = str(value if value is not None else "").strip()
        if isinstance(value, float) and value.is_integer():
            code = str(int(value))
        if not code:
            ids.append(None)
        elif code in known:
            ids.append(known[code])
        else:
            bad(i, key, _("no %(what)s with the code %(code)s") % {"what": what, "code": code[:60]})
            ids.append(None)
    return ids


def _references(result: FirmColumns, index: dict[str, int], column: Any, bad: Any) -> None:
    if "park" in index:
        parks = dict(Park.objects.values_list("unit__code", "pk"))
        result.values["park"] = _lookup(result, "park", column("park"), parks, _("park"), bad)
    if "county" in index or "park" in index:
        counties = dict(Unit.objects.filter(kind=UnitKind.COUNTY).values_list("code", "pk"))
        county_cells = column("county") if "county" in index else [None] * len(result)
        counties_found = _lookup(result, "county", county_cells, counties, _("county"), bad)
        if "park" in result.values:  # a firm of a park without a county: the park's county
            park_county = dict(Park.objects.values_list("pk", "county_id"))
            counties_found = [
                c if c is not None or p is None else park_county.get(p)
                for c, p in zip(counties_found, result.values["park"], strict=True)
            ]
        result.values["county"] = counties_found
    if "industry" in index:
        industries = dict(Industry.objects.values_list("code", "pk"))
        result.values["industry"] = _lookup(
            result, "industry", column("industry"), industries, _("industry"), bad
        )
    if "chain_links" in index:
        links = dict(ChainLink.objects.values_list("code", "pk"))
        found: list[list[int]] = []
        for i, value in enumerate(column("chain_links")):
            ids = []
            for code in tables.codes(value):
                if code in links:
                    ids.append(links[code])
                else:
                    bad(
                        i,
                        "chain_links",
                        _("no %(what)s with the code %(code)s")
                        % {"what": _("chain link"), "code": code[:60]},
                    )
            found.append(sorted(set(ids)))
        result.values["chain_links"] = found


def _numbers_and_flags(result: FirmColumns, index: dict[str, int], column: Any, bad: Any) -> None:
    for key in ("output", "tax"):
        if key in index:
            values = []
            for i, value in enumerate(column(key)):
                number, problem = tables.number(value, AMOUNT)
                if problem:
                    bad(i, key, problem)
                values.append(number)
            result.values[key] = values
    if "employees" in index:
        people: list[int | None] = []
        for i, value in enumerate(column("employees")):
            text = str(value if value is not None else "").strip()
            try:
                count = int(float(text)) if text else None
                ok = count is None or (0 <= count <= EMPLOYEES_MAX and float(text) == count)
            except (ValueError, OverflowError):
                count, ok = None, False
            if not ok:
                bad(
                    i,
                    "employees",
                    _("must be a whole number from 0 to %(max)s, not %(value)s")
                    % {"max": f"{EMPLOYEES_MAX:,}", "value": text[:30]},
                )
            people.append(count if ok else None)
        result.values["employees"] = people
    if "fortune500" in index:
        groups = []
        for i, value in enumerate(column("fortune500")):
            group = "" if value in (None, "") else tables.choice(value, FORTUNE)
            if group is None:
                bad(
                    i,
                    "fortune500",
                    _("%(value)s is not one of: %(choices)s")
                    % {"value": str(value)[:30], "choices": "世界500强、中国500强、民营500强"},
                )
            groups.append(group or "")
        result.values["fortune500"] = groups
    for key in FIRM_FLAGS:
        if key in index:
            flags = []
            for i, value in enumerate(column(key)):
                flag = tables.yes_no(value)
                if flag is None:
                    bad(i, key, _("must be 是 or 否 (yes or no), not %(value)s") % {"value": str(value)[:30]})
                flags.append(bool(flag))
            result.values[key] = flags


def firm_fields(columns: FirmColumns) -> list[str]:
    """The model fields an import sets (the columns present, chain links aside)."""
    return [k for k in columns.values if k not in {"credit_code", "chain_links"}]


def example_rows() -> Sequence[Any]:
    return FIRM_EXAMPLE
