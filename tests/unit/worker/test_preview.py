"""Link previews: a local web server in a thread serves the pages; no test needs the internet.

The happy paths run under a policy that allows exactly the test server (127.0.0.1:port); the hostile
list runs under the real policy and must be refused before any connection is made.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

import worker.preview as preview
from worker.address_policy import DEFAULT_POLICY, Blocked
from worker.preview import Failure, PreviewRefusal, PreviewResult, decode_page, fetch_preview, page_meta

UTF8_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>  市场监管局通报：某商场
  缺斤少两 &amp; 价格欺诈 </title>
<meta name="description" content="市民反映某商场称重不足，市场监管局已介入调查。">
</head><body><p>正文</p></body></html>"""
GBK_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县市场监管局回应网民关切</title><meta name="description" content="针对网传食品安全问题，县局已责成相关单位核查。">
</head><body>正文</body></html>"""
OG_PAGE = """<html><head><title>站点名 - 页面标题</title>
<meta property="og:title" content="微博热议：奶茶店使用过期原料">
<meta property="og:description" content="网友发帖称……，涉事门店已停业整改。">
<meta name="description" content="备用摘要"></head><body></body></html>"""
HUGE = 3 * 1024 * 1024
BOMB = gzip.compress(b"<html><head>" + b" " * (16 * 1024 * 1024), compresslevel=9)
SERVED = []  # (path, Host header) of every request the server answered


class Pages(BaseHTTPRequestHandler):
    """The test site; every page is one method, chosen by path."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        SERVED.append((url.path, self.headers.get("Host")))
        page = getattr(self, "page_" + url.path.strip("/").split("/")[0].replace("-", "_"), None)
        if page is None:
            return self.send(404, "text/html", b"<title>not found</title>")
        try:
            page(url.path, parse_qs(url.query))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher stopped reading, as it should

    def send(self, status, content_type, body, **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def page_utf8(self, path, query):
        self.send(200, "text/html; charset=utf-8", UTF8_PAGE.encode("utf-8"))

    def page_gbk_header(self, path, query):
        self.send(200, "text/html; charset=GBK", GBK_PAGE.replace("gb2312", "x").encode("gbk"))

    def page_gbk_meta(self, path, query):
        self.send(200, "text/html", GBK_PAGE.encode("gb2312"))

    def page_gbk_wrong_header(self, path, query):
        self.send(200, "text/html; charset=utf-8", GBK_PAGE.encode("gbk"))

    def page_gb18030(self, path, query):
        page = GBK_PAGE.replace("gb2312", "gb18030").replace("回应", "回应𠀀")  # a 4-byte GB18030 character
        self.send(200, "application/xhtml+xml; charset=GB18030", page.encode("gb18030"))

    def page_og(self, path, query):
        self.send(200, "text/html", OG_PAGE.encode("utf-8"))

    def page_host(self, path, query):
        self.send(200, "text/html", f"<title>{self.headers['Host']}</title>".encode())

    def page_gzip(self, path, query):
        self.send(200, "text/html; charset=utf-8", gzip.compress(UTF8_PAGE.encode()), Content_Encoding="gzip")

    def page_bomb(self, path, query):  # 16 MiB of spaces, gzipped to a few KiB
        self.send(200, "text/html", BOMB, Content_Encoding="gzip")

    def page_huge(self, path, query):
        """``?title=first`` puts the title before the padding (no ``</head>``), else after it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        first = query.get("title") == ["first"]
        self.wfile.write(b"<html><head>" + (b"<title>big page</title>" if first else b"<script>"))
        for _ in range(HUGE // 65536):
            self.wfile.write(b"x" * 65536)
        self.wfile.write(b"</script><title>too late</title></head></html>")

    def page_json(self, path, query):
        self.send(200, "application/json", json.dumps({"title": "no"}).encode())

    def page_image(self, path, query):
        self.send(200, "image/png", b"\x89PNG\r\n\x1a\n")

    def page_untyped(self, path, query):
        self.send(200, None, b"<title>no type</title>")

    def page_missing(self, path, query):
        self.send(404, "text/html", b"<title>404</title>")

    def page_slow(self, path, query):
        time.sleep(1.0)  # the one deliberately slow page
        self.send(200, "text/html", b"<title>slow</title>")

    def page_drip(self, path, query):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><head>")
        for _ in range(40):  # a page that never finishes: one byte every 50 ms
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.05)

    def page_chain(self, path, query):
        """/chain/N redirects N times (301, 302, 303, 307, 308 in turn, relative and absolute), then /utf8."""
        left = int(path.split("/")[2])
        if left == 0:
            return self.send(302, "text/html", b"", Location="/utf8")
        status = (301, 302, 303, 307, 308)[left % 5]
        location = f"/chain/{left - 1}" if left % 2 else f"http://{self.headers['Host']}/chain/{left - 1}"
        self.send(status, "text/html", b"", Location=location)

    def page_to(self, path, query):
        self.send(302, "text/html", b"", Location=query["url"][0])

    def page_nowhere(self, path, query):
        self.send(302, "text/html", b"")


@pytest.fixture(scope="module")
def site():
    """The test site's base URL, e.g. http://127.0.0.1:54321."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def port(site):
    return int(site.rsplit(":", 1)[1])


@pytest.fixture
def allow_site(port):
    """The real policy, plus exactly the test server."""
    return DEFAULT_POLICY.allowing(("127.0.0.1", port))


def no_dns(host, port):
    raise AssertionError(f"no DNS lookup expected, got {host}")


def names(table):
    """A resolver that answers from a table and records what it was asked."""
    asked = []

    def resolve(host, port):
        asked.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    resolve.asked = asked
    return resolve


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
    class Server6(ThreadingHTTPServer):
        address_family = socket.AF_INET6

    try:
        server = Server6(("::1", 0), Pages)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        policy = DEFAULT_POLICY.allowing(("::1", port))
        assert fetch(f"http://[::1]:{port}/host", policy).title == f"[::1]:{port}"
        assert fetch(f"http://v6.example.cn:{port}/host", policy, names({"v6.example.cn": ["::1"]})).title \
            == f"v6.example.cn:{port}"
    finally:
        server.shutdown()
        server.server_close()


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


def test_a_closed_port_is_a_connect_failure(allow_site):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{closed}/", DEFAULT_POLICY.allowing(("127.0.0.1", closed)))
    assert result.code is Failure.CONNECT


def test_an_unknown_name_is_a_dns_failure(allow_site):
    result = fetch("https://nowhere.example.cn/", allow_site, names({}))
    assert (result.code, result.message) == (Failure.DNS, "无法解析链接的域名。")


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
                    "detail": "127.0.0.1 → 127.0.0.1 is loopback (127/8)", "message": "链接指向内部、保留或非公网地址，已拒绝访问。"}


