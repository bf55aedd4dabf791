"""The GB/T 9704-2012 layout checked on the generated files: the Word file's page size, margins,
title paragraph (place, alignment, size) and number; the PDF's MediaBox and the positions of its
texts (``pdftotext -bbox``, poppler-utils)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from jingjin.documents import layout

MM = 72 / 25.4  # points per millimetre
PAGE = layout.Page(
    issuer="示例市督查考核办公室",
    number=layout.document_number("示督", 2023, 7),
    title="关于督办“示例事项”的函",
    addressee="示例局",
    paragraphs=["根据工作安排，现将事项交由你单位办理。" * 3, "请于2023年10月31日前办结。"],
    signature="示例市督查考核办公室",
    day=date(2023, 10, 15),
    copy_to="示例市委办公室",
    printer="示例市督查考核办公室",
)


def test_the_number_has_the_form_of_the_standard() -> None:
    assert layout.document_number("遂督", 2023, 7) == "遂督〔2023〕7号"
    assert layout.NUMBER_PATTERN.match("遂督〔2023〕7号")
    for wrong in ("遂督[2023]7号", "遂督〔2023〕07号", "遂督〔23〕7号", "遂督〔2023〕7"):
        assert not layout.NUMBER_PATTERN.match(wrong), wrong
    assert layout.date_text(date(2023, 1, 5)) == "2023年1月5日"


def test_the_word_file_has_the_page_margins_and_title_of_the_standard() -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document(io.BytesIO(layout.docx_bytes(PAGE)))
    section = document.sections[0]

    def mm(length: Any) -> float:
        return round(length / 36000, 1)  # EMU → mm; Word keeps twips (1/1440 inch)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37.0, 35.0)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28.0, 26.0)
    # the type area: 156 mm × 225 mm
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156.0
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225.0
    texts = [p.text for p in document.paragraphs]
    issuer, number, title = (texts.index(t) for t in (PAGE.issuer, PAGE.number, PAGE.title))
    assert issuer == 0 and issuer < number < title
    assert layout.NUMBER_PATTERN.match(document.paragraphs[number].text)
    # the red separator lies between the number and the title
    between = document.paragraphs[number + 1 : title]
    assert any("w:pBdr" in p._p.xml and layout.RED in p._p.xml for p in between)
    heading = document.paragraphs[title]
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.paragraphs[number].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {run.font.size.pt for run in heading.runs} == {22.0}  # 2号
    assert str(document.paragraphs[issuer].runs[0].font.color.rgb) == layout.RED
    body = document.paragraphs[texts.index(PAGE.paragraphs[0])]
    assert {run.font.size.pt for run in body.runs} == {16.0}  # 3号
    assert body.paragraph_format.first_line_indent.pt == 32.0  # two characters
    assert texts[-2] == "抄送：示例市委办公室。"
    assert texts[-1].endswith("2023年10月15日印发")
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [(unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in word.finditer(html)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_has_the_page_margins_and_title_of_the_standard(tmp_path: Path) -> None:
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(layout.pdf_bytes(PAGE))
    info = subprocess.run(["pdfinfo", "-box", str(pdf)], capture_output=True, check=True, text=True).stdout
    media = re.search(r"MediaBox:\s+0\.00\s+0\.00\s+([\d.]+)\s+([\d.]+)", info)
    assert media is not None, info
    assert abs(float(media.group(1)) - 210 * MM) < 0.5 and abs(float(media.group(2)) - 297 * MM) < 0.5
    words = _words(pdf)
    left, right = 28 * MM, (210 - 26) * MM
    centre = (left + right) / 2
    found: dict[str, tuple[float, float, float, float]] = {}
    for text, *box in words:
        found.setdefault(text, (box[0], box[1], box[2], box[3]))  # the first place a text is printed
    for text in (PAGE.issuer, PAGE.number, PAGE.title):
        x0, _y0, x1, _y1 = found[text]
        assert abs((x0 + x1) / 2 - centre) < 2, text  # centred on the type area
    assert found[PAGE.issuer][1] < found[PAGE.number][1] < found[PAGE.title][1]
    # the number two lines (58 pt) and more below the mark; the title below the number
    assert found[PAGE.number][1] - found[PAGE.issuer][3] >= 50
    # the text starts at the top margin and the left margin, and never passes the right one
    assert (
        min(y0 for _t, _x0, y0, _x1, _y1 in words) >= 37 * MM - 6
    )  # a line's ascent above the first baseline
    assert abs(found[f"{PAGE.addressee}："][0] - left) < 0.5
    assert all(x0 >= left - 0.5 and x1 <= right + 0.5 for _t, x0, _y0, x1, _y1 in words)
    # the first line of a paragraph is indented by two characters of 16 pt
    first = next(x0 for text, x0, *_ in words if text.startswith("根据工作安排"))
    assert abs(first - (left + 32)) < 0.5
    # the page number "— 1 —" below the type area (7 mm), right on the first (odd) page
    dash = [w for w in words if w[0] == "—"]
    assert dash and min(w[2] for w in dash) >= (297 - 35) * MM + 5 * MM
    assert max(w[3] for w in dash) <= right


def test_the_imprint_of_the_word_file_is_framed_at_the_foot_of_the_type_area() -> None:
    """版记 (GB/T 9704-2012 7.4): the 抄送 and 印发 lines end the document, in one frame anchored
    to the bottom of the type area, as wide as it; the schema order of the properties is kept."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(layout.docx_bytes(PAGE)))
    *_, cc, printed = document.paragraphs
    for paragraph in (cc, printed):
        properties = paragraph._p.pPr
        frame = properties.find(qn("w:framePr"))
        assert frame is not None, paragraph.text
        assert (frame.get(qn("w:vAnchor")), frame.get(qn("w:yAlign"))) == ("margin", "bottom")
        assert frame.get(qn("w:hAnchor")) == "margin"
        assert int(frame.get(qn("w:w"))) == round(156 / 25.4 * 1440)  # the type area, in twips
        tags = [child.tag.split("}")[1] for child in properties]
        assert tags.index("framePr") < tags.index("pBdr") < tags.index("spacing")
        assert len(properties.findall(qn("w:pBdr"))) == 1
    borders = printed._p.pPr.find(qn("w:pBdr"))
    assert [b.tag.split("}")[1] for b in borders] == ["top", "bottom"]
    # the body is not framed
    assert all(p._p.pPr is None or p._p.pPr.find(qn("w:framePr")) is None for p in document.paragraphs[:-2])


