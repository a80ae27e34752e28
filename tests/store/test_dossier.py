"""The dossier (issue 24): one case read whole as plain JSON-able data, from a case built by the domain commands."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.domain.case.timeline import GENESIS
from bot.store.dossier import FORMAT, read_dossier
from tests.store.dossier_case import rich_case

EXPORTED = datetime(2026, 12, 8, 1, 2, 3, tzinfo=timezone.utc)


def test_a_walked_case_has_every_section(database):
    number = rich_case(database)
    with database.session() as session:
        dossier = read_dossier(session, number, now=EXPORTED)
    assert json.loads(json.dumps(dossier, ensure_ascii=False)) == dossier  # plain JSON-able data
    assert dossier["format"] == FORMAT and dossier["exported_at"] == "2026-12-08T01:02:03.000000+00:00"
    assert dossier["bureau"] == {"name": "示例市市场监督管理局", "short": "示例市局"}
    case = dossier["case"]
    assert (case["number"], case["grade"], case["owner_unit"], case["confidential"]) == (number, 3, "u-desk", False)
    assert case["opened_at"] == "2026-11-24T02:00:00.123456+00:00"
    assert dossier["intake"]["summary"] == "网民反映某超市销售过期食品" and "case_id" not in dossier["intake"]
    assert [s["source"] for s in dossier["sightings"]] == ["抖音"] and "case_id" not in dossier["sightings"][0]
    assert [(a["unit_id"], a["acknowledged_by"]) for a in dossier["assignments"]] == [("u-food", "p-feng")]
    assert [(g["old"], g["new"], g["reason"]) for g in dossier["grade_changes"]] == [(None, 1, "立案定级"),
                                                                                      (1, 3, "转发量激增")]
    kinds = {d["kind"] for d in dossier["duties"]}
    assert {"acknowledge", "initial_report", "script_approval"} <= kinds
    assert [d["id"] for d in dossier["duties"]] == sorted(d["id"] for d in dossier["duties"])
    assert isinstance(dossier["duties"][0]["policy"], dict) and dossier["follows"] == []
    actions = [e["action"] for e in dossier["timeline"]]
    assert actions[0] == "case.open" and actions[-1] == "script.approve" and "report.submit" in actions
    assert [e["seq"] for e in dossier["timeline"]] == list(range(1, len(actions) + 1))
    assert dossier["chain"] == {"length": len(actions), "head": dossier["timeline"][-1]["hash"], "broken": None}
    assert set(dossier["people"]) == {"p-li", "p-feng", "p-qian", "p-wu", "p-sun", "p-zhou"}
    assert dossier["people"]["p-wu"] == {"name": "吴副局长", "active": True}
    assert dossier["units"]["u-food"] == {"name": "食品生产安全监督管理科", "kind": "section", "desk": False,
                                          "head": "p-zhou", "active": True}


def test_times_keep_their_microseconds_and_unknown_number_is_none(database):
    number = rich_case(database)
    with database.session() as session:
        dossier = read_dossier(session, number)
        assert read_dossier(session, "YQ-2026-0404") is None
    assert dossier["exported_at"] is None
    stamps = [e["at"] for e in dossier["timeline"]]
    assert all(datetime.fromisoformat(s).tzinfo is not None and len(s.split(".")[1]) == len("123456+00:00") for s in stamps)


def test_an_empty_chain_has_the_genesis_head(database):
    from sqlalchemy import delete

    from bot.store.timeline import TimelineRow

    number = rich_case(database)
    with database.session() as session:
        session.execute(delete(TimelineRow))
        dossier = read_dossier(session, number)
    assert dossier["timeline"] == [] and dossier["chain"] == {"length": 0, "head": GENESIS, "broken": None}


def test_a_broken_chain_is_named(database):
    from sqlalchemy import update

    from bot.store.timeline import TimelineRow

    number = rich_case(database)
    with database.session() as session:
        session.execute(update(TimelineRow).where(TimelineRow.seq == 3).values(actor="p-forger"))
        dossier = read_dossier(session, number)
    assert dossier["chain"]["broken"]["seq"] == 3
