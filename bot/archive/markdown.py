"""The archive's sections as Markdown: ``#`` the title, ``##`` each section, ``###`` a subheading, pipe tables."""

from __future__ import annotations

from bot.archive.model import Paragraph, Section, Subheading, Table

__all__ = ["markdown"]


def _cell(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _paragraph(p: Paragraph) -> str:
    text = (p.text or "").replace("\r\n", "\n").replace("\n", "  \n")
    return f"**{text}**" if (p.strong or p.alert) and text else text


def _table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in t.headers) + " |", "|" + "|".join("---" for _ in t.headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return lines


def _section(s: Section) -> list[str]:
    out = [f"{'#' * (s.level + 1)} {s.heading}", ""]
    for block in s.blocks:
        if isinstance(block, Table):
            out += _table(block)
        elif isinstance(block, Subheading):
            out.append(f"### {block.text}")
        else:
            out.append(_paragraph(block))
        out.append("")
    return out


def markdown(sections: list[Section]) -> str:
    """The whole document as Markdown text (ends with a newline)."""
    lines = [line for s in sections for line in _section(s)]
    return "\n".join(lines).rstrip() + "\n"
