"""A case walked through the whole response with the real domain commands, for the archive's tests (issue 24):
part A's ``rich_case`` (opened, seen again, raised to 重大, assigned, acknowledged, 初报, 口径 approved by both
leaders), then a response plan returned once and approved in v2, a publication, a 督办 answered, 跟踪, 平息, and
the unit's evaluation accepted by the desk."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.domain.case import evaluation, progress, supervision
from bot.domain.records import Actor
from bot.domain.response import decide_plan, publish, submit_plan
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import AssignmentRow, CaseRow
from bot.store.dossier import read_dossier
from tests.store.dossier_case import DESK, FOOD, NOW, WU, rich_case, rules

ZHAO = Actor("p-zhao", "wecom")
LATER = NOW + timedelta(hours=3)
EVALUATION = {"cause": "超市管理疏漏", "nature": "食品安全", "impact": "本地转发约两千次",
              "responsibility": "超市负责人", "lessons": "加强临期食品巡查"}


def walked_case(database, **kwargs) -> str:
    """Build the whole case; returns its number."""
    number = rich_case(database, **kwargs)
    with database.session() as session:
        case_id = session.scalar(select(CaseRow.id).where(CaseRow.number == number))
        assignment = session.scalar(select(AssignmentRow.id).where(AssignmentRow.case_id == case_id))
    store, r = SqlCaseStore(database), rules()
    at = iter(LATER + timedelta(minutes=5 * i, microseconds=i) for i in range(1, 50))
    submit_plan(store, r, case_id, "u-food", FOOD, next(at), "新闻通稿", "在门户网站发布情况通报。", "今日18时前")
    decide_plan(store, r, case_id, "u-food", 1, WU, next(at), approve=False, reason="请写明发布渠道的负责人")
    submit_plan(store, r, case_id, "u-food", FOOD, next(at), "新闻通稿", "由宣传科在门户网站发布情况通报。", "今日18时前")
    decide_plan(store, r, case_id, "u-food", 2, WU, next(at), approve=True)
    decide_plan(store, r, case_id, "u-food", 2, ZHAO, next(at), approve=True)
    published = next(at)
    result = publish(store, r, case_id, DESK, next(at), "门户网站", published, "https://www.example.gov.cn/t/1",
                     [("u-food", 1)], ("u-food", 2))
    assert result.accepted, result.refused
    supervision.supervise(store, r, case_id, "u-food", DESK, next(at), "请于今日报告下架进展。")
    supervision.answer_supervision(store, r, case_id, assignment, FOOD, next(at), "已全部下架，涉事批次封存。")
    progress.track(store, r, case_id, DESK, next(at), "舆情热度下降")
    progress.subside(store, r, case_id, DESK, next(at), "连续两日无新增")
    evaluation.submit_evaluation(store, r, case_id, assignment, FOOD, next(at), EVALUATION)
    evaluation.accept_evaluation(store, r, case_id, "u-food", DESK, next(at))
    return number


def dossier_of(database, number: str, now: datetime) -> dict:
    """The case's dossier as part A reads it."""
    with database.session() as session:
        return read_dossier(session, number, now=now)