def _page_words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [
        [(unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in word.finditer(page)]
        for page in html.split("<page ")[1:]
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("paragraphs", [1, 12])
def test_the_imprint_of_the_pdf_is_at_the_foot_of_the_last_page(tmp_path: Path, paragraphs: int) -> None:
    """On a one-page and a three-page document: 抄送 and 印发 only on the last page, in its lowest
    lines, ending at the bottom of the type area (262 mm), below the signature."""
    from dataclasses import replace

    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(layout.pdf_bytes(replace(PAGE, paragraphs=PAGE.paragraphs[:1] * paragraphs)))
    pages = _page_words(pdf)
    assert (len(pages) > 1) == (paragraphs > 1)
    bottom = (297 - 35) * MM
    for number, words in enumerate(pages, start=1):
        imprint = [w for w in words if w[0].startswith("抄送") or w[0].endswith("印发")]
        if number < len(pages):
            assert not imprint
            continue
        assert len(imprint) == 2
        printed = next(w for w in imprint if w[0].endswith("印发"))
        assert bottom - 30 < printed[4] < bottom  # the last line of the type area
        body = [w for w in words if w not in imprint and w[4] < bottom and w[0] != PAGE.printer]
        assert all(w[4] <= min(i[2] for i in imprint) for w in body)  # nothing below it but the rule
