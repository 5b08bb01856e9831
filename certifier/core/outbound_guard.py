"""The connection-time half of certifier.core.outbound: resolve a host once, check every address it
stands for, and connect to an address that was checked.

A check of the name alone is not enough: a DNS server that answers a public address when the URL is
validated and 127.0.0.1 when the connection is made (DNS rebinding) would get through. So the
connection is opened to the very address that was checked, and the peer address of the connected
socket is checked again before a byte is sent. TLS still verifies the certificate for the name (SNI
and Host are the name, not the address).

Used by the remote preview (http.client connections below) and by the service's callback sender
(an httpx transport in certifier.service.outbound_http).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl

from certifier.core.outbound import IPAddress, OutboundPolicy, OutboundUrlError, literal_address


class OutboundRefused(OutboundUrlError):
    """A connection was not made because the address it would reach is not allowed."""


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (one lookup; tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))


def checked_addresses(host: str, port: int, policy: OutboundPolicy) -> list[IPAddress]:
    """The addresses of `host`, each one allowed by `policy`; OutboundRefused when any is not.
    socket.gaierror (OSError) when the name does not resolve: a network failure, worth a retry."""
    literal = literal_address(host)
    addresses = [literal] if literal is not None else resolve(host, port)
    if not addresses:
        raise socket.gaierror(f"{host} has no address")
    for address in addresses:
        try:
            policy.check_address(address, host)
        except OutboundUrlError as refused:
            raise OutboundRefused(str(refused)) from None
    return addresses


def check_if_resolvable(host: str, port: int, policy: OutboundPolicy) -> None:
    """Validation before any connection: refuse a name that resolves to a forbidden address now; a name
    that does not resolve (yet) is left to the connection-time check."""
    try:
        checked_addresses(host, port, policy)
    except OSError:
        pass


def open_socket(host: str, port: int, timeout: float | None, policy: OutboundPolicy) -> socket.socket:
    """A TCP connection to an allowed address of `host`, whose peer address is checked again."""
    last_error: OSError | None = None
    for address in checked_addresses(host, port, policy):
        try:
            sock = socket.create_connection((str(address), port), timeout=timeout)
        except OSError as error:
            last_error = error
            continue
        try:
            peer = ipaddress.ip_address(sock.getpeername()[0].split("%", 1)[0])
            policy.check_address(peer, host)
        except (OSError, OutboundUrlError) as error:
            sock.close()
            if isinstance(error, OutboundUrlError):
                raise OutboundRefused(str(error)) from None
            last_error = error
            continue
        return sock
    raise last_error or OSError(f"could not connect to {host}:{port}")


class GuardedHTTPConnection(http.client.HTTPConnection):
    """http.client connection that reaches only addresses `policy` allows."""

    def __init__(self, host: str, port: int | None, *, timeout: float, policy: OutboundPolicy) -> None:
        super().__init__(host, port, timeout=timeout)
        self.policy = policy

    def connect(self) -> None:
        self.sock = open_socket(self.host, self.port, self.timeout, self.policy)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class GuardedHTTPSConnection(http.client.HTTPSConnection):
    """As GuardedHTTPConnection, with TLS verified for the host name."""

    def __init__(self, host: str, port: int | None, *, timeout: float, policy: OutboundPolicy,
                 context: ssl.SSLContext | None = None) -> None:
        self.tls = context or ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.policy = policy

    def connect(self) -> None:
        sock = open_socket(self.host, self.port, self.timeout, self.policy)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def guarded_connection(scheme: str, host: str, port: int | None, timeout: float,
                       policy: OutboundPolicy) -> http.client.HTTPConnection:
    if scheme == "https":
        return GuardedHTTPSConnection(host, port, timeout=timeout, policy=policy)
    return GuardedHTTPConnection(host, port, timeout=timeout, policy=policy)
