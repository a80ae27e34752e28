"""A small dossier made by hand in the shape part A's ``read_dossier`` gives (/tmp/archive_spec.md, "The dossier"):
a case opened from the command line and assigned, not yet acknowledged — for the archive's pure tests, with no
database. Its timeline is chained with the domain's own ``chain`` so its hashes hold."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.domain.case.timeline import GENESIS, EntryDraft, chain

OPENED = datetime(2026, 12, 8, 1, 2, 3, 123456, tzinfo=timezone.utc)  # 09:02 in Shanghai
EXPORTED = "2026-12-08T04:00:00.000000+00:00"


def _timeline(drafts: list[EntryDraft]) -> list[dict]:
    out, prev = [], GENESIS
    for seq, draft in enumerate(drafts, start=1):
        e = chain(7, seq, draft, prev)
        out.append({"seq": e.seq, "actor": e.actor, "role": e.role, "platform": e.platform, "action": e.action,
                    "payload": e.payload, "at": e.at.isoformat(), "prev": e.prev, "hash": e.hash})
        prev = e.hash
    return out


def hand_dossier(**case) -> dict:
    """The dossier; ``case`` overrides columns of its case row."""
    later = OPENED.replace(minute=30)
    timeline = _timeline([
        EntryDraft("cli:root", "cli", "cli", "case.open", {"grade": 1, "title": "网传某餐馆卫生问题"}, OPENED),
        EntryDraft("p-li", "desk", "wecom", "case.assign", {"unit": "u-food", "assignment": 3}, later),
        EntryDraft("p-gone", "desk", "dingtalk", "case.view", {}, later),
    ])
    row = {"id": 7, "number": "YQ-2026-0007", "year": 2026, "serial": 7, "title": "网传某餐馆卫生问题", "grade": 1,
           "state": "opened", "owner_unit": "u-desk", "county": None, "opened_by": "p-li",
           "opened_at": OPENED.isoformat(), "first_seen_at": OPENED.isoformat(), "source": "douyin", "link": None,
           "transfer_ref": None, "confidential": False, "drill": False, "drill_scale": 1.0, "taken_from": None}
    row.update(case)
    return {
        "format": "yuqing-case-export/1", "exported_at": EXPORTED,
        "bureau": {"name": "示例市市场监督管理局", "short": "示例市局"},
        "case": row, "intake": None, "sightings": [],
        "assignments": [{"id": 3, "case_id": 7, "unit_id": "u-food", "state": "warned",
                         "assigned_at": later.isoformat(), "assigned_by": "p-li", "acknowledged_by": None,
                         "acknowledged_at": None, "reason": None}],
        "duties": [_duty(11, "acknowledge", later, "2026-12-08T02:00:00.000000+00:00"),
                   _duty(12, "initial_report", later, "2026-12-08T05:00:00.000000+00:00")],
        "grade_changes": [{"id": 5, "case_id": 7, "old": None, "new": 1, "by": "p-li", "at": OPENED.isoformat(),
                           "reason": "立案定级"}],
        "follows": [], "timeline": timeline,
        "chain": {"length": len(timeline), "head": timeline[-1]["hash"], "broken": None},
        "people": {"p-li": {"name": "李干事", "active": True}, "p-zhou": {"name": "周科长", "active": True}},
        "units": {"u-desk": {"name": "综合应急和新闻宣传科", "kind": "section", "desk": True, "head": "p-sun",
                             "active": True},
                  "u-food": {"name": "食品生产安全监督管理科", "kind": "section", "desk": False, "head": "p-zhou",
                             "active": True}},
    }


def _duty(duty_id: int, kind: str, started: datetime, due: str) -> dict:
    return {"id": duty_id, "case_id": 7, "assignment_id": 3, "kind": kind, "grade": 1, "owner_unit": "u-food",
            "owner_person": None, "started_at": started.isoformat(), "due_at": due, "policy": {}, "reminders": [],
            "escalations": [], "state": "open", "ended_at": None, "ended_by": None, "reason": None, "late": False,
            "firing_id": None}
