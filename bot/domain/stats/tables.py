"""The tables and summary of a period's figures (issue 25), built from the rows the store read (:class:`Rows`).

Pure: every figure's definition is in docs/statistics.md; the classification is :mod:`bot.domain.stats.counting`.
Units are named as the org names them, in the org's order; a county's cases count under the county.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.org import Organisation
from bot.domain.case.lifecycle import CASE_LABELS, CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS
from bot.domain.records import Assignment, Case, Duty
from bot.domain.stats import counting as c
from bot.domain.stats.figures import Figures, Period, Table

__all__ = ["Rows", "build_figures", "unit_name"]

NO_UNIT = "未分派"
NO_SOURCE = "未注明"


@dataclass
class Rows:
    """What the store read for one period (drills already left out). ``at`` is the figures' moment: the period's
    end, or now for a period still running."""

    period: Period
    start: datetime
    end: datetime
    at: datetime
    cases: list[Case] = field(default_factory=list)
    grades: dict[int, Grade] = field(default_factory=dict)          # case id → highest grade reached by ``at``
    case_units: dict[int, list[str]] = field(default_factory=dict)  # case id → its units (a county case: the county)
    acks: list[Assignment] = field(default_factory=list)            # assignments acknowledged in the period
    duties: list[Duty] = field(default_factory=list)                # duties that belong to the period
    scripts: list[c.ApprovedScript] = field(default_factory=list)   # scripts approved in the period
    county: list[tuple[str, bool]] = field(default_factory=list)    # (county id, reported up at once) per case


def unit_name(org: Organisation, unit_id: str | None) -> str:
    """The unit's name in the org (its id if unknown)."""
    unit = org.units.get(unit_id) if unit_id else None
    return unit.name if unit else (unit_id or NO_UNIT)


def _ordered(org: Organisation, ids) -> list[str]:
    """The org's order, the counties after the city's units, unknown ids last."""
    order = {uid: (unit.kind == "county", i) for i, (uid, unit) in enumerate(org.units.items())}
    return sorted(set(ids), key=lambda uid: (order.get(uid, (True, len(order))), uid or ""))


def _case_tables(rows: Rows, org: Organisation) -> list[Table]:
    grades = Counter(rows.grades[case.id] for case in rows.cases)
    by_grade = tuple((g.label, grades[g]) for g in Grade)
    sources = Counter(case.source.strip() or NO_SOURCE for case in rows.cases)
    states = Counter(CaseState(case.state) for case in rows.cases)
    per_unit: dict[str, Counter] = {}
    for case in rows.cases:
        for uid in rows.case_units.get(case.id) or [None]:
            per_unit.setdefault(uid, Counter())[rows.grades[case.id]] += 1
    unit_rows = tuple((unit_name(org, uid), *(per_unit[uid][g] for g in Grade), sum(per_unit[uid].values()))
                      for uid in _ordered(org, per_unit))
    note = "本期立案的舆情（演练除外，涉密计入），等级取截至期末达到的最高等级"
    return [
        Table("cases_by_grade", "按等级统计案件", ("等级", "案件数"), by_grade, note),
        Table("cases_by_source", "按来源统计案件", ("来源", "案件数"),
              tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))), "本期立案的舆情，按立案时登记的来源"),
        Table("cases_by_outcome", "按状态统计案件", ("状态", "案件数"),
              tuple((CASE_LABELS[s], states[s]) for s in CaseState if states[s]), "本期立案的舆情，按统计时的状态"),
        Table("cases_by_unit", "按单位统计案件", ("单位", *(g.label for g in Grade), "合计"), unit_rows,
              note + "；一件分派多个单位的舆情每个单位各计一件，县局案件计入该县局"),
    ]


def _ack_table(rows: Rows, org: Organisation) -> Table:
    per_unit: dict[str, list[float]] = {}
    for a in rows.acks:
        per_unit.setdefault(a.unit_id, []).append(c.ack_minutes(a))
    body = tuple((unit_name(org, uid), len(per_unit[uid]), c.middle(per_unit[uid]), max(per_unit[uid]))
                 for uid in _ordered(org, per_unit))
    return Table("acknowledge_time", "签收用时", ("单位", "签收次数", "中位数（分钟）", "最长（分钟）"), body,
                 "本期签收的预警，从分派（预警）到签收的分钟数")


def _tally_rows(groups: dict, label) -> tuple:
    return tuple((*label(key), t.due, t.on_time, t.late, t.missed, t.open, t.rate) for key, t in groups.items())


def _unit_tally(rows: Rows, org: Organisation, which, key: str, title: str, columns: tuple, note: str) -> Table:
    """Duties picked by ``which``, tallied per owning unit (reports, 督办)."""
    groups = c.tally([d for d in rows.duties if which(d)], rows.at, lambda d: d.owner_unit)
    body = _tally_rows({uid: groups[uid] for uid in _ordered(org, groups)}, lambda uid: (unit_name(org, uid),))
    return Table(key, title, ("单位", *columns), body, note)


