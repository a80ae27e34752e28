"""The archive file a person asked for in the chat (``导出 YQ-…``, ``handlers/export_case.py``; issue 24): the job
gets ids only and, in one transaction, records ``case.exported`` on the case's timeline (actor the person, platform
the one they asked on), reads the dossier after it (so the file holds its own export entry), renders it
(``bot.archive.render``), stores the bytes (``bot.store.blobs``) and puts a ``file`` card in the outbox **1:1 to the
person** on that platform — never into a group, even when it was asked for in one (the steps it shares with the
statistics sent 1:1, ``统计``: ``worker/file_sends.py``).

    the platform sends files 1:1 (``Capabilities.sends_files``: DingTalk ``sampleFile``; WeCom ``media/upload`` +
        ``message/send`` with the self-built app or the smart bot's long connection)  --> the .docx
    it cannot  --> a notice with the board's download link of the case (signed in, valid 24 h:
        ``bot.core.board_links``; the board is issue 26), or, the board off (no ``BOARD_SECRET_KEY``), whom to ask;
        nothing is exported here, so nothing is recorded — the board's download records its own. (Where
        nothing goes 1:1 at all — WeCom with neither the app nor the long connection — the handler answers in place
        and no job is asked for; this covers a platform that writes 1:1 but sends no files, or a change of settings.)
    the case was marked 涉密 after the 导出 was accepted  --> refused as the handler refuses: 1:1, the refusal on
        its timeline (``case.export_refused``)
    no such case, or the person can no longer be reached  --> logged, nothing written

Once: the outbox row's dedup id is the 导出 message's key (``export:<request>``); a job run again for it finds the
row and does nothing (no second timeline entry, no second file). A lost race (another act on the case wrote its
timeline first) runs the transaction again.
"""

from __future__ import annotations

import logging

from bot.archive import render
from bot.core.card import Card
from bot.core.clock import utcnow
from bot.domain.case.secrecy import record_export, record_refused
from bot.domain.cards import notice
from bot.domain.records import Actor
from bot.store.case_repo import LostRace, SessionCaseStore
from bot.store.dossier import read_dossier
from bot.store.org_repo import read_organisation
from handlers.export_case import CONFIDENTIAL, no_files
from worker.addressing import Unreachable
from worker.delivery import schedule
from worker.events import export_link_of
from worker.file_sends import check_reachable, put_one_to_one, sent_already, stored_file
from worker.runtime import Runtime

__all__ = ["export_case"]

log = logging.getLogger(__name__)
ATTEMPTS = 5
CAPTION = "{number} 舆情处置档案（导出记录已写入案件时间线）"


def export_case(rt: Runtime, case_id: int, person_id: str, platform: str, fmt: str, request: str) -> int | None:
    """Put the case's archive file (or what stands for it, module docstring) in the outbox 1:1 to ``person_id``
    on ``platform`` and schedule its delivery; the new row's id (None: nothing written)."""
    dedup = f"export:{request}"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            row_id = _attempt(rt, case_id, person_id, platform, fmt, dedup)
            break
        except LostRace:
            log.info("export of case %s lost a race, again (attempt %s)", case_id, attempt)
    else:
        raise RuntimeError(f"export of case {case_id} lost {ATTEMPTS} races in a row")
    if row_id is not None:
        schedule(rt, row_id)
    return row_id


def _attempt(rt: Runtime, case_id: int, person_id: str, platform: str, fmt: str, dedup: str) -> int | None:
    """One try of the job's transaction."""
    with rt.database.session() as session:
        if sent_already(session, dedup):
            log.info("export %s of case %s: sent already", dedup, case_id)
            return None
        org = read_organisation(session)
        store, now = SessionCaseStore(session), utcnow()
        case = store.run(lambda repo: repo.get_case(case_id))
        if case is None:
            log.warning("export of case %s: no such case", case_id)
            return None
        try:  # reachable 1:1 on that platform? (else nothing is recorded, rendered or stored)
            check_reachable(org, person_id, platform, dedup)
        except Unreachable as exc:
            log.warning("export of %s not deliverable: %s", case.number, exc)
            return None
        rules = rt.rules(org)
        if case.confidential:  # marked after the 导出 was accepted: refused as the chat refuses it
            record_refused(store, rules, case.id, Actor(person_id, platform), now, "export")
            card = notice(CONFIDENTIAL.format(number=case.number))
        elif rt.capabilities_of(platform).sends_files:
            card = _file(session, store, rules, case, person_id, platform, fmt, now)
        else:
            card = notice(no_files(case.number, export_link_of(rt, now)))
        [row_id] = put_one_to_one(session, org, person_id, platform, [card], dedup, now, case.id)  # a drill's: 演练
        return row_id


def _file(session, store, rules, case, person_id: str, platform: str, fmt: str, now) -> Card:
    """Record the export, read the dossier after it, render and store it: the file's card."""
    record_export(store, rules, case.id, person_id, platform, fmt, now)
    dossier = read_dossier(session, case.number, now=now)
    document = render(dossier, fmt)
    log.info("export of %s: %s (%s bytes) for %s on %s", case.number, document.name, len(document.content),
             person_id, platform)
    return stored_file(session, document, now, caption=CAPTION.format(number=case.number))

