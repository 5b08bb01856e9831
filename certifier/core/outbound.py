"""Which outbound URLs and addresses the certifier may contact on behalf of a request (no I/O here).

Remote-preview deployment URLs and callback URLs come from marketplace requests and Deployment
descriptors: untrusted. Without these rules a request could make the certifier fetch
`http://127.0.0.1:.../internal/admin` or the cloud metadata service and read the answer back
(server-side request forgery). The rules:

* `https` only; plain `http` only to loopback, and only under a development flag (`allow_loopback`);
* no control characters, whitespace, non-ASCII characters, credentials (`user:pass@`) or fragment;
* every address the host stands for is public: no loopback, private, link-local (cloud metadata),
  shared/CGNAT (100.64/10), unspecified, multicast, documentation or reserved address, also when
  written in another form (`2130706433`, `0x7f.1`, `::ffff:127.0.0.1`, 6to4, NAT64).

Names are resolved and each address checked at connection time by certifier.core.outbound_guard,
which connects to the address it checked (no second lookup a rebinding DNS server could answer).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_CHARS = 2048
LOOPBACK_NAMES = ("localhost", "localhost.", "localhost.localdomain")
_LEGACY_IPV4 = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)  # 2130706433, 0x7f.1, 0177.0.0.1
_USERINFO = re.compile(r"^[^/?#]*@")  # an '@' in the authority (before any path, query or fragment)
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


class OutboundUrlError(ValueError):
    """The URL or address may not be contacted; the message says why (never the URL's secrets)."""


@dataclass(frozen=True)
class OutboundPolicy:
    """`allow_loopback` is a development switch: loopback addresses (http or https) are then allowed."""

    allow_loopback: bool = False
    switch: str = "a development switch"  # how the operator allows loopback, for messages

    def check_url(self, url: str, what: str = "URL") -> SplitResult:
        """The URL split into parts, or OutboundUrlError naming the first problem."""
        return check_url(url, what=what, allow_loopback=self.allow_loopback, switch=self.switch)

    def check_address(self, address: IPAddress, host: str) -> None:
        problem = address_problem(address)
        if problem and not (self.allow_loopback and address.is_loopback):
            shown = host if host == str(address) else f"{host} ({address})"
            raise OutboundUrlError(f"{shown} is {problem}; only public addresses may be contacted")


def check_url(url: str, *, what: str = "URL", allow_loopback: bool = False,
              switch: str = "a development switch") -> SplitResult:
    if not isinstance(url, str) or not url:
        raise OutboundUrlError(f"{what} must be a non-empty string")
    if len(url) > MAX_URL_CHARS:
        raise OutboundUrlError(f"{what} is longer than {MAX_URL_CHARS} characters")
    if any(ord(char) < 0x21 or ord(char) == 0x7F or char.isspace() for char in url):
        raise OutboundUrlError(f"{what} contains a control character or whitespace (CR, LF, TAB, NUL, space...)")
    if not url.isascii():
        raise OutboundUrlError(f"{what} must be ASCII: percent-encode the path and use the punycode form of the host")
    if "\\" in url:
        raise OutboundUrlError(f"{what} must not contain a backslash")
    rest = url.split(":", 1)[1] if ":" in url else url
    if rest.startswith("//") and _USERINFO.match(rest[2:]):
        raise OutboundUrlError(f"{what} must not carry credentials (user:password@)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise OutboundUrlError(f"{what} is not a valid URL: {error}") from None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("https", "http") or not host:
        raise OutboundUrlError(f"{what} must be an absolute https:// URL")
    if parts.fragment or url.endswith("#"):
        raise OutboundUrlError(f"{what} must not have a fragment")
    if port == 0:
        raise OutboundUrlError(f"{what} has port 0")
    loopback = is_loopback_host(host)
    if parts.scheme.lower() == "http" and not (allow_loopback and loopback):
        raise OutboundUrlError(f"{what} must use https:// (plain http is allowed only to loopback, and only with "
                               f"{switch}, for development)")
    if loopback and allow_loopback:
        return parts
    if host.rstrip(".") == "localhost" or host.rstrip(".").endswith(".localhost") or host in LOOPBACK_NAMES:
        raise OutboundUrlError(f"{what} names the local host ({host}); only public addresses may be contacted")
    address = literal_address(host)
    if address is not None:
        OutboundPolicy(allow_loopback).check_address(address, host)
    return parts


def is_loopback_host(host: str) -> bool:
    """localhost or a loopback address in any of its spellings."""
    host = host.lower().strip("[]")
    if host in LOOPBACK_NAMES or host.rstrip(".").endswith(".localhost"):
        return True
    address = literal_address(host)
    return address is not None and (address.is_loopback or _embedded_loopback(address))


def literal_address(host: str) -> IPAddress | None:
    """The address a host name *is* when it is written as an address, in any form a resolver accepts:
    dotted quad, IPv6 (with or without brackets, with a zone), and the legacy decimal, octal and hex forms
    (`2130706433`, `017700000001`, `0x7f.1`) that getaddrinfo and browsers turn into addresses."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host) and any(char.isdigit() for char in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why the address is not a public unicast address, or None when it is."""
    if address in _METADATA:
        return "the cloud metadata service"
    if address.is_unspecified or address.is_loopback:
        return "the unspecified address" if address.is_unspecified else "a loopback address"
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        inner = address_problem(embedded)
        if inner:
            return f"an IPv6 form of {embedded}, {inner}"
    for test, words in _KINDS:
        if test(address):
            return words
    if not address.is_global:
        return "not a public address"
    return None


_KINDS = (
    (lambda a: a.is_link_local, "a link-local address"),
    (lambda a: a.version == 4 and a in ipaddress.ip_network("100.64.0.0/10"), "a shared (CGNAT) address"),
    (lambda a: a.is_multicast, "a multicast address"),
    (lambda a: a.is_private, "a private address"),
    (lambda a: a.is_reserved, "a reserved address"),
)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, 6to4, Teredo client, NAT64 or IPv4-compatible."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    packed = address.packed
    if packed[:12] == bytes(12) or packed[:12] == bytes.fromhex("0064ff9b0000000000000000"):
        return ipaddress.IPv4Address(packed[12:])
    return None


def _embedded_loopback(address: IPAddress) -> bool:
    embedded = _embedded_ipv4(address)
    return embedded is not None and embedded.is_loopback


def without_password(url: str) -> str:
    """The URL with its password (if any) replaced by ***, for logs and messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(unparsable URL)"
    if not password:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{hostport}").geturl()


def has_password(url: str) -> bool:
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return ":" in url.split("@", 1)[0] and "@" in url
