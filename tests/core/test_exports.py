"""Safe output (issue 18, findings 4 and 5): every file the system hands out goes through
``jingjin.core.exports``; a text that starts like a formula stays text, control characters a workbook
or a Word document cannot hold are left out, and the plan's Excel export imports back unchanged.

Each test downloads the file as a user does (HTTP, or the command line) and opens it with the
library a spreadsheet user's tools use (openpyxl, python-docx)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import connection
from docx import Document
from openpyxl import load_workbook

from jingjin.core import exports
from jingjin.plans.models import Action, Indicator, Measure, Task

#: a NUL in older data; PostgreSQL refuses NUL in text columns, so there it is left out
_NUL = "" if connection.vendor == "postgresql" else "\x00"

HOSTILE = {
    "equals": '=HYPERLINK("http://evil.example","x")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def _cells(book: Any) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_texts_not_formulas(book: Any, texts: list[str]) -> None:
    cells = {c.value: c for c in _cells(book) if isinstance(c.value, str)}
    for text in texts:
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert not [c for c in _cells(book) if c.data_type == "f"]


# --------------------------------------------------------------------------------------------
# the writer itself


def test_the_writer_neutralises_every_prefix_and_strips_control_characters() -> None:
    from openpyxl import Workbook

    book = Workbook()
    exports.append_row(book.active, [*HOSTILE.values(), "a\x0bb\x00c\x7f", "line\nbreak", 3, None])
    loaded = load_workbook(io.BytesIO(exports.xlsx_bytes(book)))
    _assert_texts_not_formulas(loaded, list(HOSTILE.values()))
    values = [c.value for c in loaded.active[1]]
    assert values[6:9] == ["abc", "line\nbreak", 3]

    frame = pl.DataFrame({"name": [*HOSTILE.values(), "ok\x0b"], "n": list(range(7))})
    buffer = io.BytesIO()
    exports.frame_to_csv(frame, buffer)
    back = pl.read_csv(io.BytesIO(buffer.getvalue()))
    assert back["name"].to_list() == [f"'{v}" for v in HOSTILE.values()] + ["ok"]
    assert [exports.csv_text(v) for v in ("=1", "a\x00", 5)] == ["'=1", "a", 5]
    assert exports.docx_text("x\x0by\x00") == "xy" and exports.docx_text(None) == ""


# --------------------------------------------------------------------------------------------
# the plan: export -> import round trip


def _hostile_plan(loaded_plan: Any) -> None:
    Action.objects.filter(code="A1").update(name_zh=HOSTILE["equals"], name_en=HOSTILE["cr"])
    Measure.objects.filter(code="A1.M1").update(name_zh=HOSTILE["plus"], name_en=HOSTILE["tab"])
    Task.objects.filter(code="A1.M1.T1").update(name_zh=HOSTILE["minus"])
    Indicator.objects.filter(code="A1.M1.T1.I1").update(name_zh=HOSTILE["at"])
    # older data, saved before texts were checked: a vertical tab and a NUL (PostgreSQL cannot
    # store a NUL at all, so there the older data can only hold the other control characters)
    Task.objects.filter(code="A1.M1.T2").update(name_en="Task\x0b of" + _NUL + " B")


def test_the_plan_workbook_keeps_formula_texts_and_imports_back(
    client: Any, users: Any, loaded_plan: Any
) -> None:
    _hostile_plan(loaded_plan)
    client.force_login(users["office"])
    response = client.get(f"/plan/{loaded_plan.code}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    _assert_texts_not_formulas(book, list(HOSTILE.values()))
    assert "Task of B" in [c.value for c in _cells(book)]

    upload = io.BytesIO(response.content)
    upload.name = "plan.xlsx"
    imported = client.post("/plan/import/", {"file": upload})
    assert imported.status_code == 302, imported.content.decode()[:2000]
    assert Action.objects.get(code="A1").name_zh == HOSTILE["equals"]
    assert Action.objects.get(code="A1").name_en == HOSTILE["cr"].strip()  # the import trims texts
    assert Measure.objects.get(code="A1.M1").name_zh == HOSTILE["plus"]
    assert Measure.objects.get(code="A1.M1").name_en == HOSTILE["tab"].strip()
    assert Task.objects.get(code="A1.M1.T1").name_zh == HOSTILE["minus"]
    assert Indicator.objects.get(code="A1.M1.T1.I1").name_zh == HOSTILE["at"]
    assert Task.objects.get(code="A1.M1.T2").name_en == "Task of B"


# --------------------------------------------------------------------------------------------
# the bulletin: Excel and Word


def test_the_bulletin_with_hostile_names_downloads_as_excel_and_word(
    client: Any, users: Any, loaded_plan: Any, caplog: Any
) -> None:
    _hostile_plan(loaded_plan)
    Action.objects.filter(code="A1").update(name_en="=1+1\x0b" + _NUL)
    client.force_login(users["leader"])
    client.cookies["django_language"] = "en"
    excel = client.get("/cockpit/bulletin/2024-03.xlsx")
    assert excel.status_code == 200
    book = load_workbook(io.BytesIO(excel.content))
    _assert_texts_not_formulas(book, ["=1+1"])
    word = client.get("/cockpit/bulletin/2024-03.docx")
    assert word.status_code == 200
    document = Document(io.BytesIO(word.content))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "=1+1" in texts
    pdf = client.get("/cockpit/bulletin/2024-03.pdf")  # printed from HTML: the names are text there
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "has no glyph" not in caplog.text  # the vertical tab and the NUL were left out
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout
        assert "=1+1" in text.decode(), text.decode()


# --------------------------------------------------------------------------------------------
# the command line's .xlsx output

JINGJIN = str(Path(sys.executable).parent / "jingjin")


@pytest.mark.own_sqlite
def test_the_command_line_writes_input_texts_as_text_in_xlsx(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    pl.DataFrame(
        {
            "station": [HOSTILE["equals"], HOSTILE["plus"]],
            "date": ["2026-03-01", "2026-03-02"],
            "pm25_24h": [80.0, 20.0],
            "remark": [HOSTILE["at"], HOSTILE["minus"]],
        }
    ).write_csv(source)
    target = tmp_path / "out.xlsx"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["JINGJIN_DATA_DIR"] = str(tmp_path / "data")
    args = ["air", "aqi", str(source), "-o", str(target), "--standard", "auto", "--report", "daily"]
    args += ["--time-column", "date"]
    done = subprocess.run([JINGJIN, *args], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    book = load_workbook(target)
    _assert_texts_not_formulas(book, [HOSTILE[k] for k in ("equals", "plus", "at", "minus")])


def test_no_export_code_writes_cells_around_the_writer() -> None:
    """Every module that writes a workbook or a Word document imports the writer (a new export
    that forgets it fails here)."""
    import jingjin

    root = Path(jingjin.__file__).parent
    writers = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "from openpyxl import Workbook" in text or "from docx import Document" in text:
            writers.append(path)
    assert writers
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert "jingjin.core.exports" in text or path.name == "exports.py", path


# --------------------------------------------------------------------------------------------
# the evaluations' downloads


def test_evaluation_downloads_neutralise_formulas_and_control_characters(
    client: Any, users: Any, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = ['"\t=1+1",2026-03-01,80', '"a\x0bb@",2026-03-02,20', '"@SUM(A1)",2026-03-03,30']
    content = ("station,date,pm25_24h\n" + "\n".join(rows) + "\n").encode()
    client.force_login(users["office"])
    options = '{"standard": "auto", "report": "daily", "time_column": "date"}'
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/api/evaluations",
            {"kind": "air-aqi", "file": SimpleUploadedFile("air.csv", content), "options": options},
        )
    assert done.status_code == 202, done.content
    pk = done.json()["id"]
    csv = client.get(f"/api/evaluations/{pk}/result", {"format": "csv"})
    assert csv.status_code == 200
    stations = pl.read_csv(io.BytesIO(b"".join(csv.streaming_content) if csv.streaming else csv.content))
    assert stations["station"].to_list() == ["'\t=1+1", "ab@", "'@SUM(A1)"]
    xlsx = client.get(f"/api/evaluations/{pk}/result", {"format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    _assert_texts_not_formulas(book, ["\t=1+1", "@SUM(A1)"])
    assert "ab@" in [c.value for c in _cells(book)]
