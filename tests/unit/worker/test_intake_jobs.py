"""Intake's jobs: the link preview fills a case's title only when nobody gave one and records its outcome
on the timeline (a failure too, without blocking anything); an API case's card goes to the desk's groups, and
at 敏感 and above the leaders' bulletins with it (特别重大: the main leader's 签收 at once)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.fetch.address_policy import DEFAULT_POLICY
from bot.org.file import parse_org_file
from bot.store import outbox
from bot.store.case_views import case_detail
from bot.store.api_cases import open_api_case
from bot.store.org_repo import apply_organisation, read_organisation
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


def test_an_especially_major_api_case_tells_the_leaders_at_once_as_one_graded_in_chat(desk, redis_client):
    rt = runtime(desk, redis_client)
    with desk.database.session() as session:
        org = read_organisation(session)
    item = {"external_id": "sentinel-4", "title": "监测：某商场扶梯伤人视频大量转发", "grade": Grade.ESPECIALLY_MAJOR}
    done = open_api_case(desk.database, rt.rules(org), "u-desk", item, NOW)
    ids = announce_case(rt, done.case_id)
    with desk.database.session() as session:
        rows = [session.get(outbox.OutboxRow, i) for i in ids]
        told = {(r.address.get("user_id"), r.card["data"]["title"]): [b["action"] for b in r.card["buttons"]]
                for r in rows if r.card["kind"] == "bulletin"}
    assert told == {("zhaojz", f"舆情通报 {done.number}"): ["leader.ack"],  # the main leader's 签收, at once
                    ("qianfjz", f"舆情通报 {done.number}"): []}
    assert announce_case(rt, done.case_id) == [], "announced once"


def test_a_general_api_case_tells_no_leader(desk, redis_client):
    rt = runtime(desk, redis_client)
    with desk.database.session() as session:
        org = read_organisation(session)
    done = open_api_case(desk.database, rt.rules(org), "u-desk", {"external_id": "s-1", "title": "监测：一般"}, NOW)
    with desk.database.session() as session:
        kinds = {session.get(outbox.OutboxRow, i).card["kind"] for i in announce_case(rt, done.case_id)}
    assert kinds == {"intake_card"}
