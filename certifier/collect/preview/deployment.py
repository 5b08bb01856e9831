"""One local preview deployment per run, shared by every probe check (ctx.session.memo).

Order matters and is fixed here: the preview's network (a private namespace where the machine allows,
certifier.collect.preview.network) -> emulator up and seeded -> apps started -> per app postDeploy twice
(idempotency) -> probes (functional first, robustness last, because a bad request may crash an app) ->
preUndeploy -> apps stopped. The emulator, the apps and their scripts all run on that network; the
certifier reaches them through its relay. The checks then judge what was recorded; nothing is sent twice.
"""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.errors import CannotRun
from certifier.connector.model import App
from certifier.collect.preview.appenv import AppEnv, Credentials, app_environment
from certifier.collect.preview.builds import BuildInfo, build_of
from certifier.collect.preview.emulator import Emulator, EmulatorError, emulator_version, start_emulator
from certifier.collect.preview.launcher import RunningApp, Startup, install_preload, preload_env, start_app
from certifier.collect.preview.lifecycle import Resource, Snapshot, created, duplicated, snapshot, tracked
from certifier.collect.preview.network import NetworkError, open_network
from certifier.collect.preview.probes.problems import Exposure, ProbeRun
from certifier.collect.preview.probes.run import probe_app
from certifier.collect.preview.probes.target import Target, extension_from_api, subscription_from_api
from certifier.collect.preview.scripts import ScriptRun, connect_variables, run_script, topic_name

MEMO_KEY = "preview-deployment"


@dataclass
class AppPreview:
    app: App
    build: BuildInfo | None = None
    skipped: str | None = None  # the app could not be deployed because of an earlier failure
    env: AppEnv = field(default_factory=AppEnv)
    startup: Startup | None = None
    running: RunningApp | None = None
    target: Target | None = None
    postdeploy: list[ScriptRun] = field(default_factory=list)
    preundeploy: ScriptRun | None = None
    created: list[Resource] = field(default_factory=list)  # by the first postDeploy
    duplicates: list[Resource] = field(default_factory=list)  # created again by the second postDeploy
    replacements: list[Resource] = field(default_factory=list)  # deleted and created again by the second run
    leftover: list[Resource] = field(default_factory=list)  # still there after preUndeploy
    probes: dict[str, ProbeRun] = field(default_factory=dict)


@dataclass
class PreviewDeployment:
    mode: str  # local | remote
    apps: dict[str, AppPreview] = field(default_factory=dict)
    error: str | None = None  # the deployment itself could not be made (environment problem)
    info: dict[str, Any] = field(default_factory=dict)

    def app(self, name: str) -> AppPreview:
        if self.error:
            raise CannotRun(f"no preview deployment: {self.error}")
        if name not in self.apps:
            raise CannotRun(f"app {name} is not part of the preview deployment")
        return self.apps[name]


def preview_deployment(ctx: Any) -> PreviewDeployment:
    """The run's preview: remote when a Deployment descriptor was given, else local (made once)."""
    if ctx.options.deployment is not None:
        from certifier.collect.preview.remote import remote_deployment

        return ctx.session.memo(MEMO_KEY, lambda: remote_deployment(ctx))
    return ctx.session.memo(MEMO_KEY, lambda: deploy_local(ctx))


def deploy_local(ctx: Any) -> PreviewDeployment:
    from certifier.sandbox import runner

    clock = time.monotonic()
    deployment = PreviewDeployment("local")
    apps = [app for app in ctx.connector.apps if app.type in HTTP_APP_TYPES or app.scripts]
    if not apps:
        return deployment
    for app in apps:
        preview = deployment.apps[app.name] = AppPreview(app)
        preview.build = build_of(ctx, app)
        if not preview.build.ok or preview.build.workspace is None:
            preview.skipped = f"build failed: see build.* ({preview.build.reason})"
    root = ctx.session.workspace / "preview"
    try:
        network = open_network(root / "network")
    except NetworkError as error:  # never the host's network instead: that is what it keeps them from
        deployment.error = str(error)
        return deployment
    ctx.session.on_close("preview-network", network.close)  # closed last: clean-ups run newest first
    try:
        emulator = start_emulator(runner.Workspace(root / "emulator"), network=network)
    except (EmulatorError, runner.SandboxError) as error:
        deployment.error = str(error)
        return deployment
    ctx.session.on_close("preview-emulator", emulator.stop)
    deployment.info = {"network": network.mode, "emulator": emulator_version(),
                       "emulator_install_s": emulator.install.duration_s,
                       "emulator_installed_now": emulator.install.cold, "emulator_start_s": emulator.start_s}
    _deploy_apps(ctx, deployment, emulator)
    deployment.info["total_s"] = round(time.monotonic() - clock, 3)
    return deployment


