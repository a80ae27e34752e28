"""The archive's sections as a Word file (python-docx), with a government file's look: A4 with the official margins,
the title centred in 方正小标宋简体 (Word falls back to 宋体 where it is missing: the font table says so), section
headings in 黑体, the body in 仿宋, tables in a grid, page numbers in the footer.

Every run names its East-Asian font (``w:rFonts/@w:eastAsia``), and so do the styles, or Word would show the
Chinese in its default font. The bytes are deterministic: the same dossier gives the same file (fixed document
properties from the dossier, fixed times in the zip).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bot.archive.model import Paragraph, Section, Subheading, Table

__all__ = ["BODY_FONT", "HEADING_FONT", "TITLE_FONT", "word"]

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
TITLE_SIZE, HEADING_SIZE, SUBHEADING_SIZE, BODY_SIZE, TABLE_SIZE = Pt(18), Pt(16), Pt(14), Pt(14), Pt(10.5)
RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
TEXT_WIDTH = Mm(210 - 28 - 26)  # A4 less the left and right margins
SHORT, WIDEST, FLEX_FLOOR, PAD = 20, 60, 16, 4  # column widths in Latin characters (module's _column_widths)
SMALL_TABLE = Pt(9)  # a table of six columns or more (the timeline, the duties) in 小五
HEADER_FILL = "E7E6E6"


def _fonts(r_pr, east_asia: str) -> None:
    """Name ``east_asia`` for Chinese and Times New Roman for Latin text in a run's (or style's) properties."""
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _run(paragraph, text: str, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = size, bold
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._element.get_or_add_rPr(), font)
    return run


def _style(doc, name: str, font: str, size, bold: bool = False) -> None:
    style = doc.styles[name]
    style.font.size, style.font.bold, style.font.italic = size, bold, False
    style.font.color.rgb = BLACK
    _fonts(style.element.get_or_add_rPr(), font)


def _page(doc) -> None:
    sec = doc.sections[0]
    sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", size=Pt(12))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    number.append(r_pr)
    _fonts(r_pr, BODY_FONT)
    r_pr.get_or_add_sz().val = Pt(12)
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    footer._p.append(field)
    _run(footer, " —", size=Pt(12))


def _font_fallback(doc) -> None:
    """Tell Word to show 方正小标宋简体 as 宋体 where it is not installed (an ``altName`` in the font table)."""
    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    table = parse_xml(part.blob)
    font = OxmlElement("w:font")
    font.set(qn("w:name"), TITLE_FONT)
    for tag, value in (("w:altName", TITLE_FALLBACK), ("w:charset", "86"), ("w:family", "auto"),
                       ("w:pitch", "variable")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        font.append(el)
    table.append(font)
    part._blob = serialize_part_xml(table)


def _title(doc, s: Section) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, s.heading, TITLE_FONT, TITLE_SIZE, bold=True)
    for block in s.blocks:
        if isinstance(block, Paragraph):
            line = doc.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(line, block.text, BODY_FONT if not block.strong else HEADING_FONT, BODY_SIZE)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _width(text: str) -> int:
    """How wide a text reads: a Chinese character counts two, anything else one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _column_widths(t: Table, size) -> list[int]:
    """Each column's width (EMU): a short column (a 序号, a time, a name) as wide as its longest cell, so it does
    not wrap; the long ones share what is left in proportion to their text, each at least :data:`FLEX_FLOOR`."""
    half = size / 2  # a Latin character's width; a Chinese one is two
    room = TEXT_WIDTH / half
    want = [max([_width(h)] + [_width(row[i]) for row in t.rows]) + PAD for i, h in enumerate(t.headers)]
    short = [w if w <= SHORT else 0 for w in want]
    flex = [min(w, WIDEST) if w > SHORT else 0 for w in want]
    left = max(room - sum(short), FLEX_FLOOR * sum(1 for f in flex if f))
    units = [s or max(FLEX_FLOOR, left * f / sum(flex)) for s, f in zip(short, flex)]
    scale = room / sum(units)  # the table spans the text block
    return [int(u * scale * half) for u in units]


def _shade(cell) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", HEADER_FILL)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc, t: Table) -> None:
    size = SMALL_TABLE if len(t.headers) >= 6 else TABLE_SIZE
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style, table.alignment, table.autofit = doc.styles["Table Grid"], WD_TABLE_ALIGNMENT.CENTER, False
    for cell, text in zip(table.rows[0].cells, t.headers):
        _run(cell.paragraphs[0], text, HEADING_FONT, size, bold=True)
        _shade(cell)
    _repeat_header(table.rows[0])
    for row in t.rows:
        for cell, text in zip(table.add_row().cells, row):
            _run(cell.paragraphs[0], text, BODY_FONT, size)
    for column, width in zip(table.columns, _column_widths(t, size)):
        column.width = width
        for cell in column.cells:
            cell.width = width
    doc.add_paragraph()


def _section(doc, s: Section) -> None:
    heading = doc.add_paragraph(style="Heading 1")
    _run(heading, s.heading, HEADING_FONT, HEADING_SIZE)
    for block in s.blocks:
        if isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Subheading):
            _run(doc.add_paragraph(style="Heading 2"), block.text, HEADING_FONT, SUBHEADING_SIZE)
        else:
            p = doc.add_paragraph()
            _run(p, block.text, HEADING_FONT if block.alert else BODY_FONT, BODY_SIZE,
                 bold=block.strong or block.alert, color=RED if block.alert else None)


def _deterministic(content: bytes) -> bytes:
    """The same package with every member's time fixed, so the same dossier gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def word(sections: list[Section], title: str, author: str, at: datetime) -> bytes:
    """The sections as a .docx (bytes); ``title``, ``author`` and ``at`` go into the document's properties."""
    doc = new_document()
    _page(doc)
    _font_fallback(doc)
    _style(doc, "Normal", BODY_FONT, BODY_SIZE)
    _style(doc, "Heading 1", HEADING_FONT, HEADING_SIZE)
    _style(doc, "Heading 2", HEADING_FONT, SUBHEADING_SIZE)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = at.replace(tzinfo=None, microsecond=0)
    props.revision = 1
    for s in sections:
        (_title if s.level == 0 else _section)(doc, s)
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic(buf.getvalue())
