"""A case's dossier as documents (issue 24): ``render(dossier, fmt)`` gives a Word file, Markdown or the JSON itself.

The dossier is plain data (``bot.store.dossier.read_dossier``); this package never reads the store. Markdown and
Word draw the same sections (:mod:`bot.archive.sections`), so both say the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.archive.markdown import markdown
from bot.archive.sections import TITLE, exported_at, sections

__all__ = ["FORMATS", "Document", "document_name", "render"]

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "md": "text/markdown; charset=utf-8", "json": "application/json"}
ARCHIVE = "舆情处置档案"


@dataclass(frozen=True)
class Document:
    """A rendered document: its file name, MIME type and bytes."""

    name: str
    mime: str
    content: bytes


def document_name(number: str, fmt: str) -> str:
    """``YQ-2026-0001-舆情处置档案.docx``."""
    return f"{number}-{ARCHIVE}.{fmt}"


def render(dossier: dict, fmt: str) -> Document:
    """The dossier as a ``docx``, ``md`` or ``json`` document. Raises ValueError for any other format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (docx, md or json)")
    number = dossier["case"]["number"]
    if fmt == "json":
        content = json.dumps(dossier, ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "md":
        content = markdown(sections(dossier)).encode("utf-8")
    else:
        from bot.archive.word import word  # python-docx (and lxml) only when a Word file is made: the worker stays lean

        author = (dossier.get("bureau") or {}).get("name") or ""
        content = word(sections(dossier), f"{number} {TITLE}", author, exported_at(dossier))
    return Document(document_name(number, fmt), FORMATS[fmt], content)
