"""An escalation card names the desk as the org file names it, never by a name written in code."""

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.clock import UTC
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Duty
from tests.unit.domain.sample_org import make_org
from worker.escalation import step_card

DUE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
CASE = {"number": "YQ-2026-0001", "title": "某超市销售过期食品", "drill": False}


def roles_read(org, notify=("desk", "main_leader")) -> str:
    duty = Duty(1, DutyKind.INITIAL_REPORT, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {}, owner_unit="u-food")
    return step_card("escalation", CASE, duty, Alarm(DUE + timedelta(hours=1), False, notify), org).data["roles"]


def test_the_desk_role_reads_as_the_desk_units_name():
    org = make_org()
    assert roles_read(org) == "综合应急和新闻宣传科、主要领导"
    renamed = replace(org, units={**org.units, "u-desk": replace(org.units["u-desk"], name="舆情办")})
    assert roles_read(renamed) == "舆情办、主要领导"
    assert roles_read(renamed, ("unit_head", "leader_in_charge")) == "食品生产安全监督管理科负责人、分管局领导"
