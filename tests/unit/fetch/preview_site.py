"""The test site of the link-preview tests: pages served by a local server in a thread.

Pages are methods of :class:`Pages` chosen by the first path segment; :func:`serve` runs a server on
127.0.0.1 (or ::1, or with TLS); :func:`names` is a resolver from a table. Nothing here needs the internet.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

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

    def page_stall(self, path, query):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(9):  # a page that starts well for 0.45 s, then stops sending
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.05)
        time.sleep(2)

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


@contextlib.contextmanager
def serve(host="127.0.0.1", wrap=None):
    """A threaded server of :class:`Pages` on ``host`` and a free port; yields the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("Server", (ThreadingHTTPServer,), {"address_family": family, "daemon_threads": True})
    server = server_class((host, 0), Pages)
    if wrap is not None:
        server.socket = wrap(server.socket)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


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
