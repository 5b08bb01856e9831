"""The install's network: the package registry only (issue 10).

The install (scripts disabled) runs in an empty network namespace; a relay inside it (socat, listening on
127.0.0.1:RELAY_PORT) hands each connection to certifier's allow-listing proxy through a unix socket in
the workspace (certifier.sandbox.egress). What the install reached and what was refused is kept on the
build (`InstallEgress`): a refused host is something of the connector that points outside the registry
(a lockfile `resolved` URL, a git or tarball dependency, a registry setting in its .npmrc or .yarnrc.yml).

Where that cannot be set up (no namespaces, no socat, CERTIFIER_INSTALL_EGRESS=0 for measurements), the
install keeps the host's network, as before, and the build says so (`mode` "host-network" and why).
Yarn 2+ plugins (`plugins:` of .yarnrc.yml, connector code) are taken out of the copy for the install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from certifier.collect.build.model import InstallEgress
from certifier.collect.build.yarnrc import without_yarn_plugins
from certifier.core.errors import CannotRun
from certifier.sandbox import egress
from certifier.sandbox.runner import ProcessResult, Workspace

SWITCH = "CERTIFIER_INSTALL_EGRESS"
EGRESS_DIR = ".egress"
RELAY_FAILED = "certifier-egress: the relay to the registry proxy did not start"
# inside the namespace: the relay (socat) listens, we wait until /proc/net/tcp shows it, then exec the install
RELAY_SCRIPT = f"""dir=$1; port=$2; shift 2
(cd "$dir" && exec socat TCP4-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:{egress.SOCKET_NAME}) &
hex=$(printf '%04X' "$port"); tries=0
until grep -q " 0100007F:$hex 00000000:0000 0A" /proc/net/tcp; do
  tries=$((tries + 1)); [ "$tries" -gt 500 ] && {{ echo "{RELAY_FAILED}" >&2; exit 125; }}
  sleep 0.01
done
exec "$@"
"""


class InstallChannel:
    """One install's network: the argv and environment to run it with, and what it reached afterwards."""

    def __init__(self, workspace: Workspace, directory: Path | None, reason: str) -> None:
        self.workspace = workspace
        self.directory = directory  # the proxy socket's folder, None with the host's network
        self.reason = reason
        self.allowed: frozenset[tuple[str, int]] = frozenset()
        self.proxy: egress.EgressProxy | None = None
        self.plugins_ignored: tuple[str, ...] = ()

    @property
    def host_network(self) -> bool:
        return self.proxy is None

    def argv(self, argv: list[str]) -> list[str]:
        if self.proxy is None:
            return argv
        return ["sh", "-c", RELAY_SCRIPT, "certifier-egress", str(self.directory), str(egress.RELAY_PORT), *argv]

    def env(self) -> dict[str, str]:
        return {} if self.proxy is None else egress.proxy_env(egress.RELAY_PORT)

    def facts(self, result: ProcessResult | None = None) -> InstallEgress:
        if self.proxy is None:
            return InstallEgress("host-network", self.reason, plugins_ignored=self.plugins_ignored)
        log = self.proxy.log.as_dict()
        relay_failed = result is not None and result.exit_code == 125 and RELAY_FAILED in result.stderr
        return InstallEgress("registry-proxy", RELAY_FAILED if relay_failed else "",
                             tuple(f"{host}:{port}" for host, port in sorted(self.allowed)),
                             log["contacted"], log["refused"], log["failed"], self.plugins_ignored,
                             relay_failed=relay_failed)

    def annotate(self, result: ProcessResult, shown: list[str]) -> ProcessResult:
        """The install's result as the report shows it: its own command (not the relay's wrapper), and the
        egress summary as the last line of its output."""
        summary = self.facts(result).summary()
        return replace(result, argv=tuple(shown), stderr=result.stderr + ("\n" if result.stderr else "") + summary)


@contextlib.contextmanager
def install_channel(workspace: Workspace, install_dir: Path, top: Path) -> Iterator[InstallChannel]:
    """The install's network for the duration of the `with`: the proxy runs, Yarn 2+ plugins are out of
    the copy (every .yarnrc.yml from `install_dir` up to `top`, the copy's root)."""
    reason = _host_network_reason(workspace)
    directory = workspace.root / EGRESS_DIR
    channel = InstallChannel(workspace, None if reason else directory, reason)
    with without_yarn_plugins(install_dir, top) as stripped:
        channel.plugins_ignored = tuple(str(path.relative_to(top)) for path in stripped)
        if reason:
            yield channel
            return
        try:
            channel.allowed = egress.registry_hosts()
        except ValueError as error:  # names the setting
            raise CannotRun(str(error)) from error
        owner = (workspace.uid, workspace.gid) if workspace.uid is not None else None
        peer = workspace.uid if workspace.uid is not None else os.getuid()
        proxy = egress.EgressProxy(directory, channel.allowed, peer_uid=peer, owner=owner)
        try:
            proxy.__enter__()
        except OSError as error:  # never fall back to the host's network silently
            raise CannotRun(f"could not start the install's proxy to the package registry: {error}") from error
        try:
            channel.proxy = proxy
            yield channel
        finally:
            proxy.__exit__(None, None, None)
            shutil.rmtree(directory, ignore_errors=True)


def _host_network_reason(workspace: Workspace) -> str:
    """Why the install keeps the host's network ('' when it gets the registry proxy)."""
    if os.environ.get(SWITCH, "1") == "0":
        return f"{SWITCH}=0"
    if not workspace.namespaced():
        return "no network namespace on this machine (bubblewrap unavailable or turned off)"
    if shutil.which("socat", path="/usr/bin:/bin:/usr/local/bin") is None:
        return "socat (the relay to the registry proxy) is not installed"
    return ""
