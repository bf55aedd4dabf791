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
from jingjin.core.exports import append_row, docx_text, xlsx_bytes
from jingjin.projects.imports import COLUMNS, header_text, year_header
from jingjin.projects.models import KeyProject
from jingjin.projects.progress import as_decimal, progress_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _grid(document: Any, rows: list[tuple[Any, Any]]) -> None:
    grid = document.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in rows:
        cells = grid.add_row().cells
        cells[0].text = docx_text(label)
        cells[1].text = docx_text("—" if value is None or value == "" else value)


def project_docx(project: KeyProject, *, figures: dict[str, Any], year: int, month: int) -> bytes:
    """One project as a Word document (项目情况表): its facts, the five ones, the investment
    progress as of (year, month), the yearly plans and the milestones."""
    import io

    from docx import Document

    document = Document()
    document.add_heading(docx_text(f"{project.code} {project.name}"), level=0)
    if project.is_synthetic:
        document.add_paragraph(_("Synthetic demo data (示例)."))
    _grid(
        document,
        [
            (_("Level"), project.get_level_display()),
            (_("Category"), project.get_category_display()),
            (_("State"), project.get_state_display()),
            (_("Owning unit"), project.owner_unit.name),
            (_("County / district"), project.county.name if project.county else None),
            (_("Park"), project.park.name if project.park else None),
            (_("Total investment (10,000 yuan)"), project.total_investment),
            (_("Start – end"), f"{project.start or '—'} – {project.end or '—'}"),
        ],
    )
    document.add_heading(_("The five ones"), level=1)
    five = {
        "leader": _("Responsible leader"),
        "team": _("Working team"),
        "plan_document": _("Plan document"),
        "timeline": _("Timeline"),
        "support_measures": _("Support measures"),
    }
    _grid(document, [(five[k], v) for k, v in project.five_ones.items()])
    document.add_heading(
        _("Investment progress as of %(month)s") % {"month": f"{year:04d}-{month:02d}"}, level=1
    )
    lag = figures.get("lag")
    _grid(
        document,
        [
            (_("Yearly plan (10,000 yuan)"), as_decimal(figures.get("planned"))),
            (_("Year to date (10,000 yuan)"), as_decimal(figures.get("ytd"))),
            (_("Completion of the yearly plan (%)"), as_decimal(figures.get("completion_pct"))),
            (_("Share of the year elapsed (%)"), as_decimal(figures.get("elapsed_pct"))),
            (_("Gap (points)"), as_decimal(figures.get("gap"))),
            (_("Projected year-end completion (%)"), as_decimal(figures.get("projected_pct"))),
            (_("Lag"), lag_labels().get(lag or "", "")),
        ],
    )
    document.add_heading(_("Yearly investment plans"), level=1)
    _grid(document, [(p.year, p.planned_investment) for p in project.year_plans.all()])
    document.add_heading(_("Milestones"), level=1)
    _grid(
        document,
        [
            (m.get_kind_display(), f"{_('Planned')} {m.planned or '—'} · {_('Actual')} {m.actual or '—'}")
            for m in project.milestones.all()
        ],
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
