"""The dependency install's only way out: an allow-listing HTTP proxy to the package registry (issue 10).

The install runs in an empty network namespace (no route anywhere, a loopback of its own). Inside it, a
relay (socat) listens on 127.0.0.1:RELAY_PORT and forwards each connection to a unix socket in the
workspace; on the host, certifier's `EgressProxy` answers on that socket:

  * `CONNECT host:port` (https) and absolute-form plain http requests (`GET http://host/...`) are
    forwarded only when `host:port` is a registry host of the allow-list (`registry_hosts()`): by name,
    so a lockfile `resolved` URL, a git or tarball dependency, or a connector's .npmrc pointing at
    127.0.0.1:6379, a private address or any other host is refused (403), and nothing connects to it;
  * it chains to the proxy the host itself uses (HTTPS_PROXY / HTTP_PROXY of the certifier, NO_PROXY
    honoured), else connects directly;
  * the socket is 0600, owned by the workspace's sandbox uid, in a 0700 directory of that uid, and every
    connection's peer credentials must be that uid: no other process of the host can use the proxy;
  * every target is recorded (`EgressLog`): the hosts contacted, and the ones refused (the connector's
    finding: something in it points outside the registry).

The package manager is pointed at the relay with HTTPS_PROXY/HTTP_PROXY and its own proxy settings
(`proxy_env`). A manager that ignored them would find no route at all: the proxy is the only way out.
Why our own few dozen lines rather than a proxy package: proxy.py (PyPI `proxy.py`) runs multi-process
acceptors with plugins in other processes, so recording targets and checking peer credentials would be
more glue than this; the whole policy is one allow-list.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import os
import re
import shutil
import socket
import struct
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

HOSTS_VARIABLE = "CERTIFIER_REGISTRY_HOSTS"
DEFAULT_REGISTRIES = ("https://registry.npmjs.org/", "https://registry.yarnpkg.com/")
NPMRC_REGISTRY = re.compile(r"^\s*(@[\w.-]+:)?registry\s*=\s*(\S+)")
RELAY_PORT = 3128  # inside the install's own network namespace: nothing else listens there
SOCKET_NAME = "proxy.sock"
HEAD_LIMIT = 16 * 1024
CONNECT_TIMEOUT_S = 30.0
IDLE_TIMEOUT_S = 300.0
CHUNK = 64 * 1024
MOST_RECORDED = 200  # distinct targets kept in the log (a hostile lockfile may name thousands)


def registry_hosts(environ: dict[str, str] | None = None) -> frozenset[tuple[str, int]]:
    """(host, port) pairs the install may reach. CERTIFIER_REGISTRY_HOSTS ("host[:port],...": a bare host
    allows ports 443 and 80) replaces the default: the registries of the npm configuration of the
    certifier's user (`registry`, `@scope:registry`), npm's and yarn's public registries, and
    COREPACK_NPM_REGISTRY (where corepack fetches yarn and pnpm)."""
    environ = os.environ if environ is None else environ
    given = environ.get(HOSTS_VARIABLE, "").strip()
    if given:
        return frozenset(pair for entry in given.split(",") if entry.strip() for pair in _host_entry(entry.strip()))
    urls = [*DEFAULT_REGISTRIES, *npm_registries(environ)]
    if environ.get("COREPACK_NPM_REGISTRY"):
        urls.append(environ["COREPACK_NPM_REGISTRY"])
    return frozenset(pair for url in urls if (pair := _url_host(url)))


def npm_registry() -> str:
    """The certifier user's npm registry (unscoped `registry`), else npm's public one."""
    unscoped = npm_registries(scoped=False)
    return unscoped[0] if unscoped else DEFAULT_REGISTRIES[0]


def npm_registries(environ=None, *, scoped: bool = True) -> list[str]:
    """The registry URLs of the certifier user's npm configuration (environment, ~/.npmrc, global npmrc)."""
    environ = os.environ if environ is None else environ
    found = [value for key, value in environ.items() if key.lower() == "npm_config_registry" and value]
    node = shutil.which("node")
    sources = [Path(environ.get("npm_config_userconfig") or Path.home() / ".npmrc"),
               Path(environ.get("npm_config_globalconfig") or "/etc/npmrc")]
    if node:
        sources.append(Path(os.path.realpath(node)).parents[1] / "etc" / "npmrc")
    for source in sources:
        try:
            lines = source.read_text(encoding="utf-8", errors="replace").splitlines()[:500]
        except OSError:
            continue
        found += [match.group(2).strip().strip('"') for line in lines
                  if (match := NPMRC_REGISTRY.match(line)) and (scoped or not match.group(1))]
    return found


