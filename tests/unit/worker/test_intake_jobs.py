"""Intake's jobs: the link preview fills a case's title only when nobody gave one and records its outcome
on the timeline (a failure too, without blocking anything); an API case's card goes to the desk's groups."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.fetch.address_policy import DEFAULT_POLICY
from bot.org.file import parse_org_file
from bot.store import outbox
from bot.store.case_views import case_detail
from bot.store.org_repo import apply_organisation
from tests.unit.fetch.preview_site import no_dns, serve
from tests.unit.handlers.intake.conftest import NOW, ROOT, Desk
from worker.intake_jobs import announce_case, preview_case_link


@pytest.fixture(scope="module")
def port():
    with serve() as port:
        yield port


@pytest.fixture
def desk(sqlite_database):
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), NOW)
    return Desk(sqlite_database)


def runtime(desk, redis=None):
    return SimpleNamespace(database=desk.database, redis=redis,
                           rules=lambda org: Rules(org, default_policy(), WorkCalendar()))


def detail(desk):
    with desk.database.session() as session:
        return case_detail(session, "YQ-2026-0001")


def test_a_bare_link_case_gets_the_pages_title_and_the_outcome_on_its_timeline(desk, port):
    desk.send("p-sun", f"http://127.0.0.1:{port}/utf8")
    result = preview_case_link(runtime(desk), detail(desk)["id"], policy=DEFAULT_POLICY.allowing(("127.0.0.1", port)),
                               resolver=no_dns)
    assert result["ok"]
    case = detail(desk)
    assert case["title"].startswith("市场监管局通报：某商场") and case["intake"]["preview"]["status"] == "ok"
    assert case["intake"]["preview"]["summary"].startswith("市民反映")
    assert [e["action"] for e in case["timeline"]] == ["case.open", "case.preview"]


def test_a_title_the_desk_gave_is_kept(desk, port):
    desk.send("p-sun", f"网友反映某商场缺斤少两 http://127.0.0.1:{port}/utf8")
    preview_case_link(runtime(desk), detail(desk)["id"], policy=DEFAULT_POLICY.allowing(("127.0.0.1", port)),
                      resolver=no_dns)
    case = detail(desk)
    assert case["title"] == "网友反映某商场缺斤少两" and case["intake"]["preview"]["title"].startswith("市场监管局通报")


def test_a_refused_link_is_recorded_and_the_case_stays_as_it_was(desk):
    desk.send("p-sun", "http://10.0.0.8/admin")
    result = preview_case_link(runtime(desk), detail(desk)["id"])
    assert not result["ok"] and result["code"] == "address"
    case = detail(desk)
    assert case["title"] == "http://10.0.0.8/admin" and case["intake"]["preview"]["status"] == "failed"
    assert case["intake"]["preview"]["error"] == "address" and case["timeline"][-1]["action"] == "case.preview"


def test_a_case_without_a_link_is_skipped(desk):
    desk.send("p-sun", "立案 某品牌奶粉被指添加违禁成分")
    assert preview_case_link(runtime(desk), detail(desk)["id"]) == {"ok": False, "skipped": True}


def test_an_api_case_card_goes_to_the_desk_groups(desk, redis_client):
    desk.send("p-sun", "立案 某品牌奶粉被指添加违禁成分")
    ids = announce_case(runtime(desk, redis_client), detail(desk)["id"])
    with desk.database.session() as session:
        rows = [session.get(outbox.OutboxRow, i) for i in ids]
        platforms = sorted((r.platform, r.method, r.card["kind"]) for r in rows)
    assert ("dingtalk", "group", "intake_card") in platforms
    assert announce_case(runtime(desk, redis_client), detail(desk)["id"]) == []
