"""Link previews (Art. 11: a case records its link's title): fetch a page's title and summary under
strict limits. Every hop passes the address policy (:mod:`bot.fetch.address_policy`) before and after DNS;
the connection goes to the checked address (Host header and TLS name stay the link's); redirects are
followed by hand; time, bytes and content type are limited; the charset comes from the header, a BOM or
``<meta charset>`` (GBK pages are common). :func:`fetch_preview` never raises. Rules: ``docs/links.md``."""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
import threading
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from html.parser import HTMLParser
from ipaddress import ip_address
from urllib.parse import urljoin

import urllib3

from bot.fetch.address_policy import (DEFAULT_POLICY, Blocked, Denial, FetchPolicy, FetchTarget, IPAddress, Resolver,
                                      resolve_within, system_resolver)

__all__ = ["Failure", "PreviewRefusal", "PreviewResult", "decode_page", "fetch_preview", "page_meta"]

log = logging.getLogger(__name__)

MAX_BYTES, TOTAL_TIMEOUT, CONNECT_TIMEOUT, MAX_REDIRECTS = 1024 * 1024, 10.0, 3.0, 5
HTML_TYPES, REDIRECTS = ("text/html", "application/xhtml+xml"), (301, 302, 303, 307, 308)
TITLE_CHARS, SUMMARY_CHARS = 200, 500
META_NAMES = ("og:title", "og:description", "description", "twitter:title", "twitter:description")
HEADERS = {"User-Agent": "Mozilla/5.0 (compatible; yuqing-bot link preview)", "Accept-Language": "zh-CN,zh;q=0.9",
           "Accept": "text/html,application/xhtml+xml;q=0.9", "Accept-Encoding": "gzip, deflate", "Connection": "close"}


class Failure(StrEnum):
    """Why a fetch that the policy allowed gave no preview."""

    DNS = "dns"
    CONNECT = "connect"
    TIMEOUT = "timeout"
    REDIRECTS = "too_many_redirects"
    STATUS = "http_status"
    CONTENT_TYPE = "content_type"
    TOO_LARGE = "too_large"
    ERROR = "error"


MESSAGES = {
    Blocked.URL: "链接格式无法识别，未获取预览。", Blocked.SCHEME: "只预览 http/https 链接，未获取预览。",
    Blocked.HOST_NAME: "链接指向本机或内部网络，已拒绝访问。", Blocked.NUMERIC_FORM: "链接使用非常规的 IP 地址写法，已拒绝访问。",
    Blocked.ADDRESS: "链接指向内部、保留或非公网地址，已拒绝访问。", Blocked.METADATA: "链接指向云服务器元数据地址，已拒绝访问。",
    Blocked.PORT: "链接使用了不允许的端口，已拒绝访问。", Failure.DNS: "无法解析链接的域名。", Failure.TIMEOUT: "网站响应超时。",
    Failure.CONNECT: "无法连接到链接所在网站。", Failure.REDIRECTS: "链接跳转次数过多。", Failure.STATUS: "网站返回了错误状态。",
    Failure.CONTENT_TYPE: "链接不是网页（可能是图片、视频或文件），未获取预览。",
    Failure.TOO_LARGE: "网页过大，在读取上限内未找到标题。", Failure.ERROR: "获取链接预览时出错。",
}


@dataclass(frozen=True)
class PreviewResult:
    """A page's title and summary; ``final_url`` is where the redirects ended, ``truncated`` if cut at the cap."""

    url: str
    final_url: str
    title: str | None
    summary: str | None
    charset: str
    truncated: bool = False
    ok = True

    def to_dict(self) -> dict:
        """Plain JSON-able data (for a job's result or the case record)."""
        return {"ok": True, **asdict(self)}


@dataclass(frozen=True)
class PreviewRefusal:
    """No preview: a code (:class:`Blocked` or :class:`Failure`), an English detail for logs, the hop refused."""

    url: str
    code: Blocked | Failure
    detail: str
    at: str
    ok = False

    @property
    def message(self) -> str:
        """What users read, in Chinese."""
        return MESSAGES[self.code]

    def to_dict(self) -> dict:
        """Plain JSON-able data, with the Chinese message."""
        return {"ok": False, **asdict(self), "code": str(self.code), "message": self.message}


class _Refused(Exception):
    """Raised inside the fetch with (code, detail); :func:`fetch_preview` turns it into a refusal."""


