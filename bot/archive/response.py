"""The archive's response sections, read from the timeline with the domain's own readers: 口径与方案 (every script
and plan version, its text and each approval or return — ``response_state``), 发布 (publications and refused
attempts), 督办 (each 督办 and its answer) and 评估 (each unit's evaluation and the desk's review).
"""

from __future__ import annotations

from bot.archive import labels as L
from bot.archive.labels import Names
from bot.archive.model import Block, Paragraph, Section, Subheading, Table, section, table
from bot.domain.case.evaluation import FIELDS
from bot.domain.case.timeline import TimelineEntry
from bot.domain.permissions import Role
from bot.domain.response.approvers import ROLE_LABELS
from bot.domain.response.channels import CHANNEL_LABELS, PublicationChannel
from bot.domain.response.state import Decision, PlanVersion, ResponseState, ScriptVersion, Version

__all__ = ["evaluation", "publications", "scripts_and_plans", "supervision"]

DECISION_HEADERS = ("审核人", "职责", "决定", "时间", "意见")
STATUS = {"approved": "已通过", "returned": "已退回", "pending": "待审核"}


def _roles(decision: Decision) -> str:
    words = []
    for r in decision.roles:
        try:
            words.append(ROLE_LABELS.get(Role(r), r))
        except ValueError:
            words.append(r)
    return "、".join(words) or "—"


def _decisions(version: Version, names: Names) -> list[Block]:
    rows = [(names.person(d.person) + ("（代为审定）" if d.on_behalf else ""), _roles(d), "同意" if d.approve else "退回修改",
             L.local(d.at), d.reason or "—") for d in version.decisions]
    return [Table(DECISION_HEADERS, tuple(rows))] if rows else [Paragraph("审核：尚无")]


def _version_head(kind: str, v: Version, names: Names) -> list[Block]:
    return [Subheading(f"{names.unit(v.unit)} {kind} v{v.version}（{STATUS[v.status]}）"),
            Paragraph(f"提交人：{names.person(v.by)}　提交时间：{L.local(v.at)}")]


def _script(v: ScriptVersion, names: Names) -> list[Block]:
    blocks = _version_head("口径", v, names) + [Paragraph(v.text or "")]
    if v.attachments:
        blocks.append(Paragraph(f"附件：{'、'.join(a.get('name') or '附件' for a in v.attachments)}"))
    blocks += _decisions(v, names)
    if v.consent is not None:
        blocks.append(Paragraph(f"{names.person(v.consent.person)} 于 {L.local(v.consent.at)} 同意报送"))
    return blocks


def _plan(v: PlanVersion, names: Names) -> list[Block]:
    way = _channel(v.way)
    return (_version_head("回应方案", v, names)
            + [Paragraph(f"回应方式：{way}　时间安排：{v.when or '—'}"), Paragraph(v.content or "")]
            + _decisions(v, names))


def _channel(value: str) -> str:
    try:
        return CHANNEL_LABELS[PublicationChannel(value)]
    except ValueError:
        return value or "—"


def scripts_and_plans(st: ResponseState, names: Names) -> Section:
    """口径与方案: every script and plan version with its text and decisions, and the onward reports."""
    blocks: list[Block] = []
    for versions in st.scripts.values():
        for v in versions:
            blocks += _script(v, names)
    for versions in st.plans.values():
        for v in versions:
            blocks += _plan(v, names)
    onward = [(r.to, f"{names.unit(r.unit)} v{r.version}" if r.version else "—", names.person(r.by), L.local(r.at),
               r.note or "—") for r in st.onward_reports]
    if onward:
        blocks += [Subheading("口径报送"), Table(("报送至", "口径", "报送人", "时间", "备注"), tuple(onward))]
    return section("口径与方案", blocks)


def publications(st: ResponseState, names: Names) -> Section:
    """发布: each publication (channel, when it went out, who recorded it, link) and each refused attempt."""
    rows = [(_channel(p.channel), L.local(p.when or p.at), names.person(p.by), p.link or "—") for p in st.publications]
    blocks = table(("渠道", "发布时间", "登记人", "链接"), rows)
    for p in st.refused:
        blocks.append(Paragraph(f"{L.local(p.at)} {names.person(p.by)} 登记{_channel(p.channel)}发布被拒绝："
                                f"{'；'.join(p.reasons) or '—'}"))
    return section("发布", blocks)


def supervision(entries: list[TimelineEntry], names: Names) -> Section:
    """督办: each 督办 (unit, who, when, words) with its answer when there is one."""
    answers = {e.payload.get("duty"): e for e in entries if e.action == "supervision.answer"}
    rows = []
    for e in (e for e in entries if e.action == "supervision.send"):
        duty = next((s.get("id") for s in e.payload.get("started", [])), None)
        a = answers.get(duty) if duty is not None else None
        answer = (names.person(a.actor), L.local(a.at), a.payload.get("text") or "", "逾期" if a.payload.get("late")
                  else "按时") if a else ("—", "—", "尚未回复", "—")
        rows.append((names.unit(e.payload.get("unit")), names.person(e.actor), L.local(e.at), e.payload.get("text") or "",
                     *answer))
    return section("督办", table(("单位", "督办人", "督办时间", "督办内容", "回复人", "回复时间", "回复内容", "回复"),
                                 rows))


def evaluation(entries: list[TimelineEntry], names: Names) -> Section:
    """评估: each evaluation submitted (its five parts) and each acceptance or return by the desk."""
    blocks: list[Block] = []
    for e in entries:
        p, unit = e.payload, names.unit(e.payload.get("unit"))
        if e.action == "evaluation.submit":
            late = "（逾期）" if p.get("late") else ""
            blocks += [Subheading(f"{unit} 评估总结{late}"),
                       Paragraph(f"提交人：{names.person(e.actor)}　提交时间：{L.local(e.at)}"),
                       Table(("项目", "内容"), tuple((label, p.get(key) or "") for key, label in FIELDS))]
        elif e.action == "evaluation.accept":
            blocks.append(Paragraph(f"{L.local(e.at)} {names.person(e.actor)} 通过{unit}的评估总结"))
        elif e.action == "evaluation.return":
            reason = p.get("reason") or ""
            blocks.append(Paragraph(f"{L.local(e.at)} {names.person(e.actor)} 退回{unit}的评估总结：{reason}"))
    return section("评估", blocks)
