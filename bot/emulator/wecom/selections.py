"""Choices on a template card: the questions a card asks (``button_selection``, ``checkbox``,
``select_list``), checking what a person picked, and the ``SelectedItems`` a click carries
(XML for the app, JSON for the smart bot).
"""

from __future__ import annotations

from bot.emulator.wecom.callbacks import cdata


class SelectionError(ValueError):
    """A choice the card does not offer."""


def questions(card: dict) -> dict[str, set[str]]:
    """question_key → option ids the card offers."""
    found = []
    for name in ("button_selection", "checkbox"):
        if isinstance(card.get(name), dict):
            found.append(card[name])
    found.extend(q for q in card.get("select_list") or [] if isinstance(q, dict))
    return {q.get("question_key", ""): {str(o.get("id")) for o in q.get("option_list") or []} for q in found}


def check(card: dict, selected: dict[str, list[str]]) -> None:
    """Raise SelectionError unless every question and option in ``selected`` is on ``card``."""
    offered = questions(card)
    for key, options in selected.items():
        if key not in offered:
            raise SelectionError(f"the card asks no question {key!r} (asks: {sorted(offered)})")
        missing = [o for o in options if o not in offered[key]]
        if missing:
            raise SelectionError(f"question {key!r} offers no option {missing}")


def as_xml(selected: dict[str, list[str]]) -> str:
    """``<SelectedItem>`` elements (the content of ``<SelectedItems>``)."""
    items = []
    for key, options in selected.items():
        ids = "".join(f"<OptionId>{cdata(o)}</OptionId>" for o in options)
        question = f"<QuestionKey>{cdata(key)}</QuestionKey>"
        items.append(f"<SelectedItem>{question}<OptionIds>{ids}</OptionIds></SelectedItem>")
    return "".join(items)


def as_json(selected: dict[str, list[str]]) -> dict:
    """The smart bot's ``selected_items`` object."""
    return {"selected_item": [{"question_key": k, "option_ids": {"option_id": list(v)}} for k, v in selected.items()]}