def _host_entry(entry: str) -> list[tuple[str, int]]:
    parsed = urlsplit(entry if "://" in entry else f"//{entry}")
    try:
        port = parsed.port
    except ValueError as error:
        raise ValueError(f"{HOSTS_VARIABLE}: invalid entry {entry!r} ({error})") from None
    if not parsed.hostname:
        raise ValueError(f"{HOSTS_VARIABLE}: invalid entry {entry!r} (no host name)")
    host = parsed.hostname.lower()
    return [(host, port)] if port else [(host, 443), (host, 80)]


def _url_host(url: str) -> tuple[str, int] | None:
    try:
        parsed = urlsplit(url.strip())
        port = parsed.port or {"https": 443, "http": 80}.get(parsed.scheme)
    except ValueError:
        return None
    return (parsed.hostname.lower(), port) if parsed.hostname and port else None


def proxy_env(port: int = RELAY_PORT) -> dict[str, str]:
    """Settings that send npm, yarn (classic and 2+), pnpm, corepack and git through the relay."""
    url = f"http://127.0.0.1:{port}"
    env = {name: url for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy",
                                  "npm_config_proxy", "npm_config_https_proxy",
                                  "YARN_HTTP_PROXY", "YARN_HTTPS_PROXY")}
    env.update({"NO_PROXY": "", "no_proxy": "", "npm_config_noproxy": ""})
    return env


@dataclass
class EgressLog:
    """What the install asked the proxy for: target "host:port" -> connections, and refused -> why."""

    contacted: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # allowed, but the registry could not be reached
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, kind: str, target: str, detail: str = "") -> None:
        with self._lock:
            table = getattr(self, kind)
            if target in table or len(table) < MOST_RECORDED:
                table[target] = table.get(target, 0) + 1 if kind == "contacted" else detail

    def as_dict(self) -> dict:
        with self._lock:
            return {"contacted": dict(self.contacted), "refused": dict(self.refused), "failed": dict(self.failed)}


class Refused(Exception):
    """A request the proxy does not forward (the message is what the client is told)."""


class EgressProxy:
    """The allow-listing proxy on a unix socket, served from a thread of its own; use as a context manager."""

    def __init__(self, directory: Path, allowed: frozenset[tuple[str, int]], *, peer_uid: int,
                 owner: tuple[int, int] | None = None) -> None:
        self.directory = Path(directory)
        self.socket_path = self.directory / SOCKET_NAME
        self.allowed = allowed
        self.peer_uid = peer_uid
        self.owner = owner
        self.log = EgressLog()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()

    def __enter__(self) -> "EgressProxy":
        listener = self._listen()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(listener, ready), daemon=True,
                                        name="certifier-egress-proxy")
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *_exc) -> None:
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._shutdown)
            self._thread.join(10)
        if not self._loop.is_running():
            self._loop.close()
        try:
            self.socket_path.unlink()
        except OSError:
            pass

    # -- the socket ---------------------------------------------------------------------------------
    def _listen(self) -> socket.socket:
        """Bind the socket (through the directory's descriptor: a workspace path may be longer than a unix
        socket address allows), 0600 and handed to the sandbox uid, in its own 0700 directory."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        if self.socket_path.exists() or self.socket_path.is_symlink():
            self.socket_path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        folder = os.open(self.directory, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            listener.bind(f"/proc/self/fd/{folder}/{SOCKET_NAME}")
        finally:
            os.close(folder)
        os.chmod(self.socket_path, 0o600)
        if self.owner is not None:
            os.chown(self.socket_path, *self.owner)
            os.chown(self.directory, *self.owner)
        listener.listen(64)
        listener.setblocking(False)
        return listener

    def _serve(self, listener: socket.socket, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await asyncio.start_unix_server(self._accept, sock=listener, limit=HEAD_LIMIT)

        self._loop.run_until_complete(start())
        ready.set()
        self._loop.run_forever()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            self._loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))

    def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        self._loop.stop()

    # -- one connection -----------------------------------------------------------------------------
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            if _peer_uid(writer) != self.peer_uid:  # only the sandbox's own relay may use it
                return
            await self._handle(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                ValueError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT_S)
        try:
            request = parse_request(head)
            self._check(request.host, request.port)
        except Refused as refusal:
            await _answer(writer, 403 if "registry" in str(refusal) else 400, str(refusal))
            return
        target = f"{request.host}:{request.port}"
        try:
            upstream_reader, upstream_writer = await self._open(request)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                Refused) as error:
            self.log.record("failed", target, str(error)[:200] or type(error).__name__)
            await _answer(writer, 502, f"the package registry {target} could not be reached")
            return
        self.log.record("contacted", target)
        if request.method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await _pipe_both(reader, writer, upstream_reader, upstream_writer)

    def _check(self, host: str, port: int) -> None:
        if (host, port) not in self.allowed:
            self.log.record("refused", f"{host}:{port}", "not a package registry host")
            raise Refused(f"{host}:{port} is not a package registry host: the install may reach only the registry")

    async def _open(self, request: ProxyRequest):
        """A connection to the registry (through the host's own proxy when it has one), the request sent."""
        upstream = _upstream_proxy(request.scheme, request.host)
        if upstream is None:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(request.host, request.port, limit=CHUNK), CONNECT_TIMEOUT_S)
            if request.scheme == "http":
                writer.write(request.forwarded())
            return reader, writer
        parsed = urlsplit(upstream)
        authorization = _proxy_authorization(parsed)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parsed.hostname, parsed.port or 80, limit=CHUNK), CONNECT_TIMEOUT_S)
        if request.scheme == "http":
            writer.write(request.forwarded(authorization, absolute=True))
            return reader, writer
        address = f"{request.host}:{request.port}"
        writer.write(f"CONNECT {address} HTTP/1.1\r\nHost: {address}\r\n".encode() + authorization + b"\r\n")
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT_S)
        if answer.split(b" ", 2)[1:2] != [b"200"]:
            writer.close()
            raise Refused(f"the host's proxy answered {answer.splitlines()[0][:80].decode('latin-1')}")
        return reader, writer


