"""The address policy of the fetcher's outbound requests (link previews): which links, host names,
addresses and ports it may connect to — the guard against server-side request forgery.

A link is checked in two steps. :meth:`AddressPolicy.check_url` reads the link once, refuses what
is not plain http(s) to a public-looking name, and returns the :class:`FetchTarget` the fetcher
connects to — so the policy and the fetcher never read the same link differently. After DNS resolution every
address is checked by :meth:`AddressPolicy.check_address`; the fetcher connects to the checked address
and resolves nothing again. The rules and their reasons are in ``docs/links.md``.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Protocol
from urllib.parse import quote, urlsplit

__all__ = ["DEFAULT_POLICY", "AddressPolicy", "Blocked", "Denial", "FetchPolicy", "FetchTarget", "Resolver",
           "address_denial", "resolve_within", "system_resolver"]

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) -> address strings; raises OSError for none


class Blocked(StrEnum):
    """Why the policy refuses a link or an address."""

    URL = "bad_url"
    SCHEME = "scheme"
    HOST_NAME = "host_name"
    NUMERIC_FORM = "numeric_form"
    ADDRESS = "address"
    METADATA = "metadata"
    PORT = "port"


@dataclass(frozen=True)
class Denial:
    """A refusal: its code and a short English detail for logs (no query strings, no secrets)."""

    code: Blocked
    detail: str


DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class FetchTarget:
    """A link as the fetcher uses it: punycode host, port, path with query (ASCII), the address if literal."""

    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress | None = None

    @property
    def host_header(self) -> str:
        """The Host header: the name (or bracketed IPv6 literal), with the port unless it is the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


class FetchPolicy(Protocol):
    """What the fetcher needs from a policy; :class:`AddressPolicy` is the real one."""

    def check_url(self, url: str) -> FetchTarget | Denial: ...

    def check_address(self, address: IPAddress, port: int) -> Denial | None: ...


ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})
# Names of this machine or of an internal network, whatever DNS says about them.
LOCAL_NAMES = ("localhost", "localdomain", "local", "internal", "lan", "intranet", "home.arpa", "ip6-localhost",
               "ip6-loopback")
URL_SAFE = "/%:@!$&'()*+,;=~"
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_NUMBER = re.compile(r"[0-9]+|0x[0-9a-f]*")
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(\.{_OCTET}){{3}}")

M, A = "metadata", "address"
# (network, code, reason); the first match wins, so metadata addresses come before their ranges.
BLOCKED = tuple((ip_network(net), Blocked.METADATA if code == M else Blocked.ADDRESS, why) for net, code, why in (
    ("169.254.169.254/32", M, "cloud metadata (AWS, Azure, GCP, Huawei, Oracle)"),
    ("169.254.0.23/32", M, "Tencent Cloud metadata"), ("100.100.100.200/32", M, "Alibaba Cloud metadata"),
    ("fd00:ec2::254/128", M, "AWS metadata (IPv6)"),
    ("0.0.0.0/8", A, "'this network' (0/8)"), ("10.0.0.0/8", A, "private (10/8)"),
    ("100.64.0.0/10", A, "carrier-grade NAT (100.64/10)"), ("127.0.0.0/8", A, "loopback (127/8)"),
    ("169.254.0.0/16", A, "link-local (169.254/16)"), ("172.16.0.0/12", A, "private (172.16/12)"),
    ("192.0.0.0/24", A, "IETF protocol assignments (192.0.0/24)"), ("192.0.2.0/24", A, "documentation (TEST-NET-1)"),
    ("192.88.99.0/24", A, "6to4 relay anycast (192.88.99/24)"), ("192.168.0.0/16", A, "private (192.168/16)"),
    ("198.18.0.0/15", A, "benchmarking (198.18/15)"), ("198.51.100.0/24", A, "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", A, "documentation (TEST-NET-3)"), ("224.0.0.0/4", A, "multicast (224/4)"),
    ("240.0.0.0/4", A, "reserved (240/4, with broadcast)"),
    ("::/128", A, "unspecified (::)"), ("::1/128", A, "loopback (::1)"), ("100::/64", A, "discard-only (100::/64)"),
    ("64:ff9b:1::/48", A, "local-use NAT64 (64:ff9b:1::/48)"),
    ("2001::/23", A, "IETF protocol assignments, Teredo (2001::/23)"),
    ("2001:db8::/32", A, "documentation (2001:db8::/32)"), ("3fff::/20", A, "documentation (3fff::/20)"),
    ("5f00::/16", A, "SRv6 SIDs (5f00::/16)"), ("fc00::/7", A, "unique local (fc00::/7)"),
    ("fe80::/10", A, "link-local (fe80::/10)"), ("fec0::/10", A, "site-local (fec0::/10)"),
    ("ff00::/8", A, "multicast (ff00::/8)"),
))
UNSPECIFIED, LOOPBACK = IPv6Address("::"), IPv6Address("::1")
MAPPED, COMPATIBLE = ip_network("::ffff:0:0/96"), ip_network("::/96")
NAT64, GLOBAL_UNICAST = ip_network("64:ff9b::/96"), ip_network("2000::/3")


