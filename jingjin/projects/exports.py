"""Workbooks of the project library: the import template and the export of a (filtered) list
with the progress figures of the as-of month. Written through :mod:`jingjin.core.exports` (texts
that start like a formula stay texts). The library's columns are the import's
(:data:`jingjin.projects.imports.COLUMNS`), so an exported file imports back."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.projects.imports import COLUMNS, header_text, year_header
from jingjin.projects.models import KeyProject
from jingjin.projects.progress import as_decimal, progress_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _workbook(title: str) -> tuple[Any, Any]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    return book, sheet


def template_xlsx(*, year: int | None = None) -> bytes:
    """The empty import template: the headers, with the yearly plan column of ``year`` (default
    this year)."""
    chinese = _chinese()
    book, sheet = _workbook(_("Key projects"))
    append_row(
        sheet,
        [
            *(header_text(c, chinese=chinese) for c in COLUMNS),
            year_header(year or clock.today().year, chinese=chinese),
        ],
    )
    for index, _column in enumerate(sheet[1], start=1):
        sheet.column_dimensions[_column.column_letter].width = 14 if index > 2 else 24
    return xlsx_bytes(book)


def _value(project: KeyProject, key: str, tasks: dict[int, list[str]]) -> Any:
    if key in ("owner_unit", "county", "park"):
        unit = getattr(project, key)
        return unit.code if unit is not None else None
    if key in ("level", "category", "state"):
        return getattr(project, f"get_{key}_display")()
    if key == "tasks":
        return "、".join(tasks.get(project.pk, []))
    value = getattr(project, key)
    return value


def export_xlsx(projects: QuerySet[KeyProject], *, year: int, month: int) -> bytes:
    """The projects (ordered by code) with their library columns, the planned investment of
    ``year`` and the progress figures as of (year, month)."""
    chinese = _chinese()
    table = progress_table(projects, year, month)
    figures = table.rows()
    rows = list(projects.select_related("owner_unit", "county", "park").order_by("code"))
    tasks: dict[int, list[str]] = {}
    for project_id, code in KeyProject.tasks.through.objects.filter(
        keyproject__in=projects.order_by().values("pk")
    ).values_list("keyproject_id", "task__code"):
        tasks.setdefault(project_id, []).append(code)
    book, sheet = _workbook(_("Key projects"))
    progress_headers = [
        _("As of"),
        _("Year to date (10,000 yuan)"),
        _("Completion of the yearly plan (%)"),
        _("Share of the year elapsed (%)"),
        _("Gap (points)"),
        _("Projected year-end completion (%)"),
        _("Milestone delay (days)"),
        _("Lag"),
    ]
    append_row(
        sheet,
        [
            *(header_text(c, chinese=chinese) for c in COLUMNS),
            year_header(year, chinese=chinese),
            *progress_headers,
        ],
    )
    lag_names = lag_labels()
    for project in rows:
        f = figures.get(project.pk, {})
        append_row(
            sheet,
            [
                *(_value(project, c.key, tasks) for c in COLUMNS),
                as_decimal(f.get("planned")),
                f"{year:04d}-{month:02d}",
                as_decimal(f.get("ytd")),
                as_decimal(f.get("completion_pct")),
                as_decimal(f.get("elapsed_pct")),
                as_decimal(f.get("gap")),
                as_decimal(f.get("projected_pct")),
                f.get("delay_days") if (f.get("delay_days") or 0) > 0 else None,
                lag_names.get(f.get("lag") or "", ""),
            ],
        )
    return xlsx_bytes(book)


def lag_labels() -> dict[str, str]:
    """The lag classes' names in the UI's language."""
    return {
        "ahead": _("Ahead"),
        "on_track": _("On track"),
        "behind": _("Behind"),
        "far_behind": _("Far behind"),
    }
