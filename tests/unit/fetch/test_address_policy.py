"""The address policy of link previews: what the worker may connect to, checked without any network."""

from __future__ import annotations

import socket
import threading
import time
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fetch.address_policy import (BLOCKED, DEFAULT_POLICY, AddressPolicy, Blocked, Denial, FetchTarget,
                                      address_denial, resolve_within)


def verdict(url: str, policy: AddressPolicy = DEFAULT_POLICY) -> Blocked | None:
    """The code a link gets before any DNS: its own, or its literal address's; None when allowed."""
    target = policy.check_url(url)
    if isinstance(target, Denial):
        return target.code
    if target.address is not None:
        found = policy.check_address(target.address, target.port)
        return found.code if found else None
    return None


@pytest.mark.parametrize("url, code", [
    ("file:///etc/passwd", Blocked.SCHEME), ("gopher://127.0.0.1:70/_SET%20x", Blocked.SCHEME),
    ("ftp://ftp.example.cn/a", Blocked.SCHEME), ("data:text/html,<title>x</title>", Blocked.SCHEME),
    ("javascript:alert(1)", Blocked.SCHEME), ("dict://127.0.0.1:11211/stats", Blocked.SCHEME),
    ("ldap://127.0.0.1/", Blocked.SCHEME), ("//news.example.cn/a", Blocked.SCHEME), ("", Blocked.SCHEME),
    ("http://user:pass@news.example.cn/", Blocked.URL), ("http://news.example.cn\\@127.0.0.1/", Blocked.URL),
    ("http://news.example.cn/a b", Blocked.URL), ("http://news.example.cn:99999/", Blocked.URL),
    ("http:///a", Blocked.URL), ("http://[::1/", Blocked.URL), ("http://[fe80::1%25eth0]/", Blocked.URL),
    ("http://-bad-.example.cn/", Blocked.URL),
    ("http://localhost/", Blocked.HOST_NAME), ("http://LOCALHOST./", Blocked.HOST_NAME),
    ("http://a.b.localhost:8080/", Blocked.HOST_NAME), ("http://metadata.google.internal/", Blocked.HOST_NAME),
    ("http://printer.local/", Blocked.HOST_NAME), ("http://redis/", Blocked.HOST_NAME),
    ("http://router.home.arpa/", Blocked.HOST_NAME),
    ("http://2130706433/", Blocked.NUMERIC_FORM), ("http://0x7f000001/", Blocked.NUMERIC_FORM),
    ("http://0x7f.1/", Blocked.NUMERIC_FORM), ("http://0177.0.0.1/", Blocked.NUMERIC_FORM),
    ("http://127.1/", Blocked.NUMERIC_FORM), ("http://127.0.1/", Blocked.NUMERIC_FORM),
    ("http://017700000001/", Blocked.NUMERIC_FORM), ("http://127.0.0.01/", Blocked.NUMERIC_FORM),
    ("http://0/", Blocked.NUMERIC_FORM), ("http://3232235777/", Blocked.NUMERIC_FORM),
    ("http://0xA9.0xFE.0xA9.0xFE/", Blocked.NUMERIC_FORM), ("http://8.8.8.8.8/", Blocked.NUMERIC_FORM),
    ("http://news.example.123/", Blocked.NUMERIC_FORM),
    ("http://127。0。0。1/", Blocked.ADDRESS), ("http://①②⑦.0.0.1/", Blocked.ADDRESS),  # IDNA maps them to ASCII
    ("http://１２７.１/", Blocked.NUMERIC_FORM), ("http://localhost。/", Blocked.HOST_NAME),
    ("http://ｌｏｃａｌｈｏｓｔ/", Blocked.HOST_NAME),
    ("http://127.0.0.1/", Blocked.ADDRESS), ("http://127.0.0.1:8080/", Blocked.ADDRESS),
    ("http://0.0.0.0/", Blocked.ADDRESS), ("http://10.1.2.3/", Blocked.ADDRESS),
    ("http://172.16.0.1/", Blocked.ADDRESS), ("http://172.31.255.255/", Blocked.ADDRESS),
    ("http://192.168.1.1/", Blocked.ADDRESS), ("http://100.64.0.1/", Blocked.ADDRESS),
    ("http://198.18.0.1/", Blocked.ADDRESS), ("http://198.19.255.1/", Blocked.ADDRESS),
    ("http://192.0.2.1/", Blocked.ADDRESS), ("http://203.0.113.9/", Blocked.ADDRESS),
    ("http://224.0.0.1/", Blocked.ADDRESS), ("http://255.255.255.255/", Blocked.ADDRESS),
    ("http://169.254.1.1/", Blocked.ADDRESS),
    ("http://[::1]/", Blocked.ADDRESS), ("http://[::]/", Blocked.ADDRESS),
    ("http://[::ffff:127.0.0.1]/", Blocked.ADDRESS), ("http://[::ffff:7f00:1]/", Blocked.ADDRESS),
    ("http://[::ffff:10.0.0.1]/", Blocked.ADDRESS), ("http://[::127.0.0.1]/", Blocked.ADDRESS),
    ("http://[::ffff:8.8.8.8]/", Blocked.ADDRESS), ("http://[fe80::1]/", Blocked.ADDRESS),
    ("http://[fc00::1]/", Blocked.ADDRESS), ("http://[fd12:3456::1]/", Blocked.ADDRESS),
    ("http://[ff02::1]/", Blocked.ADDRESS), ("http://[2001:db8::1]/", Blocked.ADDRESS),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", Blocked.ADDRESS),  # Teredo
    ("http://[2002:c0a8:101::1]/", Blocked.ADDRESS),  # 6to4 of 192.168.1.1
    ("http://[64:ff9b::10.0.0.1]/", Blocked.ADDRESS),  # NAT64 of 10.0.0.1
    ("http://169.254.169.254/latest/meta-data/", Blocked.METADATA), ("http://100.100.100.200/", Blocked.METADATA),
    ("http://169.254.0.23/", Blocked.METADATA), ("http://[fd00:ec2::254]/", Blocked.METADATA),
    ("http://[::ffff:169.254.169.254]/", Blocked.METADATA), ("http://[64:ff9b::a9fe:a9fe]/", Blocked.METADATA),
    ("http://[2002:a9fe:a9fe::1]/", Blocked.METADATA),
    ("http://8.8.8.8:22/", Blocked.PORT), ("http://8.8.8.8:6379/", Blocked.PORT),
])
def test_hostile_links_are_refused_before_any_connection(url, code):
    assert verdict(url) is code