def _report_table(rows: Rows, org: Organisation) -> Table:
    return _unit_tally(rows, org, c.is_report, "reports", "报告按时情况", ("应报", "按时", "迟报", "漏报", "进行中", "按时率"),
                       "初报、续报、处置情况反馈：期内办结或期内到期的；按时率 = 按时 ÷（按时 + 迟报 + 漏报）")


def _deadline_table(rows: Rows) -> Table:
    groups = c.tally(rows.duties, rows.at, lambda d: (int(d.grade), str(d.kind)))
    order = list(DUTY_LABELS)
    keys = sorted(groups, key=lambda k: (k[0], order.index(k[1]) if k[1] in order else len(order)))
    groups = {k: groups[k] for k in keys}
    return Table("deadlines", "时限执行情况", ("等级", "事项", "应办", "按时", "迟办", "未办", "进行中", "按期率"),
                 _tally_rows(groups, lambda k: (Grade(k[0]).label, DUTY_LABELS.get(k[1], k[1]))),
                 "期内办结或期内到期的每项时限（已关闭、已重新计时的不计）；按期率 = 按时 ÷（按时 + 迟办 + 未办）")


def _script_table(rows: Rows, org: Organisation) -> Table:
    per_unit: dict[str, list[c.ApprovedScript]] = {}
    for s in rows.scripts:
        per_unit.setdefault(s.unit, []).append(s)
    body = tuple((unit_name(org, uid), len(ss), round(sum(s.rounds for s in ss) / len(ss), 2),
                  max(s.rounds for s in ss), c.middle([s.minutes for s in ss])) for uid, ss in
                 ((uid, per_unit[uid]) for uid in _ordered(org, per_unit)))
    return Table("scripts", "口径审定", ("单位", "审定口径数", "平均版本数", "最多版本数", "审定用时中位数（分钟）"), body,
                 "期内审定通过的口径：版本数为上次审定后提交的版本（1 = 一次通过），用时从该版本提交到最后一位领导同意")


def _supervision_table(rows: Rows, org: Organisation) -> Table:
    return _unit_tally(rows, org, c.is_supervision, "supervision", "督办回复",
                       ("督办", "按时回复", "逾期回复", "未回复", "待回复", "按时率"),
                       "期内回复或期内到期的督办；未回复 = 期末已过期限仍未回复")


def _county_table(rows: Rows, org: Organisation) -> Table:
    per: dict[str, list[bool]] = {}
    for county, at_once in rows.county:
        per.setdefault(county, []).append(at_once)
    body = tuple((unit_name(org, cid), len(per[cid]), sum(per[cid]), len(per[cid]) - sum(per[cid]))
                 for cid in _ordered(org, per))
    return Table("county_report_up", "县局上报", ("县局", "达到重大及以上", "随定级即时上报", "未及时上报"), body,
                 "县局自办舆情期内首次定为重大及以上的；随定级即时上报 = 该次定级同时上报市局")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _overall(rows: Rows, which=lambda d: True) -> c.DutyTally:
    """The duties picked by ``which``, all units together."""
    return c.tally([d for d in rows.duties if which(d)], rows.at, lambda d: 0).get(0, c.DutyTally())


def _summary(rows: Rows) -> tuple[tuple[str, object], ...]:
    grades = Counter(rows.grades[case.id] for case in rows.cases)
    reports, every, sup = _overall(rows, c.is_report), _overall(rows), _overall(rows, c.is_supervision)
    ack = c.middle([c.ack_minutes(a) for a in rows.acks])
    return (
        ("新增舆情（件）", len(rows.cases)),
        ("其中重大及以上（件）", grades[Grade.MAJOR] + grades[Grade.ESPECIALLY_MAJOR]),
        ("签收用时中位数（分钟）", "—" if ack is None else ack),
        ("报告：按时 / 迟报 / 漏报", f"{reports.on_time} / {reports.late} / {reports.missed}"),
        ("报告按时率", _pct(reports.rate)),
        ("时限按期率", _pct(every.rate)),
        ("审定口径（件）", len(rows.scripts)),
        ("督办：收到 / 按时回复", f"{sup.due} / {sup.on_time}"),
        ("县局重大舆情即时上报", f"{sum(ok for _, ok in rows.county)} / {len(rows.county)}"),
    )


def build_figures(rows: Rows, org: Organisation) -> Figures:
    """The period's :class:`Figures` from what the store read."""
    tables = [*_case_tables(rows, org), _ack_table(rows, org), _report_table(rows, org), _deadline_table(rows),
              _script_table(rows, org), _supervision_table(rows, org), _county_table(rows, org)]
    return Figures(rows.period, _summary(rows), tuple(tables))
