"""The monthly bulletin (月度通报) of a period as Word (.docx), Excel (.xlsx) and PDF.

The bulletin is written from the cockpit's figures (:func:`jingjin.dashboard.selectors.cockpit`):
a title, a summary paragraph with the numbers, a status table per action, the late and missing
reports, the overdue supervision items, the red/black lists (when the assessment app has
published some) and a note when the reports are synthetic demo data. Headings and labels are
translated with the active language (Chinese by default). The PDF is printed from HTML by
WeasyPrint in the layout of an official notice (GB/T 9704-2012), with Debian's Noto CJK fonts.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.exports import append_row, clean_text, docx_text
from jingjin.core.models import english_active
from jingjin.dashboard.results import Cockpit
from jingjin.dashboard.selectors import issuing_office

logger = logging.getLogger(__name__)


@dataclass
class Table:
    """A titled table of the bulletin: the same data go into Word and Excel."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    sheet: str


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def title(data: Cockpit) -> str:
    plan = data.plan.name if data.plan is not None else ""
    return _("%(plan)s monthly bulletin, %(year)s-%(month)s") % {
        "plan": plan,
        "year": f"{data.period.year:04d}",
        "month": f"{data.period.month:02d}",
    }


def summary(data: Cockpit) -> str:
    """One paragraph with the period's numbers; supervision items and warnings as they stood at the
    end of the period (today while it runs). A month without any report due (after the plan's end,
    or with every task struck off or outside its window) says so instead of a rate."""
    counts = {c.key: c.count for c in data.counts}
    rate = data.on_time_rate
    tasks = _(
        "Period %(period)s (deadline %(deadline)s): %(tasks)s tasks, weighted plan progress "
        "%(progress)s percent. %(on_track)s on track, %(behind)s behind, %(far_behind)s far behind, "
        "%(done)s done, %(overdue)s overdue, %(unknown)s unknown (no report or no time window)."
    ) % {
        "period": data.period.code,
        "deadline": data.period.deadline.isoformat(),
        "tasks": len(data.tasks),
        "progress": _pct(data.progress),
        "on_track": counts["on_track"],
        "behind": counts["behind"],
        "far_behind": counts["far_behind"],
        "done": counts["done"],
        "overdue": counts["overdue"],
        "unknown": counts["unknown"],
    }
    if not data.reports_due or rate is None:
        reports = _("No reports due this month.")
    else:
        reports = _(
            "Of %(due)s reports due, %(missing)s are missing and %(late)s late; "
            "on-time rate %(rate)s percent."
        ) % {
            "due": len(data.report_rows),
            "missing": len(data.missing_rows),
            "late": len(data.late_rows),
            "rate": f"{rate * 100:.1f}",
        }
    day = (data.items_day or data.period.last_day).isoformat()
    items = _(
        "On %(day)s: supervision items %(items_overdue)s overdue, %(items_due_soon)s due soon; "
        "early warnings open %(red)s red, %(yellow)s yellow."
    ) % {
        "day": day,
        "items_overdue": data.overdue_count,
        "items_due_soon": data.due_soon_count,
        "red": data.open_warnings.get("red", 0),
        "yellow": data.open_warnings.get("yellow", 0),
    }
    return " ".join((tasks, reports, items))


def synthetic_note() -> str:
    return _("The reports of this period are synthetic demo data, not real figures.")


def tables(data: Cockpit) -> list[Table]:
    """Every table of the bulletin, in order."""
    status_header = [
        _("Code"),
        _("Task"),
        _("Lead unit"),
        _("Reported progress"),
        _("Expected progress"),
        _("Status"),
    ]
    out = [
        Table(
            title=_("Progress by action"),
            header=[_("Code"), _("Plan action"), _("Weight"), _("Progress"), _("Tasks")]
            + [str(c.label) for c in data.counts],
            rows=[
                [a.code, a.name, a.weight, _pct(a.progress), len(a.tasks), *[c.count for c in a.counts]]
                for a in data.actions
            ],
            sheet=_("Actions"),
        )
    ]
    for action in data.actions:
        out.append(
            Table(
                title=f"{action.code} {action.name}",
                header=status_header,
                rows=[
                    [
                        t.code,
                        t.name,
                        t.lead_unit,
                        _pct(t.reported_pct),
                        _pct(t.expected_pct),
                        str(t.status_label),
                    ]
                    for t in action.tasks
                ],
                sheet=action.code,
            )
        )
    out.append(
        Table(
            title=_("Late and missing reports"),
            header=[_("Code"), _("Task"), _("Lead unit"), _("State"), _("Late")],
            rows=[
                [
                    r.task.code,
                    r.task.name,
                    r.task.lead_unit.name if r.task.lead_unit is not None else "",
                    str(r.state_label),
                    _("yes") if r.late else _("no"),
                ]
                for r in data.attention_rows
            ],
            sheet=_("Late and missing"),
        )
    )
    out.append(
        Table(
            title=_("Supervision items overdue"),
            header=[_("Code"), _("Title"), _("Assigned to"), _("Deadline"), _("State")],
            rows=[
                [i.code, i.title, i.assignee_unit.name, i.deadline.isoformat(), str(i.get_state_display())]
                for i in data.overdue_items
            ],
            sheet=_("Supervision overdue"),
        )
    )
    rows = []
    for ranking in data.ranking_lists:
        for colour, key in ((_("red list"), "red"), (_("black list"), "black")):
            for entry in ranking[key]:
                rows.append(
                    [
                        ranking["title"],
                        ranking["period"],
                        colour,
                        entry["unit"],
                        entry["score"],
                        entry["reason"],
                    ]
                )
    out.append(
        Table(
            title=_("Red/black lists"),
            header=[_("List"), _("Reporting period"), _("Red or black"), _("Unit"), _("Score"), _("Reason")],
            rows=rows,
            sheet=_("Red-black lists"),
        )
    )
    return out