@pytest.mark.parametrize("url", [
    "http://8.8.8.8/", "https://114.114.114.114/", "http://[2400:3200::1]/", "https://[2002:808:808::1]/",
    "http://[64:ff9b::808:808]/", "http://1.1.1.1:8080/", "https://1.1.1.1:8443/",
])
def test_public_addresses_on_web_ports_are_allowed(url):
    assert verdict(url) is None


def test_a_name_becomes_a_target_with_punycode_host_and_an_ascii_path():
    target = DEFAULT_POLICY.check_url("HTTPS://新闻.中国:8443/路径/a?q=中&x=1#frag")
    assert target == FetchTarget("https", "xn--efvy88h.xn--fiqs8s", 8443, "/%E8%B7%AF%E5%BE%84/a?q=%E4%B8%AD&x=1")
    assert target.host_header == "xn--efvy88h.xn--fiqs8s:8443"
    assert DEFAULT_POLICY.check_url("http://news.example.cn").path == "/"
    assert DEFAULT_POLICY.check_url("http://[2400:3200::1]:80/").host_header == "[2400:3200::1]"


def test_allowing_an_endpoint_allows_exactly_that_address_and_port():
    policy = DEFAULT_POLICY.allowing(("127.0.0.1", 8765))
    assert policy.check_address(IPv4Address("127.0.0.1"), 8765) is None
    assert policy.check_address(IPv4Address("127.0.0.1"), 8766).code is Blocked.ADDRESS
    assert policy.check_address(IPv4Address("127.0.0.2"), 8765).code is Blocked.ADDRESS
    assert policy.check_address(IPv6Address("::ffff:127.0.0.1"), 8765).code is Blocked.ADDRESS
    assert verdict("http://localhost:8765/", policy) is Blocked.HOST_NAME
    assert verdict("http://2130706433:8765/", policy) is Blocked.NUMERIC_FORM
    assert DEFAULT_POLICY.check_address(IPv4Address("127.0.0.1"), 8765).code is Blocked.ADDRESS  # unchanged


