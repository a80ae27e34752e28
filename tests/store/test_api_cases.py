"""The API's one transaction: an external id opens one case, even when several requests race."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.org.file import parse_org_file
from bot.store.api_cases import open_api_case
from bot.store.case_views import list_cases
from bot.store.org_repo import apply_organisation

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
ORG = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def test_racing_requests_with_one_external_id_open_one_case(database):
    org = parse_org_file(ORG)
    with database.session() as session:
        apply_organisation(session, org, NOW)
    rules = Rules(org, default_policy(), WorkCalendar())
    results, errors = [], []

    def send(n):
        try:
            results.append(open_api_case(database, rules, "u-desk", {"external_id": "same", "title": f"第{n}次"}, NOW))
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {r.number for r in results} == {"YQ-2026-0001"} and sum(r.created for r in results) == 1
    with database.session() as session:
        assert len(list_cases(session)) == 1
    other = open_api_case(database, rules, "u-desk", {"external_id": "other", "title": "另一条"}, NOW)
    assert other.created and other.number == "YQ-2026-0002"
