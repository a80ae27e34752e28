"""Reading a fetched page: its charset (GBK pages are common) and its title and summary."""

from __future__ import annotations

import pytest

from bot.fetch.preview import decode_page, page_meta


@pytest.mark.parametrize("body, content_type, text, charset", [
    ("标题".encode("utf-8"), "text/html; charset=UTF-8", "标题", "utf-8"),
    (b"\xef\xbb\xbf" + "标题".encode("utf-8"), "text/html; charset=gbk", "标题", "utf-8"),
    ("标题".encode("gbk"), "text/html", "标题", "gb18030"),
    ('<?xml version="1.0" encoding="Big5"?><title>臺灣標題</title>'.encode("big5"), "application/xhtml+xml",
     '<?xml version="1.0" encoding="Big5"?><title>臺灣標題</title>', "big5"),
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
