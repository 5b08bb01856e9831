"""The network of one local preview: where its programs listen and how the certifier reaches them.

With namespaces (and root), the emulator, the app servers, postDeploy and preUndeploy share one private
network namespace (certifier.sandbox.netns): they reach each other on its 127.0.0.1 and nothing of the
host. The certifier reaches them through the namespace's relay, a unix socket in the run's workspace:
every HTTP connection of the preview (emulator API, readiness, health checks, probes) is made by
`connection()`, so nothing of the preview listens on the host's network.

Without namespaces (CERTIFIER_SANDBOX_NAMESPACES=0, no bwrap, not root) the preview shares the host's
network as before: the programs listen on the host's 127.0.0.1 and `mode` says "host".
"""

from __future__ import annotations

import http.client
import random
import urllib.request
from pathlib import Path
from typing import Any

from certifier.collect.preview.ports import LISTEN_PORTS, accepts, free_port
from certifier.sandbox import netns
from certifier.sandbox.netns import NetworkError

__all__ = ["HOST", "PRIVATE", "NetworkError", "PreviewNetwork", "open_network"]

PRIVATE, HOST = "private", "host"
LOOPBACK = ("127.0.0.1", "localhost")


class PreviewNetwork:
    """The host's network (`shared` None) or a private namespace held by `shared` (a SharedNetwork)."""

    def __init__(self, shared: Any = None) -> None:
        self.shared = shared
        self._given: set[int] = set()

    @property
    def mode(self) -> str:
        return PRIVATE if self.shared is not None else HOST

    def port(self) -> int:
        """A port for one program of the preview to listen on (never the same twice in one preview)."""
        while True:
            port = random.randrange(LISTEN_PORTS.start, LISTEN_PORTS.stop) if self.shared else free_port()
            if port not in self._given:
                self._given.add(port)
                return port

    def runner_options(self) -> dict[str, Any]:
        """How runner.run/start place a command of the preview on this network."""
        return {"netns_fd": self.shared.fd} if self.shared is not None else {"network": True}

    def connection(self, host: str, port: int | None = None, *, timeout: float = 10.0) -> http.client.HTTPConnection:
        """An HTTP connection to a program of the preview (`host` may carry the port: "127.0.0.1:8080")."""
        if self.shared is None:
            return http.client.HTTPConnection(host, port, timeout=timeout)
        return _RelayedConnection(self.shared, host, port, timeout=timeout)

    def connect(self, scheme: str, host: str, port: int | None, timeout_s: float) -> http.client.HTTPConnection:
        """`connection()` in the shape the probes' exchange.send takes (the preview speaks plain http)."""
        return self.connection(host, port, timeout=timeout_s)

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener whose http:// requests go through `connection()` (never through a proxy)."""
        return urllib.request.build_opener(urllib.request.ProxyHandler({}), _Handler(self))

    def accepts(self, port: int, timeout_s: float = 0.5) -> bool:
        """Something listens on `port` of the preview's 127.0.0.1."""
        if self.shared is None:
            return accepts(port, timeout_s)
        try:
            self.shared.connect(port, timeout_s).close()
            return True
        except OSError:
            return False

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()


def open_network(directory: Path) -> PreviewNetwork:
    """A private network for a preview when this machine can make one, else the host's network. Raises
    NetworkError when it should be private but could not be made (never silently the host's)."""
    if not netns.available():
        return PreviewNetwork()
    return PreviewNetwork(netns.SharedNetwork.start(directory))


class _RelayedConnection(http.client.HTTPConnection):
    """http.client over the relay: the socket is a unix stream the relay carries to 127.0.0.1:port inside."""

    def __init__(self, shared: Any, host: str, port: int | None = None, *, timeout: float = 10.0) -> None:
        super().__init__(host, port, timeout=timeout)
        self._shared = shared

    def connect(self) -> None:
        if self.host not in LOOPBACK:  # only the preview's own loopback is behind the relay
            raise ConnectionRefusedError(f"{self.host} is not a host of the preview network")
        self.sock = self._shared.connect(self.port, self.timeout if self.timeout is not None else 10.0)


class _Handler(urllib.request.HTTPHandler):
    def __init__(self, network: PreviewNetwork) -> None:
        super().__init__()
        self._network = network

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(self._connect, req)

    def _connect(self, host: str, timeout: Any = None, **_: Any) -> Any:  # urllib's default timeout is a sentinel
        return self._network.connection(host, timeout=timeout if isinstance(timeout, (int, float)) else 10.0)
