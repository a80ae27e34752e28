"""Every dialog that waits for a person says, when it times out, which case and which step it was and how to
resume it (issue 19, item 8): its ``expiry_notice`` names the case (or, for 转办 which has none yet, the step)
and the command to send again. A dialog that never waits (intake's: no states) needs none."""

from __future__ import annotations

import re

import pytest

from handlers.registry import dialogs, load_router

load_router()  # imports every handler module, so every dialog is declared
NUMBER = "YQ-2026-0007"
# what a dialog may hold when it expires: the case by its number (or by id, with the number beside it)
DATA = {"case": NUMBER, "number": NUMBER, "a": 1, "d": 1, "kind": "initial", "grade": 4, "source": "省局"}
WAITING = sorted(name for name, conversation in dialogs.items() if conversation.states)


def test_the_dialogs_that_wait_are_all_here():
    assert {"report", "grade_case", "return_case", "assign_units", "transfer"} <= set(WAITING)


@pytest.mark.parametrize("name", WAITING)
def test_an_expired_dialog_names_the_case_or_step_and_how_to_resume(name):
    conversation = dialogs[name]
    assert conversation.expiry_notice is not None, f"{name}: no expiry notice (the generic one names nothing)"
    text = conversation.expiry_notice(dict(DATA))
    resume = re.search(r"请重新发送“([^”]+)”", text)
    assert resume, text                                                          # how to resume
    if name == "transfer":
        assert "停在“转办单编号”" in text, text       # no case yet: the step it stopped at (the source was given)
    elif name == "drill_start":
        assert "停在“确认开始”" in text, text          # no case until confirmed: the step and the scenario
    else:
        assert text.index(NUMBER) < resume.start() and NUMBER in resume.group(1), text  # the case, and in the command