# ---------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("body, content_type, text, charset", [
    ("标题".encode("utf-8"), "text/html; charset=UTF-8", "标题", "utf-8"),
    (b"\xef\xbb\xbf" + "标题".encode("utf-8"), "text/html; charset=gbk", "标题", "utf-8"),
    ("标题".encode("gbk"), "text/html", "标题", "gb18030"),
    ("标题".encode("utf-8")[:-1], "text/html", "标", "utf-8"),  # a character cut at the cap is forgiven
    ("標題".encode("big5"), "text/html; charset=big5", "標題", "big5"),
    ('<meta charset="no-such-charset">标题'.encode("utf-8"), "text/html; charset=bogus",
     '<meta charset="no-such-charset">标题', "utf-8"),
])
def test_decode_page(body, content_type, text, charset):
    assert decode_page(body, content_type) == (text, charset)


@pytest.mark.parametrize("html, title, summary", [
    ("<title>a</title>", "a", None),
    ("<TITLE>A &lt;b&gt;</TITLE><META NAME=Description CONTENT='d &amp; e'>", "A <b>", "d & e"),
    ("<meta name=twitter:title content=t><meta name=twitter:description content=s>", "t", "s"),
    ("<script>var t='<title>no</title>'</script><title>yes</title>", "yes", None),
    ("<title>" + "长" * 300 + "</title>", "长" * 199 + "…", None),
    ("<title>   </title><meta name=description content='  '>", None, None),
    ("<!DOCTYPE html><html><head><title>x<![if !IE]></title>", "x", None),
])
def test_page_meta(html, title, summary):
    assert page_meta(html) == (title, summary)


# ---------------------------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """The same pages over TLS, with a certificate for news.example.cn from a test CA; yields (port, CA file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def cert(subject, issuer, public_key, signing_key, ca):
        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("news.example.cn")]), False)
        return builder.sign(signing_key, hashes.SHA256())

    def name(text):
        return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, text)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = cert(name("test CA"), name("test CA"), ca_key.public_key(), ca_key, True)
    leaf = cert(name("news.example.cn"), name("test CA"), key.public_key(), ca_key, False)
    folder = tmp_path_factory.mktemp("tls")
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf.pem")
    context.sni_callback = lambda sock, server_name, ctx: SNI.append(server_name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], str(folder / "ca.pem")
    server.shutdown()
    server.server_close()


SNI = []


def test_tls_goes_to_the_checked_address_but_checks_the_certificate_and_sni_of_the_name(tls_site):
    port, ca = tls_site
    SNI.clear()
    result = fetch(f"https://news.example.cn:{port}/host", DEFAULT_POLICY.allowing(("127.0.0.1", port)),
                   names({"news.example.cn": ["127.0.0.1"]}), ca_certs=ca)
    assert result.title == f"news.example.cn:{port}"
    assert SNI == ["news.example.cn"]


def test_tls_to_a_name_the_certificate_does_not_cover_fails(tls_site):
    port, ca = tls_site
    result = fetch(f"https://other.example.cn:{port}/host", DEFAULT_POLICY.allowing(("127.0.0.1", port)),
                   names({"other.example.cn": ["127.0.0.1"]}), ca_certs=ca)
    assert (result.code, result.detail) == (Failure.CONNECT, "other.example.cn: SSLError")


def test_tls_with_an_untrusted_certificate_fails(tls_site):
    port, _ = tls_site
    result = fetch(f"https://news.example.cn:{port}/host", DEFAULT_POLICY.allowing(("127.0.0.1", port)),
                   names({"news.example.cn": ["127.0.0.1"]}))
    assert (result.code, result.detail) == (Failure.CONNECT, "news.example.cn: SSLError")
