"""The small markdown both platforms render in chat, turned into safe HTML for the console.

Everything is escaped first; only what the platforms' chat markdown offers is then given back:
headings, **bold**, `code`, [links](http…), pictures ![name](http…) (inline, with a download link), quotes,
list bullets, line breaks, WeCom's ``<font color="info|comment|warning">`` and ``<@userid>`` mentions,
DingTalk's ``@userid``.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

__all__ = ["markdown_html"]

_FONT = re.compile(r"&lt;font color=&quot;(\w+)&quot;&gt;(.*?)&lt;/font&gt;")
_MENTION = re.compile(r"&lt;@([\w.\-@]+)&gt;")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_IMAGE = re.compile(r"!\[([^\]]*)\]\((https?://[^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_PICTURE = (r'<span class="md-pic"><a class="pic-link" href="\2" target="_blank" rel="noopener noreferrer">'
            r'<img class="pic" src="\2" alt="\1" loading="lazy"></a>'
            r'<a class="file-download" href="\2" download="\1">下载图片</a></span>')
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def markdown_html(text: str) -> Markup:
    """Safe HTML for ``text`` written in chat markdown."""
    lines = []
    for raw in str(text or "").split("\n"):
        line = html.escape(raw, quote=True)
        line = _FONT.sub(r'<span class="md-\1">\2</span>', line)
        line = _MENTION.sub(r'<span class="md-at">@\1</span>', line)
        line = _IMAGE.sub(_PICTURE, line)  # DingTalk's pictures: ![name](http…)
        line = _LINK.sub(r'<a href="\2" target="_blank" rel="noopener noreferrer">\1</a>', line)
        line = _BOLD.sub(r"<strong>\1</strong>", line)
        line = _CODE.sub(r"<code>\1</code>", line)
        heading = _HEADING.match(line)
        if heading:
            line = f'<strong class="md-h">{heading.group(1)}</strong>'
        elif line.startswith("&gt; "):
            line = f'<span class="md-quote">{line[5:]}</span>'
        elif line.startswith(("- ", "* ")):
            line = "• " + line[2:]
        lines.append(line)
    return Markup("<br>".join(lines))
