"""Links of intake: the desk forwards the same story twice and the bot recognises it; a link's source."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.intake.links import SITE_HOSTS, SITE_TRACKING, TRACKING, Source, find_links, normalise, source_of

# ---------------------------------------------------------------------------------------------- normalise


@pytest.mark.parametrize("raw, expected", [
    # scheme and host case, default ports, fragment, trailing slash
    ("HTTPS://News.QQ.COM:443/a/b/?x=1#top", "https://news.qq.com/a/b?x=1"),
    ("http://www.people.com.cn:80", "http://www.people.com.cn/"),
    ("http://www.people.com.cn:8080/n1/", "http://www.people.com.cn:8080/n1"),
    ("https://www.thepaper.cn:80/x", "https://www.thepaper.cn:80/x"),
    ("https://www.163.com.", "https://www.163.com/"),
    ("  https://user:secret@www.ifeng.com/c/8X  ", "https://www.ifeng.com/c/8X"),
    # hash routes of single-page sites name the article; other fragments do not
    ("https://x.gov.cn/#/news/123", "https://x.gov.cn/#/news/123"),
    ("https://x.gov.cn/app#!detail/9", "https://x.gov.cn/app#!detail/9"),
    ("https://x.gov.cn/a.html#p2", "https://x.gov.cn/a.html"),
    # escapes: unreserved decoded, others upper-cased, non-ASCII encoded as UTF-8, dot segments resolved
    ("https://a.cn/%7e%41/%2f/./b/../c", "https://a.cn/~A/%2F/c"),
    ("https://a.cn/新闻/稿件", "https://a.cn/%E6%96%B0%E9%97%BB/%E7%A8%BF%E4%BB%B6"),
    ("https://a.cn/100%", "https://a.cn/100%25"),
    # remaining query parameters sorted; order of the sender does not matter
    ("https://a.cn/p?b=2&a=1&c", "https://a.cn/p?a=1&b=2&c"),
    ("https://a.cn/p?q=%E4%B8%AD&k=%3d", "https://a.cn/p?k==&q=%E4%B8%AD"),
    ("https://a.cn/p?q=a%2Bb", "https://a.cn/p?q=a%2Bb"),
    ("https://a.cn/p?q=a+b", "https://a.cn/p?q=a+b"),
    ("https://a.cn/p?&&a=1&&", "https://a.cn/p?a=1"),
    # IDN hosts become punycode, full-width dots are dots
    ("https://中国政府网.中国/x", "https://xn--fiqs8sirgfmhq98a.xn--fiqs8s/x"),
    ("https://例子。测试/", "https://xn--fsqu00a.xn--0zwm56d/"),
    ("http://[2001:DB8:0:0::1]:80/", "http://[2001:db8::1]/"),
])
def test_normal_form(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("https://weibo.com/1234567890/OabCdEfGh?from=page_1005051234567890_profile&wvr=6&mod=weibotime&type=comment",
     "https://weibo.com/1234567890/OabCdEfGh?type=comment&wvr=6"),
    ("https://m.weibo.cn/status/4981234567890123?sourceType=weixin&from=10D1195010&wm=9006_2001"
     "&featurecode=newtitle&jumpfrom=weibocom", "https://m.weibo.cn/status/4981234567890123"),
    ("https://www.douyin.com/video/7301234567890123456?previous_page=app_code_link&is_from_webapp=1"
     "&sender_device=pc&share_token=abc", "https://www.douyin.com/video/7301234567890123456"),
    ("https://www.iesdouyin.com/share/video/7301234567890123456/?region=CN&mid=7301&u_code=3h&did=1&iid=2"
     "&with_sec_did=1&titleType=title&share_sign=x&share_version=1&ts=1700000000&from_ssr=1",
     "https://www.iesdouyin.com/share/video/7301234567890123456"),
    ("https://v.kuaishou.com/short-video/3xabc?fid=1&cc=share_copylink&followRefer=151&shareMethod=TOKEN"
     "&docId=9&kpn=KUAISHOU&subBiz=BROWSE_SLIDE_PHOTO&photoId=3xabc&shareId=1&shareToken=X&userId=3x9"
     "&shareType=1&et=1_i&shareMode=APP&originShareId=1&appType=21&efid=0&timestamp=1700000000000",
     "https://v.kuaishou.com/short-video/3xabc?photoId=3xabc"),
    ("https://www.toutiao.com/article/7301234567890123456/?app=news_article&timestamp=1700000000"
     "&use_new_style=1&req_id=2023&group_id=7301234567890123456&share_token=x&tt_from=weixin"
     "&utm_source=weixin&utm_medium=toutiao_android&utm_campaign=client_share&wxshare_count=1&source=m_redirect",
     "https://www.toutiao.com/article/7301234567890123456?group_id=7301234567890123456"),
    ("https://mp.weixin.qq.com/s?__biz=MzU1Njg1NDg5NQ==&mid=2247484421&idx=1&sn=33e14c8351f27323"
     "&chksm=fc3fff05cb48&cur_album_id=2007&scene=189&sharer_sharetime=1700&sharer_shareid=ab#wechat_redirect",
     "https://mp.weixin.qq.com/s?__biz=MzU1Njg1NDg5NQ==&idx=1&mid=2247484421&sn=33e14c8351f27323"),
    ("https://mp.weixin.qq.com/s?src=11&timestamp=1700000000&ver=4&signature=abc*def&new=1",
     "https://mp.weixin.qq.com/s?signature=abc*def&src=11&timestamp=1700000000&ver=4"),
    ("https://mp.weixin.qq.com/s/hcnFHhlzorK8l6JCLiaAPw?scene=1&from=singlemessage",
     "https://mp.weixin.qq.com/s/hcnFHhlzorK8l6JCLiaAPw"),
    ("https://www.bilibili.com/video/BV1xx411c7mD/?spm_id_from=333.1007&vd_source=abc&p=2&t=30"
     "&share_source=weixin&share_medium=iphone&bbid=x&ts=1700000000&unique_k=abc",
     "https://www.bilibili.com/video/BV1xx411c7mD?p=2"),
    ("https://www.xiaohongshu.com/explore/6561234abc?xsec_token=AB&xsec_source=pc_share&app_platform=ios"
     "&app_version=8.1&share_from_user_hidden=true&author_share=1", "https://www.xiaohongshu.com/explore/6561234abc"),
    ("https://www.zhihu.com/question/123/answer/456?utm_psn=1&utm_source=wechat_session&share_code=x",
     "https://www.zhihu.com/question/123/answer/456"),
    ("https://baijiahao.baidu.com/s?id=1780000000000000000&wfr=spider&for=pc",
     "https://baijiahao.baidu.com/s?id=1780000000000000000"),
    ("https://news.sina.com.cn/c/2023-11-29/doc-imzwabcd.shtml?cre=tianyi&mod=pcpager_news&loc=1&r=0&rfunc=49"
     "&tj=cxvertical&tr=174", "https://news.sina.com.cn/c/2023-11-29/doc-imzwabcd.shtml"),
    ("https://www.163.com/dy/article/IK1234.html?spss=dy_author", "https://www.163.com/dy/article/IK1234.html"),
    ("https://www.example.com/a?fbclid=1&gclid=2&spm=a.b.c&scm=1&from=timeline&isappinstalled=0&id=7",
     "https://www.example.com/a?id=7"),
])
def test_tracking_parameters_are_dropped(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    # names that track on one platform identify things elsewhere, so they are kept there
    ("https://www.example.com/a?mid=5&timestamp=9&scene=2&t=3&for=x&app=y",
     "https://www.example.com/a?app=y&for=x&mid=5&scene=2&t=3&timestamp=9"),
    # a WeChat page that is not an article keeps its keys (minus tracking)
    ("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzU1Njg1NDg5NQ==&scene=124",
     "https://mp.weixin.qq.com/mp/profile_ext?__biz=MzU1Njg1NDg5NQ==&action=home"),
])
def test_parameters_that_name_things_are_kept(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", [
    "ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@b.cn", "weibo.com/123",
    "https://", "http://:80/", "https://a.cn:99999/", "https://exa mple.com/", "http://[::1/",
])
def test_what_is_not_an_http_link_raises_value_error(raw):
    with pytest.raises(ValueError):
        normalise(raw)


# ---------------------------------------------------------------------------------------------- source_of


@pytest.mark.parametrize("url, source, label", [
    ("https://weibo.com/1234/Oab", Source.WEIBO, "微博"),
    ("https://m.weibo.cn/status/498", Source.WEIBO, "微博"),
    ("http://t.cn/A6abc", Source.WEIBO, "微博"),
    ("https://v.douyin.com/iRNBj5dE/", Source.DOUYIN, "抖音"),
    ("https://www.iesdouyin.com/share/video/1/", Source.DOUYIN, "抖音"),
    ("https://v.kuaishou.com/abc", Source.KUAISHOU, "快手"),
    ("https://m.gifshow.com/fw/photo/3x", Source.KUAISHOU, "快手"),
    ("https://m.toutiao.com/is/abc/", Source.TOUTIAO, "今日头条"),
    ("https://mp.weixin.qq.com/s/abc", Source.WECHAT, "微信公众号"),
    ("https://MP.WEIXIN.QQ.COM/s/abc", Source.WECHAT, "微信公众号"),
    ("https://b23.tv/abc", Source.BILIBILI, "哔哩哔哩"),
    ("https://www.bilibili.com/video/BV1", Source.BILIBILI, "哔哩哔哩"),
    ("http://xhslink.com/a/abc", Source.XIAOHONGSHU, "小红书"),
    ("https://zhuanlan.zhihu.com/p/1", Source.ZHIHU, "知乎"),
    ("https://baijiahao.baidu.com/s?id=1", Source.BAIDU, "百度"),
    ("http://sh.people.com.cn/n2/2023/1129/c1.html", Source.NEWS, "新闻网站"),
    ("http://www.news.cn/local/2023-11/29/c_1.htm", Source.NEWS, "新闻网站"),
    ("https://www.xinhuanet.com/x", Source.NEWS, "新闻网站"),
    ("https://www.chinanews.com.cn/sh/2023/11-29/1.shtml", Source.NEWS, "新闻网站"),
    ("https://www.thepaper.cn/newsDetail_forward_1", Source.NEWS, "新闻网站"),
    ("https://www.163.com/dy/article/I.html", Source.NEWS, "新闻网站"),
    ("https://news.sina.com.cn/c/doc.shtml", Source.NEWS, "新闻网站"),
    ("https://new.qq.com/rain/a/2023", Source.NEWS, "新闻网站"),
    ("https://news.ifeng.com/c/8X", Source.NEWS, "新闻网站"),
    ("https://news.cctv.com/2023/11/29/ARTI.shtml", Source.NEWS, "新闻网站"),
    ("https://channels.weixin.qq.com/x", Source.OTHER, "其他"),
    ("https://notweibo.com/1", Source.OTHER, "其他"),
    ("https://weibo.com.evil.example/1", Source.OTHER, "其他"),
    ("https://weibo.com@evil.example/1", Source.OTHER, "其他"),
    ("http://127.0.0.1/", Source.OTHER, "其他"),
    ("not a link", Source.OTHER, "其他"),
    ("http://[::1/", Source.OTHER, "其他"),
])
def test_source_of_a_link_and_its_chinese_name(url, source, label):
    assert source_of(url) is source
    assert source_of(url).label == label


def test_every_source_has_a_chinese_name():
    assert all(source.label and not source.label.isascii() for source in Source)


# ---------------------------------------------------------------------------------------------- find_links


@pytest.mark.parametrize("text, links", [
    ("https://weibo.com/1/A", ["https://weibo.com/1/A"]),
    ("看这个【https://weibo.com/1/A?from=x】，还有（https://v.douyin.com/iRNBj5dE/）。",
     ["https://weibo.com/1/A?from=x", "https://v.douyin.com/iRNBj5dE/"]),
    ("7.94 复制打开抖音，看看【某某的作品】商场称重缺斤少两 https://v.douyin.com/iRNBj5dE/ a@b.nq 12/31 bae:/",
     ["https://v.douyin.com/iRNBj5dE/"]),
    ("网友爆料https://www.thepaper.cn/newsDetail_forward_1转发自澎湃", ["https://www.thepaper.cn/newsDetail_forward_1"]),
    ("《https://a.cn/x》「https://b.cn/y」“https://c.cn/z”", ["https://a.cn/x", "https://b.cn/y", "https://c.cn/z"]),
    ("See https://a.cn/x. Then https://b.cn/y, and https://c.cn/z!", ["https://a.cn/x", "https://b.cn/y",
                                                                     "https://c.cn/z"]),
    ("(see https://a.cn/x) [t](https://b.cn/y) <https://c.cn/z>", ["https://a.cn/x", "https://b.cn/y",
                                                                   "https://c.cn/z"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar)", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("'https://a.cn/?q=1&r=2'; \"https://a.cn/#/news/1\"", ["https://a.cn/?q=1&r=2", "https://a.cn/#/news/1"]),
    ("HTTPS://A.CN/X 和 http://[2001:db8::1]:8080/p", ["HTTPS://A.CN/X", "http://[2001:db8::1]:8080/p"]),
    ("twice https://a.cn/x and https://a.cn/x again", ["https://a.cn/x"]),
    ("no link here, ftp://a.cn/x, www.a.cn/x, https:// alone, https://[::1", []),
    ("", []),
])
def test_find_links_in_a_forwarded_message(text, links):
    assert find_links(text) == links


# ---------------------------------------------------------------------------------------------- properties

LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
HOST = st.lists(LABEL, min_size=2, max_size=4).map(".".join).filter(lambda h: not h.replace(".", "").isdigit())
KNOWN_HOSTS = st.sampled_from(["weibo.com", "m.weibo.cn", "www.douyin.com", "v.kuaishou.com", "www.toutiao.com",
                               "mp.weixin.qq.com", "www.bilibili.com", "www.xiaohongshu.com", "www.zhihu.com",
                               "baijiahao.baidu.com", "news.sina.com.cn", "www.163.com", "news.qq.com"])
SEGMENT = st.text(string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@" + "新闻稿", max_size=8)
QUERY_TEXT = st.text(string.ascii_letters + string.digits + "-._~%!$'()*+,;=:@/?" + "中文", max_size=8)
NAME = st.text(string.ascii_lowercase + "_", min_size=1, max_size=6)


@st.composite
def urls(draw, host=st.one_of(HOST, KNOWN_HOSTS)):
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(st.lists(SEGMENT, max_size=4)))
    pairs = draw(st.lists(st.tuples(NAME, QUERY_TEXT), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in pairs)
    fragment = draw(st.sampled_from(["", "#top", "#/news/1", "#!x"]))
    return f"{scheme}://{draw(host)}{port}/{path}" + (f"?{query}" if query else "") + fragment


def tracking_names(host: str) -> list[str]:
    names = sorted(TRACKING) + ["utm_source", "utm_x", "share_token", "sharer_shareid", "spm_id_from"]
    for site, hosts in SITE_HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            names += sorted(SITE_TRACKING[site])
    return names


@settings(max_examples=400)
@given(urls())
def test_normalise_is_idempotent(url):
    once = normalise(url)
    assert normalise(once) == once


@settings(max_examples=300)
@given(urls(), st.data())
def test_adding_a_tracking_parameter_changes_nothing(url, data):
    host = url.split("/")[2].split(":")[0]
    name = data.draw(st.sampled_from(tracking_names(host)))
    value = data.draw(QUERY_TEXT)
    base, _, fragment = url.partition("#")
    pieces = base.split("?", 1)
    params = pieces[1].split("&") if len(pieces) == 2 else []
    params.insert(data.draw(st.integers(0, len(params))), f"{name}={value}")
    tracked = pieces[0] + "?" + "&".join(params) + (f"#{fragment}" if fragment else "")
    assert normalise(tracked) == normalise(url)


@settings(max_examples=300)
@given(urls(), st.data())
def test_case_of_scheme_and_host_changes_nothing(url, data):
    scheme, rest = url.split("://", 1)
    host, slash, tail = rest.partition("/")
    flip = data.draw(st.lists(st.booleans(), min_size=len(scheme + host), max_size=len(scheme + host)))
    mixed = "".join(c.upper() if f else c for c, f in zip(scheme + host, flip))
    assert normalise(f"{mixed[:len(scheme)]}://{mixed[len(scheme):]}{slash}{tail}") == normalise(url)


@settings(max_examples=1000)
@given(st.sampled_from(["https://a.cn/", "http://WEIBO.com:80", "https://mp.weixin.qq.com/s?", "http://[::1]/",
                        "https://例子.测试/", "https://www.douyin.com/video/1?"]), st.text())
def test_normalise_is_idempotent_or_refuses_whatever_follows_the_host(head, tail):
    try:
        once = normalise(head + tail)
    except ValueError:
        return
    assert normalise(once) == once
    assert source_of(once) is source_of(head + tail)


@settings(max_examples=500)
@given(st.text())
def test_find_links_finds_only_http_links_that_are_in_the_text(text):
    for link in find_links(text):
        assert link in text and link.lower().startswith(("http://", "https://"))


ARTICLE_ID = st.text(string.ascii_letters + string.digits, min_size=1, max_size=12)
ARTICLES = [
    lambda a: f"https://weibo.com/1234567890/{a}?from=page&wm=1",
    lambda a: f"https://m.weibo.cn/status/{a}?sourceType=weixin",
    lambda a: f"https://www.douyin.com/video/{a}?previous_page=app_code_link",
    lambda a: f"https://v.kuaishou.com/short-video/{a}?shareId=1&timestamp=2",
    lambda a: f"https://www.toutiao.com/article/{a}/?app=news_article",
    lambda a: f"https://mp.weixin.qq.com/s?__biz=MzU1Njg1NDg5NQ==&mid={a}&idx=1&sn=ab&scene=21",
    lambda a: f"https://mp.weixin.qq.com/s?__biz=MzU1Njg1NDg5NQ==&mid=1&idx=1&sn={a}&chksm=1",
    lambda a: f"https://mp.weixin.qq.com/s?__biz={a}&mid=1&idx=1&sn=ab",
    lambda a: f"https://mp.weixin.qq.com/s/{a}?scene=1",
    lambda a: f"https://www.bilibili.com/video/{a}/?vd_source=x",
    lambda a: f"https://baijiahao.baidu.com/s?id={a}&wfr=spider&for=pc",
    lambda a: f"https://news.sina.com.cn/c/doc-{a}.shtml?cre=tianyi",
    lambda a: f"https://www.example.gov.cn/#/news/{a}",
    lambda a: f"https://www.example.com/article?id={a}&utm_source=x",
]


@settings(max_examples=300)
@given(st.sampled_from(ARTICLES), ARTICLE_ID, ARTICLE_ID)
def test_different_articles_do_not_collide(article, one, other):
    assume(one != other)
    assert normalise(article(one)) != normalise(article(other))


@settings(max_examples=300)
@given(urls(host=HOST), ARTICLE_ID, ARTICLE_ID)
def test_a_different_path_segment_or_parameter_value_is_a_different_story(url, one, other):
    assume(one != other)
    head, _, rest = url.partition("://")[2].partition("/")
    scheme = url.split("://")[0]
    assume(".." not in rest.split("?")[0].split("#")[0].split("/"))
    assert normalise(f"{scheme}://{head}/{one}/{rest}") != normalise(f"{scheme}://{head}/{other}/{rest}")
    joiner = "&" if "?" in url.split("#")[0] else "?"
    base, hash_, fragment = url.partition("#")

    def with_id(value):
        return normalise(f"{base}{joiner}id={value}{hash_}{fragment}")

    assert with_id(one) != with_id(other)


@settings(max_examples=300)
@given(st.text(max_size=60), urls(), st.sampled_from(["，", "。", "）", "】", "！", "》", " ", "\n", "、", "：", "”"]),
       st.sampled_from(["", ".", ",", "!", "?", ";", ":", ")"]))
def test_a_link_in_chinese_text_is_found_whole(prefix, url, after, punctuation):
    assume("://" not in prefix)
    url = url.replace(" ", "")
    assume(url.isascii() and not url.endswith(tuple(".,;:!?'\"*)")) and url.count("(") == url.count(")"))
    text = f"{prefix} {url}{punctuation}{after}后文"
    assert find_links(text) == [url]


def test_docs_give_every_dropped_parameter_and_every_source_host():
    from pathlib import Path

    from bot.domain.intake.links import SOURCE_HOSTS, TRACKING_PREFIXES

    doc = (Path(__file__).resolve().parents[3] / "docs" / "links.md").read_text(encoding="utf-8")
    names = set(TRACKING).union(*SITE_TRACKING.values())
    missing = [n for n in sorted(names) if f"`{n}`" not in doc]
    missing += [p for p in TRACKING_PREFIXES if f"`{p}*`" not in doc and f"`{p}`" not in doc]
    missing += [host for host, _ in SOURCE_HOSTS if f"`{host}`" not in doc]
    assert not missing, f"docs/links.md does not explain {missing}"