def fetch_preview(url: str, *, policy: FetchPolicy = DEFAULT_POLICY, resolver: Resolver = system_resolver,
                  timeout: float = TOTAL_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT, max_bytes: int = MAX_BYTES,
                  max_redirects: int = MAX_REDIRECTS, ca_certs: str | None = None) -> PreviewResult | PreviewRefusal:
    """Fetch the title and summary of a web page; never raises (a failure is a :class:`PreviewRefusal`).

    ``policy`` decides which links and addresses may be fetched (widen it only for a local test server);
    ``resolver(host, port)`` returns address strings; ``timeout`` bounds the whole fetch (DNS, connects, hops,
    reading), ``connect_timeout`` each connect; ``max_bytes`` caps the decoded body; ``ca_certs`` is for tests."""
    deadline, hop = time.monotonic() + timeout, url
    try:
        hop = url = url.strip()
        for _ in range(max_redirects + 1):
            target, address = _checked(policy, resolver, hop, deadline)
            page = _get(target, address, deadline, connect_timeout, max_bytes, ca_certs)
            if not isinstance(page, str):
                return _preview(url, hop, *page)
            hop = urljoin(hop, page)
        raise _Refused(Failure.REDIRECTS, f"more than {max_redirects} redirects")
    except _Refused as refused:
        log.info("link preview refused: %s (%s)", *refused.args)
        return PreviewRefusal(url, *refused.args, at=hop)
    except Exception as exc:  # decided: a preview never blocks a case; log the bug, answer "error"
        log.exception("link preview failed")
        return PreviewRefusal(url, Failure.ERROR, type(exc).__name__, at=hop)


def _checked(policy: FetchPolicy, resolver: Resolver, url: str, deadline: float) -> tuple[FetchTarget, IPAddress]:
    """The target and the address to connect to: every address of the name must pass; the first is used."""
    target = policy.check_url(url)
    if isinstance(target, Denial):
        raise _Refused(target.code, target.detail)
    if target.address is not None:
        found = [target.address]
    else:
        try:
            found = [ip_address(a) for a in resolve_within(resolver, target.host, target.port, _remaining(deadline))]
        except (OSError, ValueError, UnicodeError) as exc:  # TimeoutError from resolve_within is an OSError
            code = Failure.TIMEOUT if isinstance(exc, TimeoutError) else Failure.DNS
            raise _Refused(code, f"resolving {target.host}: {type(exc).__name__}") from exc
    for address in found:
        denial = policy.check_address(address, target.port)
        if denial is not None:
            raise _Refused(denial.code, denial.detail if target.address else f"{target.host} → {denial.detail}")
    return target, found[0]


def _preview(url: str, final_url: str, content_type: str, body: bytes, truncated: bool) -> PreviewResult:
    text, charset = decode_page(body, content_type)
    title, summary = page_meta(text)
    if truncated and not (title or summary):
        raise _Refused(Failure.TOO_LARGE, f"no title in the first {len(body)} bytes")
    return PreviewResult(url, final_url, title, summary, charset, truncated)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Refused(Failure.TIMEOUT, "the time for the preview ran out")
    return left


def _get(target: FetchTarget, address: IPAddress, deadline: float, connect_timeout: float, max_bytes: int,
         ca_certs: str | None) -> str | tuple[str, bytes, bool]:
    """One hop to the pinned address: a redirect's Location, or (content type, body, truncated)."""
    left = _remaining(deadline)
    timeout = urllib3.Timeout(connect=min(connect_timeout, left), read=left)
    tls = {"server_hostname": target.host, "assert_hostname": target.host, "cert_reqs": "CERT_REQUIRED",
           "ca_certs": ca_certs} if target.scheme == "https" else {}
    pool_class = urllib3.HTTPSConnectionPool if tls else urllib3.HTTPConnectionPool
    pool = pool_class(str(address), target.port, timeout=timeout, retries=False, **tls)
    try:
        response = pool.urlopen("GET", target.path, headers={**HEADERS, "Host": target.host_header},
                                redirect=False, retries=False, preload_content=False, assert_same_host=False)
        try:
            return _answer(response, deadline, max_bytes)
        finally:
            response.close()
    except (urllib3.exceptions.HTTPError, OSError) as exc:  # urllib3 counts a refused connect as a timeout
        slow = isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError) and not isinstance(
            exc, urllib3.exceptions.NewConnectionError)
        raise _Refused(Failure.TIMEOUT if slow else Failure.CONNECT, f"{target.host}: {type(exc).__name__}") from exc
    finally:
        pool.close()