# ---------------------------------------------------------------------------------------------- properties


def addresses_in(network) -> st.SearchStrategy:
    first = int(network.network_address)
    return st.integers(first, first + network.num_addresses - 1).map(lambda n: ip_address(n) if network.version == 4
                                                                     else IPv6Address(n))


BLOCKED_V4 = [net for net, _, _ in BLOCKED if net.version == 4]
BLOCKED_V6 = [net for net, _, _ in BLOCKED if net.version == 6]


@settings(max_examples=500)
@given(st.sampled_from(BLOCKED_V4).flatmap(addresses_in))
def test_every_address_of_a_blocked_ipv4_range_is_refused_in_every_ipv6_form(address):
    as_int = int(address)
    forms = [address, IPv6Address(0xFFFF << 32 | as_int), IPv6Address(as_int),
             IPv6Address(int(ip_network("64:ff9b::/96").network_address) | as_int),
             IPv6Address(0x2002 << 112 | as_int << 80)]
    for form in forms:
        assert address_denial(form) is not None, form
        assert DEFAULT_POLICY.check_address(form, 443) is not None


@settings(max_examples=300)
@given(st.sampled_from(BLOCKED_V6).flatmap(addresses_in))
def test_every_address_of_a_blocked_ipv6_range_is_refused(address):
    assert address_denial(address) is not None
    assert verdict(f"https://[{address}]/") in (Blocked.ADDRESS, Blocked.METADATA)


def numeric_forms(n: int) -> st.SearchStrategy:
    """The ways inet_aton and WHATWG accept to write an IPv4 address other than the dotted quad."""
    a, b, c, d = n.to_bytes(4, "big")

    def part(value: int) -> st.SearchStrategy:
        return st.sampled_from([hex(value), "0x" + format(value, "X"), "0" + oct(value)[2:]])

    return st.one_of(
        st.just(str(n)), st.just(hex(n)), st.just("0" + oct(n)[2:]),
        st.just(f"{a}.{b}.{c << 8 | d}"), st.just(f"{a}.{b << 16 | c << 8 | d}"),
        st.tuples(part(a), part(b), part(c), part(d)).map(".".join),
        st.just(f"{a}.{b}.{c}.0{d}") if d else st.just(f"{a}.{b}.{c}.00"),
    )


@settings(max_examples=500)
@given(st.integers(0, 2**32 - 1).flatmap(numeric_forms), st.sampled_from(["http", "https"]))
def test_numeric_forms_of_any_ipv4_address_are_refused(host, scheme):
    assert verdict(f"{scheme}://{host}/") is Blocked.NUMERIC_FORM


@settings(max_examples=300)
@given(st.ip_addresses(v=4))
def test_a_dotted_quad_is_an_address_and_judged_as_one(address):
    target = DEFAULT_POLICY.check_url(f"http://{address}/")
    assert target.address == address
    assert (DEFAULT_POLICY.check_address(address, 80) is None) == (address_denial(address) is None)


# ---------------------------------------------------------------------------------------------- resolution


def test_resolve_within_returns_the_answer_or_the_error():
    assert resolve_within(lambda host, port: ["203.0.113.7"], "news.example.cn", 80, 1) == ["203.0.113.7"]

    def fail(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "no such name")

    with pytest.raises(socket.gaierror):
        resolve_within(fail, "nowhere.example.cn", 80, 1)
    with pytest.raises(OSError, match="no addresses"):
        resolve_within(lambda host, port: [], "empty.example.cn", 80, 1)


def test_resolve_within_gives_up_on_a_hanging_resolver():
    released = threading.Event()

    def hang(host, port):  # a DNS server that does not answer until the test is over
        released.wait(5)
        return ["8.8.8.8"]

    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            resolve_within(hang, "slow.example.cn", 80, 0.05)
        assert time.monotonic() - started < 1
    finally:
        released.set()