@dataclass(frozen=True)
class ProxyRequest:
    method: str
    scheme: str  # https (CONNECT) | http (absolute-form request)
    host: str
    port: int
    target: str = ""  # the absolute URL of a plain http request
    version: str = "HTTP/1.1"
    headers: tuple[bytes, ...] = ()  # without Proxy-* and Connection

    def forwarded(self, authorization: bytes = b"", absolute: bool = False) -> bytes:
        """The plain http request as sent on: origin form to the registry, absolute form to a proxy."""
        parsed = urlsplit(self.target)
        path = self.target if absolute else (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
        first = f"{self.method} {path} {self.version}".encode("latin-1")
        extra = [authorization.rstrip(b"\r\n")] if authorization else []
        return b"\r\n".join([first, *self.headers, *extra, b"Connection: close", b"", b""])


def parse_request(head: bytes) -> ProxyRequest:
    """The request head a client sent the proxy; Refused when it is not a proxy request."""
    lines = head.split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise Refused("not an HTTP/1 proxy request")
    method, target, version = parts
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return ProxyRequest(method, "https", _host(host.strip("[]")), _port(port))
    parsed = urlsplit(target)
    if parsed.scheme != "http" or not parsed.hostname:
        raise Refused("only CONNECT and absolute http:// requests are forwarded")
    try:
        port = parsed.port or 80
    except ValueError:
        raise Refused("invalid port") from None
    headers = tuple(line for line in lines[1:] if line and not line.lower().startswith((b"proxy-", b"connection:")))
    return ProxyRequest(method, "http", _host(parsed.hostname), port, target, version, headers)


def _host(host: str) -> str:
    host = host.lower().rstrip(".")
    if not host or any(c.isspace() or c in "/@\\" for c in host):
        raise Refused("invalid host")
    try:
        return str(ipaddress.ip_address(host))  # one spelling per address (no decimal/zero-padded forms)
    except ValueError:
        return host


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise Refused("invalid port")
    return int(text)


def _upstream_proxy(scheme: str, host: str) -> str | None:
    """The certifier's own proxy for this scheme (environment variables), unless NO_PROXY exempts host."""
    proxies = urllib.request.getproxies_environment()
    url = proxies.get(scheme) or (proxies.get("http") if scheme == "https" else None)
    if not url or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return url if "://" in url else f"http://{url}"


def _proxy_authorization(parsed) -> bytes:
    if not parsed.username:
        return b""
    token = base64.b64encode(f"{unquote(parsed.username)}:{unquote(parsed.password or '')}".encode()).decode()
    return f"Proxy-Authorization: Basic {token}\r\n".encode()


def _peer_uid(writer: asyncio.StreamWriter) -> int | None:
    sock = writer.get_extra_info("socket")
    try:
        _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                              struct.calcsize("3i")))
    except (OSError, AttributeError, struct.error):
        return None
    return uid


async def _answer(writer: asyncio.StreamWriter, status: int, message: str) -> None:
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}[status]
    body = (message + "\n").encode("utf-8", errors="replace")
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n\r\n".encode() + body)
    await writer.drain()


async def _pipe_both(client_reader, client_writer, upstream_reader, upstream_writer) -> None:
    try:
        await asyncio.gather(_pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer))
    finally:
        upstream_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer) -> None:
    try:
        while True:
            data = await asyncio.wait_for(reader.read(CHUNK), IDLE_TIMEOUT_S)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        try:
            writer.write_eof()
        except (OSError, RuntimeError, AttributeError):
            pass
