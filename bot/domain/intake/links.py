"""Links of intake (Art. 11): finding them in a forwarded message, the normal form that recognises
the same story twice, and the source platform a link comes from.

The normal form is an identity key for de-duplication, not a better link to open: keep the link as
the desk sent it for people, and compare stories by :func:`normalise`. The rules and the reason for
every dropped parameter are written down in ``docs/links.md``. Pure, stdlib only.
"""

from __future__ import annotations

import re
from enum import StrEnum
from ipaddress import IPv6Address
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

__all__ = ["Source", "find_links", "normalise", "source_of"]


class Source(StrEnum):
    """The platform a link comes from, recognised by its host."""

    WEIBO = "weibo"
    DOUYIN = "douyin"
    KUAISHOU = "kuaishou"
    TOUTIAO = "toutiao"
    WECHAT = "wechat"
    BILIBILI = "bilibili"
    XIAOHONGSHU = "xiaohongshu"
    ZHIHU = "zhihu"
    BAIDU = "baidu"
    NEWS = "news"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese name users read, e.g. 微博."""
        return LABELS[self]


LABELS = {
    Source.WEIBO: "微博", Source.DOUYIN: "抖音", Source.KUAISHOU: "快手", Source.TOUTIAO: "今日头条",
    Source.WECHAT: "微信公众号", Source.BILIBILI: "哔哩哔哩", Source.XIAOHONGSHU: "小红书", Source.ZHIHU: "知乎",
    Source.BAIDU: "百度", Source.NEWS: "新闻网站", Source.OTHER: "其他",
}

# Host suffixes (matched on a label boundary), first match wins: mp.weixin.qq.com before qq.com.
SOURCE_HOSTS: tuple[tuple[str, Source], ...] = (
    ("mp.weixin.qq.com", Source.WECHAT), ("weixin.qq.com", Source.OTHER),
    ("weibo.com", Source.WEIBO), ("weibo.cn", Source.WEIBO), ("t.cn", Source.WEIBO),
    ("douyin.com", Source.DOUYIN), ("iesdouyin.com", Source.DOUYIN), ("amemv.com", Source.DOUYIN),
    ("kuaishou.com", Source.KUAISHOU), ("kuaishouapp.com", Source.KUAISHOU), ("gifshow.com", Source.KUAISHOU),
    ("chenzhongtech.com", Source.KUAISHOU),
    ("toutiao.com", Source.TOUTIAO), ("toutiaoapi.com", Source.TOUTIAO), ("snssdk.com", Source.TOUTIAO),
    ("bilibili.com", Source.BILIBILI), ("b23.tv", Source.BILIBILI),
    ("xiaohongshu.com", Source.XIAOHONGSHU), ("xhslink.com", Source.XIAOHONGSHU),
    ("zhihu.com", Source.ZHIHU), ("baidu.com", Source.BAIDU),
) + tuple((host, Source.NEWS) for host in (
    "people.com.cn", "xinhuanet.com", "news.cn", "chinanews.com.cn", "chinanews.com", "thepaper.cn", "163.com",
    "sina.com.cn", "sina.cn", "qq.com", "ifeng.com", "cctv.com", "cctv.cn", "cnr.cn", "chinadaily.com.cn",
    "gmw.cn", "youth.cn", "ce.cn", "china.com.cn", "cri.cn", "huanqiu.com", "cankaoxiaoxi.com", "bjnews.com.cn",
    "caixin.com", "yicai.com", "jiemian.com", "sohu.com", "guancha.cn", "stcn.com", "cls.cn", "21jingji.com",
    "cnstock.com", "legaldaily.com.cn", "workercn.cn", "cqn.com.cn", "cfsn.cn", "cmrnn.com.cn", "samrnews.cn",
))

# Query parameters dropped on every host (names compared lower-cased); reasons in docs/links.md.
TRACKING_PREFIXES = ("utm_", "share_", "sharer_", "spm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
TRACKING = frozenset({
    "spm", "scm", "from", "isappinstalled", "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
    "twclid", "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "wfr",
    "is_from_webapp", "sender_device", "vd_source", "tt_from", "wxshare_count", "sudaref", "from_spmid",
})
# Query parameters dropped on one platform's hosts only: elsewhere the same name may mean something.
SITE_TRACKING: dict[str, frozenset[str]] = {
    "weibo": frozenset({"wm", "sourcetype", "jumpfrom", "luicode", "lfid", "featurecode", "display", "retcode",
                        "mod", "refer_flag", "s_channel", "s_trans", "dt_dapp"}),
    "douyin": frozenset({"previous_page", "u_code", "did", "iid", "with_sec_did", "titletype", "ts",
                         "timestamp", "from_ssr", "from_aid", "region", "mid", "app", "schema_type", "enter_from",
                         "enter_method", "modefrom", "extra_params", "activity_info"}),
    "kuaishou": frozenset({"fid", "cc", "followrefer", "sharemethod", "docid", "kpn", "subbiz", "shareid",
                           "sharetoken", "shareresourcetype", "userid", "sharetype", "et", "sharemode",
                           "originshareid", "apptype", "efid", "location", "timestamp", "shareobjectid"}),
    "toutiao": frozenset({"app", "timestamp", "use_new_style", "req_id", "source", "share_uid",
                          "upstream_biz", "category_new", "iid", "enter_from", "pbid", "is_hit_share_recommend"}),
    "wechat": frozenset({"scene", "ascene", "subscene", "srcid", "sessionid", "clicktime", "enterid",
                         "devicetype", "version", "lang", "nettype", "abtest_cookie", "exportkey", "pass_ticket",
                         "wx_header", "key", "uin", "mpshare", "realreporttime", "xtrack", "chksm", "cur_album_id",
                         "poc_token", "fontscale", "countrycode", "rd2werd"}),
    "bilibili": frozenset({"unique_k", "bbid", "ts", "timestamp", "buvid", "is_story_h5", "mid", "up_id",
                           "plat_id", "seid", "t", "msource", "-arouter"}),
    "xiaohongshu": frozenset({"xsec_token", "xsec_source", "app_platform", "app_version", "author_share",
                              "xhsshare", "shareredid", "apptime", "exsource", "wechatwid", "wechatorigin"}),
    "zhihu": frozenset({"hybrid_search_source", "hybrid_search_extra", "zhida_source"}),
    "baidu": frozenset({"for", "isbdboxfrom", "pagetype", "ruk", "sid_for_share", "urlext", "n_type", "p_from"}),
    "sina": frozenset({"cre", "mod", "loc", "r", "rfunc", "tj", "tr", "wm"}),
    "163": frozenset({"spss", "spssid", "f", "referfrom"}),
    "qq": frozenset({"adtag", "pgv_ref", "ptag"}),
    "ifeng": frozenset({"srctag", "_share"}),
    "sohu": frozenset({"_f", "_trans_"}),
}
SITE_HOSTS: dict[str, tuple[str, ...]] = {
    "weibo": ("weibo.com", "weibo.cn"), "douyin": ("douyin.com", "iesdouyin.com"),
    "kuaishou": ("kuaishou.com", "kuaishouapp.com", "gifshow.com", "chenzhongtech.com"),
    "toutiao": ("toutiao.com", "toutiaoapi.com", "snssdk.com"), "wechat": ("weixin.qq.com",),
    "bilibili": ("bilibili.com", "b23.tv"), "xiaohongshu": ("xiaohongshu.com", "xhslink.com"),
    "zhihu": ("zhihu.com",), "baidu": ("baidu.com",), "sina": ("sina.com.cn", "sina.cn"), "163": ("163.com",),
    "qq": ("qq.com",), "ifeng": ("ifeng.com",), "sohu": ("sohu.com",),
}
# A WeChat article is the four keys (permanent link) or the four of a temporary link; nothing else counts.
WECHAT_ARTICLE_KEYS = (("__biz", "mid", "idx", "sn"), ("src", "timestamp", "ver", "signature"))

DEFAULT_PORTS = {"http": 80, "https": 443}
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
PATH_SAFE = "/:@!$&'()*+,;=%"
QUERY_SAFE = "/?:@!$'()*+,;%"
QUERY_PLAIN = UNRESERVED | frozenset("/?:@!$'()*,;=")  # not "+", "&", "#": escaped they mean something else
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A link runs from http(s):// over RFC 3986 characters; CJK text and full-width punctuation end it.
_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "["}


def find_links(text: str) -> list[str]:
    """The http(s) links in a message, in order, each once; trailing punctuation is not part of a link.

    Never raises. A link ends at whitespace, any non-ASCII character (Chinese text, 【】（）《》，。)
    or a character no URL may hold; an unbalanced closing bracket at the end is left out.
    """
    found: list[str] = []
    for match in _LINK.finditer(text or ""):
        link = _trim(match.group())
        if link not in found and _has_host(link):
            found.append(link)
    return found


def _has_host(link: str) -> bool:
    try:
        return bool(urlsplit(link).hostname)
    except ValueError:
        return False


def _trim(link: str) -> str:
    """Drop trailing punctuation and closing brackets that have no opening partner inside the link."""
    while link:
        last = link[-1]
        if last in _TRAILING:
            link = link[:-1]
        elif last in _PAIRS and link.count(last) > link.count(_PAIRS[last]):
            link = link[:-1]
        else:
            return link
    return link


def normalise(url: str) -> str:
    """The identity of a link: same story, same string; raises ValueError for a link that is not http(s).

    Scheme and host lower-cased, IDN hosts as punycode, default port, user info and fragment dropped
    (a ``#/…`` or ``#!…`` route is kept), tracking parameters dropped, the rest sorted, escapes tidied,
    dot segments resolved, an empty path is ``/`` and no other path ends in ``/``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) link: {url!r}")
    host = _host(parts.hostname or "")
    port = parts.port  # raises ValueError for a port out of range
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _path(parts.path)
    query = _query(host, path, parts.query)
    fragment = _tidy(parts.fragment, QUERY_SAFE) if parts.fragment[:1] in ("/", "!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def source_of(url: str) -> Source:
    """The platform of a link, from its host; never raises (an unreadable link is ``Source.OTHER``)."""
    try:
        host = _host(urlsplit(url.strip()).hostname or "")
    except ValueError:
        return Source.OTHER
    return next((source for suffix, source in SOURCE_HOSTS if _on(host, suffix)), Source.OTHER)


def _on(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


def _host(hostname: str) -> str:
    """Lower case, no trailing dot, IDN as punycode, IPv6 in brackets; raises ValueError if empty or bad."""
    host = hostname.rstrip(".。．｡")
    if not host:
        raise ValueError("a link needs a host")
    if ":" in host:
        return f"[{IPv6Address(host.split('%')[0]).compressed}]"
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError(f"bad international host name {hostname!r}") from exc
    host = host.lower()
    if not _HOST.fullmatch(host):
        raise ValueError(f"bad host name {hostname!r}")
    return host


def _tidy(text: str, safe: str, plain: frozenset[str] = UNRESERVED) -> str:
    """Escape what must be escaped, write the characters of ``plain`` unescaped, upper-case other escapes."""
    text = _STRAY_PERCENT.sub("%25", quote(text, safe=safe))

    def one(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in plain else "%" + match.group(1).upper()

    return _ESCAPE.sub(one, text)


def _path(path: str) -> str:
    out: list[str] = []
    segments = _tidy(path, PATH_SAFE).split("/")
    for segment in segments[1:] if path.startswith("/") else segments:
        if segment == "..":
            out = out[:-1]
        elif segment != ".":
            out.append(segment)
    return "/" + "/".join(out).rstrip("/")


def _query(host: str, path: str, query: str) -> str:
    pairs = [_pair(piece) for piece in query.split("&") if piece]
    names = [unquote_plus(pair.split("=", 1)[0]) for pair in pairs]
    dropped = _site_tracking(host)
    kept = [(name, pair) for name, pair in zip(names, pairs) if not _is_tracking(name.lower(), dropped)]
    if _on(host, "mp.weixin.qq.com"):
        kept = _wechat_article(path, kept)
    return "&".join(sorted(pair for _, pair in kept))


def _pair(piece: str) -> str:
    """One ``name=value``; characters that mean the same raw or escaped in a query are written raw."""
    name, equals, value = piece.partition("=")
    return _tidy(name, QUERY_SAFE, QUERY_PLAIN - {"="}) + equals + _tidy(value, QUERY_SAFE + "=", QUERY_PLAIN)


def _site_tracking(host: str) -> frozenset[str]:
    sites = [site for site, hosts in SITE_HOSTS.items() if any(_on(host, h) for h in hosts)]
    return frozenset().union(*(SITE_TRACKING[site] for site in sites))


def _is_tracking(name: str, site: frozenset[str]) -> bool:
    return name in TRACKING or name in site or name.startswith(TRACKING_PREFIXES)


def _wechat_article(path: str, kept: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A WeChat article keeps only the keys that name it; a short link ``/s/<id>`` keeps none."""
    if path.startswith("/s/"):
        return []
    names = {name for name, _ in kept}
    for keys in WECHAT_ARTICLE_KEYS:
        if names.issuperset(keys):
            return [(name, pair) for name, pair in kept if name in keys]
    return kept