@dataclass(frozen=True)
class AddressPolicy:
    """The real policy: http(s) only, public unicast addresses only, a few web ports.

    ``allow`` lists exact (address, port) endpoints that skip the address and port checks — for a
    test's or a demo's own local server; nothing else about a link is relaxed.
    """

    ports: frozenset[int] = ALLOWED_PORTS
    allow: frozenset[tuple[IPAddress, int]] = field(default_factory=frozenset)

    def allowing(self, *endpoints: tuple[str, int]) -> AddressPolicy:
        """This policy, also allowing exactly these (address, port) endpoints; raises ValueError."""
        extra = {(ip_address(host), int(port)) for host, port in endpoints}
        return replace(self, allow=self.allow | extra)

    def check_url(self, url: str) -> FetchTarget | Denial:
        """The target of an http(s) link, or why it is refused; never raises."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in DEFAULT_PORTS:
            return Denial(Blocked.SCHEME, f"scheme {scheme[:20] or '(none)'!r} is not http(s)")
        if _BAD_CHARS.search(url):
            return Denial(Blocked.URL, "link holds spaces, control characters or backslashes")
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as exc:
            return Denial(Blocked.URL, f"unreadable link ({exc})")
        if "@" in parts.netloc:
            return Denial(Blocked.URL, "link carries user info")
        host = _host(parts.hostname or "")
        if isinstance(host, Denial):
            return host
        path = quote(parts.path or "/", safe=URL_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=URL_SAFE + "?")
        return FetchTarget(scheme, str(host), port, path, None if isinstance(host, str) else host)

    def check_address(self, address: IPAddress, port: int) -> Denial | None:
        """Why this address and port may not be connected to, or None; never raises."""
        if (address, port) in self.allow:
            return None
        found = address_denial(address)
        if found is None and port not in self.ports:
            found = Denial(Blocked.PORT, f"port {port} is not one of {sorted(self.ports)}")
        return found


def _host(hostname: str) -> str | IPAddress | Denial:
    """The host as a punycode name or an address literal, or why it is refused."""
    if "%" in hostname:
        return Denial(Blocked.URL, "IPv6 zone ids are refused")
    if ":" in hostname:
        try:
            return IPv6Address(hostname)
        except ValueError:
            return Denial(Blocked.URL, "unreadable IPv6 literal")
    host = hostname.rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower().rstrip(".")
        except UnicodeError:
            return Denial(Blocked.URL, "bad international host name")
    labels = host.split(".")
    if _NUMBER.fullmatch(labels[-1]):  # the WHATWG rule: a host ending in a number is an IPv4 address
        if _DOTTED_QUAD.fullmatch(host):
            return IPv4Address(host)
        return Denial(Blocked.NUMERIC_FORM, "IPv4 address in decimal, octal, hex or short form")
    if not host or len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return Denial(Blocked.URL, "bad host name")
    if len(labels) < 2 or any(host == name or host.endswith("." + name) for name in LOCAL_NAMES):
        return Denial(Blocked.HOST_NAME, f"{host!r} names this machine or an internal network")
    return host


def address_denial(address: IPAddress) -> Denial | None:
    """Why an address is not a public unicast address, or None; never raises.

    IPv4 inside IPv6 is judged by the IPv4 address: IPv4-mapped and -compatible forms are refused
    always, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) forms when their IPv4 address is refused.
    """
    if isinstance(address, IPv6Address) and address not in (UNSPECIFIED, LOOPBACK):
        if address in MAPPED or address in COMPATIBLE:
            inner = IPv4Address(int(address) & 0xFFFFFFFF)
            found = address_denial(inner)
            return Denial(found.code if found else Blocked.ADDRESS, f"{address} is IPv4-mapped/-compatible ({inner})")
        if address in NAT64 or address.sixtofour is not None:
            inner = address.sixtofour or IPv4Address(int(address) & 0xFFFFFFFF)
            found = address_denial(inner)
            return Denial(found.code, f"{address} embeds {found.detail}") if found else None
    listed = next((Denial(code, f"{address} is {why}") for net, code, why in BLOCKED if address in net), None)
    return listed or _not_public(address)


def _not_public(address: IPAddress) -> Denial | None:
    """The catch-all after the table: Python's idea of global, no multicast, IPv6 only in 2000::/3."""
    public = address.is_global and not address.is_multicast
    if isinstance(address, IPv6Address):
        public = public and address in GLOBAL_UNICAST
    return None if public else Denial(Blocked.ADDRESS, f"{address} is not a public unicast address")


def resolve_within(resolver: Resolver, host: str, port: int, seconds: float) -> list[str]:
    """The resolver's answer, run in a thread so a hanging DNS server cannot outlast ``seconds``.

    Raises TimeoutError when it takes longer, OSError when there is no address, and whatever the resolver raises.
    """
    box: dict = {}

    def run() -> None:
        try:
            box["addresses"] = list(resolver(host, port))
        except Exception as exc:  # decided: re-raised in the caller's thread below
            box["error"] = exc

    thread = threading.Thread(target=run, name="resolve-within", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"resolving {host} took more than {seconds:.1f} s")
    if "error" in box:
        raise box["error"]
    if not box["addresses"]:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} has no addresses")
    return box["addresses"]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of a host name from the system resolver; raises OSError when it has none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


DEFAULT_POLICY = AddressPolicy()
