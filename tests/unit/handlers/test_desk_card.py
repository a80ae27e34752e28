"""The desk's intake card follows the response (issue 20, item 8): a 口径 submitted, a leader's 同意 and a
publication each bring its 回应 section up to date where the card can change in place (handlers/desk_card.py)."""

from __future__ import annotations

import pytest

from bot.core.card_copies import CardCopy
from bot.domain.grade import Grade
from handlers.case_lookup import current_intake_card
from tests.unit.handlers.response_world import ResponseWorld

SCRIPT = "经核查，涉事门店已下架全部过期食品，执法人员已立案调查，将依法从严处理。"


@pytest.fixture
def world(sqlite_database):
    return ResponseWorld(sqlite_database)


def desk_copy(world, case) -> None:
    """The desk's intake card as 李干事 (DingTalk) holds it after 分派: a copy the worker can update in place."""
    card = current_intake_card(world.ctx("p-li"), case.id).to_dict()
    assert any(b.get("action") == "intake.units" for b in card["buttons"]), "the 改派/分派 buttons it carries"
    world.copies.rows.append((case.id, CardCopy(900, "dingtalk", "person", {"user_id": "0524"}, card,
                                                {"card_id": "yq-intake"}, True)))


def desk_updates(replies) -> list[str]:
    """The updates of the desk's copy among ``replies``, as the text they carry."""
    return [str(r.card.data) for r in replies if r.to is not None and r.to.kind == "card" and r.to.id == "900"]


def test_the_desk_card_shows_the_script_pending_then_approved(world):
    case = world.open(Grade.MAJOR).case
    world.assign(case.id, "u-foodsale")
    world.act("p-wei", text=f"签收 {case.number}")
    desk_copy(world, case)

    world.act("p-wei", text=f"口径 {case.number}")
    world.act("p-wei", text=SCRIPT)
    [pending] = desk_updates(world.act("p-wei", text="确认"))
    assert "口径：待审定 v1" in pending

    world.act("p-qian", text=f"审定 {case.number} v1")
    [approved] = desk_updates(world.act("p-wu", text=f"审定 {case.number} v1"))
    assert "口径：已审定 v1" in approved