def _deploy_apps(ctx: Any, deployment: PreviewDeployment, emulator: Emulator) -> None:
    creds = Credentials(emulator.project_key, emulator.client_id, emulator.client_secret)
    run_key = secrets.token_bytes(32)
    ready = [p for p in deployment.apps.values() if not p.skipped]
    for preview in ready:
        preview.env = app_environment(ctx.connector, preview.app, creds, run_key)
    with ThreadPoolExecutor(max_workers=4) as pool:  # apps start concurrently: each waits for its port
        list(pool.map(lambda p: _start(ctx, p, emulator), [p for p in ready if p.app.type in HTTP_APP_TYPES]))
    timings: dict[str, float] = {}
    stamp = time.monotonic()
    api = emulator.api()
    for preview in ready:
        _post_deploy(preview, emulator, api)
    timings["postdeploy_s"] = round(time.monotonic() - stamp, 3)
    stamp = time.monotonic()
    for preview in ready:
        if preview.running:
            preview.target = _target(preview, emulator, api)
            preview.probes = probe_app(preview.target)
    timings["probes_s"] = round(time.monotonic() - stamp, 3)
    stamp = time.monotonic()
    for preview in ready:
        _pre_undeploy(preview, emulator, api)
        if preview.running:
            preview.running.stop()
    timings["preundeploy_s"] = round(time.monotonic() - stamp, 3)
    deployment.info.update(timings)


def _start(ctx: Any, preview: AppPreview, emulator: Emulator) -> None:
    build = preview.build
    health = (preview.app.raw.get("healthCheck") or {}).get("path") if isinstance(preview.app.raw, dict) else None
    preload = install_preload(build.workspace.root)
    env = {**preview.env.values, **preload_env(preload, emulator.url)}
    started = start_app(build.app_dir, build.workspace, env, health_path=_path(health) if health else None,
                        secrets=_secrets(preview, emulator), network=emulator.network)
    if isinstance(started, Startup):
        preview.startup = started
        return
    preview.running, preview.startup = started, started.startup
    ctx.session.on_close(f"preview-app-{preview.app.name}", started.stop)


def _script_env(preview: AppPreview, emulator: Emulator) -> dict[str, str]:
    preload = install_preload(preview.build.workspace.root)
    service_url = _service_url(preview)
    return {**preview.env.values, **preload_env(preload, emulator.url),
            **connect_variables(preview.app.type, preview.app.name, service_url)}


def _post_deploy(preview: AppPreview, emulator: Emulator, api: Any) -> None:
    command = preview.app.scripts.get("postDeploy")
    if not command:
        return
    env, hidden = _script_env(preview, emulator), _secrets(preview, emulator)
    before = snapshot(api)
    preview.postdeploy.append(run_script("postDeploy", 1, command, preview.build.app_dir,
                                         preview.build.workspace, env, hidden, emulator.network))
    after_first = snapshot(api)
    preview.created = created(before, after_first)
    preview.postdeploy.append(run_script("postDeploy", 2, command, preview.build.app_dir,
                                         preview.build.workspace, env, hidden, emulator.network))
    after_second = snapshot(api)
    preview.duplicates = duplicated(preview.created, after_first, after_second)
    preview.replacements = [r for r in created(after_first, after_second) if r not in preview.duplicates]


def _pre_undeploy(preview: AppPreview, emulator: Emulator, api: Any) -> None:
    command = preview.app.scripts.get("preUndeploy")
    if command:
        preview.preundeploy = run_script("preUndeploy", 1, command, preview.build.app_dir, preview.build.workspace,
                                         _script_env(preview, emulator), _secrets(preview, emulator),
                                         emulator.network)
    remaining: Snapshot = snapshot(api)
    preview.leftover = [r for r in tracked(_registered(preview)) if r.id in remaining]


def _target(preview: AppPreview, emulator: Emulator, api: Any) -> Target:
    current = snapshot(api)
    mine = {r.id for r in _registered(preview)}
    extensions = [extension_from_api(r.raw) for r in current.values() if r.kind == "extensions"
                  and (r.id in mine or _points_at(r, preview))]
    subscriptions = [subscription_from_api(r.raw) for r in current.values() if r.kind == "subscriptions"
                     and (r.id in mine or (r.raw.get("destination") or {}).get("topic") == topic_name(preview.app.name))]
    exposure = Exposure(secrets={**preview.env.secrets, "emulator client secret": emulator.client_secret},
                        internal_paths=(str(preview.build.app_dir), str(preview.build.workspace.root)))
    return Target(preview.app.name, preview.app.type, _service_url(preview), health_path=None,
                  extensions=extensions if preview.app.type == "service" else [],
                  subscriptions=subscriptions if preview.app.type == "event" else [],
                  secured_values=tuple(preview.env.secrets.values()), exposure=exposure, data=emulator.data,
                  project_key=emulator.project_key, alive=preview.running.alive, connect=emulator.network.connect)


def _registered(preview: AppPreview) -> list[Resource]:
    return preview.created + preview.duplicates + preview.replacements


def _points_at(resource: Resource, preview: AppPreview) -> bool:
    url = str((resource.raw.get("destination") or {}).get("url") or "")
    return bool(preview.running) and url.startswith(preview.running.base_url + "/")


def _service_url(preview: AppPreview) -> str | None:
    if not preview.running:
        return f"http://127.0.0.1:9{_path(preview.app.endpoint or '/')}"  # the app is down: nothing answers
    return preview.running.base_url + _path(preview.app.endpoint or "/")


def _path(endpoint: str) -> str:
    return endpoint if endpoint.startswith("/") else "/" + endpoint


def _secrets(preview: AppPreview, emulator: Emulator) -> tuple[str, ...]:
    return (*preview.env.secrets.values(), emulator.client_secret)
