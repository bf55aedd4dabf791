"""The members export (监测户成员表, .xlsx): personal data masked unless the user is a case worker
of the household's county; every household shown in full is logged (via ``export``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.rural import selectors, services
from jingjin.rural.models import Household


def members_xlsx(*, user: Any, households: list[Household]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Members"))
    append_row(
        sheet,
        [
            _("Household"),
            _("Village"),
            _("Type"),
            _("State"),
            _("Name"),
            _("Relation"),
            _("ID number"),
            _("Phone"),
            _("Bank account"),
            _("Health condition"),
            _("Labour capacity"),
        ],
    )
    members_of: dict[int, list[Any]] = {}
    from jingjin.rural.models import Member

    for member in Member.objects.filter(household__in=households).order_by("household_id", "id"):
        members_of.setdefault(member.household_id, []).append(member)
    for household in households:
        members = members_of.get(household.pk, [])
        full = selectors.shows_full(user, household)
        if full and members:
            services.access_record(user=user, household=household, via="export")
        for row in selectors.member_rows(members, full=full):
            append_row(
                sheet,
                [
                    household.code,
                    household.village.name_zh,
                    household.get_monitoring_type_display(),
                    household.get_state_display(),
                    row["name"],
                    row["relation"],
                    row["id_number"],
                    row["phone"],
                    row["bank_account"],
                    row["health"],
                    row["labour_capacity"],
                ],
            )
    return xlsx_bytes(book)
