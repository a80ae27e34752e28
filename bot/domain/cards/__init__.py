"""Card view-models: what each card kind shows, built from domain records (no platform, no template).

One typed data shape per kind (:mod:`.shapes`); the builders by kind: the case cards' shared view-model and
the unit's card (:mod:`.case_card`), the desk's cards (:mod:`.desk_card`), leaders' bulletins
(:mod:`.bulletin`), dialogs' prompts (:mod:`.prompt_card`), intake's cards (:mod:`.intake_card`), 我的待办
(:mod:`.duties_card`), the response's 口径审定 / 方案审批 / 同意报送 and the unit's notice of a decision
(:mod:`.response_cards`) and the 回应 section of the status and desk cards (:mod:`.response_section`).
The words they use for times, time left and grade colours are :mod:`bot.domain.words`.
"""

from bot.core.card import Card
from bot.domain.cards.shapes import SHAPES, CardData, Fact, NoticeData

__all__ = ["SHAPES", "CardData", "Fact", "NoticeData", "notice"]


def notice(text: str) -> Card:
    """A plain notice (kind ``notice``)."""
    return NoticeData(text).card()
