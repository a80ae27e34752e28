"""The archive's tiny document model: a section is a heading and blocks — paragraphs, subheadings, tables of text.
The Markdown and the Word renderer both draw exactly these, so the two documents say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Block", "NONE", "Paragraph", "Section", "Subheading", "Table", "section", "table"]

NONE = "无"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; ``strong`` bold; ``alert`` bold red (a warning the reader must not miss)."""

    text: str
    strong: bool = False
    alert: bool = False


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section (one script version, one report)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table: its header row and its rows, all text."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Subheading | Table


@dataclass(frozen=True)
class Section:
    """One part of the document: its heading and blocks. ``level`` 0 is the document's title."""

    heading: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    level: int = 1


def section(heading: str, blocks: list[Block]) -> Section:
    """A section; 「无」 when it has no blocks."""
    return Section(heading, tuple(blocks) if blocks else (Paragraph(NONE),))


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[Block]:
    """A table as a section's blocks; none when there are no rows (the section then says 「无」)."""
    return [Table(headers, tuple(rows))] if rows else []
