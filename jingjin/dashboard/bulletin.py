"""The monthly bulletin (月度通报) of a period as Word (.docx), Excel (.xlsx) and PDF.

The bulletin is written from the cockpit's figures (:func:`jingjin.dashboard.selectors.cockpit`):
a title, a summary paragraph with the numbers, a status table per action, the late and missing
reports, the overdue supervision items, the red/black lists (when the assessment app has
published some) and a note when the reports are synthetic demo data. Headings and labels are
translated with the active language (Chinese by default). PDF needs LibreOffice (``soffice``) on
the PATH: the Word file is converted in a temporary directory.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jingjin.core.texts import append_row
from jingjin.dashboard.selectors import Cockpit

#: seconds LibreOffice may take to convert one bulletin
PDF_TIMEOUT = 120


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
    heading = document.add_heading(title(data), level=0)
    for run in heading.runs:
        _east_asian(run, "SimHei")
    if data.synthetic:
        note = document.add_paragraph()
        run = note.add_run(synthetic_note())
        run.bold = True
        _east_asian(run)
    document.add_heading(_("Summary"), level=1)
    paragraph = document.add_paragraph()
    _east_asian(paragraph.add_run(summary(data)))
    all_tables = tables(data)
    document.add_heading(_("Status by action"), level=1)
    for table in all_tables:
        if table.sheet == _("Late and missing"):
            document.add_heading(_("Reports"), level=1)
        elif table.sheet == _("Supervision overdue"):
            document.add_heading(_("Supervision items"), level=1)
        elif table.sheet == _("Red-black lists"):
            document.add_heading(_("Red/black lists"), level=1)
        sub = document.add_heading(table.title, level=2)
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
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
                _east_asian(run)
        for values in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = "" if value is None else str(value)
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


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not on the PATH."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_bytes(data: Cockpit) -> bytes | None:
    """The bulletin as PDF (the Word file converted by LibreOffice), or None without LibreOffice."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "bulletin.docx"
        source.write_bytes(docx_bytes(data))
        subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{directory}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                directory,
                str(source),
            ],
            capture_output=True,
            timeout=PDF_TIMEOUT,
            check=False,
        )
        target = Path(directory) / "bulletin.pdf"
        return target.read_bytes() if target.exists() else None
