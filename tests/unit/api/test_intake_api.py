"""POST /api/v1/cases through Flask's test client on a real (SQLite) store and Redis: 201 then 200 for
the same external id, and every refusal (401, 400, 413, 415) changes nothing."""

from __future__ import annotations

import json

import pytest
from rq import Queue
from rq.serializers import JSONSerializer

from bot.app import create_app
from bot.config import load
from bot.core import queues
from bot.intake_api import SchemaError, check_item, token_unit
from bot.org.file import parse_org_file
from bot.store.case_views import case_detail, list_cases
from bot.store.org_repo import apply_organisation
from tests.unit.handlers.intake.conftest import NOW, ROOT

TOKEN = "t0k3n-desk"
ITEM = {"external_id": "mon-1", "title": "网传某超市销售过期食品", "link": "https://weibo.com/1/AbC?utm_source=x",
        "summary": "网友发帖称……", "first_seen_at": "2026-11-29T09:30:00+08:00", "grade": "sensitive"}


@pytest.fixture
def client(sqlite_database, redis_url):
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), NOW)
    settings = load({"REDIS_URL": redis_url, "API_TOKENS": f"{TOKEN}=u-desk,bad=u-food"})
    app = create_app(settings, database=sqlite_database)
    app.testing = True
    client = app.test_client()
    client.database = sqlite_database
    return client


def post(client, body, token=TOKEN, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/cases", data=data, headers=headers, content_type=content_type)


def cases(client):
    with client.database.session() as session:
        return list_cases(session)


def test_an_item_opens_a_case_201_then_the_same_external_id_answers_200(client, redis_client):
    first = post(client, ITEM)
    assert first.status_code == 201 and first.get_json() == {"number": "YQ-2026-0001", "created": True}
    again = post(client, {**ITEM, "title": "改了标题"})
    assert again.status_code == 200 and again.get_json() == {"number": "YQ-2026-0001", "created": False}
    [case] = cases(client)
    assert case["grade"] == 2 and case["source"] == "weibo" and case["owner_unit"] == "u-desk"
    assert case["first_seen_at"].startswith("2026-11-29T01:30")
    with client.database.session() as session:
        detail = case_detail(session, "YQ-2026-0001")
    assert detail["intake"]["external_id"] == "mon-1" and detail["intake"]["title_from"] == "api"
    jobs = Queue(queues.PREVIEW, connection=redis_client, serializer=JSONSerializer).jobs
    assert sorted(j.func_name for j in jobs) == [queues.ANNOUNCE_CASE, queues.PREVIEW_LINK]


def test_a_bad_or_missing_token_is_401(client):
    for token in ("", "nope", TOKEN + "x"):
        response = post(client, ITEM, token=token)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert cases(client) == []


def test_a_token_of_a_unit_that_is_no_desk_is_refused(client):
    assert post(client, ITEM, token="bad").status_code == 403 and cases(client) == []


@pytest.mark.parametrize("body,reason", [
    ({"title": "t"}, "external_id is required"),
    ({"external_id": "x"}, "title is required"),
    ({"external_id": "x", "title": "t", "colour": "red"}, "unknown field"),
    ({"external_id": "x", "title": "t", "link": "ftp://x/y"}, "http(s)"),
    ({"external_id": "x", "title": "t", "first_seen_at": "2026-11-29 09:30"}, "time zone"),
    ({"external_id": "x", "title": "t", "grade": 7}, "grade"),
    ({"external_id": "x", "title": "t", "transfer_deadline": "2027-01-01T00:00:00+08:00"}, "transfer_ref"),
    ({"external_id": "x", "title": "t", "transfer_ref": "1", "transfer_deadline": "2020-01-01T00:00:00+08:00"}, "已过"),
    ({"external_id": 5, "title": "t"}, "external_id must be"),
    ([1, 2], "JSON object"),
    (b"{not json", "not valid"),
])
def test_a_body_that_does_not_fit_the_schema_is_400_with_its_reason(client, body, reason):
    response = post(client, body)
    assert response.status_code == 400 and reason in response.get_json()["reason"]
    assert cases(client) == []


def test_a_large_body_is_413_and_not_json_is_415(client):
    assert post(client, {**ITEM, "summary": "长" * 40000}).status_code == 413
    assert post(client, "external_id=x", content_type="application/x-www-form-urlencoded").status_code == 415
    assert cases(client) == []


def test_schema_and_token_helpers():
    assert token_unit("Bearer abc", {"abc": "u-desk"}) == "u-desk" and token_unit("Basic abc", {"abc": "u"}) is None
    item = check_item({"external_id": " e ", "title": "t", "grade": 4})
    assert item["external_id"] == "e" and int(item["grade"]) == 4
    with pytest.raises(SchemaError):
        check_item({"external_id": "e", "title": "   "})


@pytest.mark.parametrize("body,reason", [
    ({"external_id": "x", "title": "a\u0000b"}, "control characters"),
    (b'{"external_id": "x", "title": "\\ud800"}', "control characters"),
    ({"external_id": "x\u001b", "title": "t"}, "control characters"),
    ({"external_id": "x", "title": "t", "first_seen_at": "0001-01-01T00:00:00+14:00"}, "2000 and 2100"),
    ({"external_id": "x", "title": "t", "first_seen_at": "9999-12-31T23:59:59-14:00"}, "2000 and 2100"),
    ({"external_id": "x", "title": "t", "grade": True}, "grade"),
    ({"external_id": "x", "title": "t", "grade": 2.5}, "grade"),
    ({"external_id": "x", "title": "t", "confidential": "true"}, "confidential must be true or false"),
    ({"external_id": "x", "title": "t", "confidential": 1}, "confidential must be true or false"),
    ({"external_id": "x", "title": "t", "confidential": None}, "confidential must be true or false"),
])
def test_hostile_values_are_400_never_500(client, body, reason):
    response = post(client, body)
    assert response.status_code == 400 and reason in response.get_json()["reason"]
    assert cases(client) == []


def test_tabs_and_new_lines_are_plain_text(client):
    assert post(client, {"external_id": "x", "title": "第一行\n第二行\t完"}).status_code == 201


def test_a_confidential_item_opens_a_confidential_case_and_the_default_is_not(client):
    """Issue 21: ``confidential`` (a JSON boolean) opens the case 涉密, so no group ever sees its content."""
    assert post(client, {**ITEM, "confidential": True}).status_code == 201
    assert post(client, {**ITEM, "external_id": "mon-2", "confidential": False}).status_code == 201
    assert post(client, {**ITEM, "external_id": "mon-3"}).status_code == 201
    assert [c["confidential"] for c in sorted(cases(client), key=lambda c: c["number"])] == [True, False, False]
