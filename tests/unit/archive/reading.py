"""Reading a rendered archive back, as a reader would: the .docx through python-docx, the Markdown as text."""

from __future__ import annotations

import re
from io import BytesIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph


def word_blocks(content: bytes) -> list[tuple[str, object]]:
    """The .docx body in order: ("h1"|"h2"|"p", text) for paragraphs, ("table", [[cell text, …], …]) for tables."""
    document = docx.Document(BytesIO(content))
    out: list[tuple[str, object]] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            p = Paragraph(child, document)
            kind = {"Heading 1": "h1", "Heading 2": "h2"}.get(p.style.name, "p")
            if p.text:
                out.append((kind, p.text))
        elif child.tag.endswith("}tbl"):
            out.append(("table", [[c.text for c in row.cells] for row in Table(child, document).rows]))
    return out


def by_section(blocks: list[tuple[str, object]]) -> dict[str, list[tuple[str, object]]]:
    """The blocks under each section heading (h1), by heading."""
    out: dict[str, list] = {}
    current = None
    for kind, value in blocks:
        if kind == "h1":
            current = out.setdefault(str(value), [])
        elif current is not None:
            current.append((kind, value))
    return out


def tables(blocks) -> list[list[list[str]]]:
    """The tables among ``blocks``."""
    return [value for kind, value in blocks if kind == "table"]


def texts(blocks) -> list[str]:
    """The paragraphs' and subheadings' text among ``blocks``."""
    return [str(value) for kind, value in blocks if kind != "table"]


def markdown_sections(text: str) -> list[str]:
    """The ``##`` headings of the Markdown, in order."""
    return re.findall(r"^## (.+)$", text, flags=re.M)
