"""A dossier as an ordered list of sections — the tiny document model the Markdown and the Word file both render,
so the two say the same thing.

The model (:class:`~bot.archive.model.Section` and its blocks) is :mod:`bot.archive.model`. :func:`sections` gives,
in order: the title, 基本信息, 定级记录, 承办单位及签收, 时限, 报告, 口径与方案, 发布, 督办, 评估, 处置时间线, 校验.
An empty section says 「无」. The response parts (口径与方案 to 评估) are :mod:`bot.archive.response`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot.archive import labels as L
from bot.archive.labels import Names
from bot.archive.model import NONE, Block, Paragraph, Section, Subheading, Table, section, table
from bot.archive.response import evaluation, publications, scripts_and_plans, supervision
from bot.domain.drill.report import verdict_of
from bot.domain.kinds import DUTY_LABELS, REPORT_LABELS, ReportKind
from bot.domain.response.state import response_state
from bot.domain.records import DutyState

__all__ = ["TITLE", "exported_at", "sections"]

TITLE = "舆情处置档案"
BROKEN_REASONS = (("entry ", "该条缺失"), ("its prev", "与前一条的哈希不衔接"),
                  ("its content", "内容与其哈希不符，已被改动"))


def exported_at(dossier: dict) -> datetime:
    """When the dossier was read (the duties' verdicts are as of then); now when it does not say."""
    value = dossier.get("exported_at")
    return datetime.fromisoformat(value) if value else datetime.now(timezone.utc)


def _title(dossier: dict) -> Section:
    case = dossier["case"]
    bureau = (dossier.get("bureau") or {}).get("name") or ""
    lines = [Paragraph(case.get("title") or "", strong=True), Paragraph(f"{bureau} {case['number']}".strip())]
    if case.get("drill"):
        lines.append(Paragraph("【演练】本案件为演练，不是真实舆情。", strong=True))
    return Section(TITLE, tuple(lines), level=0)


def _basics(dossier: dict, names: Names) -> Section:
    c = dossier["case"]
    drill = f"是（时钟倍率 {c.get('drill_scale')}）" if c.get("drill") else "否"
    rows = [("编号", c["number"]), ("标题", c.get("title") or ""), ("来源", L.source(c.get("source"))),
            ("链接", c.get("link") or NONE), ("首次发现", L.local(c.get("first_seen_at"))),
            ("立案时间", L.local(c.get("opened_at"))), ("立案人", names.person(c.get("opened_by"))),
            ("现定级", L.grade(c.get("grade"))), ("状态", L.case_state(c.get("state"))),
            ("办理单位", names.unit(c.get("owner_unit"))),
            ("县局", names.unit(c.get("county")) if c.get("county") else NONE),
            ("涉密", L.yes_no(c.get("confidential"))), ("演练", drill)]
    if c.get("transfer_ref"):
        rows.append(("转办单号", c["transfer_ref"]))
    if c.get("taken_from"):
        rows.append(("接管自", names.unit(c["taken_from"])))
    for seen in dossier.get("sightings") or []:
        rows.append(("再次发现", " ".join(x for x in (L.local(seen.get("seen_at")), L.source(seen.get("source")),
                                                      seen.get("link") or "") if x)))
    summary = (dossier.get("intake") or {}).get("summary")
    if summary:
        rows.append(("摘要", summary))
    return section("基本信息", table(("项目", "内容"), rows))


def _grades(dossier: dict, names: Names) -> Section:
    rows = [(L.local(g.get("at")), L.grade(g.get("old")), L.grade(g.get("new")), names.person(g.get("by")),
             g.get("reason") or "") for g in dossier.get("grade_changes") or []]
    return section("定级记录", table(("时间", "由", "至", "调整人", "理由"), rows))


def _assignments(dossier: dict, names: Names) -> Section:
    rows = [(names.unit(a.get("unit_id")), L.local(a.get("assigned_at")), names.person(a.get("assigned_by")),
             names.person(a.get("acknowledged_by")) if a.get("acknowledged_by") else "—",
             L.local(a.get("acknowledged_at")), L.assignment_state(a.get("state")), a.get("reason") or "—")
            for a in dossier.get("assignments") or []]
    return section("承办单位及签收", table(("单位", "分派时间", "分派人", "签收人", "签收时间", "状态", "退单理由"), rows))


def _owner(row: dict, names: Names) -> str:
    if row.get("owner_unit"):
        return names.unit(row["owner_unit"])
    return names.person(row["owner_person"]) if row.get("owner_person") else "主要领导"


def _verdict(duty, now: datetime) -> str:
    """按时, 迟办, 未办 … and, for a duty closed without being done, why (``已关闭（舆情已平息，无需办理）``)."""
    verdict = verdict_of(duty, now)
    closed = duty.state == DutyState.CLOSED and duty.reason
    return f"{verdict.label}（{duty.reason}）" if closed else verdict.label


def _duties(dossier: dict, names: Names) -> Section:
    now = exported_at(dossier)
    rows = []
    for row in dossier.get("duties") or []:
        duty = L.duty_of(row)
        label = DUTY_LABELS.get(duty.kind, str(duty.kind))
        rows.append((label, _owner(row, names), L.local(row.get("started_at")), L.local(row.get("due_at")),
                     L.local(row.get("ended_at")), _verdict(duty, now)))
    return section("时限", table(("事项", "单位/人员", "开始", "期限", "结束", "结果"), rows))


def _report_kind(value: object) -> str:
    try:
        return REPORT_LABELS[ReportKind(str(value))]
    except ValueError:
        return str(value or "报告")


def _reports(entries, names: Names) -> Section:
    blocks: list[Block] = []
    for e in (e for e in entries if e.action == "report.submit"):
        p = e.payload
        late = "（迟报）" if p.get("late") else ""
        blocks.append(Subheading(f"{names.unit(p.get('unit'))} {_report_kind(p.get('kind'))}{late}"))
        blocks.append(Table(("单位", "类别", "时间", "报告人"),
                            ((names.unit(p.get("unit")), _report_kind(p.get("kind")), L.local(e.at),
                              names.person(e.actor)),)))
        blocks.append(Paragraph(p.get("text") or ""))
        files = [a.get("name") or a.get("kind") or "附件" for a in p.get("attachments") or []]
        if files:
            blocks.append(Paragraph(f"附件：{'、'.join(files)}"))
    return section("报告", blocks)


def _timeline(entries, names: Names) -> Section:
    rows = [(str(e.seq), L.local(e.at), names.person_with_id(e.actor), L.role(e.role), L.platform(e.platform),
             L.action_label(e, names)) for e in entries]
    return section("处置时间线", table(("序号", "时间", "人员", "角色", "平台", "事项"), rows))


def _why(reason: object) -> str:
    """The chain check's reason (``bot.domain.case.timeline.first_broken``, English) in Chinese."""
    text = str(reason or "")
    for start, words in BROKEN_REASONS:
        if text.startswith(start):
            return words
    return text or "原因不明"


def _chain(dossier: dict) -> Section:
    chain = dossier.get("chain") or {}
    number, length, head = dossier["case"]["number"], chain.get("length", 0), chain.get("head", "")
    blocks: list[Block] = [
        Table(("项目", "内容"), (("条数", str(length)), ("末条哈希", head), ("导出时间", L.local(dossier.get("exported_at"))))),
        Paragraph(f"可用 yuqing case verify {number} 核对：系统中第 {length} 条的哈希应与此一致。")]
    broken = chain.get("broken")
    if broken:
        blocks.insert(0, Paragraph(f"警告：时间线第 {broken.get('seq')} 条校验不通过（{_why(broken.get('reason'))}），"
                                   "档案可能被改动。", strong=True, alert=True))
    else:
        blocks.insert(0, Paragraph("时间线哈希链校验完好。"))
    return Section("校验", tuple(blocks))


def sections(dossier: dict) -> list[Section]:
    """The document's sections in order (module docstring)."""
    names = Names(dossier)
    entries = L.entries_of(dossier)
    response = response_state(entries)  # read once: 口径与方案 and 发布 both draw on it
    return [_title(dossier), _basics(dossier, names), _grades(dossier, names), _assignments(dossier, names),
            _duties(dossier, names), _reports(entries, names), scripts_and_plans(response, names),
            publications(response, names), supervision(entries, names), evaluation(entries, names),
            _timeline(entries, names), _chain(dossier)]
