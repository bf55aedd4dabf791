"""The layout of an official document (公文) after GB/T 9704-2012 (党政机关公文格式), as Word
(.docx, python-docx) and PDF (WeasyPrint from HTML and CSS with ``@page``).

The standard's figures used here (sections 5 to 7 of GB/T 9704-2012):

- paper A4, 210 mm × 297 mm; top margin (天头) 37 mm, left margin (订口) 28 mm; type area (版心)
  156 mm × 225 mm, hence right margin 26 mm and bottom margin 35 mm;
- body text 3号仿宋 (16 pt), 22 lines of 28 characters: line spacing 225 mm / 22 ≈ 29 pt;
- 版头: the issuing office's mark (发文机关标志) in red 小标宋, centred; two blank lines below it the
  document number (发文字号) centred, the year in 〔〕 and the sequence followed by 号; 4 mm below the
  number a red separator line as wide as the type area;
- the title 2号小标宋 (22 pt), centred, one blank line below the separator;
- the addressee (主送机关) flush left one line below the title, then the body, each paragraph
  indented by two characters;
- the signature office and the date (成文日期) right, the date in Arabic figures;
- 版记: the 抄送 and 印发 lines in 4号仿宋 (14 pt), indented by one character, between rules, at
  the foot of the last page (its last rule on the bottom edge of the type area; 7.4);
- page numbers 4号 as ``— 1 —``, 7 mm below the type area, right on odd pages, left on even ones,
  one character from the edge.

The standard's fonts (方正小标宋, 仿宋_GB2312) are named first; Word substitutes what the machine
has; WeasyPrint falls back along :data:`FONTS` to the Noto CJK faces Debian ships.
Every text passes :func:`jingjin.core.exports.docx_text` / :func:`~jingjin.core.exports.clean_text`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from jingjin.core.exports import clean_text, docx_text

#: 发文字号: prefix, 〔year〕, sequence without leading zeros, 号
NUMBER_PATTERN = re.compile(r"^(?P<prefix>\S+)〔(?P<year>\d{4})〕(?P<sequence>[1-9]\d*)号$")

#: the page in millimetres (GB/T 9704-2012, 5.2)
PAGE_MM = {"width": 210.0, "height": 297.0, "top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
RED = "C00000"
#: font sizes in points: 初号 42, 小初 36, 2号 22, 3号 16, 4号 14
ISSUER_PT = 36.0
TITLE_PT = 22.0
BODY_PT = 16.0
NOTE_PT = 14.0
LINE_PT = 29.0

FONTS: dict[str, tuple[str, ...]] = {
    # 小标宋: the mark and the title
    "title": (
        "FZXiaoBiaoSong-B05S",
        "方正小标宋简体",
        "Noto Serif CJK SC",
        "Source Han Serif SC",
        "SimSun",
        "serif",
    ),
    # 仿宋: the body
    "body": (
        "FangSong_GB2312",
        "仿宋_GB2312",
        "FangSong",
        "Noto Serif CJK SC",
        "Source Han Serif SC",
        "serif",
    ),
}
DOCX_FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "latin": "Times New Roman"}

STYLESHEET = Path(__file__).resolve().parent / "static" / "jingjin" / "document-pdf.css"
#: the GB/T 9704-2012 page (A4, margins, page numbers, body text) shared by every such PDF
PAGE_STYLESHEET = Path(__file__).resolve().parents[1] / "core" / "static" / "jingjin" / "gbt9704-page.css"


def document_number(prefix: str, year: int, sequence: int) -> str:
    """``遂督〔2023〕7号`` from ``("遂督", 2023, 7)``."""
    return f"{prefix}〔{year}〕{sequence}号"


def content_disposition(pk: int, number: str, fmt: str) -> str:
    """The download header of a document's file: an ASCII name, and the number (Chinese, with
    〔〕) as the RFC 5987 name browsers show."""
    from urllib.parse import quote

    return f"attachment; filename=\"document-{pk}.{fmt}\"; filename*=UTF-8''{quote(number)}.{fmt}"


def date_text(day: date) -> str:
    """The date of a document in Arabic figures, without leading zeros (GB/T 9704-2012, 7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Page:
    """The texts of a document, ready to be laid out."""

    issuer: str
    number: str
    title: str
    addressee: str
    paragraphs: list[str]
    signature: str
    day: date
    copy_to: str = ""
    printer: str = ""
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Word


def _fonts(run: Any, east_asian: str, size: float, *, red: bool = False, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.size = Pt(size)
    run.font.name = DOCX_FONTS["latin"]
    run.font.bold = bold
    if red:
        run.font.color.rgb = RGBColor.from_string(RED)
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _rule(paragraph: Any, side: str, colour: str, size_eighths: int) -> None:
    """A border line on one side of a paragraph (the separator and the rules of the 版记)."""
    from docx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = _in_order(properties, properties.makeelement(qn("w:pBdr"), {}))
    line = borders.makeelement(
        qn(f"w:{side}"),
        {qn("w:val"): "single", qn("w:sz"): str(size_eighths), qn("w:space"): "1", qn("w:color"): colour},
    )
    borders.append(line)


#: the order of a paragraph's properties (ECMA-376 CT_PPr), as far as this module writes them
PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _in_order(properties: Any, element: Any) -> Any:
    """Put ``element`` into a paragraph's properties where the schema wants it (Word is strict)."""
    tag = element.tag.split("}")[1]
    successors = PPR_ORDER[PPR_ORDER.index(f"w:{tag}") + 1 :]
    properties.insert_element_before(element, *successors)
    return element


def _at_foot(paragraph: Any) -> None:
    """Place the paragraph in a frame at the foot of the type area (the 版记, GB/T 9704-2012 7.4):
    consecutive paragraphs with the same frame form one block, anchored to the bottom margin of
    the page they fall on — the last page, as they end the document."""
    from docx.oxml.ns import qn

    width = round((PAGE_MM["width"] - PAGE_MM["left"] - PAGE_MM["right"]) / 25.4 * 1440)  # twips
    properties = paragraph._p.get_or_add_pPr()
    frame = properties.makeelement(
        qn("w:framePr"),
        {
            qn("w:w"): str(width),
            qn("w:wrap"): "around",
            qn("w:vAnchor"): "margin",
            qn("w:hAnchor"): "margin",
            qn("w:xAlign"): "center",
            qn("w:yAlign"): "bottom",
        },
    )
    _in_order(properties, frame)


def _paragraph(
    document: Any, text: str, *, font: str, size: float, align: Any = None, indent: float = 0
) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(LINE_PT)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Pt(indent)
    if text:
        _fonts(paragraph.add_run(docx_text(text)), font, size)
    return paragraph


def _page_numbers(section: Any, document: Any) -> None:
    """``— 1 —`` in the footer: right on odd pages, left on even ones, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document.settings.odd_and_even_pages_header_footer = True
    section.footer_distance = Mm(PAGE_MM["bottom"] - 7 - 7)
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        if side == "right":
            paragraph.paragraph_format.right_indent = Pt(NOTE_PT)
        else:
            paragraph.paragraph_format.left_indent = Pt(NOTE_PT)
        _fonts(paragraph.add_run("— "), "宋体", NOTE_PT)
        run = paragraph.add_run()
        _fonts(run, "宋体", NOTE_PT)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind is not None:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)
        _fonts(paragraph.add_run(" —"), "宋体", NOTE_PT)


def docx_bytes(page: Page) -> bytes:
    """The document as a Word file in the GB/T 9704-2012 layout."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM["width"]), Mm(PAGE_MM["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE_MM["top"]), Mm(PAGE_MM["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE_MM["left"]), Mm(PAGE_MM["right"])
    _page_numbers(section, document)
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    title_font, body_font = DOCX_FONTS["title"], DOCX_FONTS["body"]
    issuer = _paragraph(document, "", font=title_font, size=ISSUER_PT, align=centre)
    issuer.paragraph_format.line_spacing = Pt(ISSUER_PT * 1.2)
    _fonts(issuer.add_run(docx_text(page.issuer)), title_font, ISSUER_PT, red=True)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    number = _paragraph(document, page.number, font=body_font, size=BODY_PT, align=centre)
    number.paragraph_format.space_after = Pt(Mm(4).pt)
    separator = _paragraph(document, "", font=body_font, size=4)
    separator.paragraph_format.line_spacing = Pt(4)
    _rule(separator, "top", RED, 12)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    title = _paragraph(document, page.title, font=title_font, size=TITLE_PT, align=centre)
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    if page.addressee:
        _paragraph(document, f"{page.addressee}：", font=body_font, size=BODY_PT)
    for text in [*page.paragraphs, *page.notes]:
        _paragraph(document, text, font=body_font, size=BODY_PT, indent=2 * BODY_PT)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    for text in (page.signature, date_text(page.day)):
        signed = _paragraph(document, text, font=body_font, size=BODY_PT, align=right)
        signed.paragraph_format.right_indent = Pt(4 * BODY_PT if text == page.signature else 2 * BODY_PT)
    _paragraph(document, "", font=body_font, size=BODY_PT)
    if page.copy_to:
        cc = _paragraph(document, f"抄送：{page.copy_to}。", font=body_font, size=NOTE_PT)
        cc.paragraph_format.left_indent = Pt(NOTE_PT)
        _rule(cc, "top", "000000", 4)
        _at_foot(cc)
    printed = _paragraph(
        document, f"{page.printer}\u3000\u3000{date_text(page.day)}印发", font=body_font, size=NOTE_PT
    )
    printed.paragraph_format.left_indent = Pt(NOTE_PT)
    _rule(printed, "top", "000000", 4)
    _rule(printed, "bottom", "000000", 8)
    _at_foot(printed)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF


def _chain(key: str) -> str:
    return ", ".join(f'"{name}"' for name in FONTS[key])


def pdf_html(page: Page) -> str:
    """The HTML page WeasyPrint prints (``documents/document_pdf.html``)."""
    return render_to_string(
        "documents/document_pdf.html",
        {
            "page": page,
            "day": date_text(page.day),
            "title_fonts": _chain("title"),
            "body_fonts": _chain("body"),
        },
    )


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: a document loads nothing (no network at run time)."""
    raise ValueError(f"a document loads no resources ({url})")


def pdf_bytes(page: Page) -> bytes:
    """The document as PDF in the GB/T 9704-2012 layout (WeasyPrint)."""
    import weasyprint

    html = clean_text(pdf_html(page))
    fonts = (
        f"body, .number, .addressee, .signature, .imprint {{ font-family: {_chain('body')}; }}\n"
        f".issuer, .title {{ font-family: {_chain('title')}; }}\n"
        f"@page {{ font-family: {_chain('body')}; }}\n"
    )
    document = weasyprint.HTML(string=html, url_fetcher=_refuse).render(
        stylesheets=[
            weasyprint.CSS(string=PAGE_STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_refuse),
            weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_refuse),
            weasyprint.CSS(string=fonts, url_fetcher=_refuse),
        ]
    )
    return bytes(document.write_pdf())
