"""The members export (监测户成员表, .xlsx): personal data masked unless the user is a case worker
of the household's county; every household shown in full is logged (via ``export``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.rural import selectors, services
from jingjin.rural.models import Household
from jingjin.rural.selectors import ANNOUNCED


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


def announcement_texts(data: dict[str, Any], count: int) -> tuple[str, str]:
    """The title and the opening of a county announcement (``data``: the form's county,
    procedure, start and end) of ``count`` households."""
    names = {"county": data["county"].name, "start": f"{data['start']:%Y-%m-%d}"}
    names["end"] = f"{data['end']:%Y-%m-%d}"
    if data["procedure"] == "elimination":
        title = _("%(county)s: announcement of the return-to-poverty risks eliminated, %(start)s to %(end)s")
        lead = ngettext(
            "After home verification, village appraisal and notice and township review, the county "
            "approved the risk elimination of the following household; its file stays in the system.",
            "After home verification, village appraisal and notice and township review, the county "
            "approved the risk elimination of the following %(count)d households; their files stay "
            "in the system.",
            count,
        )
    else:
        title = _(
            "%(county)s: announcement of the households entered into return-to-poverty monitoring, "
            "%(start)s to %(end)s"
        )
        lead = ngettext(
            "After home verification, information comparison, village appraisal and notice and "
            "township review, the county approved the following household for monitoring.",
            "After home verification, information comparison, village appraisal and notice and "
            "township review, the county approved the following %(count)d households for monitoring.",
            count,
        )
    return title % names, lead % {"count": count}


def announcement_xlsx(data: dict[str, Any], households: list[Household]) -> bytes:
    """The county announcement's rows: township, village, head, members, type and the day of the
    county approval — no personal data."""
    title, lead = announcement_texts(data, len(households))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Announcement"))
    append_row(sheet, [title])
    append_row(sheet, [lead if households else _("No household was approved in this period.")])
    header = [_("No."), _("Township"), _("Village"), _("Head of household"), _("Members"), _("Type")]
    append_row(sheet, [*header, _("Approved on")])
    day = ANNOUNCED[data["procedure"]]
    for number, household in enumerate(households, start=1):
        village = household.village
        township = village.parent.name if village.parent else ""
        append_row(
            sheet,
            [
                number,
                township,
                village.name,
                household.head_name,
                household.size,
                household.get_monitoring_type_display(),
                getattr(household, day),
            ],
        )
    return xlsx_bytes(book)
