"""Read a card as the bureau's people do: render it through the real templates for every form a person sees
and turn each into the lines that show on the phone (markup gone, one entry per visible line).

The forms: the WeCom 1:1 message (a template card, or markdown for a kind without one), the WeCom group's
markdown, the plain text a WeChat-plugin reader gets, the DingTalk markdown message and the DingTalk
interactive card. DingTalk's markdown is read twice (docs/platform-dingtalk.md, "Line breaks"): as the demo
console shows it (every newline a break) and as a client that follows CommonMark does (a single newline is a
space unless the line ends with two spaces, a blank line or a block starts) — both must show the same lines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.core.card import Card
from bot.platforms.render import render_json
from bot.platforms.wecom.bodies import Bodies

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
_BLOCK = re.compile(r"^(#{1,6} |> |- |\* |\d+\. )")


def visible(markdown: str) -> list[str]:
    """The lines of chat markdown as they show: no heading marks, bold, quote or list marks, no blank lines."""
    out = []
    for line in markdown.split("\n"):
        line = re.sub(r"^#{1,6} ", "", line.rstrip())
        line = re.sub(r"^> ?", "", line).replace("**", "")
        line = re.sub(r"^[-*] ", "• ", line).strip()
        if line:
            out.append(line)
    return out


def strict_breaks(markdown: str) -> str:
    """``markdown`` with the line breaks a CommonMark client keeps: a single newline after a line that does not
    end with two spaces becomes a space, unless the next line is blank or starts a block (heading, quote, list)."""
    lines = markdown.split("\n")
    out = [lines[0]] if lines else []
    for line in lines[1:]:
        before = out[-1]
        if before.endswith("  ") or not before.strip() or not line.strip() or _BLOCK.match(line.lstrip()) \
                or before.lstrip().startswith("#"):
            out.append(line)
        else:
            out[-1] = before + " " + line.strip()
    return "\n".join(out)


def _wecom_card(body: dict) -> list[str]:
    card = body["template_card"]
    lines = [card["main_title"].get("title", ""), card["main_title"].get("desc", "")]
    lines += card.get("sub_title_text", "").split("\n")
    lines += [f"{row['keyname']}：{row.get('value', '')}" for row in card.get("horizontal_content_list", [])]
    lines += [b["text"] for b in card.get("button_list", [])]
    return [line.strip() for line in lines if line and line.strip()]


def forms(card: Card) -> dict[str, list[str]]:
    """Each form's visible lines, by form name."""
    bodies = Bodies(TEMPLATES)
    out = {}
    one = bodies.pieces(card, "yq_read1", cards=True, plain=False)[0]
    kind = one["msgtype"]
    out["wecom 1:1"] = _wecom_card(one) if kind == "template_card" else visible(one[kind]["content"])
    group = bodies.pieces(card, "yq_read2", cards=False, plain=False)
    out["wecom group"] = [line for piece in group for line in visible(piece[piece["msgtype"]]["content"])]
    plain = bodies.pieces(card, "yq_read3", cards=True, plain=True)
    out["text"] = [line.strip() for piece in plain for line in piece["text"]["content"].split("\n") if line.strip()]
    dingtalk = render_json(TEMPLATES, "dingtalk", card)
    md = dingtalk["markdown"]["text"]
    out["dingtalk markdown"] = visible(md)
    out["dingtalk markdown (CommonMark)"] = visible(strict_breaks(md))
    params = dingtalk["card"]
    lines = [params["title"], *(f"{f['label']}：{f['value']}" for f in json.loads(params["facts"]))]
    lines += visible(params["body"]) + [b["text"] for b in json.loads(params["btns"])] + [params["status"]]
    out["dingtalk card"] = [line for line in lines if line]
    return out


def preview(card: Card) -> str:
    """What DingTalk shows of the markdown message in the notification and the chat list (its ``title``)."""
    return render_json(TEMPLATES, "dingtalk", card)["markdown"]["title"]


def runs_together(lines: list[str]) -> list[str]:
    """Lines that hold more than one thing: a second list item, a second 回复“…”, a count glued to the next."""
    glued = re.compile(r".· |”回复“|[件项条]\s*(新增|在办|已超时|迟报|按)")
    return [line for line in lines if glued.search(line)]
