"""Start one HTTP app of a local preview: its start command on a free loopback port of the preview's
network (certifier.collect.preview.network), with its configuration as environment variables and the
emulator redirect preloaded; wait until it is ready (reached through that network's relay)."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certifier.collect.preview.network import PreviewNetwork
from certifier.collect.preview.ports import wait_until

PRELOAD = Path(__file__).resolve().parent / "preload" / "redirect.cjs"
READY_BUDGET_S = 60.0
APP_WALL_S = 3 * 3600.0


@dataclass
class Startup:
    ready: bool
    duration_s: float
    command: tuple[str, ...]
    port: int | None = None
    reason: str = ""  # why it is not ready
    health: dict[str, Any] | None = None  # {"path", "status"} when a healthCheck is declared
    output_tail: str = ""
    network: str = ""  # private (a namespace of the preview's own) | host

    def evidence(self) -> dict[str, Any]:
        record = {"ready": self.ready, "startup_s": round(self.duration_s, 3), "command": " ".join(self.command),
                  "port": self.port}
        if self.network:
            record["network"] = self.network
        if self.reason:
            record["reason"] = self.reason
        if self.health:
            record["health"] = self.health
        if self.output_tail:
            record["output_tail"] = self.output_tail
        return record


@dataclass
class RunningApp:
    process: Any  # runner.RunningProcess
    port: int
    startup: Startup
    network: PreviewNetwork = field(default_factory=PreviewNetwork)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """Its address on the preview's network (what the emulator and scripts see)."""
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return bool(self.process.alive()) and self.network.accepts(self.port)

    def stop(self) -> str:
        result = self.process.stop(grace_s=3)
        return result.log_tail(3000) if result is not None else ""


def start_command(app_dir: Path) -> tuple[str, ...] | None:
    """`npm start` (or `yarn start` for a Yarn-only app) when package.json has a start script, else the
    Procfile's `web:` line; None when the app has neither."""
    package = _package_json(app_dir)
    if isinstance(package.get("scripts"), dict) and isinstance(package["scripts"].get("start"), str):
        yarn_only = (app_dir / "yarn.lock").is_file() and not (app_dir / "package-lock.json").is_file()
        return ("yarn", "start") if yarn_only and shutil.which("yarn") else ("npm", "start")
    procfile = app_dir / "Procfile"
    if procfile.is_file() and not procfile.is_symlink():
        for line in procfile.read_text(errors="replace")[:10_000].splitlines():
            kind, _, command = line.partition(":")
            if kind.strip() == "web" and command.strip():
                return ("sh", "-c", command.strip())
    return None


def preload_env(preload: Path, emulator_url: str) -> dict[str, str]:
    return {"NODE_OPTIONS": f"--require {preload}", "CT_EMULATOR_URL": emulator_url}


def install_preload(root: Path) -> Path:
    """A read-only copy of the preload where the sandbox user can read it."""
    target = root / "certifier-preload" / "redirect.cjs"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PRELOAD, target)
    target.parent.chmod(0o755)
    target.chmod(0o644)
    return target


def start_app(app_dir: Path, workspace: Any, env: dict[str, str], *, health_path: str | None,
              secrets: tuple[str, ...], budget_s: float = READY_BUDGET_S,
              network: PreviewNetwork | None = None) -> RunningApp | Startup:
    """The running app, or the Startup that says why it could not be started or never became ready."""
    from certifier.sandbox import runner

    network = network or PreviewNetwork()
    command = start_command(app_dir)
    if command is None:
        return Startup(False, 0.0, (), reason="no start script in package.json and no Procfile web: line",
                       network=network.mode)
    port = network.port()
    started = time.monotonic()
    process = runner.start(list(command), cwd=app_dir, workspace=workspace, env={**env, "PORT": str(port)},
                           limits=runner.Limits(wall_s=APP_WALL_S), redact=secrets, **network.runner_options())
    listening = wait_until(lambda: network.accepts(port), timeout_s=budget_s, give_up=lambda: not process.alive())
    startup = Startup(listening, time.monotonic() - started, command, port, network=network.mode)
    if listening and health_path:
        remaining = max(1.0, budget_s - startup.duration_s)
        startup.health = _wait_healthy(network, port, health_path, remaining)
        startup.ready = startup.health.get("status") is not None and 200 <= startup.health["status"] < 300
        startup.duration_s = time.monotonic() - started
        if not startup.ready:
            startup.reason = f"health check GET {health_path} did not answer 2xx within {remaining:.0f} s"
    if not listening:
        startup.reason = (f"the app exited before listening on PORT={port}" if not process.alive()
                          else f"nothing listened on PORT={port} within {budget_s:g} s")
    if not startup.ready:
        startup.output_tail = process.stop(grace_s=2).log_tail(3000)
        return startup
    return RunningApp(process, port, startup, network)


def _wait_healthy(network: PreviewNetwork, port: int, path: str, budget_s: float) -> dict[str, Any]:
    state: dict[str, Any] = {"path": path, "status": None}
    opener = network.opener()

    def healthy() -> bool:
        try:
            with opener.open(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
                state["status"] = answer.status
        except urllib.error.HTTPError as error:
            state["status"] = error.code
        except (urllib.error.URLError, OSError) as error:
            state["status"], state["error"] = None, str(error)[:200]
        return state["status"] is not None and 200 <= state["status"] < 300

    wait_until(healthy, timeout_s=budget_s, interval_s=0.25)
    return state


def _package_json(app_dir: Path) -> dict[str, Any]:
    path = app_dir / "package.json"
    try:
        if path.is_symlink() or path.stat().st_size > 1_000_000:
            return {}
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
