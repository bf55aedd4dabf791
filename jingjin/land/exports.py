"""The export of a campaign's published grades (xlsx), through :mod:`jingjin.core.exports`
(formula prefixes neutralised)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.land.models import EvaluationCampaign


def grades_xlsx(campaign: EvaluationCampaign, results: Any) -> bytes:
    """One row per firm: code, name, county, park, industry, land, score, rank, class, explanation."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(campaign.year))
    append_row(
        sheet,
        [
            _("Unified social credit code"),
            _("Firm"),
            _("County / district"),
            _("Park"),
            _("Industry"),
            _("Land (mu)"),
            _("Score"),
            _("Rank"),
            _("Class"),
            _("Explanation"),
        ],
    )
    rows = results.select_related("county").order_by("rank", "credit_code")
    for r in rows.iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                r.credit_code,
                r.name,
                r.county.name_zh if r.county else "",
                r.park_name,
                r.industry_name,
                r.land_mu,
                r.score,
                r.rank,
                r.firm_class or _("not graded"),
                r.explanation,
            ],
        )
    return xlsx_bytes(book)
