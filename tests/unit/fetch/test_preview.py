"""Link previews: the happy paths run under a policy that allows exactly the local test site
(127.0.0.1:port); the hostile list runs under the real policy and is refused before any connection.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

import bot.fetch.preview as preview
from bot.fetch.address_policy import DEFAULT_POLICY, Blocked
from bot.fetch.preview import Failure, PreviewRefusal, PreviewResult, fetch_preview
from tests.unit.fetch.preview_site import SERVED, names, no_dns, serve


@pytest.fixture(scope="module")
def site():
    """The test site's base URL, e.g. http://127.0.0.1:54321."""
    with serve() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def port(site):
    return int(site.rsplit(":", 1)[1])


@pytest.fixture
def allow_site(port):
    """The real policy, plus exactly the test server."""
    return DEFAULT_POLICY.allowing(("127.0.0.1", port))


def fetch(url, policy, resolver=no_dns, **kw):
    return fetch_preview(url, policy=policy, resolver=resolver, **kw)


# ---------------------------------------------------------------------------------------------- pages


def test_a_utf8_page_gives_its_title_and_description(site, allow_site):
    result = fetch(f"{site}/utf8", allow_site)
    assert isinstance(result, PreviewResult) and result.ok
    assert result.title == "市场监管局通报：某商场 缺斤少两 & 价格欺诈"
    assert result.summary == "市民反映某商场称重不足，市场监管局已介入调查。"
    assert (result.charset, result.truncated, result.final_url) == ("utf-8", False, f"{site}/utf8")
    assert json.loads(json.dumps(result.to_dict()))["title"] == result.title


@pytest.mark.parametrize("path", ["gbk-header", "gbk-meta", "gbk-wrong-header"])
def test_gbk_pages_are_read_by_header_or_meta_charset(site, allow_site, path):
    result = fetch(f"{site}/{path}", allow_site)
    assert result.title == "县市场监管局回应网民关切"
    assert result.summary == "针对网传食品安全问题，县局已责成相关单位核查。"
    assert result.charset == "gb18030"


def test_a_gb18030_xhtml_page(site, allow_site):
    assert fetch(f"{site}/gb18030", allow_site).title == "县市场监管局回应𠀀网民关切"


def test_open_graph_title_and_description_win(site, allow_site):
    result = fetch(f"{site}/og", allow_site)
    assert (result.title, result.summary) == ("微博热议：奶茶店使用过期原料", "网友发帖称……，涉事门店已停业整改。")


def test_a_gzipped_page_is_decoded(site, allow_site):
    assert fetch(f"{site}/gzip", allow_site).title.startswith("市场监管局通报")


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(site, port, allow_site):
    resolver = names({"news.example.cn": ["127.0.0.1"]})
    result = fetch(f"http://news.example.cn:{port}/host", allow_site, resolver)
    assert result.title == f"news.example.cn:{port}"
    assert resolver.asked == ["news.example.cn"]  # resolved once; nothing resolves it again


def test_a_name_resolved_once_cannot_rebind_to_a_private_address(site, port, allow_site):
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    result = fetch(f"http://rebind.example.cn:{port}/host", allow_site, lambda host, p: next(answers))
    assert result.title == f"rebind.example.cn:{port}"
    assert next(answers) == ["10.0.0.1"]  # the second answer was never asked for


def test_an_ipv6_server_is_reached_on_its_checked_address():
    try:
        server = serve("::1")
        port = server.__enter__()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        policy = DEFAULT_POLICY.allowing(("::1", port))
        assert fetch(f"http://[::1]:{port}/host", policy).title == f"[::1]:{port}"
        assert fetch(f"http://v6.example.cn:{port}/host", policy, names({"v6.example.cn": ["::1"]})).title \
            == f"v6.example.cn:{port}"
    finally:
        server.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------- limits


def test_a_huge_page_is_cut_at_the_cap_and_refused_without_a_title(site, allow_site):
    started = time.monotonic()
    result = fetch(f"{site}/huge", allow_site, max_bytes=256 * 1024)
    assert isinstance(result, PreviewRefusal)
    assert result.code is Failure.TOO_LARGE and result.message == "网页过大，在读取上限内未找到标题。"
    assert result.detail == f"no title in the first {256 * 1024} bytes"
    assert time.monotonic() - started < 2


