"""Workbooks of the villages' pages, written through :mod:`jingjin.core.exports` (texts never
formulas): the toilet roll-up of a year, the collective incomes of a year, the import template."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.villages.economy_imports import COLUMNS
from jingjin.villages.selectors import EconomySummary, ToiletRollup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book() -> Any:
    from openpyxl import Workbook

    return Workbook()


def toilets_xlsx(rollup: ToiletRollup) -> bytes:
    """The programme of a year by county and by township, and the city against the target."""
    book = _book()
    header = [
        _("Code"),
        _("Name"),
        _("Villages"),
        _("Households planned"),
        _("Households built"),
        _("Households accepted"),
        _("Built (%)"),
        _("Accepted (%)"),
    ]
    for title, rows in ((_("Counties"), rollup.counties), (_("Townships"), rollup.townships)):
        sheet = book.active if title == _("Counties") else book.create_sheet()
        sheet.title = title[:31]
        append_row(sheet, header)
        for row in rows:
            append_row(
                sheet,
                [
                    row.code,
                    row.name,
                    row.villages,
                    row.planned,
                    row.built,
                    row.accepted,
                    row.built_pct,
                    row.accepted_pct,
                ],
            )
    city = rollup.city
    target = rollup.target
    sheet = book.create_sheet(_("City")[:31])
    append_row(
        sheet,
        [
            _("Year"),
            _("Villages"),
            _("Households planned"),
            _("Households built"),
            _("Households accepted"),
            _("Target villages"),
            _("Target households"),
        ],
    )
    append_row(
        sheet,
        [
            rollup.year,
            city.villages,
            city.planned,
            city.built,
            city.accepted,
            target.villages if target else None,
            target.households if target else None,
        ],
    )
    return xlsx_bytes(book)


def economy_xlsx(summary: EconomySummary) -> bytes:
    """The villages' collective incomes of a year with their sums and tiers (万元)."""
    book = _book()
    sheet = book.active
    sheet.title = str(summary.year)
    append_row(
        sheet, [zh for _key, zh, _en in COLUMNS] + ["乡镇", "县（市、区）", "经营性收入", "总收入", "分档"]
    )
    for i in summary.incomes:
        township = i.village.parent
        county = township.parent if township is not None else None
        append_row(
            sheet,
            [
                i.village.code,
                i.year,
                i.business,
                i.contracting,
                i.investment,
                i.other_operating,
                i.subsidies,
                i.other,
                township.name if township else "",
                county.name if county else "",
                i.operating_income,
                i.total_income,
                i.get_tier_display(),
            ],
        )
    return xlsx_bytes(book)


def template_xlsx() -> bytes:
    """An empty import workbook with its headers (Chinese)."""
    book = _book()
    sheet = book.active
    sheet.title = "村集体经济"
    append_row(sheet, [zh for _key, zh, _en in COLUMNS])
    return xlsx_bytes(book)