# --------------------------------------------------------------------------------------------
# Word


def _east_asian(run: Any, font: str = "SimSun") -> None:
    """Give a run an East Asian font, so that Word shows the Chinese text in a Chinese face."""
    from docx.oxml.ns import qn

    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def docx_bytes(data: Cockpit) -> bytes:
    """The bulletin as a Word document."""
    from docx import Document

    document = Document()
    heading = document.add_heading(docx_text(title(data)), level=0)
    for run in heading.runs:
        _east_asian(run, "SimHei")
    if data.synthetic:
        note = document.add_paragraph()
        run = note.add_run(synthetic_note())
        run.bold = True
        _east_asian(run)
    document.add_heading(_("Summary"), level=1)
    paragraph = document.add_paragraph()
    _east_asian(paragraph.add_run(docx_text(summary(data))))
    all_tables = tables(data)
    document.add_heading(_("Status by action"), level=1)
    for table in all_tables:
        if table.sheet == _("Late and missing"):
            document.add_heading(_("Reports"), level=1)
        elif table.sheet == _("Supervision overdue"):
            document.add_heading(_("Supervision items"), level=1)
        elif table.sheet == _("Red-black lists"):
            document.add_heading(_("Red/black lists"), level=1)
        sub = document.add_heading(docx_text(table.title), level=2)
        for run in sub.runs:
            _east_asian(run, "SimHei")
        if table.sheet == _("Red-black lists") and not table.rows:
            document.add_paragraph(_("No red/black list has been published yet."))
            continue
        if not table.rows:
            document.add_paragraph(_("None."))
            continue
        grid = document.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = docx_text(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
                _east_asian(run)
        for values in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = docx_text(value)
                for run in cell.paragraphs[0].runs:
                    _east_asian(run)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Excel

_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def xlsx_bytes(data: Cockpit) -> bytes:
    """The bulletin as an Excel workbook: a summary sheet and one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    append_row(sheet, [title(data)])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [summary(data)])
    if data.synthetic:
        sheet.append([synthetic_note()])
    used = {sheet.title}
    for table in tables(data):
        name = table.sheet.translate(_FORBIDDEN)[:31] or "-"
        suffix = 2
        while name in used:
            name = f"{name[:28]}-{suffix}"
            suffix += 1
        used.add(name)
        ws = book.create_sheet(name)
        append_row(ws, [table.title])
        ws["A1"].font = Font(bold=True)
        append_row(ws, [str(h) for h in table.header])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for values in table.rows:
            append_row(ws, list(values))  # a text that looks like a formula stays text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF

#: the bulletin's fonts, each a fallback chain: Debian's Noto CJK (fonts-noto-cjk) first, then
#: the same faces under Adobe's names, the usual Windows and macOS faces, and the generic family
FONTS: dict[str, tuple[str, ...]] = {
    "serif": ("Noto Serif CJK SC", "Source Han Serif SC", "FangSong", "SimSun", "Songti SC", "serif"),
    "sans": (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "SimHei",
        "Microsoft YaHei",
        "PingFang SC",
        "sans-serif",
    ),
}

#: the page layout (A4, GB/T 9704-2012 margins, fonts sizes, tables) — a static file, given to
#: WeasyPrint as a stylesheet
STYLESHEET = Path(__file__).resolve().parent / "static" / "jingjin" / "bulletin-pdf.css"
#: the GB/T 9704-2012 page (A4, margins, page numbers, body text) shared by every such PDF
PAGE_STYLESHEET = Path(__file__).resolve().parents[1] / "core" / "static" / "jingjin" / "gbt9704-page.css"

_DIGITS = "〇一二三四五六七八九"
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?|—")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (1 ≤ n ≤ 99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is not between 1 and 99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def section_number(n: int, *, english: bool) -> str:
    """The number of a section: 一、二、… in Chinese, 1. 2. … in English."""
    return f"{n}. " if english else f"{chinese_number(n)}、"


def table_number(n: int, *, english: bool) -> str:
    """The number of a table within its section: （一）（二）… in Chinese, (1) (2) … in English."""
    return f"({n}) " if english else f"（{chinese_number(n)}）"


def _font_css() -> str:
    def chain(key: str) -> str:
        return ", ".join(f'"{name}"' if " " in name else name for name in FONTS[key])

    return (
        f"@page {{ font-family: {chain('serif')}; }}\n"
        f"body {{ font-family: {chain('serif')}; }}\n"
        f".issuer, .title, h2, table, .note {{ font-family: {chain('sans')}; }}\n"
    )


def _ems(text: str) -> float:
    """The width of ``text`` in ems, roughly: a Chinese character 1, a Latin letter or digit 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def _cell(value: Any) -> dict[str, Any]:
    """A table cell: numbers are right-aligned; short texts (a code, a unit, a state, a date) are
    kept on one line, so that a long column (a task's name) does not squeeze them."""
    text = "" if value is None else str(value)
    numeric = isinstance(value, int | float) or bool(_NUMBER.fullmatch(text))
    return {"text": text, "numeric": numeric, "nowrap": not numeric and _ems(text) <= 7}


def pdf_sections(data: Cockpit, *, english: bool) -> list[dict[str, Any]]:
    """The numbered sections of the PDF: the summary, then the tables of :func:`tables` under the
    same headings as the Word file, each table numbered within its section."""
    headings = {
        _("Late and missing"): _("Reports"),
        _("Supervision overdue"): _("Supervision items"),
        _("Red-black lists"): _("Red/black lists"),
    }
    sections: list[dict[str, Any]] = [
        {"heading": _("Summary"), "paragraphs": [summary(data)], "tables": []},
        {"heading": _("Status by action"), "paragraphs": [], "tables": []},
    ]
    for table in tables(data):
        if table.sheet in headings:
            sections.append({"heading": headings[table.sheet], "paragraphs": [], "tables": []})
        section = sections[-1]
        if not table.rows:
            empty = (
                _("No red/black list has been published yet.")
                if table.sheet == _("Red-black lists")
                else _("None.")
            )
        else:
            empty = ""
        section["tables"].append(
            {
                "title": table.title,
                "header": [{"text": str(h), "nowrap": _ems(str(h)) <= 4} for h in table.header],
                "rows": [[_cell(v) for v in row] for row in table.rows],
                "empty": empty,
                "wide": len(table.header) > 7,
            }
        )
    for number, section in enumerate(sections, start=1):
        section["number"] = section_number(number, english=english)
        many = len(section["tables"]) > 1
        for sub, table in enumerate(section["tables"], start=1):
            table["number"] = table_number(sub, english=english) if many else ""
    return sections


def pdf_html(data: Cockpit, *, issuer: str, day: date) -> str:
    """The bulletin as the HTML page WeasyPrint prints (``dashboard/bulletin_pdf.html``)."""
    english = english_active()
    return render_to_string(
        "dashboard/bulletin_pdf.html",
        {
            "language": "en" if english else "zh-Hans",
            "title": title(data),
            "issuer": issuer,
            "day": formats.date_format(day, "DATE_FORMAT"),
            "synthetic": data.synthetic,
            "note": synthetic_note(),
            "sections": pdf_sections(data, english=english),
        },
    )


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: the bulletin loads nothing (no network at run time)."""
    raise ValueError(f"the bulletin loads no resources ({url})")


def _check_fonts(document: Any) -> None:
    """Log a warning when the preferred Noto CJK fonts were not found and another font stands in,
    or when a font lacks glyphs (they print as empty boxes)."""
    used = sorted({font.family for font in document.fonts.values()})
    for key, chain in FONTS.items():
        if chain[0] not in used:
            logger.warning(
                "Bulletin PDF: the %s font %r is not installed (Debian: fonts-noto-cjk, see "
                "scripts/ensure-system-packages); the PDF uses %s instead.",
                key,
                chain[0],
                ", ".join(used) or "no font",
            )
    for font in document.fonts.values():
        if font.missing:
            logger.warning(
                "Bulletin PDF: the font %r has no glyph for %d characters, printed as empty boxes.",
                font.family,
                len(font.missing),
            )


def pdf_bytes(data: Cockpit, *, day: date | None = None) -> bytes:
    """The bulletin as PDF, in the layout of an official notice (GB/T 9704-2012): the issuing
    office (:func:`selectors.issuing_office`), the title, the synthetic-data note, the numbered
    sections with their tables, the issuing office and ``day`` (today by default) at the end.
    Rendered from HTML by WeasyPrint; without the Noto CJK fonts it uses a fallback font and
    logs a warning."""
    import weasyprint

    # control characters of older data would print as empty boxes: left out, as in every export
    html = clean_text(pdf_html(data, issuer=issuing_office(data.plan), day=day or clock.today()))
    document = weasyprint.HTML(string=html, url_fetcher=_refuse).render(
        stylesheets=[
            weasyprint.CSS(string=PAGE_STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_refuse),
            weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_refuse),
            weasyprint.CSS(string=_font_css(), url_fetcher=_refuse),
        ]
    )
    content = bytes(document.write_pdf())
    _check_fonts(document)  # the fonts are known once the PDF is written
    return content