def test_a_huge_page_with_its_title_first_gives_the_title_marked_truncated(site, allow_site):
    result = fetch(f"{site}/huge?title=first", allow_site, max_bytes=256 * 1024)
    assert (result.title, result.truncated) == ("big page", True)


def test_a_gzip_bomb_stops_at_the_cap(site, allow_site):
    result = fetch(f"{site}/bomb", allow_site, max_bytes=256 * 1024)
    assert result.code is Failure.TOO_LARGE
    assert result.detail == f"no title in the first {256 * 1024} bytes"


@pytest.mark.parametrize("path", ["json", "image", "untyped"])
def test_what_is_not_html_is_refused(site, allow_site, path):
    result = fetch(f"{site}/{path}", allow_site)
    assert result.code is Failure.CONTENT_TYPE
    assert result.message == "链接不是网页（可能是图片、视频或文件），未获取预览。"


def test_an_error_status_is_refused(site, allow_site):
    assert fetch(f"{site}/missing", allow_site).code is Failure.STATUS
    assert fetch(f"{site}/nowhere", allow_site).code is Failure.STATUS


def test_a_slow_page_times_out(site, allow_site):
    started = time.monotonic()
    result = fetch(f"{site}/slow", allow_site, timeout=0.3)
    assert result.code is Failure.TIMEOUT and result.message == "网站响应超时。"
    assert time.monotonic() - started < 0.9


def test_a_page_that_drips_forever_times_out_on_the_total(site, allow_site):
    started = time.monotonic()
    assert fetch(f"{site}/drip", allow_site, timeout=0.3).code is Failure.TIMEOUT
    assert time.monotonic() - started < 0.9


def test_a_page_that_stalls_late_times_out_on_the_total_not_on_a_fresh_read_timeout(site, allow_site):
    started = time.monotonic()
    assert fetch(f"{site}/stall", allow_site, timeout=0.6).code is Failure.TIMEOUT
    assert time.monotonic() - started < 0.95


def test_a_closed_port_is_a_connect_failure(allow_site):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{closed}/", DEFAULT_POLICY.allowing(("127.0.0.1", closed)))
    assert result.code is Failure.CONNECT


def test_an_unknown_name_is_a_dns_failure(allow_site):
    result = fetch("https://nowhere.example.cn/", allow_site, names({}))
    assert (result.code, result.message) == (Failure.DNS, "无法解析链接的域名。")
    assert fetch("https://empty.example.cn/", allow_site, names({"empty.example.cn": []})).code is Failure.DNS


# ---------------------------------------------------------------------------------------------- redirects


def test_a_redirect_chain_is_followed_to_the_page(site, allow_site):
    result = fetch(f"{site}/chain/4", allow_site)
    assert result.title.startswith("市场监管局通报") and result.final_url == f"{site}/utf8"


def test_more_than_five_redirects_are_refused(site, allow_site):
    assert fetch(f"{site}/chain/4", allow_site, max_redirects=4).code is Failure.REDIRECTS
    assert fetch(f"{site}/chain/5", allow_site).code is Failure.REDIRECTS


@pytest.mark.parametrize("location, code", [
    ("http://127.0.0.1:{other}/", Blocked.ADDRESS),
    ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", Blocked.METADATA),
    ("http://100.100.100.200/latest/meta-data/", Blocked.METADATA),
    ("http://[fd00:ec2::254]/", Blocked.METADATA),
    ("http://10.0.0.1/admin", Blocked.ADDRESS),
    ("http://[::ffff:127.0.0.1]:{port}/utf8", Blocked.ADDRESS),
    ("http://localhost:{port}/utf8", Blocked.HOST_NAME),
    ("http://2130706433:{port}/utf8", Blocked.NUMERIC_FORM),
    ("http://intranet.example.cn/", Blocked.ADDRESS),  # a name that resolves to a private address
    ("file:///etc/passwd", Blocked.SCHEME),
    ("gopher://127.0.0.1:6379/_FLUSHALL", Blocked.SCHEME),
])
def test_a_redirect_to_a_forbidden_place_is_refused_although_the_first_hop_was_allowed(
        site, port, allow_site, location, code):
    location = location.format(port=port, other=port + 1)
    SERVED.clear()
    result = fetch(f"{site}/to?url={location}", allow_site, names({"intranet.example.cn": ["192.168.10.5"]}))
    assert isinstance(result, PreviewRefusal)
    assert (result.code, result.at) == (code, location)
    assert [path for path, _ in SERVED] == ["/to"]  # the first hop only; the second was never fetched


