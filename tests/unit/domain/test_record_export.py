"""``record_export`` (issue 24): every export of a case is on its timeline, who and in which format."""

from bot.domain.case import commands as cases
from bot.domain.case.secrecy import record_export
from bot.domain.case.timeline import first_broken
from bot.domain.records import Actor


def test_the_command_line_and_a_person_export(store, rules, clock):
    case = cases.open_case(store, rules, Actor("p-li", "wecom"), clock.now(), title="某超市销售过期食品").case
    cli = record_export(store, rules, case.id, "cli:" + "x" * 100, "cli", "json", clock.now()).entry
    assert (cli.action, cli.actor, cli.role, cli.platform) == ("case.exported", "cli:" + "x" * 60, "cli", "cli")
    assert cli.payload["format"] == "json"
    chat = record_export(store, rules, case.id, "p-li", "dingtalk", "docx", clock.now()).entry
    assert (chat.actor, chat.role, chat.platform, chat.payload["format"]) == ("p-li", "desk", "dingtalk", "docx")
    assert first_broken(store.repo.timeline(case.id)) is None
