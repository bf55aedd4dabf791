"""The monthly bulletin as PDF, printed from HTML by WeasyPrint (no LibreOffice).

The PDF is read back like a user would: its text with ``pdftotext`` (Debian's poppler-utils,
installed by ``scripts/ensure-system-packages``), the position of every word with
``pdftotext -bbox``, the page sizes with ``pdfinfo``, the embedded fonts from the PDF's
``/FontName`` entries. Without poppler-utils or the Noto CJK fonts these tests are skipped with a
message, except under CI=true where they fail.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import subprocess
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from jingjin.dashboard import bulletin
from jingjin.dashboard.selectors import cockpit, issuing_office
from jingjin.reporting.models import Report
from tests.dashboard.test_selectors import fake_assessment

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
A4 = (210 * MM, 297 * MM)
#: GB/T 9704-2012: top margin 37 mm, left 28 mm, type area 156 mm x 225 mm
TYPE_AREA = (28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM)  # left, top, right, bottom
NOTO_FONTS = Path("/usr/share/fonts/opentype/noto")


def _need(ok: bool, message: str) -> None:
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true)")
        pytest.skip(message)


@pytest.fixture
def poppler() -> None:
    _need(
        all(shutil.which(p) for p in ("pdftotext", "pdfinfo")),
        "poppler-utils (pdftotext, pdfinfo) is not installed: run scripts/ensure-system-packages",
    )


@pytest.fixture
def noto() -> None:
    _need(
        any(NOTO_FONTS.glob("NotoSerifCJK-*")) and any(NOTO_FONTS.glob("NotoSansCJK-*")),
        "Debian's fonts-noto-cjk is not installed: run scripts/ensure-system-packages",
    )


@pytest.fixture
def leader(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["leader"])
    return client


def _file(content: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(content)
    return path


def pdf_text(content: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The text of the PDF as pdftotext extracts it: in reading order, or with ``layout`` as laid
    out on the page (a table's row on one line)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(_file(content, tmp_path)), "-"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def pdf_words(content: bytes, tmp_path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, each word with its box (x min, y min, x max, y max in points from the top left)."""
    target = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-bbox", str(_file(content, tmp_path)), str(target)], check=True)
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", target.read_text(encoding="utf-8"), re.S):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page
        )
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in words])
    return pages


def font_names(content: bytes) -> set[str]:
    """The ``/FontName`` entries of the PDF (inside its compressed object streams too)."""
    names = set(re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", content))
    for match in re.finditer(rb"stream\r?\n", content):
        start = match.end()
        end = content.find(b"endstream", start)
        try:
            body = zlib.decompressobj().decompress(content[start:end])
        except zlib.error:
            continue
        names.update(re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", body))
    return {n.decode() for n in names}


def _get_pdf(leader: Any, code: str = "2024-03") -> bytes:
    response = leader.get(f"/cockpit/bulletin/{code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bulletin-{code}.pdf"'
    return bytes(response.content)


def test_the_pdf_bulletin_of_a_month(leader, scenario, settings, tmp_path, poppler):
    settings.JINGJIN_AS_OF = "2024-04-06"
    content = _get_pdf(leader)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # the issuing office (the plan office's unit) first, then the title
    assert lines[:2] == ["Test City", "Test plan monthly bulletin, 2024-03"]
    # numbered sections, the tables numbered within theirs
    for heading in (
        "1. Summary",
        "2. Status by action",
        "3. Reports",
        "4. Supervision items",
        "5. Red/black lists",
    ):
        assert heading in lines
    assert text.index("1. Summary") < text.index("2. Status by action") < text.index("5. Red/black lists")
    assert "(1) Progress by action" in lines and "(2) A1 Action one" in lines and "(3) A2 Action two" in lines
    assert "37.5 percent" in " ".join(lines)
    # the tables' cells, a row on a line
    rows = pdf_text(content, tmp_path, layout=True)
    assert re.search(r"A1\.M1\.T1 +Task of A +Bureau A +55\.0 +59\.3 +on track", rows)
    assert "DB-2024-001" in text and "A2.M1.T1" in text
    assert "No red/black list has been published yet." in lines
    # signed by the office on the day it was made
    assert lines[-3:-1] == ["Test City", "April 6, 2024"]
    assert re.fullmatch(r"— ?\d ?—", lines[-1])  # the page number
    assert "synthetic" not in text


def test_the_pdf_bulletin_is_chinese_with_numbered_sections(scenario, users, tmp_path, poppler, noto):
    with translation.override("zh-hans"):
        data = cockpit(user=users["leader"], period=scenario["march"])
        content = bulletin.pdf_bytes(data, day=date(2024, 4, 6))
    text = pdf_text(content, tmp_path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:2] == ["测试市", "测试规划2024年03月月度通报"]
    for heading in ("一、总体情况", "二、各行动任务进度状态", "三、月报报送情况", "四、督办件", "五、红黑榜"):
        assert heading in lines
    assert "（一）各行动完成进度" in lines and "（二）A1 行动一" in lines
    # the tables' Chinese text, a row on a line
    rows = pdf_text(content, tmp_path, layout=True)
    assert re.search(r"编码 +任务 +牵头单位 +报送进度（%） +计划进度（%） +状态", rows)
    assert re.search(r"A1\.M1\.T1 +甲局任务 +甲局 +55\.0 +59\.3 +正常", rows)
    assert re.search(r"DB-2024-001 +督办事项 DB-2024-001 +丙县 +2024-03-29 +已交办", rows)
    assert "2024年4月6日" in lines


def test_the_pdf_embeds_the_noto_cjk_fonts(scenario, users, caplog, noto):
    with translation.override("zh-hans"):
        data = cockpit(user=users["leader"], period=scenario["march"])
        with caplog.at_level(logging.WARNING, logger="jingjin.dashboard.bulletin"):
            content = bulletin.pdf_bytes(data)
    names = {re.sub(r"^[A-Z]{6}\+", "", n) for n in font_names(content)}  # without the subset tag
    assert "Noto-Serif-CJK-SC" in names  # the body
    assert "Noto-Sans-CJK-SC-Bold" in names  # the title
    assert "Noto-Sans-CJK-SC" in names  # the tables
    assert all(n.startswith("Noto-") for n in names), names  # nothing else, page numbers included
    assert not caplog.records


def test_every_page_is_a4_with_the_margins_of_gb_t_9704(scenario, users, tmp_path, poppler):
    with translation.override("zh-hans"):
        data = cockpit(user=users["leader"], period=scenario["march"])
        # more overdue items than a page holds, so that their table runs over several pages
        data.overdue_items = data.overdue_items * 60
        content = bulletin.pdf_bytes(data)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(_file(content, tmp_path))], capture_output=True, check=True
    ).stdout.decode()
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) >= 3
    assert all(abs(float(w) - A4[0]) < 0.5 and abs(float(h) - A4[1]) < 0.5 for w, h in sizes)

    left, top, right, bottom = TYPE_AREA
    pages = pdf_words(content, tmp_path)
    assert len(pages) == len(sizes)
    for number, words in enumerate(pages, start=1):
        body = [w for w in words if w[3] <= bottom + 1]
        folio = [w for w in words if w[3] > bottom + 1]
        assert body, f"page {number} is empty"
        assert min(w[1] for w in body) >= top - 1, f"page {number}: text above the 37 mm top margin"
        assert min(w[0] for w in body) >= left - 1, f"page {number}: text left of the 28 mm margin"
        assert max(w[2] for w in body) <= right + 1, f"page {number}: text beyond the 156 mm type area"
        # the page number "— n —", 7 mm below the type area, right on odd pages, left on even ones
        assert "".join(w[4] for w in folio).replace("—", "") == str(number)
        assert min(w[1] for w in folio) >= bottom + 5 * MM
        if number % 2:
            assert max(w[2] for w in folio) <= right and max(w[2] for w in folio) > right - 20 * MM
        else:
            assert min(w[0] for w in folio) >= left and min(w[0] for w in folio) < left + 20 * MM
    # the issuing office opens the first page, just below the top margin
    assert pages[0][0][4] == "测试市" and pages[0][0][1] < top + 15 * MM
    # the table header is repeated on every page the table runs over
    assert all(any(w[4] == "截止日期" for w in words) for words in pages[1:-1])