def _answer(response, deadline: float, max_bytes: int) -> str | tuple[str, bytes, bool]:
    location = response.headers.get("Location")
    if response.status in REDIRECTS and location:
        with contextlib.suppress(UnicodeError):  # headers arrive as Latin-1; a UTF-8 Location reads right again
            location = location.encode("latin-1").decode("utf-8")
        return location
    if not 200 <= response.status < 300 or response.status == 204:
        raise _Refused(Failure.STATUS, f"HTTP {response.status}")
    content_type = response.headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        raise _Refused(Failure.CONTENT_TYPE, f"content type {content_type[:60]!r}")
    return (content_type, *_read(response, deadline, max_bytes))


_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)


def _read(response, deadline: float, max_bytes: int) -> tuple[bytes, bool]:
    """Read until ``</head>``, the end, or the cap (then ``truncated``); a watchdog ends reads at the deadline."""
    watchdog = threading.Timer(_remaining(deadline), _stop, (response,))
    watchdog.daemon = True
    watchdog.start()
    try:
        body = b""
        while len(body) < max_bytes:
            chunk = response.read1(min(65536, max_bytes - len(body)))
            _remaining(deadline)  # a read the watchdog ended is a timeout, not the end of the page
            if not chunk:
                return body, False
            body += chunk
            if _HEAD_END.search(body, max(0, len(body) - len(chunk) - 16)):
                return body, False
        return body, bool(response.read1(1))
    finally:
        watchdog.cancel()


def _stop(response) -> None:
    with contextlib.suppress(ValueError, RuntimeError, OSError):  # already closed: nothing left to stop
        response.shutdown()


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# GB2312 and GBK pages are decoded as GB18030, their superset (browsers do the same).
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252", "latin1": "cp1252"}


def decode_page(body: bytes, content_type: str = "") -> tuple[str, str]:
    """The page's text and charset: the first of BOM, header, ``<meta charset>``, UTF-8, GB18030 that
    decodes without error (a cut last character forgiven), else the first with replacements. Never raises."""
    header = _HEADER_CHARSET.search(content_type)
    meta = _META_CHARSET.search(body[:4096])
    named = [name for bom, name in _BOMS if body.startswith(bom)]
    named += [header.group(1) if header else "", meta.group(1).decode("ascii", "replace") if meta else ""]
    candidates = [c for c in map(_codec, named + ["utf-8", "gb18030"]) if c]
    for charset in candidates:
        with contextlib.suppress(UnicodeDecodeError):  # not this one: try the next
            return codecs.getincrementaldecoder(charset)().decode(body, final=False).lstrip("\ufeff"), charset
    return body.decode(candidates[0], errors="replace").lstrip("\ufeff"), candidates[0]


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(name, name)).name if name else None
    except LookupError:
        return None


class _HeadParser(HTMLParser):
    """Collects the first ``<title>`` and the ``<meta>`` tags of :data:`META_NAMES`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] | None = None  # the first <title>'s text, once it has begun
        self.in_title, self.meta = False, {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and self.title is None:
            self.title, self.in_title = [], True
        elif tag == "meta":
            found = {k.lower(): v for k, v in attrs if v is not None}
            key = (found.get("property") or found.get("name") or "").strip().lower()
            if key in META_NAMES and found.get("content", "").strip():
                self.meta.setdefault(key, found["content"])

    def handle_endtag(self, tag: str) -> None:
        self.in_title = self.in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)


def page_meta(text: str) -> tuple[str | None, str | None]:
    """The title (og:title, else <title>) and summary (og:description, else meta description) of a page."""
    parser = _HeadParser()
    with contextlib.suppress(AssertionError, ValueError):  # decided: a broken page keeps what was read
        parser.feed(text)
        parser.close()
    meta = parser.meta
    title = meta.get("og:title") or "".join(parser.title or []) or meta.get("twitter:title")
    summary = meta.get("og:description") or meta.get("description") or meta.get("twitter:description")
    return _clean(title, TITLE_CHARS), _clean(summary, SUMMARY_CHARS)


def _clean(text: str | None, limit: int) -> str | None:
    text = " ".join((text or "").split())
    return (text if len(text) <= limit else text[:limit - 1] + "…") or None
