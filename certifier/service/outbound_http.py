"""An httpx transport that reaches only addresses certifier.core.outbound allows (callbacks).

Each request's host is resolved once and every address checked (certifier.core.outbound_guard); the
request is then sent to the checked address itself, with the Host header and the TLS server name
(SNI, certificate check) still the URL's name. No second lookup happens, so a DNS answer that changes
between validation and connection (rebinding) cannot steer the request to an internal address.
"""

from __future__ import annotations

import threading

import httpx

from certifier.core import outbound_guard
from certifier.core.outbound import OutboundPolicy, literal_address


class GuardedTransport(httpx.BaseTransport):
    MAX_POOLS = 64  # receiver host names with a connection pool of their own; the oldest is closed beyond

    def __init__(self, policy: OutboundPolicy, **transport_options) -> None:
        self.policy = policy
        self._options = transport_options
        self._inner = httpx.HTTPTransport(trust_env=False, **transport_options)  # for literal addresses
        self._pools: dict[str, httpx.HTTPTransport] = {}
        self._lock = threading.Lock()

    def _pool(self, host: str) -> httpx.HTTPTransport:
        """One connection pool per host name: pools are keyed by the address connected to, and two names
        on one address (a CDN) must not share a TLS connection made for the other name."""
        with self._lock:
            pool = self._pools.pop(host, None)
            if pool is None:
                pool = httpx.HTTPTransport(trust_env=False, **self._options)
                if len(self._pools) >= self.MAX_POOLS:
                    self._pools.pop(next(iter(self._pools))).close()
            self._pools[host] = pool  # most recently used last
            return pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        self.policy.check_url(str(url))
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        if literal_address(host) is not None:
            outbound_guard.checked_addresses(host, port, self.policy)
            return self._inner.handle_request(request)
        request.extensions = {**request.extensions, "sni_hostname": host}  # TLS still checks the name
        addresses = outbound_guard.checked_addresses(host, port, self.policy)
        pool = self._pool(host.lower())
        for number, address in enumerate(addresses, 1):
            request.url = url.copy_with(host=str(address))  # connect to the checked address, no new lookup
            try:
                return pool.handle_request(request)
            except httpx.ConnectError:  # e.g. an IPv6 address without a route here: try the next one
                if number == len(addresses):
                    raise
        raise httpx.ConnectError(f"{host} has no address", request=request)  # not reached: one address at least

    def close(self) -> None:
        self._inner.close()
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def guarded_client(policy: OutboundPolicy, **client_options) -> httpx.Client:
    """An httpx.Client for outbound requests: guarded, no redirects, no proxies from the environment."""
    return httpx.Client(transport=GuardedTransport(policy), follow_redirects=False, trust_env=False,
                        **client_options)