def test_the_synthetic_note_for_demo_data(leader, scenario, tmp_path, monkeypatch, poppler):
    fake_assessment(monkeypatch)
    Report.objects.filter(period=scenario["march"]).update(is_synthetic=True)
    content = _get_pdf(leader)
    text = pdf_text(content, tmp_path)
    assert "The reports of this period are synthetic demo data, not real figures." in " ".join(text.split())
    assert text.index("synthetic demo data") < text.index("1. Summary")
    # the published red/black lists fill their table
    assert re.search(r"县区红黑榜 +2024-03 +red list +丙县 +92\.5", pdf_text(content, tmp_path, layout=True))


def test_the_cockpit_always_offers_the_pdf(leader, scenario):
    page = leader.get("/cockpit/?period=2024-03").content.decode()
    assert 'data-testid="bulletin-pdf" href="/cockpit/bulletin/2024-03.pdf?plan=test-plan"' in page
    assert not hasattr(bulletin, "soffice")  # LibreOffice is no longer used


def test_a_month_out_of_range_is_404(leader, scenario):
    assert leader.get("/cockpit/bulletin/2099-01.pdf").status_code == 404


def test_without_the_noto_fonts_the_pdf_uses_a_fallback_and_logs_it(scenario, users, caplog, monkeypatch):
    monkeypatch.setattr(
        bulletin,
        "FONTS",
        {"serif": ("Jingjin Missing Serif", "serif"), "sans": ("Jingjin Missing Sans", "sans-serif")},
    )
    with translation.override("zh-hans"):
        data = cockpit(user=users["leader"], period=scenario["march"])
        with caplog.at_level(logging.WARNING, logger="jingjin.dashboard.bulletin"):
            content = bulletin.pdf_bytes(data)
    assert content.startswith(b"%PDF-")
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("'Jingjin Missing Serif' is not installed" in m and "fonts-noto-cjk" in m for m in messages)
    assert any("'Jingjin Missing Sans' is not installed" in m for m in messages)


def test_the_issuing_office_is_the_plan_offices_unit(scenario, users, loaded_plan):
    assert issuing_office(loaded_plan) == "Test City"
    users["office"].is_active = False
    users["office"].save()
    assert issuing_office(loaded_plan) == "测试市"  # the plan's city
    assert issuing_office(None) == ""


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (99, "九十九")],
)
def test_chinese_numbers(n, text):
    assert bulletin.chinese_number(n) == text
    assert bulletin.section_number(n, english=False) == f"{text}、"
    assert bulletin.table_number(n, english=False) == f"（{text}）"
    assert bulletin.section_number(n, english=True) == f"{n}. "


@pytest.mark.parametrize("n", [0, 100, -1])
def test_chinese_numbers_out_of_range(n):
    with pytest.raises(ValueError):
        bulletin.chinese_number(n)