# ---------------------------------------------------------------------------------------------- hostile links


@pytest.fixture
def no_connection(monkeypatch):
    """Fails the test if the fetcher tries to connect anywhere."""
    def refuse(*args, **kwargs):
        raise AssertionError("the fetcher tried to connect")

    monkeypatch.setattr(preview, "_get", refuse)


@pytest.mark.parametrize("url, code", [
    ("http://10.0.0.1/", Blocked.ADDRESS), ("http://172.16.0.1/", Blocked.ADDRESS),
    ("http://192.168.1.1/", Blocked.ADDRESS), ("http://100.64.0.1/", Blocked.ADDRESS),
    ("http://127.0.0.1/", Blocked.ADDRESS), ("http://127.0.0.1:8080/", Blocked.ADDRESS),
    ("http://localhost/", Blocked.HOST_NAME), ("http://api.localhost/", Blocked.HOST_NAME),
    ("http://0.0.0.0/", Blocked.ADDRESS), ("http://[::1]/", Blocked.ADDRESS),
    ("http://[::ffff:127.0.0.1]/", Blocked.ADDRESS), ("http://[::ffff:192.168.0.1]/", Blocked.ADDRESS),
    ("http://2130706433/", Blocked.NUMERIC_FORM), ("http://0x7f.1/", Blocked.NUMERIC_FORM),
    ("http://0177.0.0.1/", Blocked.NUMERIC_FORM), ("http://127.1/", Blocked.NUMERIC_FORM),
    ("http://0x7f000001/", Blocked.NUMERIC_FORM),
    ("http://169.254.169.254/latest/meta-data/", Blocked.METADATA), ("http://100.100.100.200/", Blocked.METADATA),
    ("http://[fd00:ec2::254]/", Blocked.METADATA),
    ("file:///etc/passwd", Blocked.SCHEME), ("gopher://127.0.0.1:70/", Blocked.SCHEME),
    ("ftp://ftp.example.cn/", Blocked.SCHEME), ("data:text/html,<title>x</title>", Blocked.SCHEME),
    ("javascript:alert(1)", Blocked.SCHEME), ("http://user:pw@news.example.cn/", Blocked.URL),
])
def test_hostile_links_are_refused_under_the_real_policy(no_connection, url, code):
    result = fetch_preview(url, resolver=no_dns)
    assert isinstance(result, PreviewRefusal) and not result.ok
    assert result.code is code and result.message


@pytest.mark.parametrize("answer, code", [
    (["10.1.2.3"], Blocked.ADDRESS), (["127.0.0.1"], Blocked.ADDRESS), (["169.254.169.254"], Blocked.METADATA),
    (["::1"], Blocked.ADDRESS), (["::ffff:10.0.0.1"], Blocked.ADDRESS), (["fe80::1"], Blocked.ADDRESS),
    (["8.8.8.8", "192.168.0.7"], Blocked.ADDRESS),  # one bad address among good ones refuses the name
])
def test_a_name_resolving_to_a_private_address_is_refused(no_connection, answer, code):
    resolver = names({"news.example.cn": answer})
    result = fetch_preview("https://news.example.cn/a", resolver=resolver)
    assert result.code is code and "news.example.cn" in result.detail


def test_a_name_on_a_port_outside_the_web_ports_is_refused(no_connection):
    assert fetch_preview("http://news.example.cn:6379/", resolver=names({"news.example.cn": ["8.8.8.8"]})).code \
        is Blocked.PORT


def test_not_even_a_string_is_an_answer_not_an_exception(no_connection):
    assert fetch_preview(None).code is Failure.ERROR


def test_a_bug_in_a_resolver_is_an_answer_not_an_exception(no_connection):
    def broken(host, port):
        raise RuntimeError("bug")

    result = fetch_preview("https://news.example.cn/", resolver=broken)
    assert (result.code, result.message) == (Failure.ERROR, "获取链接预览时出错。")


def test_refusals_are_plain_data_with_a_chinese_message(no_connection):
    data = json.loads(json.dumps(fetch_preview("http://127.0.0.1/", resolver=no_dns).to_dict()))
    assert data == {"ok": False, "url": "http://127.0.0.1/", "code": "address", "at": "http://127.0.0.1/",
                    "detail": "127.0.0.1 is loopback (127/8)", "message": "链接指向内部、保留或非公网地址，已拒绝访问。"}
