"""The board's pages on a Flask test client (issue 26): sign-in required, token sign-in, sessions that expire or
are forged, CSRF, the filters, the case page, the export download and who sees what."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

from docx import Document
from sqlalchemy import select

from bot.store.cases import CaseRow
from bot.store.timeline import TimelineRow
from tests.unit.board.conftest import TOKEN, csrf_of, session_cookie


def entries(world, number: str) -> list[TimelineRow]:
    with world.database.session() as session:
        case_id = session.scalar(select(CaseRow.id).where(CaseRow.number == number))
        rows = session.scalars(select(TimelineRow).where(TimelineRow.case_id == case_id).order_by(TimelineRow.seq))
        return [(r.action, r.actor, r.platform, r.payload) for r in rows]


def login_target(response) -> tuple[str, dict]:
    assert response.status_code == 302, response.status_code
    url = urlparse(response.headers["Location"])
    return url.path, parse_qs(url.query)


# ------------------------------------------------------------------------------------------- signing in

def test_anonymous_requests_go_to_sign_in(world):
    client = world.client()
    for path in ("/board", f"/board/cases/{world.plain}", "/board/units/u-food", "/board/stats"):
        where, query = login_target(client.get(path))
        assert where == "/board/login" and query["next"] == [path], path
    where, query = login_target(client.get("/board?grade=3&q=超市"))
    assert query["next"] == ["/board?grade=3&q=超市"]
    assert login_target(client.post(f"/board/cases/{world.plain}/export.docx"))[0] == "/board/login"


def test_the_sign_in_page_offers_both_platforms_and_the_token_form(world):
    page = world.client().get("/board/login?next=/board/cases/YQ-2026-0001").get_data(as_text=True)
    assert 'href="/board/login/wecom?next=/board/cases/YQ-2026-0001"' in page
    assert 'href="/board/login/dingtalk?next=/board/cases/YQ-2026-0001"' in page
    assert "企业微信登录" in page and "钉钉登录" in page and 'action="/board/login/token"' in page
    evil = world.client().get("/board/login?next=https://evil.example/").get_data(as_text=True)
    assert "evil" not in evil


def test_token_sign_in(world):
    client = world.client()
    page = client.get("/board/login?next=/board/units/u-desk")
    assert page.status_code == 200
    answer = client.post("/board/login/token", data={"token": TOKEN, "next": "/board/units/u-desk",
                                                     "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert answer.status_code == 302 and answer.headers["Location"] == "/board/units/u-desk"
    cookie = next(h for h in answer.headers.getlist("Set-Cookie") if h.startswith("yq_board="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    listing = client.get("/board")
    assert listing.status_code == 200 and "李干事" in listing.get_data(as_text=True)


def test_a_wrong_token_is_refused(world):
    client = world.client()
    token = csrf_of(client.get("/board/login").get_data(as_text=True))
    answer = client.post("/board/login/token", data={"token": TOKEN + "x", "csrf_token": token})
    assert answer.status_code == 401 and "令牌无效" in answer.get_data(as_text=True)
    assert not any(h.startswith("yq_board=") for h in answer.headers.getlist("Set-Cookie"))
    assert login_target(client.get("/board"))[0] == "/board/login"


def test_csrf_missing_or_wrong_is_refused_with_a_chinese_page(world):
    client = world.client()
    client.get("/board/login")
    for data in ({"token": TOKEN}, {"token": TOKEN, "csrf_token": "0" * 64}):
        answer = client.post("/board/login/token", data=data)
        assert answer.status_code == 400 and "安全校验未通过" in answer.get_data(as_text=True)
    signed = world.client("p-li")
    assert signed.post("/board/logout").status_code == 400
    assert signed.post(f"/board/cases/{world.plain}/export.docx", data={"csrf_token": "x"}).status_code == 400
    assert [e for e in entries(world, world.plain) if e[0] == "case.exported"] == []


def test_logout_clears_the_session(world):
    client = world.client("p-li")
    token = csrf_of(client.get("/board").get_data(as_text=True))
    answer = client.post("/board/logout", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/board/login")
    assert login_target(client.get("/board"))[0] == "/board/login"


def test_an_expired_session_goes_to_sign_in(world):
    client = world.client("p-li")
    assert client.get("/board").status_code == 200
    world.clock.advance(hours=12, seconds=1)
    where, query = login_target(client.get("/board"))
    assert where == "/board/login" and query["m"] == ["expired"]
    assert "登录已过期" in client.get("/board/login?m=expired").get_data(as_text=True)


def test_a_forged_session_goes_to_sign_in(world):
    forged = world.app.test_client()
    forged.set_cookie("yq_board", session_cookie("p-zhao", "wecom", world.clock.now(), secret="not the key"),
                      path="/board")
    assert login_target(forged.get("/board"))[0] == "/board/login"


def test_a_person_no_longer_in_the_org_is_signed_out(world):
    client = world.client("p-gone")
    where, query = login_target(client.get("/board"))
    assert where == "/board/login" and query["m"] == ["unknown"]


# ----------------------------------------------------------------------------------------------- pages

def numbers(html: str) -> list[str]:
    return sorted({n for n in ("YQ-2026-0001", "YQ-2026-0002", "YQ-2026-0003") if f"/board/cases/{n}" in html})


def test_the_list_and_its_filters(world):
    client = world.client("p-li")
    page = client.get("/board").get_data(as_text=True)
    assert numbers(page) == ["YQ-2026-0001", "YQ-2026-0002", "YQ-2026-0003"]
    assert "某超市销售过期食品" in page and "g-orange" in page and "处置中" in page and "还剩" in page
    assert numbers(client.get("/board?grade=3").get_data(as_text=True)) == ["YQ-2026-0001", "YQ-2026-0002"]
    assert numbers(client.get("/board?grade=1").get_data(as_text=True)) == ["YQ-2026-0003"]
    assert numbers(client.get("/board?q=超市").get_data(as_text=True)) == ["YQ-2026-0001"]
    assert numbers(client.get("/board?q=0003").get_data(as_text=True)) == ["YQ-2026-0003"]
    assert numbers(client.get("/board?unit=u-drug").get_data(as_text=True)) == ["YQ-2026-0003"]
    assert numbers(client.get("/board?state=opened").get_data(as_text=True)) == ["YQ-2026-0003"]
    assert numbers(client.get("/board?state=archived").get_data(as_text=True)) == []
    assert numbers(client.get("/board?from=2026-11-24&to=2026-11-24").get_data(as_text=True)) == [
        "YQ-2026-0001", "YQ-2026-0002", "YQ-2026-0003"]
    assert numbers(client.get("/board?from=2026-11-25").get_data(as_text=True)) == []
    bad = client.get("/board?from=yesterday&grade=9")
    assert bad.status_code == 200 and "不是日期" in bad.get_data(as_text=True)


def test_the_list_pages(world, monkeypatch):
    monkeypatch.setattr("bot.board.pages.PAGE_SIZE", 2)
    client = world.client("p-li")
    first = client.get("/board?grade=&q=").get_data(as_text=True)
    assert numbers(first) == ["YQ-2026-0002", "YQ-2026-0003"] and "下一页" in first and "1 / 2" in first
    assert numbers(client.get("/board?page=2").get_data(as_text=True)) == ["YQ-2026-0001"]


def test_the_case_page(world):
    page = world.client("p-li").get(f"/board/cases/{world.plain}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("某超市销售过期食品", "重大舆情", "处置中", "食品生产安全监督管理科", "时限", "研判会议", "还剩",
                 "报告", "经核查，涉事超市已下架。", "口径与方案", "已责令下架并立案调查。", "钱副局长", "发布", "督办",
                 "评估", "处置时间线", "冯干事 (p-feng)", "联络员", "企业微信", "export.docx"):
        assert text in html, text
    world.clock.advance(hours=1)  # 研判会议 was due at 10:14
    later = world.client("p-li").get(f"/board/cases/{world.plain}").get_data(as_text=True)
    assert 'class="overdue"' in later and "已超时" in later
    assert world.client("p-li").get("/board/cases/YQ-2026-9999").status_code == 404


def test_export_downloads_a_docx_recorded_on_the_timeline(world):
    client = world.client("p-li")
    token = csrf_of(client.get(f"/board/cases/{world.plain}").get_data(as_text=True))
    answer = client.post(f"/board/cases/{world.plain}/export.docx", data={"csrf_token": token})
    assert answer.status_code == 200 and answer.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in answer.headers["Content-Disposition"]
    document = Document(io.BytesIO(answer.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "舆情处置档案" in text
    last = entries(world, world.plain)[-1]
    assert last == ("case.exported", "p-li", "board", {**last[3], "format": "docx"})
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(c.startswith("导出档案") for c in cells)  # the file holds its own export entry
    assert client.post(f"/board/cases/{world.plain}/export.pdf", data={"csrf_token": token}).status_code == 404


def test_export_is_for_who_may_export(world):
    client = world.client("p-feng")  # the unit's liaison: sees the case, may not export it
    token = csrf_of(client.get(f"/board/cases/{world.plain}").get_data(as_text=True))
    assert "export.docx" not in client.get(f"/board/cases/{world.plain}").get_data(as_text=True)
    answer = client.post(f"/board/cases/{world.plain}/export.docx", data={"csrf_token": token})
    assert answer.status_code == 403 and "没有导出" in answer.get_data(as_text=True)
    assert not [e for e in entries(world, world.plain) if e[0] in ("case.exported", "case.export_refused")]


def test_a_confidential_case_refused_to_another_units_member_and_recorded(world):
    client = world.client("p-wei")  # 药品科's liaison; the case is 食品科's
    listing = client.get("/board").get_data(as_text=True)
    assert numbers(listing) == ["YQ-2026-0003"] and "某涉密线索" not in listing  # his unit's case only
    answer = client.get(f"/board/cases/{world.secret_case}")
    assert answer.status_code == 403
    assert f"{world.secret_case} 为涉密案件，您不在知悉范围内，无法查看。" in answer.get_data(as_text=True)
    assert entries(world, world.secret_case)[-1][:3] == ("case.view_refused", "p-wei", "board")
    assert "某涉密线索" not in client.get("/board?q=涉密").get_data(as_text=True)


def test_named_people_see_a_confidential_case_in_full_and_an_admin_its_summary(world):
    for person in ("p-li", "p-zhou", "p-zhao", "p-wu"):
        page = world.client(person).get(f"/board/cases/{world.secret_case}").get_data(as_text=True)
        assert "某涉密线索" in page and "处置时间线" in page, person
    admin = world.client("p-ops")
    listing = admin.get("/board").get_data(as_text=True)
    assert world.secret_case in listing and "某涉密线索" not in listing and "涉密" in listing
    page = admin.get(f"/board/cases/{world.secret_case}").get_data(as_text=True)
    assert "涉密案件" in page and "重大舆情" in page and "某涉密线索" not in page and "处置时间线" not in page
    assert world.secret_case not in admin.get("/board?q=某涉密").get_data(as_text=True)  # no search by its title
    assert world.secret_case in admin.get("/board?q=0002").get_data(as_text=True)


def test_a_person_without_a_role_on_a_case_does_not_see_it(world):
    client = world.client("p-nobody")
    assert numbers(client.get("/board").get_data(as_text=True)) == []
    answer = client.get(f"/board/cases/{world.plain}")
    assert answer.status_code == 403 and "没有“查看”的权限" in answer.get_data(as_text=True)
    assert not [e for e in entries(world, world.plain) if e[0] == "case.view_refused"]


def test_the_unit_page(world):
    page = world.client("p-zhou").get("/board/units/u-food")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "食品生产安全监督管理科" in html and "续报" in html
    assert numbers(html) == ["YQ-2026-0001", "YQ-2026-0002"]
    assert world.client("p-li").get("/board/units/u-drug").status_code == 200  # the desk
    assert world.client("p-wei").get("/board/units/u-food").status_code == 403
    assert world.client("p-li").get("/board/units/u-none").status_code == 404


def test_the_statistics_page(world):
    page = world.client("p-li").get("/board/stats")
    assert page.status_code == 200 and "统计" in page.get_data(as_text=True)
    assert world.client("p-feng").get("/board/stats").status_code == 403


def test_static_css_needs_no_sign_in(world):
    answer = world.client().get("/board/static/board.css")
    assert answer.status_code == 200 and b"max-width: 600px" in answer.data


def test_over_https_the_session_cookie_is_secure(world):
    client = world.client()
    page = client.get("/board/login", base_url="https://board.example")
    answer = client.post("/board/login/token", base_url="https://board.example",
                         data={"token": TOKEN, "csrf_token": csrf_of(page.get_data(as_text=True))})
    cookie = next(h for h in answer.headers.getlist("Set-Cookie") if h.startswith("yq_board="))
    assert answer.status_code == 302 and "Secure" in cookie
