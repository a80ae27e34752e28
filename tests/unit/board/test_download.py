"""The chat's download link on the board (bot/board/download.py, issue 24): signed in first (the token kept through
sign-in), then the link — valid for 24 hours, for its own case only — then who may export; the page's one button
posts to the export route, which downloads the .docx and records ``case.exported``; the GET writes nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

from docx import Document

from bot.core.board_links import export_link
from tests.unit.board.conftest import SECRET, TOKEN, csrf_of
from tests.unit.board.test_pages import entries, login_target


def link(world, number: str, *, hours_ago: float = 0, secret: str = SECRET) -> str:
    """The path and query of the link the chat would have sent ``hours_ago``."""
    full = export_link("https://yuqing.example.gov.cn", secret, number, world.clock.now() - timedelta(hours=hours_ago))
    parts = urlsplit(full)
    return f"{parts.path}?{parts.query}"


def test_anonymous_goes_to_sign_in_and_comes_back_to_the_link(world):
    path = link(world, world.plain)
    client = world.client()
    where, query = login_target(client.get(path))
    assert where == "/board/login" and query["next"] == [path]  # the token survives in next
    page = client.get("/board/login", query_string={"next": path}).get_data(as_text=True)
    assert f'href="/board/login/wecom?next={quote(path, safe="/")}"' in page  # the OAuth start keeps it too
    answer = client.post("/board/login/token", data={"token": TOKEN, "next": path, "csrf_token": csrf_of(page)})
    assert answer.status_code == 302 and answer.headers["Location"] == path
    assert "下载 Word（.docx）" in client.get(path).get_data(as_text=True)


def test_a_valid_link_shows_the_case_and_one_button_and_writes_nothing(world):
    before = entries(world, world.plain)
    answer = world.client("p-li").get(link(world, world.plain, hours_ago=23.9))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert world.plain in page and "某超市销售过期食品" in page and "下载 Word（.docx）" in page
    assert page.count('method="post"') == 2  # the button, and 退出
    assert f'action="/board/cases/{world.plain}/export.docx"' in page and 'name="csrf_token"' in page
    assert entries(world, world.plain) == before


def test_the_button_downloads_the_docx_and_records_the_export(world):
    client = world.client("p-li")
    page = client.get(link(world, world.plain)).get_data(as_text=True)
    answer = client.post(f"/board/cases/{world.plain}/export.docx", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 200 and answer.mimetype.endswith("wordprocessingml.document")
    assert "舆情处置档案" in "\n".join(p.text for p in Document(io.BytesIO(answer.data)).paragraphs)
    last = entries(world, world.plain)[-1]
    assert last[:3] == ("case.exported", "p-li", "board") and last[3]["format"] == "docx"


def test_an_expired_link_is_gone_and_points_to_the_case_page(world):
    before = entries(world, world.plain)
    client = world.client("p-li")
    for path in (link(world, world.plain, hours_ago=24), link(world, world.plain, hours_ago=100)):
        answer = client.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 410
        assert (f"下载链接已过期（24 小时内有效），请在案件页面导出，或在聊天中重新发送“导出 {world.plain}”。") in page
        assert f'href="/board/cases/{world.plain}"' in page and "下载 Word" not in page
    fresh = link(world, world.plain)
    world.clock.advance(hours=24, seconds=1)  # the board's clock moves past the link's day (and the session's)
    assert world.client("p-li").get(fresh).status_code == 410
    assert entries(world, world.plain) == before


def test_a_forged_or_another_cases_link_is_invalid(world):
    client = world.client("p-li")
    good = link(world, world.plain)
    payload, mac = parse_qs(urlsplit(good).query)["t"][0].split(".")
    bad = [
        good.replace(world.plain, world.general, 1),  # another case's page with this case's token
        link(world, world.general).replace(world.general, world.plain, 1),
        link(world, world.plain, secret="not-the-boards-secret"),
        f"/board/cases/{world.plain}/download?t={payload}.{mac[::-1]}",
        f"/board/cases/{world.plain}/download?t={payload}",
        f"/board/cases/{world.plain}/download",
    ]
    for path in bad:
        answer = client.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, path
        assert "下载链接无效" in page and "下载 Word" not in page, path
    assert not [e for e in entries(world, world.plain) if e[0].startswith("case.export")]


def test_who_may_not_export_is_refused(world):
    answer = world.client("p-feng").get(link(world, world.plain))  # the unit's liaison: sees it, may not export
    assert answer.status_code == 403 and "您没有导出" in answer.get_data(as_text=True)
    assert not [e for e in entries(world, world.plain) if e[0] in ("case.exported", "case.export_refused")]
    answer = world.client("p-nobody").get(link(world, world.plain))  # no role on the case: may not even see it
    assert answer.status_code == 403 and "下载 Word" not in answer.get_data(as_text=True)


def test_a_confidential_case_is_refused_and_the_refusal_recorded(world):
    answer = world.client("p-li").get(link(world, world.secret_case))  # sees it in full; may not export it
    assert answer.status_code == 403 and "下载 Word" not in answer.get_data(as_text=True)
    assert entries(world, world.secret_case)[-1][:3] == ("case.export_refused", "p-li", "board")
    page = world.client("p-zhao").get(link(world, world.secret_case)).get_data(as_text=True)  # may export it
    assert "下载 Word（.docx）" in page and "涉密" in page
